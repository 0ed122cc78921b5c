package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/bcrypt"

	"github.com/crumbless/crumbless/server/storage"
)

func TestAgentAdd(t *testing.T) {
	data := t.TempDir()
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
		{"postgres not yet", []string{"add", "-data", data, "-db", "postgres://x", "dee"}, "correct horse\n", "PostgreSQL is not supported yet"},
		{"bad db", []string{"add", "-data", data, "-db", "mysql", "dee"}, "correct horse\n", "neither sqlite"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out bytes.Buffer
			err := runAgent(c.args, strings.NewReader(c.stdin), &out)
			if c.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), c.err)
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
}

func TestWithChatRoutes(t *testing.T) {
	data := t.TempDir()
	c, st, err := openChat(context.Background(), "sqlite", data, "", nil)
	require.NoError(t, err)
	defer st.Close()
	defer c.Close()
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(299) })
	h := withChat(next, c)
	for path, want := range map[string]int{
		"/api/v1/answers?q=cafe": 200,
		"/api/v1/forms/contact":  200,
		"/agent/":                200,
		"/":                      299,
		"/crumbless.js":          299,
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		assert.Equal(t, want, rec.Code, path)
	}
	assert.FileExists(t, filepath.Join(data, "crumbless.db"))
}
