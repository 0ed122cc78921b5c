package assets

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	wasmPath   = "/a/crumbless.0123456789.wasm"
	inlineCode = "window.crumbless=window.crumbless||function(){};"
)

var (
	wasmBody = "\x00asm" + strings.Repeat("w", 200)
	pageBody = "<!doctype html><title>demo</title><script>" + inlineCode + "</script>" +
		`<script src="/crumbless.js" async></script><SCRIPT type="module">  </SCRIPT>`
)

// testBundle returns a small bundle: a hashed wasm with both variants, the
// loader with only gzip, the demo page with an inline script and no
// variants.
func testBundle(t testing.TB) fstest.MapFS {
	t.Helper()
	files := map[string]string{
		"a/crumbless.0123456789.wasm": wasmBody,
		"crumbless.js":                strings.Repeat("loader;", 50),
		"index.html":                  pageBody,
	}
	fsys := fstest.MapFS{}
	var m Manifest
	for p, body := range files {
		sum := sha256.Sum256([]byte(body))
		m.Files = append(m.Files, Entry{Name: p, Path: p, Size: int64(len(body)), SHA256: hex.EncodeToString(sum[:]), Immutable: strings.HasPrefix(p, "a/")})
		fsys[p] = &fstest.MapFile{Data: []byte(body)}
	}
	fsys["a/crumbless.0123456789.wasm.br"] = &fstest.MapFile{Data: []byte("BR")}
	fsys["a/crumbless.0123456789.wasm.gz"] = &fstest.MapFile{Data: []byte("GZIP")}
	fsys["crumbless.js.gz"] = &fstest.MapFile{Data: []byte("GZ-LOADER")}
	fsys["crumbless.js.br"] = &fstest.MapFile{Data: []byte(strings.Repeat("x", 400))} // bigger than raw: dropped
	m.Version = "v-test"
	raw, err := json.Marshal(m)
	require.NoError(t, err)
	fsys[ManifestName] = &fstest.MapFile{Data: raw}
	return fsys
}

func load(t testing.TB) *Table {
	t.Helper()
	table, err := Load(testBundle(t))
	require.NoError(t, err)
	return table
}

