package storage

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func open(t *testing.T) (*SQLite, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "test.db")
	s, err := OpenSQLite(context.Background(), path)
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return s, path
}

func TestOpenPragmasAndMigrations(t *testing.T) {
	ctx := context.Background()
	s, path := open(t)
	for _, c := range []struct{ pragma, want string }{
		{"journal_mode", "wal"}, {"foreign_keys", "1"}, {"synchronous", "2"}, {"busy_timeout", "5000"}, {"secure_delete", "1"},
	} {
		t.Run(c.pragma, func(t *testing.T) {
			var got string
			require.NoError(t, s.db.QueryRowContext(ctx, "PRAGMA "+c.pragma).Scan(&got))
			assert.Equal(t, c.want, got)
		})
	}
	assert.Equal(t, MaxSQLiteConns, s.db.Stats().MaxOpenConnections, "a bounded pool")
	_, latest := shippedMigrations(t, "migrations/sqlite")
	v, err := s.Version(ctx)
	require.NoError(t, err)
	assert.Equal(t, latest, v)
	require.NoError(t, s.Close())

	again, err := OpenSQLite(ctx, path) // migrations are not applied twice
	require.NoError(t, err)
	defer again.Close()
	v, err = again.Version(ctx)
	require.NoError(t, err)
	assert.Equal(t, latest, v)
}

func TestOpenBadPath(t *testing.T) {
	_, err := OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "missing", "dir", "x.db"))
	assert.Error(t, err)
}
