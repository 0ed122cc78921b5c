package bundle_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crumbless/crumbless/bundle"
	"github.com/crumbless/crumbless/server/assets"
)

// exampleDist is a small distribution: a loader, a hashed wasm with a
// brotli variant, and the manifest that lists them.
func exampleDist() fstest.MapFS {
	fsys := fstest.MapFS{}
	var m assets.Manifest
	m.Version = "0.1.0"
	add := func(path string, body string, immutable bool) {
		sum := sha256.Sum256([]byte(body))
		fsys[path] = &fstest.MapFile{Data: []byte(body)}
		m.Files = append(m.Files, assets.Entry{Name: path, Path: path, Size: int64(len(body)), SHA256: hex.EncodeToString(sum[:]), Immutable: immutable})
	}
	add("crumbless.js", strings.Repeat("/* loader */", 20), false)
	add("a/crumbless.0123456789.wasm", "\x00asm"+strings.Repeat("code", 100), true)
	fsys["a/crumbless.0123456789.wasm.br"] = &fstest.MapFile{Data: []byte("brotli bytes")}
	raw, _ := json.Marshal(m)
	fsys[assets.ManifestName] = &fstest.MapFile{Data: raw}
	return fsys
}

// A Go backend mounts the widget under a path of its own; the loader finds
// the runtime relative to its own URL, so nothing else is configured.
func Example() {
	// In a real backend: bundle.Open(os.DirFS("dist/crumbless-0.1.0")).
	b, err := bundle.Open(exampleDist())
	if err != nil {
		fmt.Println(err)
		return
	}
	mux := http.NewServeMux()
	mux.Handle("/crumbless/", b.Handler())

	srv := httptest.NewServer(mux)
	defer srv.Close()
	for _, path := range []string{"/crumbless/crumbless.js", "/crumbless/a/crumbless.0123456789.wasm", "/crumbless/missing.js"} {
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		req.Header.Set("Accept-Encoding", "br")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			fmt.Println(err)
			return
		}
		res.Body.Close()
		fmt.Println(path, res.StatusCode, res.Header.Get("Content-Type"), res.Header.Get("Content-Encoding"), res.Header.Get("Cache-Control"))
	}
	fmt.Println("version", b.Version())
	// Output:
	// /crumbless/crumbless.js 200 text/javascript; charset=utf-8  public, max-age=300
	// /crumbless/a/crumbless.0123456789.wasm 200 application/wasm br public, max-age=31536000, immutable
	// /crumbless/missing.js 404 text/plain; charset=utf-8  no-store
	// version 0.1.0
}

func TestHandlerUnderEveryKindOfMount(t *testing.T) {
	b, err := bundle.Open(exampleDist())
	require.NoError(t, err)
	cases := []struct {
		name, pattern, request string
		handler                func(h http.Handler) http.Handler
		want                   int
	}{
		{"subtree", "/crumbless/", "/crumbless/crumbless.js", nil, http.StatusOK},
		{"subtree with method and host", "GET example.com/cdn/cl/", "http://example.com/cdn/cl/a/crumbless.0123456789.wasm", nil, http.StatusOK},
		{"wildcard", "/w/{file...}", "/w/crumbless.js", nil, http.StatusOK},
		{"root", "/", "/crumbless.js", nil, http.StatusOK},
		{"behind StripPrefix", "/s/", "/s/crumbless.js", func(h http.Handler) http.Handler { return http.StripPrefix("/s", h) }, http.StatusOK},
		{"unknown file", "/crumbless/", "/crumbless/nope.wasm", nil, http.StatusNotFound},
		{"the mount itself", "/crumbless/", "/crumbless/", nil, http.StatusNotFound},
		{"dot segments stay refused", "/crumbless/", "/crumbless/a/%2e%2e/crumbless.js", nil, http.StatusBadRequest},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := b.Handler()
			if c.handler != nil {
				h = c.handler(h)
			}
			mux := http.NewServeMux()
			mux.Handle(c.pattern, h)
			rec := httptest.NewRecorder()
			mux.ServeHTTP(rec, httptest.NewRequest("GET", c.request, nil))
			assert.Equal(t, c.want, rec.Code, rec.Body.String())
			if c.want == http.StatusOK {
				body, _ := io.ReadAll(rec.Body)
				assert.NotEmpty(t, body)
				assert.NotEmpty(t, rec.Header().Get("ETag"))
			}
		})
	}
}

func TestOpenRefusesATamperedFile(t *testing.T) {
	fsys := exampleDist()
	fsys["crumbless.js"] = &fstest.MapFile{Data: []byte("alert('changed')")}
	_, err := bundle.Open(fsys)
	require.ErrorContains(t, err, "does not match the manifest's sha256")
}

func TestLookup(t *testing.T) {
	b, err := bundle.Open(exampleDist())
	require.NoError(t, err)
	e, ok := b.Lookup("a/crumbless.0123456789.wasm")
	require.True(t, ok)
	assert.True(t, e.Immutable)
	_, ok = b.Lookup("nope")
	assert.False(t, ok)
}