// serve sends one request to h; header holds name, value pairs (a name may
// repeat).
func serve(h http.Handler, method, target string, header ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Add(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestHeadersByKind(t *testing.T) {
	table := load(t)
	cases := []struct {
		name, path          string
		wantType, wantCache string
		wantACAO, wantCORP  string
		wantCSP             bool
	}{
		{"hashed wasm", wasmPath, "application/wasm", "public, max-age=31536000, immutable", "*", "cross-origin", false},
		{"loader", "/crumbless.js", "text/javascript; charset=utf-8", "public, max-age=300", "*", "cross-origin", false},
		{"demo page at /", "/", "text/html; charset=utf-8", "public, max-age=60", "", "same-origin", true},
		{"page by name", "/index.html", "text/html; charset=utf-8", "public, max-age=60", "", "same-origin", true},
		{"manifest", "/manifest.json", "application/json", "no-cache", "*", "cross-origin", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := serve(table, http.MethodGet, c.path, "Accept-Encoding", "br")
			require.Equal(t, http.StatusOK, rec.Code)
			h := rec.Header()
			assert.Equal(t, c.wantType, h.Get("Content-Type"))
			assert.Equal(t, c.wantCache, h.Get("Cache-Control"))
			assert.Equal(t, c.wantACAO, h.Get("Access-Control-Allow-Origin"))
			assert.Equal(t, c.wantCORP, h.Get("Cross-Origin-Resource-Policy"))
			assert.Equal(t, "Accept-Encoding", h.Get("Vary"))
			assert.Equal(t, "nosniff", h.Get("X-Content-Type-Options"))
			assert.Equal(t, "no-referrer", h.Get("Referrer-Policy"))
			assert.Regexp(t, `^"[0-9a-f]{20}(-br|-gzip)?"$`, h.Get("ETag"))
			assert.Equal(t, strconv.Itoa(rec.Body.Len()), h.Get("Content-Length"))
			assert.Equal(t, c.wantCSP, h.Get("Content-Security-Policy") != "")
			if c.wantCSP {
				assert.Equal(t, "same-origin", h.Get("Cross-Origin-Opener-Policy"))
			}
			assert.Empty(t, h.Values("Set-Cookie"))
		})
	}
}

func TestPageCSPAllowsExactlyTheInlineScript(t *testing.T) {
	csp := serve(load(t), http.MethodGet, "/").Header().Get("Content-Security-Policy")
	sum := sha256.Sum256([]byte(inlineCode))
	want := "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
	assert.Contains(t, csp, "script-src 'self' 'wasm-unsafe-eval' "+want+";")
	assert.Equal(t, 1, strings.Count(csp, "'sha256-"), "whitespace-only and src= scripts need no hash")
	assert.NotContains(t, csp, "unsafe-inline")
	assert.NotContains(t, csp, "'unsafe-eval'")
	for _, directive := range []string{"default-src 'none'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"} {
		assert.Contains(t, csp, directive)
	}
}

func TestPagePolicy(t *testing.T) {
	hashOf := func(s string) string {
		sum := sha256.Sum256([]byte(s))
		return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
	}
	cases := []struct {
		name, html string
		want       []string
	}{
		{"no script", "<p>hi</p>", nil},
		{"external only", `<script src="/x.js"></script>`, nil},
		{"external, odd spacing", "<script async\nSRC = '/x.js'></script>", nil},
		{"two inline", "<script>a()</script><script type=module>b()</script>", []string{hashOf("a()"), hashOf("b()")}},
		{"data-src is not src", `<script data-src="x">c()</script>`, []string{hashOf("c()")}},
		{"unterminated", "<script>d()", nil},
		{"close tag with space", "<script>e()</script >", []string{hashOf("e()")}},
		{"inline style element", "<style>p{color:red}</style><script>f()</script>", []string{hashOf("p{color:red}"), hashOf("f()")}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			csp := pagePolicy([]byte(c.html))
			assert.Equal(t, len(c.want), strings.Count(csp, "'sha256-"), csp)
			assert.Contains(t, csp, "style-src 'self'")
			assert.NotContains(t, csp, "%!")
			for _, h := range c.want {
				assert.Contains(t, csp, h)
			}
		})
	}
	t.Run("each hash in its directive", func(t *testing.T) {
		csp := pagePolicy([]byte("<style>p{color:red}</style><script>f()</script>"))
		assert.Contains(t, csp, "script-src 'self' 'wasm-unsafe-eval' "+hashOf("f()")+";")
		assert.Contains(t, csp, "style-src 'self' "+hashOf("p{color:red}")+";")
	})
}

func TestEncodingSelection(t *testing.T) {
	table := load(t)
	cases := []struct {
		name, path   string
		header       []string
		wantEncoding string
		wantBody     string
	}{
		{"brotli", wasmPath, []string{"Accept-Encoding", "gzip, deflate, br"}, "br", "BR"},
		{"gzip", wasmPath, []string{"Accept-Encoding", "gzip"}, "gzip", "GZIP"},
		{"br refused", wasmPath, []string{"Accept-Encoding", "br;q=0, gzip;q=0.5"}, "gzip", "GZIP"},
		{"all refused: identity", wasmPath, []string{"Accept-Encoding", "*;q=0"}, "", wasmBody},
		{"no header: identity", wasmPath, nil, "", wasmBody},
		{"identity asked", wasmPath, []string{"Accept-Encoding", "identity"}, "", wasmBody},
		{"two header lines", wasmPath, []string{"Accept-Encoding", "br;q=0", "Accept-Encoding", "gzip"}, "gzip", "GZIP"},
		{"loader has no useful br", "/crumbless.js", []string{"Accept-Encoding", "br, gzip"}, "gzip", "GZ-LOADER"},
		{"page has no variants", "/", []string{"Accept-Encoding", "br"}, "", pageBody},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := serve(table, http.MethodGet, c.path, c.header...)
			require.Equal(t, http.StatusOK, rec.Code)
			assert.Equal(t, c.wantEncoding, rec.Header().Get("Content-Encoding"))
			assert.Equal(t, c.wantBody, rec.Body.String())
			assert.Equal(t, strconv.Itoa(len(c.wantBody)), rec.Header().Get("Content-Length"))
			assert.Equal(t, "Accept-Encoding", rec.Header().Get("Vary"))
			if c.wantEncoding == "" {
				assert.Equal(t, "bytes", rec.Header().Get("Accept-Ranges"))
			} else {
				assert.Empty(t, rec.Header().Get("Accept-Ranges"), "ranges are served on identity only")
			}
		})
	}
}

