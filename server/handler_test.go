package server

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crumbless/crumbless/server/assets"
)

func testTable(t *testing.T) *assets.Table { return testTableB(t) }

func testTableB(t testing.TB) *assets.Table {
	t.Helper()
	table, err := assets.Load(testFiles())
	require.NoError(t, err)
	return table
}

// testFiles are the widget's files in small: a demo page and a loader.
func testFiles() fstest.MapFS {
	return fstest.MapFS{
		"manifest.json": {Data: []byte(`{"version":"t","files":[{"name":"index.html","path":"index.html"},{"name":"console.html","path":"console.html"},{"name":"crumbless.js","path":"crumbless.js"}]}`)},
		"index.html":    {Data: []byte("<!doctype html>demo")},
		"console.html":  {Data: []byte("<!doctype html>console")},
		"crumbless.js":  {Data: []byte("loader()")},
	}
}

func request(h http.Handler, method, target string, header ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Add(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestHandlerRoutes(t *testing.T) {
	h := newHandler(testTable(t), origins{})
	cases := []struct {
		method, path string
		want         int
		body         string
	}{
		{"GET", "/healthz", 200, "ok\n"},
		{"GET", "/healthz?detail", 200, `{"status":"ok","version":"t"}`},
		{"HEAD", "/healthz", 200, ""},
		{"GET", "/", 200, "<!doctype html>demo"},
		{"GET", "/crumbless.js", 200, "loader()"},
		{"GET", "/agent/", 200, "<!doctype html>console"},
		{"HEAD", "/agent/", 200, ""},
		{"GET", "/agent/inbox.js", 404, ""},
		{"POST", "/agent/", 405, ""},
		{"GET", "/missing", 404, ""},
		{"POST", "/", 405, ""},
		{"GET", "/disclosure.json", 200, ""},
		{"HEAD", "/disclosure.json", 200, ""},
		{"POST", "/disclosure.json", 405, ""},
		{"POST", "/healthz", 405, ""},
		{"GET", "/a/../healthz", 400, ""},
		{"GET", "/%2e%2e/healthz", 400, ""},
		{"GET", "/api/v1/../../healthz", 400, ""},
		{"GET", "/api/v1/none", 404, ""},
	}
	for _, c := range cases {
		t.Run(c.method+" "+c.path, func(t *testing.T) {
			rec := request(h, c.method, c.path)
			assert.Equal(t, c.want, rec.Code)
			if c.body != "" {
				assert.Equal(t, c.body, rec.Body.String())
			}
			assert.Equal(t, "nosniff", rec.Header().Get("X-Content-Type-Options"))
			assert.Empty(t, rec.Header().Values("Set-Cookie"), "no cookies, ever")
			assert.Empty(t, rec.Header().Get("Location"), "no redirects for unclean paths")
		})
	}
}

func TestParseOrigins(t *testing.T) {
	cases := []struct {
		in, want string
		wantErr  bool
	}{
		{"", "", false},
		{"*", "*", false},
		{"https://Shop.Example", "https://shop.example", false},
		{" https://a.example , http://b.example:8080 ", "", false},
		{"https://a.example/", "https://a.example", false},
		{"shop.example", "", true},
		{"ftp://a.example", "", true},
		{"https://a.example/path", "", true},
		{"https://user@a.example", "", true},
		{"https://a.example?x=1", "", true},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			o, err := parseOrigins(strings.Split(c.in, ","))
			if c.wantErr {
				assert.ErrorContains(t, err, "-origins")
				return
			}
			require.NoError(t, err)
			if c.want != "" {
				assert.Equal(t, c.want, o.String())
			}
		})
	}
}

