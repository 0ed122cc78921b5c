package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestGeneratedFilesAreFresh finds every file under wasm/ that embedgo
// wrote and fails when it no longer matches its sources.
func TestGeneratedFilesAreFresh(t *testing.T) {
	root := filepath.Join("..", "..", "..", "wasm")
	var found int
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
			return err
		}
		have, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		line, ok := strings.CutPrefix(string(have), header)
		if !ok {
			return nil
		}
		found++
		line, _, _ = strings.Cut(line, "\n")
		t.Run(path, func(t *testing.T) {
			args := strings.Fields(line)
			pkg, _, files, err := parse(args)
			require.NoError(t, err)
			want, err := generate(filepath.Dir(path), args, pkg, files)
			require.NoError(t, err)
			assert.Equal(t, string(want), string(have), "%s is stale: run go generate ./wasm/... and commit it", path)
		})
		return nil
	})
	require.NoError(t, err)
	assert.GreaterOrEqual(t, found, 2, "the catalogs and the views' CSS are generated")
}

// TestGenerate checks the literal forms and the errors.
func TestGenerate(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "a.css"), []byte(".x { color: red }\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "b.txt"), []byte("tick ` and\r\n"), 0o644))

	args := []string{"-pkg", "p", "-o", "x_gen.go", "css=a.css", "b=b.txt"}
	pkg, out, files, err := parse(args)
	require.NoError(t, err)
	assert.Equal(t, "p", pkg)
	assert.Equal(t, "x_gen.go", out)
	src, err := generate(dir, args, pkg, files)
	require.NoError(t, err)
	assert.Contains(t, string(src), "// embedgo -pkg p -o x_gen.go css=a.css b=b.txt\n")
	assert.Contains(t, string(src), "//go:build js && wasm\n\npackage p\n")
	assert.Contains(t, string(src), "const css = `.x { color: red }\n`\n")
	assert.Contains(t, string(src), "const b = \"tick ` and\\r\\n\"\n")

	for name, args := range map[string][]string{
		"no package":    {"-o", "x.go", "a=a.css"},
		"no files":      {"-pkg", "p", "-o", "x.go"},
		"missing file":  {"-pkg", "p", "-o", "x.go", "a=nope.css"},
		"not NAME=PATH": {"-pkg", "p", "-o", "x.go", "a.css"},
	} {
		t.Run(name, func(t *testing.T) {
			pkg, _, files, err := parse(args)
			if err == nil {
				_, err = generate(dir, args, pkg, files)
			}
			assert.Error(t, err)
		})
	}
}
