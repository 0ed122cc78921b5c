// Package wasmsize builds Go packages for GOOS=js GOARCH=wasm exactly as
// make build builds the widget and measures them the way visitors pay for
// them: brotli at the quality the bundle is precompressed with. The budget
// test of this package keeps the widget under its size budget (1.5 times a
// Go hello world built in the same run) and keeps the heaviest standard
// packages out of it; internal/bench/wasmcost prints the same numbers for any
// package.
package wasmsize

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/andybalholm/brotli"
)

// Flags are make build's for the widget (the Makefile's WIDGETFLAGS): no
// paths, no symbol table, no DWARF, and no inlining in the widget's own
// packages (wasm/...), where inlined syscall/js accessors copied into every
// call site cost about 18 KB brotli. The hello world has no package under
// wasm/, so the last flag leaves it as it is.
var Flags = []string{"-trimpath", "-ldflags=-s -w", "-gcflags=" + Widget + "/...=-l"}

// Widget is the visitor widget's main package.
const Widget = "github.com/crumbless/crumbless/wasm"

// Hello is a Go hello world for the browser (syscall/js, one DOM node): the
// floor under any Go program that runs in a page, set by the Go runtime.
const Hello = "github.com/crumbless/crumbless/internal/testenv/wasmsize/hello"

// Budget is the most the widget may weigh, brotli bytes, given the brotli
// size of Hello built with the same flags and toolchain: one and a half
// times it. Relative to the floor rather than a fixed number, the budget
// moves with the Go runtime that every Go program in a browser carries,
// and bounds what the widget adds on top of it.
func Budget(hello int) int { return hello * 3 / 2 }

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
