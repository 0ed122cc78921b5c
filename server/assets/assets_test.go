package assets

import (
	"crypto/sha256"
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

// testBundle returns a small bundle: a hashed wasm with both variants, the
// loader with only gzip, and the demo page without variants.
func testBundle(t *testing.T) fstest.MapFS {
	t.Helper()
	files := map[string]string{
		"a/crumbless.0123456789.wasm": "\x00asm" + strings.Repeat("w", 200),
		"crumbless.js":                strings.Repeat("loader;", 50),
		"index.html":                  "<!doctype html><title>demo</title>",
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
	m.Version = "v-test"
	raw, err := json.Marshal(m)
	require.NoError(t, err)
	fsys[ManifestName] = &fstest.MapFile{Data: raw}
	return fsys
}

func load(t *testing.T) *Table {
	t.Helper()
	table, err := Load(testBundle(t))
	require.NoError(t, err)
	return table
}

func serve(table http.Handler, method, target string, header ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	table.ServeHTTP(rec, req)
	return rec
}

func TestHeaders(t *testing.T) {
	table := load(t)
	cases := []struct {
		name, path, acceptEncoding string
		wantType, wantCache        string
		wantEncoding, wantBody     string
	}{
		{"wasm brotli", "/a/crumbless.0123456789.wasm", "gzip, deflate, br", "application/wasm", cacheImmutable, "br", "BR"},
		{"wasm gzip only", "/a/crumbless.0123456789.wasm", "gzip", "application/wasm", cacheImmutable, "gzip", "GZIP"},
		{"wasm identity", "/a/crumbless.0123456789.wasm", "", "application/wasm", cacheImmutable, "", "\x00asm" + strings.Repeat("w", 200)},
		{"loader gzip", "/crumbless.js", "br, gzip", "text/javascript; charset=utf-8", cacheLoader, "gzip", "GZ-LOADER"},
		{"demo page at /", "/", "br", "text/html; charset=utf-8", cacheRevalidate, "", "<!doctype html><title>demo</title>"},
		{"page by name", "/index.html", "", "text/html; charset=utf-8", cacheRevalidate, "", "<!doctype html><title>demo</title>"},
		{"manifest", "/manifest.json", "", "application/json", cacheRevalidate, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := serve(table, http.MethodGet, c.path, "Accept-Encoding", c.acceptEncoding)
			require.Equal(t, http.StatusOK, rec.Code)
			h := rec.Header()
			assert.Equal(t, c.wantType, h.Get("Content-Type"))
			assert.Equal(t, c.wantCache, h.Get("Cache-Control"))
			assert.Equal(t, c.wantEncoding, h.Get("Content-Encoding"))
			assert.Equal(t, "Accept-Encoding", h.Get("Vary"))
			assert.Equal(t, "nosniff", h.Get("X-Content-Type-Options"))
			assert.Equal(t, "cross-origin", h.Get("Cross-Origin-Resource-Policy"))
			assert.Regexp(t, `^"[0-9a-f]{20}(-br|-gzip)?"$`, h.Get("ETag"))
			assert.Equal(t, h.Get("Content-Length"), strconv.Itoa(rec.Body.Len()))
			if c.wantBody != "" {
				assert.Equal(t, c.wantBody, rec.Body.String())
			}
		})
	}
}

func TestEachEncodingHasItsOwnETag(t *testing.T) {
	table := load(t)
	seen := map[string]string{}
	for _, ae := range []string{"br", "gzip", "identity"} {
		etag := serve(table, http.MethodGet, "/a/crumbless.0123456789.wasm", "Accept-Encoding", ae).Header().Get("ETag")
		for other, e := range seen {
			assert.NotEqual(t, e, etag, "%s and %s share an ETag", ae, other)
		}
		seen[ae] = etag
	}
}

func TestConditionalGet(t *testing.T) {
	table := load(t)
	const path = "/a/crumbless.0123456789.wasm"
	etag := serve(table, http.MethodGet, path, "Accept-Encoding", "br").Header().Get("ETag")
	cases := []struct {
		name, ifNoneMatch, acceptEncoding string
		want                              int
	}{
		{"same tag", etag, "br", http.StatusNotModified},
		{"weak form of same tag", "W/" + etag, "br", http.StatusNotModified},
		{"in a list", `"nope", ` + etag, "br", http.StatusNotModified},
		{"star", "*", "br", http.StatusNotModified},
		{"other tag", `"nope"`, "br", http.StatusOK},
		{"tag of another encoding", etag, "gzip", http.StatusOK},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := serve(table, http.MethodGet, path, "Accept-Encoding", c.acceptEncoding, "If-None-Match", c.ifNoneMatch)
			assert.Equal(t, c.want, rec.Code)
			if c.want == http.StatusNotModified {
				assert.Zero(t, rec.Body.Len())
				assert.Equal(t, cacheImmutable, rec.Header().Get("Cache-Control"))
				assert.NotEmpty(t, rec.Header().Get("ETag"))
			}
		})
	}
}

func TestHeadHasLengthButNoBody(t *testing.T) {
	rec := serve(load(t), http.MethodHead, "/a/crumbless.0123456789.wasm", "Accept-Encoding", "br")
	assert.Equal(t, http.StatusOK, rec.Code)
	assert.Equal(t, "2", rec.Header().Get("Content-Length"))
	assert.Zero(t, rec.Body.Len())
}

func TestNotFoundAndMethodNotAllowed(t *testing.T) {
	table := load(t)
	for _, p := range []string{"/nope", "/a/", "/a", "/a/crumbless.wasm", "/crumbless.js.br", "/index.html/", "/../index.html"} {
		t.Run("404 "+p, func(t *testing.T) {
			rec := serve(table, http.MethodGet, p)
			assert.Equal(t, http.StatusNotFound, rec.Code)
			assert.NotContains(t, rec.Body.String(), "<title>demo", "unknown paths must not fall back to the demo page")
		})
	}
	for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodOptions} {
		t.Run("405 "+m, func(t *testing.T) {
			rec := serve(table, m, "/crumbless.js")
			assert.Equal(t, http.StatusMethodNotAllowed, rec.Code)
			assert.Equal(t, "GET, HEAD", rec.Header().Get("Allow"))
		})
	}
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
	t.Run("bad manifest", func(t *testing.T) {
		_, err := Load(fstest.MapFS{ManifestName: {Data: []byte("{")}})
		assert.ErrorContains(t, err, "parse manifest")
	})
	t.Run("no files", func(t *testing.T) {
		_, err := Load(fstest.MapFS{ManifestName: {Data: []byte(`{"files":[]}`)}})
		assert.ErrorContains(t, err, "lists no files")
	})
}

func TestVersionAndLookup(t *testing.T) {
	table := load(t)
	assert.Equal(t, "v-test", table.Version())
	e, ok := table.Lookup("/")
	require.True(t, ok)
	assert.Equal(t, "index.html", e.Path)
	_, ok = table.Lookup("/nope")
	assert.False(t, ok)
}