func TestCORS(t *testing.T) {
	table := testTable(t)
	listed, err := parseOrigins([]string{"https://shop.example"})
	require.NoError(t, err)
	anyOrigin, err := parseOrigins([]string{"*"})
	require.NoError(t, err)
	cases := []struct {
		name              string
		allowed           origins
		method, path      string
		header            []string
		want              int
		wantACAO          string
		wantAllowHeaders  string
		wantVaryHasOrigin bool
	}{
		{"api, no Origin", listed, "GET", "/api/v1/x", nil, 404, "", "", false},
		{"api, listed origin", listed, "GET", "/api/v1/x", []string{"Origin", "https://shop.example"}, 404, "https://shop.example", "", true},
		{"api, preflight from listed origin", listed, "OPTIONS", "/api/v1/x", []string{"Origin", "https://shop.example", "Access-Control-Request-Method", "POST"}, 204, "https://shop.example", corsHeaders, true},
		{"api, other origin refused", listed, "POST", "/api/v1/x", []string{"Origin", "https://evil.example"}, 403, "", "", true},
		{"api, preflight from other origin refused", listed, "OPTIONS", "/api/v1/x", []string{"Origin", "https://evil.example", "Access-Control-Request-Method", "POST"}, 403, "", "", true},
		{"api, no list refuses every origin", origins{}, "GET", "/api/v1/x", []string{"Origin", "https://shop.example"}, 403, "", "", true},
		{"api, any origin", anyOrigin, "GET", "/api/v1/x", []string{"Origin", "https://who.example"}, 404, "*", "", true},
		{"public asset: * whatever the list", listed, "GET", "/crumbless.js", []string{"Origin", "https://evil.example"}, 200, "*", "", false},
		{"page: no CORS", listed, "GET", "/", []string{"Origin", "https://shop.example"}, 200, "", "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := request(newHandler(table, c.allowed), c.method, c.path, c.header...)
			assert.Equal(t, c.want, rec.Code)
			h := rec.Header()
			assert.Equal(t, c.wantACAO, h.Get("Access-Control-Allow-Origin"))
			assert.Equal(t, c.wantAllowHeaders, h.Get("Access-Control-Allow-Headers"))
			assert.Equal(t, c.wantVaryHasOrigin, contains(h.Values("Vary"), "Origin"), "Vary: %v", h.Values("Vary"))
			if c.want == 204 {
				assert.Equal(t, corsMethods, h.Get("Access-Control-Allow-Methods"))
				assert.Equal(t, corsMaxAge, h.Get("Access-Control-Max-Age"))
			}
		})
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func TestAccessLog(t *testing.T) {
	for _, format := range []string{"json", "text"} {
		t.Run(format, func(t *testing.T) {
			var out bytes.Buffer
			logger, err := NewLogger(format, &out)
			require.NoError(t, err)
			h := accessLog(logger, newHandler(testTable(t), origins{}))
			request(h, "GET", "/crumbless.js?secret=1")
			request(h, "HEAD", "/crumbless.js")
			request(h, "DELETE", "/missing")
			request(h, "GET", "/%2e%2e/x")
			lines := bytes.Split(bytes.TrimSpace(out.Bytes()), []byte("\n"))
			require.Len(t, lines, 4, "one line per request")
			if format == "text" {
				assert.Contains(t, string(lines[0]), `msg=request method=GET path=/crumbless.js status=200 bytes=8 duration=`)
				assert.NotContains(t, out.String(), "secret", "the query is not logged")
				return
			}
			want := []struct {
				method, path string
				status       int
				bytes        int
			}{
				{"GET", "/crumbless.js", 200, 8},
				{"HEAD", "/crumbless.js", 200, 0},
				{"DELETE", "/missing", 405, len("405 method not allowed\n")},
				{"GET", "/../x", 400, len("400 bad request\n")},
			}
			for i, line := range lines {
				var got struct {
					Msg, Method, Path string
					Status, Bytes     int
					Duration          *int64
				}
				require.NoError(t, json.Unmarshal(line, &got), string(line))
				assert.Equal(t, "request", got.Msg)
				assert.Equal(t, want[i].method, got.Method)
				assert.Equal(t, want[i].path, got.Path)
				assert.Equal(t, want[i].status, got.Status)
				assert.Equal(t, want[i].bytes, got.Bytes)
				require.NotNil(t, got.Duration, "duration is logged")
			}
		})
	}
	t.Run("unknown format", func(t *testing.T) {
		_, err := NewLogger("xml", &bytes.Buffer{})
		assert.ErrorContains(t, err, "want text or json")
	})
}

func TestAccessLogKeepsTheWriterReachable(t *testing.T) {
	logger, err := NewLogger("text", &bytes.Buffer{})
	require.NoError(t, err)
	var flushErr error
	h := accessLog(logger, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("event: x\n\n"))
		flushErr = http.NewResponseController(w).Flush()
	}))
	rec := request(h, "GET", "/")
	assert.NoError(t, flushErr)
	assert.True(t, rec.Flushed, "SSE handlers can flush through the access log")
}

// TestConsolePage: /agent/ is the console's built page with the pages'
// headers: a CSP that allows WebAssembly but no inline or eval'd script,
// no framing, no cookie, and no cross-origin reads.
func TestConsolePage(t *testing.T) {
	h := newHandler(testTable(t), origins{})
	rec := request(h, "GET", "/agent/")
	require.Equal(t, 200, rec.Code)
	assert.Equal(t, "text/html; charset=utf-8", rec.Header().Get("Content-Type"))
	csp := rec.Header().Get("Content-Security-Policy")
	assert.Contains(t, csp, "script-src 'self' 'wasm-unsafe-eval'")
	assert.Contains(t, csp, "connect-src 'self'")
	assert.Contains(t, csp, "frame-ancestors 'none'")
	for _, bad := range []string{"'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'"} {
		assert.NotContains(t, csp, bad)
	}
	assert.Empty(t, rec.Header().Get("Access-Control-Allow-Origin"))
	assert.Empty(t, rec.Header().Values("Set-Cookie"))
	rec = request(h, "GET", "/agent")
	assert.Equal(t, 301, rec.Code)
	assert.Equal(t, "/agent/", rec.Header().Get("Location"))
}