func TestEachEncodingHasItsOwnETag(t *testing.T) {
	table := load(t)
	seen := map[string]string{}
	for _, ae := range []string{"br", "gzip", "identity"} {
		etag := serve(table, http.MethodGet, wasmPath, "Accept-Encoding", ae).Header().Get("ETag")
		for other, e := range seen {
			assert.NotEqual(t, e, etag, "%s and %s share an ETag", ae, other)
		}
		seen[ae] = etag
	}
}

func TestConditionalGet(t *testing.T) {
	table := load(t)
	etag := serve(table, http.MethodGet, wasmPath, "Accept-Encoding", "br").Header().Get("ETag")
	cases := []struct {
		name, ifNoneMatch, acceptEncoding string
		method                            string
		want                              int
	}{
		{"same tag", etag, "br", http.MethodGet, http.StatusNotModified},
		{"same tag, HEAD", etag, "br", http.MethodHead, http.StatusNotModified},
		{"weak form of same tag", "W/" + etag, "br", http.MethodGet, http.StatusNotModified},
		{"in a list", `"nope", ` + etag, "br", http.MethodGet, http.StatusNotModified},
		{"star", "*", "br", http.MethodGet, http.StatusNotModified},
		{"other tag", `"nope"`, "br", http.MethodGet, http.StatusOK},
		{"tag of another encoding", etag, "gzip", http.MethodGet, http.StatusOK},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := serve(table, c.method, wasmPath, "Accept-Encoding", c.acceptEncoding, "If-None-Match", c.ifNoneMatch)
			assert.Equal(t, c.want, rec.Code)
			h := rec.Header()
			if c.want == http.StatusNotModified {
				assert.Zero(t, rec.Body.Len())
				assert.Equal(t, cacheImmutable, h.Get("Cache-Control"))
				assert.Equal(t, etag, h.Get("ETag"))
				assert.Equal(t, "Accept-Encoding", h.Get("Vary"))
				assert.Equal(t, "*", h.Get("Access-Control-Allow-Origin"))
				assert.Empty(t, h.Get("Content-Length"), "a 304 carries no representation metadata")
				assert.Empty(t, h.Get("Content-Type"))
				assert.Empty(t, h.Get("Content-Encoding"))
			}
		})
	}
}

func TestHeadHasLengthButNoBody(t *testing.T) {
	table := load(t)
	for _, c := range []struct{ ae, length string }{{"br", "2"}, {"gzip", "4"}, {"", strconv.Itoa(len(wasmBody))}} {
		t.Run("Accept-Encoding "+c.ae, func(t *testing.T) {
			rec := serve(table, http.MethodHead, wasmPath, "Accept-Encoding", c.ae)
			assert.Equal(t, http.StatusOK, rec.Code)
			assert.Equal(t, c.length, rec.Header().Get("Content-Length"))
			assert.Zero(t, rec.Body.Len())
		})
	}
}

func TestRange(t *testing.T) {
	table := load(t)
	size := len(wasmBody)
	identityTag := serve(table, http.MethodGet, wasmPath).Header().Get("ETag")
	cases := []struct {
		name         string
		header       []string
		want         int
		wantRange    string
		wantBody     string
		wantEncoding string
	}{
		{"first bytes", []string{"Range", "bytes=0-3"}, 206, "bytes 0-3/" + strconv.Itoa(size), "\x00asm", ""},
		{"suffix", []string{"Range", "bytes=-2"}, 206, "bytes " + strconv.Itoa(size-2) + "-" + strconv.Itoa(size-1) + "/" + strconv.Itoa(size), "ww", ""},
		{"open end", []string{"Range", "bytes=200-"}, 206, "bytes 200-" + strconv.Itoa(size-1) + "/" + strconv.Itoa(size), wasmBody[200:], ""},
		{"matching If-Range", []string{"Range", "bytes=0-3", "If-Range", identityTag}, 206, "bytes 0-3/" + strconv.Itoa(size), "\x00asm", ""},
		{"stale If-Range", []string{"Range", "bytes=0-3", "If-Range", `"old"`}, 200, "", wasmBody, ""},
		{"date If-Range", []string{"Range", "bytes=0-3", "If-Range", "Tue, 15 Nov 1994 08:12:31 GMT"}, 200, "", wasmBody, ""},
		{"unsatisfiable", []string{"Range", "bytes=5000-"}, 416, "bytes */" + strconv.Itoa(size), "416 requested range not satisfiable\n", ""},
		{"several ranges ignored", []string{"Range", "bytes=0-1,3-4"}, 200, "", wasmBody, ""},
		{"compressed variant ignores Range", []string{"Range", "bytes=0-0", "Accept-Encoding", "br"}, 200, "", "BR", "br"},
		{"304 beats Range", []string{"Range", "bytes=0-3", "If-None-Match", identityTag}, 304, "", "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := serve(table, http.MethodGet, wasmPath, c.header...)
			require.Equal(t, c.want, rec.Code)
			assert.Equal(t, c.wantRange, rec.Header().Get("Content-Range"))
			assert.Equal(t, c.wantBody, rec.Body.String())
			assert.Equal(t, c.wantEncoding, rec.Header().Get("Content-Encoding"))
			if c.want != http.StatusNotModified {
				assert.Equal(t, strconv.Itoa(len(c.wantBody)), rec.Header().Get("Content-Length"))
			}
		})
	}
	t.Run("HEAD with range", func(t *testing.T) {
		rec := serve(table, http.MethodHead, wasmPath, "Range", "bytes=0-9")
		assert.Equal(t, http.StatusPartialContent, rec.Code)
		assert.Equal(t, "10", rec.Header().Get("Content-Length"))
		assert.Zero(t, rec.Body.Len())
	})
}

