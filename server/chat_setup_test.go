package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/bcrypt"

	"github.com/crumbless/crumbless/internal/pgtest"
	"github.com/crumbless/crumbless/server/chat"
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
			err := runAgent(c.args, strings.NewReader(c.stdin), &out)
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

// TestChatMounted checks the chat backend behind the server's handler: its
// routes, the -origins CORS policy in front of the visitor API, same-origin
// calls from the server's own pages, and no cookie anywhere.
func TestChatMounted(t *testing.T) {
	data := t.TempDir()
	c, st, err := openChat(context.Background(), "sqlite", data, nil)
	require.NoError(t, err)
	defer st.Close()
	defer c.Close()
	allowed, err := parseOrigins("https://shop.example")
	require.NoError(t, err)
	h := newHandler(testTable(t), allowed, c.Mount)
	cases := []struct {
		name, method, path, origin string
		want                       int
		acao                       string
	}{
		{"answers", "GET", "/api/v1/answers?q=cafe", "", 200, ""},
		{"form", "GET", "/api/v1/forms/contact", "", 200, ""},
		{"inbox page", "GET", "/agent/", "", 200, ""},
		{"inbox script", "GET", "/agent/inbox.js", "", 200, ""},
		{"bundle still served", "GET", "/", "", 200, ""},
		{"unknown API route is JSON 404", "GET", "/api/v1/nope", "", 404, ""},
		{"same-origin POST (demo page)", "POST", "/api/v1/conversations", "http://example.com", 201, ""},
		{"listed origin", "POST", "/api/v1/conversations", "https://shop.example", 201, "https://shop.example"},
		{"other origin refused", "POST", "/api/v1/conversations", "https://evil.example", 403, ""},
		{"agent API not for listed origins", "POST", "/api/v1/agent/sessions", "https://shop.example", 403, "https://shop.example"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(tc.method, tc.path, nil)
			if tc.origin != "" {
				r.Header.Set("Origin", tc.origin)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)
			require.Equal(t, tc.want, rec.Code, rec.Body.String())
			assert.Equal(t, tc.acao, rec.Header().Get("Access-Control-Allow-Origin"))
			assert.Empty(t, rec.Header().Values("Set-Cookie"))
			if rec.Code >= 400 && strings.HasPrefix(tc.path, "/api/") {
				var e map[string]string
				require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &e), "API errors are JSON: %s", rec.Body)
				assert.NotEmpty(t, e["error"])
				assert.NotEmpty(t, e["code"])
			}
		})
	}
	assert.FileExists(t, filepath.Join(data, "crumbless.db"))
	key, err := os.Stat(filepath.Join(data, "network.key")) // the network bans' secret, made on first start
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), key.Mode().Perm())
	assert.EqualValues(t, chat.NetworkKeySize, key.Size())
}
