package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

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
		{"unknown verb", []string{"rename", "ana"}, "", "usage"},
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

// TestAgentAccounts: list, passwd, logout-all and remove, each of which
// but list ends the agent's sessions at once.
func TestAgentAccounts(t *testing.T) {
	data := t.TempDir()
	agent := func(stdin string, args ...string) (string, error) {
		var out bytes.Buffer
		err := run(append([]string{"agent"}, args...), strings.NewReader(stdin), &out, io.Discard)
		return out.String(), err
	}
	out, err := agent("", "list", "-data", data)
	require.NoError(t, err)
	assert.Contains(t, out, "no agents")
	for _, name := range []string{"ana", "bob"} {
		_, err := agent("correct horse\n", "add", "-data", data, name)
		require.NoError(t, err)
	}
	ctx := context.Background()
	st, err := storage.OpenSQLite(ctx, filepath.Join(data, "crumbless.db"))
	require.NoError(t, err)
	defer st.Close()
	ana, err := st.AgentByName(ctx, "ana")
	require.NoError(t, err)
	far := time.Now().Add(time.Hour).UnixMilli()
	session := func(tok string) {
		t.Helper()
		require.NoError(t, st.CreateSession(ctx, []byte(tok), ana.ID, time.Now().UnixMilli(), far))
	}
	open := func(tok string) bool {
		_, err := st.SessionAgent(ctx, []byte(tok), time.Now().UnixMilli())
		return err == nil
	}
	session("s1")
	session("s2")
	out, err = agent("", "list", "-data", data)
	require.NoError(t, err)
	assert.Regexp(t, `(?m)^ana\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+2$`, out)
	assert.Regexp(t, `(?m)^bob\s+.*\s0$`, out)

	cases := []struct {
		name    string
		stdin   string
		args    []string
		want    string // in the output, or in the error when err
		err     bool
		endsAll bool
	}{
		{"logout-all", "", []string{"logout-all", "-data", data, "ana"}, `agent "ana": 3 sessions ended`, false, true},
		{"logout-all unknown", "", []string{"logout-all", "-data", data, "cy"}, `no agent "cy"`, true, false},
		{"passwd short", "short\n", []string{"passwd", "-data", data, "ana"}, "8-72 bytes", true, false},
		{"passwd", "battery staple\n", []string{"passwd", "-data", data, "ana"}, "password of agent \"ana\" changed", false, true},
		{"passwd unknown", "battery staple\n", []string{"passwd", "-data", data, "cy"}, `no agent "cy"`, true, false},
		{"remove", "", []string{"remove", "-data", data, "ana"}, `agent "ana" removed`, false, true},
		{"remove again", "", []string{"remove", "-data", data, "ana"}, `no agent "ana"`, true, false},
		{"remove needs a name", "", []string{"remove", "-data", data}, "usage", true, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.endsAll {
				session("t-" + c.name)
			}
			out, err := agent(c.stdin, c.args...)
			if c.err {
				require.Error(t, err)
				assert.Contains(t, err.Error(), c.want)
				return
			}
			require.NoError(t, err)
			assert.Contains(t, out, c.want)
			assert.False(t, open("t-"+c.name), "the session ended")
		})
	}
	b, err := st.AgentByName(ctx, "bob")
	require.NoError(t, err)
	assert.NoError(t, bcrypt.CompareHashAndPassword([]byte(b.PasswordHash), []byte("correct horse")), "bob untouched")
	_, err = st.AgentByName(ctx, "ana")
	assert.ErrorIs(t, err, storage.ErrNotFound)
}

func TestAgentEmail(t *testing.T) {
	data := t.TempDir()
	agent := func(stdin string, args ...string) (string, error) {
		var out bytes.Buffer
		err := run(append([]string{"agent"}, args...), strings.NewReader(stdin), &out, io.Discard)
		return out.String(), err
	}
	_, err := agent("correct horse\n", "add", "-data", data, "-email", "not an address", "ana")
	require.Error(t, err)
	_, err = agent("correct horse\n", "add", "-data", data, "-email", "ana@example.com", "ana")
	require.NoError(t, err)
	_, err = agent("correct horse\n", "add", "-data", data, "bob")
	require.NoError(t, err)

	cases := []struct {
		name string
		args []string
		want string // in the list's line of the agent
		err  bool
	}{
		{"added with an address", nil, "ana@example.com", false},
		{"set", []string{"email", "-data", data, "bob", "bob@example.com"}, "bob@example.com", false},
		{"mail off", []string{"email", "-data", data, "-mail=false", "bob", "bob@example.com"}, "bob@example.com (off)", false},
		{"cleared", []string{"email", "-data", data, "bob"}, "", false},
		{"bad address", []string{"email", "-data", data, "bob", "x"}, "", true},
		{"no such agent", []string{"email", "-data", data, "cy", "cy@example.com"}, "", true},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			if tt.args != nil {
				_, err := agent("", tt.args...)
				if tt.err {
					require.Error(t, err)
					return
				}
				require.NoError(t, err)
			}
			out, err := agent("", "list", "-data", data)
			require.NoError(t, err)
			name := "ana"
			if tt.args != nil {
				name = "bob"
			}
			var mail string
			for _, line := range strings.Split(out, "\n") {
				if f := strings.Fields(line); len(f) >= 4 && f[0] == name {
					mail = strings.Join(f[4:], " ") // after name, date, time, sessions
				}
			}
			assert.Equal(t, tt.want, mail)
		})
	}
}
