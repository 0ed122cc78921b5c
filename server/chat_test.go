package server

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crumbless/crumbless/server/chat"
)

// TestChatMounted checks the chat backend behind the server's handler: its
// routes, the -origins CORS policy in front of the visitor API, same-origin
// calls from the server's own pages, and no cookie anywhere.
func TestChatMounted(t *testing.T) {
	data := t.TempDir()
	c, st, err := openChat(context.Background(), "sqlite", data, nil)
	require.NoError(t, err)
	defer st.Close()
	defer c.Close()
	allowed, err := parseOrigins([]string{"https://shop.example"})
	require.NoError(t, err)
	h := newHandler(testTable(t), allowed, c.Mount)
	cases := []struct {
		name, method, path, origin string
		want                       int
		acao                       string
	}{
		{"answers", "GET", "/api/v1/answers?q=cafe", "", 200, ""},
		{"form", "GET", "/api/v1/forms/contact", "", 200, ""},
		{"console page", "GET", "/agent/", "", 200, ""},
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
