package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/bcrypt"

	"github.com/crumbless/crumbless/internal/testenv/pgtest"
	"github.com/crumbless/crumbless/server/storage"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

func TestAgentAdd(t *testing.T) {
	data := t.TempDir()
	pgURL := pgtest.Database(t)
	cases := []struct {
		name  string
		args  []string
		stdin string
		err   string
	}{
		{"adds", []string{"add", "-data", data, "ana"}, "correct horse\n", ""},
		{"exists", []string{"add", "-data", data, "ana"}, "correct horse\n", "exists already"},
		{"no trailing newline", []string{"add", "-data", data, "bob"}, "battery staple", ""},
		{"short password", []string{"add", "-data", data, "cy"}, "short\n", "8-72 bytes"},
		{"bad name", []string{"add", "-data", data, "no spaces"}, "correct horse\n", "agent name"},
		{"no name", []string{"add", "-data", data}, "x\n", "usage"},
		{"unknown verb", []string{"remove", "ana"}, "", "usage"},
		{"postgres", []string{"add", "-data", data, "-db", pgURL, "dee"}, "correct horse\n", ""},
		{"postgres, name taken", []string{"add", "-data", data, "-db", pgURL, "dee"}, "correct horse\n", "exists already"},
		{"postgres unreachable", []string{"add", "-db", "postgres://ana:s3cret-pw@127.0.0.1:1/x?connect_timeout=2", "dee"}, "correct horse\n", "postgres://ana:xxxxx@127.0.0.1:1/x"},
		{"bad db", []string{"add", "-data", data, "-db", "mysql", "dee"}, "correct horse\n", "neither sqlite"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out bytes.Buffer
			err := run(append([]string{"agent"}, c.args...), strings.NewReader(c.stdin), &out, io.Discard)
			if c.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), c.err)
				assert.NotContains(t, err.Error(), "s3cret-pw", "a password never shows in an error")
				return
			}
			require.NoError(t, err)
			assert.Contains(t, out.String(), "added")
		})
	}
	st, err := storage.OpenSQLite(context.Background(), filepath.Join(data, "crumbless.db"))
	require.NoError(t, err)
	defer st.Close()
	a, err := st.AgentByName(context.Background(), "ana")
	require.NoError(t, err)
	assert.NotContains(t, a.PasswordHash, "correct horse")
	assert.NoError(t, bcrypt.CompareHashAndPassword([]byte(a.PasswordHash), []byte("correct horse")))
	cost, err := bcrypt.Cost([]byte(a.PasswordHash))
	require.NoError(t, err)
	assert.Equal(t, 12, cost)
	b, err := st.AgentByName(context.Background(), "bob")
	require.NoError(t, err)
	assert.NoError(t, bcrypt.CompareHashAndPassword([]byte(b.PasswordHash), []byte("battery staple")))
	_, err = st.AgentByName(context.Background(), "dee")
	assert.ErrorIs(t, err, storage.ErrNotFound, "dee went to PostgreSQL, not to the SQLite file")

	pg, err := storage.OpenPostgres(context.Background(), pgURL)
	require.NoError(t, err)
	defer pg.Close()
	d, err := pg.AgentByName(context.Background(), "dee")
	require.NoError(t, err)
	assert.NoError(t, bcrypt.CompareHashAndPassword([]byte(d.PasswordHash), []byte("correct horse")))
}