func TestErrors(t *testing.T) {
	table := load(t)
	cases := []struct {
		name, method, target string
		want                 int
	}{
		{"unknown", "GET", "/nope", 404},
		{"folder", "GET", "/a/", 404},
		{"folder without slash", "GET", "/a", 404},
		{"unhashed name", "GET", "/a/crumbless.wasm", 404},
		{"variant by name", "GET", "/crumbless.js.br", 404},
		{"trailing slash", "GET", "/index.html/", 404},
		{"dot dot", "GET", "/a/../index.html", 400},
		{"encoded dot dot", "GET", "/a/%2e%2e/index.html", 400},
		{"encoded dot dot, upper case", "GET", "/%2E%2E/index.html", 400},
		{"leading dot dot", "GET", "/../index.html", 400},
		{"dot", "GET", "/./crumbless.js", 400},
		{"encoded slash", "GET", "/a%2fcrumbless.0123456789.wasm", 400},
		{"encoded backslash", "GET", "/a%5Ccrumbless.0123456789.wasm", 400},
		{"backslash", "GET", `/a\crumbless.0123456789.wasm`, 400},
		{"NUL", "GET", "/crumbless.js%00.png", 400},
		{"control character", "GET", "/crumbless.js%0a", 400},
		{"overlong dot dot", "GET", "/%c0%ae%c0%ae/index.html", 400},
		{"invalid UTF-8", "GET", "/%ff", 400},
		{"double slash", "GET", "/a//crumbless.0123456789.wasm", 400},
		{"too long", "GET", "/" + strings.Repeat("a", 2000), 400},
		{"POST", "POST", "/crumbless.js", 405},
		{"PUT", "PUT", "/crumbless.js", 405},
		{"DELETE", "DELETE", "/", 405},
		{"OPTIONS", "OPTIONS", wasmPath, 405},
		{"PATCH on unknown", "PATCH", "/nope", 405},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := serve(table, c.method, c.target)
			assert.Equal(t, c.want, rec.Code)
			h := rec.Header()
			assert.Equal(t, "text/plain; charset=utf-8", h.Get("Content-Type"))
			assert.Equal(t, "nosniff", h.Get("X-Content-Type-Options"))
			assert.Equal(t, "no-store", h.Get("Cache-Control"))
			assert.Equal(t, strconv.Itoa(rec.Body.Len()), h.Get("Content-Length"))
			assert.NotContains(t, rec.Body.String(), "<title>demo", "never the demo page")
			if c.want == 405 {
				assert.Equal(t, "GET, HEAD", h.Get("Allow"))
			} else {
				assert.Empty(t, h.Get("Allow"))
			}
		})
	}
}

func TestGuard(t *testing.T) {
	reached := 0
	h := Guard(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { reached++ }))
	assert.Equal(t, http.StatusBadRequest, serve(h, "GET", "/api/%2e%2e/x").Code)
	assert.Equal(t, http.StatusBadRequest, serve(h, "POST", "/api/a%2Fb").Code)
	assert.Zero(t, reached)
	assert.Equal(t, http.StatusOK, serve(h, "GET", "/api/v1/x?q=..").Code)
	assert.Equal(t, 1, reached)
}

