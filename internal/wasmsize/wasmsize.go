// Package wasmsize builds Go packages for GOOS=js GOARCH=wasm exactly as
// make build builds the widget and measures them the way visitors pay for
// them: brotli at the quality the bundle is precompressed with. The budget
// test of this package keeps the widget under its size budget and keeps the
// heaviest standard packages out of it; internal/cmd/wasmcost prints the
// same numbers for any package.
package wasmsize

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/andybalholm/brotli"
)

// Flags are make build's: no paths, no symbol table, no DWARF.
var Flags = []string{"-trimpath", "-ldflags=-s -w"}

// Measure builds pkg (an import path or a ./ path) into dir and returns the
// raw and brotli (quality 11) sizes of the wasm.
func Measure(dir, pkg string) (raw, br int, err error) {
	out := filepath.Join(dir, filepath.Base(pkg)+".wasm")
	args := append(append([]string{"build"}, Flags...), "-o", out, pkg)
	cmd := exec.Command("go", args...)
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return 0, 0, fmt.Errorf("build %s: %w: %s", pkg, err, stderr.Bytes())
	}
	data, err := os.ReadFile(out)
	if err != nil {
		return 0, 0, fmt.Errorf("read %s: %w", out, err)
	}
	var buf bytes.Buffer
	w := brotli.NewWriterLevel(&buf, brotli.BestCompression)
	if _, err := w.Write(data); err != nil {
		return 0, 0, fmt.Errorf("compress %s: %w", out, err)
	}
	if err := w.Close(); err != nil {
		return 0, 0, fmt.Errorf("compress %s: %w", out, err)
	}
	return len(data), buf.Len(), nil
}
