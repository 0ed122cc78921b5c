package server

import (
	"embed"
	"io/fs"
)

// web holds the widget's built files, written into server/web by make build
// (internal/tools/pack); "all:" keeps the .keep file, so that the package
// compiles before the first build.
//
//go:embed all:web
var web embed.FS

// builtFiles returns the embedded files with manifest.json at the root.
func builtFiles() fs.FS {
	sub, err := fs.Sub(web, "web")
	if err != nil {
		panic("crumbless: " + err.Error()) // "web" is a valid path: unreachable
	}
	return sub
}
