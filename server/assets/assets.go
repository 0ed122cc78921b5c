package assets

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"strings"
)

// contentTypes maps extensions to exact Content-Type values. The table is
// fixed so that the answer never depends on the host's /etc/mime.types.
var contentTypes = map[string]string{
	".wasm":  "application/wasm",
	".js":    "text/javascript; charset=utf-8",
	".mjs":   "text/javascript; charset=utf-8",
	".css":   "text/css; charset=utf-8",
	".html":  "text/html; charset=utf-8",
	".json":  "application/json",
	".svg":   "image/svg+xml",
	".png":   "image/png",
	".webp":  "image/webp",
	".ico":   "image/x-icon",
	".woff2": "font/woff2",
	".txt":   "text/plain; charset=utf-8",
	".md":    "text/markdown; charset=utf-8",
	".ts":    "text/plain; charset=utf-8",
	".map":   "application/json",
}

// Table is the bundle held in memory, ready to serve: every file with its
// brotli and gzip variants, strong ETags and the complete response headers
// of each variant, all computed once by Load. It is safe for concurrent use
// and never changes after Load. A *Table is an http.Handler; see ServeHTTP.
type Table struct {
	version string
	files   map[string]*file // by URL path without the leading slash
}

type file struct {
	Entry
	kind      kind
	available [numEncodings]bool
	variants  [numEncodings]variant
}

// variant is one representation of a file (identity, br or gzip) with the
// headers of its 200 and 304 responses, ready to be copied into a response.
type variant struct {
	body        []byte
	etag        string
	ok          headerSet
	notModified headerSet
}

// Load reads the manifest and every file it lists, with its .br and .gz
// variants, from fsys, and builds the table. It fails when the bundle is
// empty, a listed file is missing or has an unsafe path, or a file's bytes do
// not match the manifest's hash. Nothing is read or compressed later.
func Load(fsys fs.FS) (*Table, error) {
	raw, err := fs.ReadFile(fsys, ManifestName)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errors.New("assets: the bundle is empty (no manifest.json): run make build")
	}
	if err != nil {
		return nil, fmt.Errorf("assets: read manifest: %w", err)
	}
	var m Manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("assets: parse manifest: %w", err)
	}
	if len(m.Files) == 0 {
		return nil, errors.New("assets: the manifest lists no files")
	}
	t := &Table{version: m.Version, files: map[string]*file{}}
	for _, e := range m.Files {
		f, err := loadFile(fsys, e)
		if err != nil {
			return nil, fmt.Errorf("assets: %s: %w", e.Path, err)
		}
		t.files[e.Path] = f
	}
	// The manifest describes itself only by name; serve it too, so that a
	// client can look up integrity hashes.
	if _, ok := t.files[ManifestName]; !ok {
		sum := sha256.Sum256(raw)
		f := &file{Entry: Entry{Name: ManifestName, Path: ManifestName, Size: int64(len(raw)), SHA256: hex.EncodeToString(sum[:])}}
		f.variants[identity].body = raw
		f.finish()
		t.files[ManifestName] = f
	}
	return t, nil
}

func loadFile(fsys fs.FS, e Entry) (*file, error) {
	if !fs.ValidPath(e.Path) || e.Path == "." || strings.Contains(e.Path, `\`) {
		return nil, errors.New("invalid path in manifest")
	}
	f := &file{Entry: e}
	body, err := fs.ReadFile(fsys, e.Path)
	if err != nil {
		return nil, err
	}
	if sum := sha256.Sum256(body); e.SHA256 != "" && hex.EncodeToString(sum[:]) != e.SHA256 {
		return nil, errors.New("content does not match the manifest's sha256")
	}
	f.variants[identity].body = body
	for enc, suffix := range [numEncodings]string{brotli: ".br", gzip: ".gz"} {
		if suffix == "" {
			continue
		}
		b, err := fs.ReadFile(fsys, e.Path+suffix)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if len(b) < len(body) { // a variant that does not save bytes is not worth serving
			f.variants[enc].body = b
		}
	}
	f.finish()
	return f, nil
}

// finish derives everything that does not depend on the request: the kind,
// the ETags and the response headers of each variant.
func (f *file) finish() {
	f.kind = kindOf(f.Entry)
	f.Size = int64(len(f.variants[identity].body))
	contentType := contentTypes[path.Ext(f.Path)]
	if contentType == "" {
		contentType = "application/octet-stream"
	}
	csp := ""
	if f.kind == kindPage {
		csp = pagePolicy(f.variants[identity].body)
	}
	hash := f.SHA256
	if len(hash) > 20 {
		hash = hash[:20]
	}
	for enc := range numEncodings {
		v := &f.variants[enc]
		if v.body == nil {
			continue
		}
		f.available[enc] = true
		// Each representation has its own strong ETag (RFC 9110 §8.8.3).
		v.etag = `"` + hash + `"`
		if enc != identity {
			v.etag = `"` + hash + "-" + encodingNames[enc] + `"`
		}
		v.ok, v.notModified = f.kind.headers(contentType, csp, enc, v.etag, len(v.body))
	}
}

// Version returns the bundle version recorded in the manifest.
func (t *Table) Version() string { return t.version }

// Handler returns the table as an http.Handler, for a Go backend that mounts
// the bundle on its own mux (the table itself is one; this reads better at
// the call site).
func (t *Table) Handler() http.Handler { return t }

// Lookup returns the manifest entry served at urlPath ("/" is the demo page).
func (t *Table) Lookup(urlPath string) (Entry, bool) {
	f := t.lookup(urlPath)
	if f == nil {
		return Entry{}, false
	}
	return f.Entry, true
}

// Entries returns the manifest entry of every file the table serves, the
// manifest itself included, in no particular order.
func (t *Table) Entries() []Entry {
	entries := make([]Entry, 0, len(t.files))
	for _, f := range t.files {
		entries = append(entries, f.Entry)
	}
	return entries
}

// Has reports whether urlPath names a file of the bundle, so that a router
// can send it straight to the table.
func (t *Table) Has(urlPath string) bool { return t.lookup(urlPath) != nil }

func (t *Table) lookup(urlPath string) *file {
	p := strings.TrimPrefix(urlPath, "/")
	if p == "" {
		p = "index.html"
	}
	return t.files[p]
}
