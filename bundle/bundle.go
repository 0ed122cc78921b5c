// Package bundle lets a Go backend serve the Crumbless widget itself: open a
// distribution made by make dist (or the server's own bundle) and mount its
// handler on any path.
//
//	b, err := bundle.Open(os.DirFS("crumbless-0.1.0"))
//	if err != nil { … }
//	mux.Handle("/crumbless/", b.Handler())
//
// The handler is the one the Crumbless server uses (server/assets): files
// held in memory with their brotli and gzip variants chosen by
// Accept-Encoding, strong ETags and 304s, Range, application/wasm, immutable
// caching for content-hashed names and a short one for the loader,
// Access-Control-Allow-Origin: * and nosniff.
package bundle

import (
	"io/fs"
	"net/http"
	neturl "net/url"
	"strings"

	"github.com/crumbless/crumbless/server/assets"
)

// Bundle is a distribution loaded into memory. It never changes after Open
// and is safe for concurrent use.
type Bundle struct {
	table *assets.Table
}

// Open reads the manifest and every file it lists from fsys (the root of a
// distribution) and checks each against the manifest's sha256.
func Open(fsys fs.FS) (*Bundle, error) {
	t, err := assets.Load(fsys)
	if err != nil {
		return nil, err
	}
	return &Bundle{table: t}, nil
}

// Version is the distribution's version, from its manifest.
func (b *Bundle) Version() string { return b.table.Version() }

// Lookup returns the manifest entry of the file at path, relative to the
// distribution's root ("crumbless.js", "a/crumbless.0123456789.wasm").
func (b *Bundle) Lookup(path string) (assets.Entry, bool) {
	return b.table.Lookup("/" + strings.TrimPrefix(path, "/"))
}

// Handler serves the distribution. Mounted on an http.ServeMux with a
// pattern ending in a slash ("/crumbless/", "GET /static/crumbless/"), it
// serves the files under that path; mounted any other way, or behind
// http.StripPrefix, it serves the request's path from the root.
func (b *Bundle) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rest, ok := strings.CutPrefix(r.URL.Path, mountPrefix(r.Pattern))
		if !ok || rest == r.URL.Path { // not under the pattern: already stripped (http.StripPrefix)
			b.table.ServeHTTP(w, r)
			return
		}
		r2 := new(http.Request)
		*r2 = *r
		r2.URL = new(neturl.URL)
		*r2.URL = *r.URL
		r2.URL.Path = rest
		r2.URL.RawPath = ""
		b.table.ServeHTTP(w, r2)
	})
}

// mountPrefix returns the path a ServeMux pattern mounts a subtree at,
// without its final slash ("GET example.com/crumbless/" → "/crumbless"),
// or "" when the pattern mounts no subtree.
func mountPrefix(pattern string) string {
	if _, p, ok := strings.Cut(pattern, " "); ok {
		pattern = p
	}
	if i := strings.IndexByte(pattern, '/'); i > 0 {
		pattern = pattern[i:]
	}
	if i := strings.IndexByte(pattern, '{'); i >= 0 {
		pattern = pattern[:i]
	}
	if len(pattern) < 2 || !strings.HasSuffix(pattern, "/") {
		return ""
	}
	return strings.TrimSuffix(pattern, "/")
}
