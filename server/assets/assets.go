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
	"strconv"
	"strings"
)

// Cache-Control values by kind of file.
const (
	cacheImmutable  = "public, max-age=31536000, immutable" // content-hashed names
	cacheLoader     = "public, max-age=300"                 // crumbless.js: stable URL, short cache + ETag
	cacheRevalidate = "no-cache"                            // pages and the manifest
)

// contentTypes maps extensions to exact Content-Type values. The table is
// fixed so that the answer never depends on the host's /etc/mime.types.
var contentTypes = map[string]string{
	".wasm": "application/wasm",
	".js":   "text/javascript; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".html": "text/html; charset=utf-8",
	".json": "application/json",
	".svg":  "image/svg+xml",
	".txt":  "text/plain; charset=utf-8",
	".ts":   "text/plain; charset=utf-8",
}

// Table is the bundle held in memory, ready to serve. It is safe for
// concurrent use and never changes after Load.
type Table struct {
	version string
	files   map[string]*file // by URL path without the leading slash
}

type file struct {
	Entry
	contentType  string
	cacheControl string
	body         [numEncodings][]byte // nil where the variant is absent
	etag         [numEncodings]string
}

// Load reads the manifest and every file it lists, with its .br and .gz
// variants, from fsys. It fails when the bundle is empty, a listed file is
// missing, or a file's bytes do not match the manifest's hash.
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
		f.body[identity] = raw
		f.finish()
		t.files[ManifestName] = f
	}
	return t, nil
}

func loadFile(fsys fs.FS, e Entry) (*file, error) {
	if !fs.ValidPath(e.Path) || e.Path == "." {
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
	f.body[identity] = body
	for enc, suffix := range map[int]string{brotli: ".br", gzip: ".gz"} {
		b, err := fs.ReadFile(fsys, e.Path+suffix)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if len(b) < len(body) { // a variant that does not save bytes is not worth a Vary
			f.body[enc] = b
		}
	}
	f.finish()
	return f, nil
}

// finish derives the headers that do not depend on the request.
func (f *file) finish() {
	f.contentType = contentTypes[path.Ext(f.Path)]
	if f.contentType == "" {
		f.contentType = "application/octet-stream"
	}
	switch {
	case f.Immutable:
		f.cacheControl = cacheImmutable
	case strings.HasSuffix(f.Path, ".js"):
		f.cacheControl = cacheLoader
	default:
		f.cacheControl = cacheRevalidate
	}
	hash := f.SHA256
	if len(hash) > 20 {
		hash = hash[:20]
	}
	for enc := range numEncodings {
		if f.body[enc] != nil {
			// Each representation has its own strong ETag (RFC 9110 §8.8.3).
			suffix := ""
			if enc != identity {
				suffix = "-" + encodingNames[enc]
			}
			f.etag[enc] = `"` + hash + suffix + `"`
		}
	}
}

// Version returns the bundle version recorded in the manifest.
func (t *Table) Version() string { return t.version }

// Lookup returns the manifest entry served at urlPath ("/" is the demo page).
func (t *Table) Lookup(urlPath string) (Entry, bool) {
	f := t.lookup(urlPath)
	if f == nil {
		return Entry{}, false
	}
	return f.Entry, true
}

func (t *Table) lookup(urlPath string) *file {
	p := strings.TrimPrefix(urlPath, "/")
	if p == "" {
		p = "index.html"
	}
	return t.files[p]
}

// ServeHTTP serves GET and HEAD for the files in the table and 404 for
// anything else; other methods get 405 with Allow.
func (t *Table) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f := t.lookup(r.URL.Path)
	if f == nil {
		http.Error(w, "404 page not found", http.StatusNotFound)
		return
	}
	h := w.Header()
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		h.Set("Allow", "GET, HEAD")
		http.Error(w, "405 method not allowed", http.StatusMethodNotAllowed)
		return
	}
	var available [numEncodings]bool
	for enc := range numEncodings {
		available[enc] = f.body[enc] != nil
	}
	enc := negotiate(r.Header.Get("Accept-Encoding"), available)

	h.Set("Content-Type", f.contentType)
	h.Set("Cache-Control", f.cacheControl)
	h.Set("ETag", f.etag[enc])
	h.Set("Vary", "Accept-Encoding")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cross-Origin-Resource-Policy", "cross-origin")
	if enc != identity {
		h.Set("Content-Encoding", encodingNames[enc])
	}
	if etagMatches(r.Header.Get("If-None-Match"), f.etag[enc]) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body := f.body[enc]
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// etagMatches implements the weak comparison of If-None-Match (RFC 9110
// §13.1.2): "*" or any listed tag equal to etag, ignoring a W/ prefix.
func etagMatches(header, etag string) bool {
	if header == "" {
		return false
	}
	for _, candidate := range strings.Split(header, ",") {
		candidate = strings.TrimPrefix(strings.TrimSpace(candidate), "W/")
		if candidate == "*" || candidate == etag {
			return true
		}
	}
	return false
}