func TestLoadRejectsBrokenBundles(t *testing.T) {
	t.Run("empty", func(t *testing.T) {
		_, err := Load(fstest.MapFS{".keep": {}})
		assert.ErrorContains(t, err, "bundle is empty")
	})
	t.Run("missing file", func(t *testing.T) {
		fsys := testBundle(t)
		delete(fsys, "crumbless.js")
		_, err := Load(fsys)
		assert.ErrorContains(t, err, "crumbless.js")
	})
	t.Run("tampered file", func(t *testing.T) {
		fsys := testBundle(t)
		fsys["index.html"] = &fstest.MapFile{Data: []byte("<script>evil()</script>")}
		_, err := Load(fsys)
		assert.ErrorContains(t, err, "sha256")
	})
	t.Run("path outside the bundle", func(t *testing.T) {
		_, err := Load(fstest.MapFS{ManifestName: {Data: []byte(`{"files":[{"path":"../etc/passwd"}]}`)}})
		assert.ErrorContains(t, err, "invalid path")
	})
	t.Run("bad manifest", func(t *testing.T) {
		_, err := Load(fstest.MapFS{ManifestName: {Data: []byte("{")}})
		assert.ErrorContains(t, err, "parse manifest")
	})
	t.Run("no files", func(t *testing.T) {
		_, err := Load(fstest.MapFS{ManifestName: {Data: []byte(`{"files":[]}`)}})
		assert.ErrorContains(t, err, "lists no files")
	})
}

func TestVersionLookupEntries(t *testing.T) {
	table := load(t)
	assert.Equal(t, "v-test", table.Version())
	e, ok := table.Lookup("/")
	require.True(t, ok)
	assert.Equal(t, "index.html", e.Path)
	_, ok = table.Lookup("/nope")
	assert.False(t, ok)
	assert.True(t, table.Has("/crumbless.js"))
	assert.True(t, table.Has("/"))
	assert.False(t, table.Has("/healthz"))
	var paths []string
	for _, e := range table.Entries() {
		paths = append(paths, e.Path)
	}
	assert.ElementsMatch(t, []string{"a/crumbless.0123456789.wasm", "crumbless.js", "index.html", ManifestName}, paths)
	assert.Same(t, table, table.Handler())
}

// TestServeAllocations pins the cost of the hot paths: a 304 and a 200 for
// a hashed file allocate nothing in the table's own code.
func TestServeAllocations(t *testing.T) {
	table := load(t)
	f := table.files["a/crumbless.0123456789.wasm"]
	for _, c := range []struct {
		name   string
		header http.Header
	}{
		{"200", http.Header{"Accept-Encoding": {"gzip, deflate, br"}}},
		{"304", http.Header{"Accept-Encoding": {"gzip, deflate, br"}, "If-None-Match": {f.variants[brotli].etag}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, wasmPath, nil)
			req.Header = c.header
			w := &discardWriter{header: http.Header{}}
			allocs := testing.AllocsPerRun(100, func() {
				clear(w.header)
				table.ServeHTTP(w, req)
			})
			assert.Zero(t, allocs)
		})
	}
}

// discardWriter is a ResponseWriter that allocates nothing of its own.
type discardWriter struct {
	header http.Header
	code   int
}

func (w *discardWriter) Header() http.Header         { return w.header }
func (w *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *discardWriter) WriteHeader(code int)        { w.code = code }

func BenchmarkServe(b *testing.B) {
	table := load(b)
	etag := table.files["a/crumbless.0123456789.wasm"].variants[brotli].etag
	for _, c := range []struct {
		name   string
		header http.Header
	}{
		{"200-br", http.Header{"Accept-Encoding": {"gzip, deflate, br, zstd"}}},
		{"304", http.Header{"Accept-Encoding": {"gzip, deflate, br, zstd"}, "If-None-Match": {etag}}},
	} {
		b.Run(c.name, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, wasmPath, nil)
			req.Header = c.header
			w := &discardWriter{header: http.Header{}}
			b.ReportAllocs()
			for b.Loop() {
				clear(w.header)
				table.ServeHTTP(w, req)
			}
		})
	}
}
