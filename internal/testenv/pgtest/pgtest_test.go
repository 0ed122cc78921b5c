package pgtest

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMain(m *testing.M) { os.Exit(Main(m)) }

// TestStartStop starts a cluster of its own, makes and drops a database
// on it, and stops it: the folder is gone afterwards.
func TestStartStop(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	dir, err := os.MkdirTemp("", "pgtest-")
	require.NoError(t, err)
	c, err := Start(ctx, Options{Dir: dir})
	require.NoError(t, err)
	stopped := false
	defer func() {
		if !stopped {
			c.Stop()
		}
	}()

	u, drop, err := CreateDatabase(ctx, c.URL("postgres"))
	require.NoError(t, err)
	conn, err := pgx.Connect(ctx, u)
	require.NoError(t, err)
	var listen string
	require.NoError(t, conn.QueryRow(ctx, `SHOW listen_addresses`).Scan(&listen))
	assert.Equal(t, "127.0.0.1", listen, "loopback only")
	var fsync string
	require.NoError(t, conn.QueryRow(ctx, `SHOW fsync`).Scan(&fsync))
	assert.Equal(t, "off", fsync, "tests run without fsync")
	conn.Close(ctx)
	require.NoError(t, drop())
	_, err = pgx.Connect(ctx, u)
	assert.Error(t, err, "the database is dropped")

	require.NoError(t, c.Stop())
	stopped = true
	assert.NoDirExists(t, dir)
}

// TestStartInsidePrivateFolder: a checkout inside a folder only its owner
// may enter (os.MkdirTemp makes them 0700) still gets a cluster, run as
// root by user postgres, who cannot enter there; stopping it leaves no
// folder behind.
func TestStartInsidePrivateFolder(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	private, err := os.MkdirTemp("", "pgtest-private-")
	require.NoError(t, err)
	defer os.RemoveAll(private)
	c, err := Start(ctx, Options{Dir: filepath.Join(private, "checkout", "build", "pg")})
	require.NoError(t, err)
	conn, err := pgx.Connect(ctx, c.URL("postgres"))
	require.NoError(t, err)
	require.NoError(t, conn.Ping(ctx))
	conn.Close(ctx)
	require.NoError(t, c.Stop())
	assert.NoDirExists(t, c.dir)
	assert.NoDirExists(t, filepath.Join(private, "checkout", "build", "pg"))
}

// TestStartFailsWithTheReason: a cluster that cannot be made is an error
// that says why (the tests that need it fail with it; nothing is skipped).
func TestStartFailsWithTheReason(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(file, nil, 0o600))
	_, err := Start(context.Background(), Options{Dir: filepath.Join(file, "cluster")})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "postgres folder")
	assert.Contains(t, err.Error(), "not a directory")
}

// TestDatabaseIsFreshPerTest: two calls give two empty databases.
func TestDatabaseIsFreshPerTest(t *testing.T) {
	ctx := context.Background()
	a, b := Database(t), Database(t)
	assert.NotEqual(t, a, b)
	for _, u := range []string{a, b} {
		conn, err := pgx.Connect(ctx, u)
		require.NoError(t, err)
		var n int
		require.NoError(t, conn.QueryRow(ctx, `SELECT count(*) FROM pg_tables WHERE schemaname = 'public'`).Scan(&n))
		assert.Zero(t, n, "no tables")
		conn.Close(ctx)
	}
}
