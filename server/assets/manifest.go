// Package assets serves the widget bundle: the loader, the content-hashed
// runtime files and the demo pages, each held in memory with its brotli and
// gzip variants, strong ETags and the caching rules of the public contract.
//
// The bundle is made by internal/tools/pack at build time; this package only
// reads it, once, at start.
package assets

// ManifestName is the name of the bundle's index file.
const ManifestName = "manifest.json"

// Manifest lists every file in a bundle.
type Manifest struct {
	Version string  `json:"version"`
	Files   []Entry `json:"files"`
}

// Entry describes one bundled file. Path is where it is served, relative to
// the bundle root; its variants live at Path+".br" and Path+".gz".
type Entry struct {
	Name       string `json:"name"` // name before hashing, e.g. "crumbless.wasm"
	Path       string `json:"path"` // e.g. "a/crumbless.0123456789.wasm"
	Size       int64  `json:"size"`
	GzipSize   int64  `json:"gzip"`
	BrotliSize int64  `json:"br"`
	SHA256     string `json:"sha256"`    // hex of the raw bytes
	Integrity  string `json:"integrity"` // sha384 Subresource Integrity value
	Immutable  bool   `json:"immutable"` // content-hashed name: cache forever
}
