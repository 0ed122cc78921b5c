package main

import (
	"archive/tar"
	"compress/gzip"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crumbless/crumbless/bundle"
	"github.com/crumbless/crumbless/internal/shared/registry"
)

func TestDistHasEveryFileAndAPinnedLoader(t *testing.T) {
	files, err := Build(stage(), "1.2.3-abc")
	require.NoError(t, err)
	cases := []struct {
		name  string
		types []byte
	}{{"with declarations", []byte("export {};")}, {"without declarations", nil}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dist, err := Dist(files, "1.2.3-abc", DistInputs{License: []byte("licence"), Types: c.types})
			require.NoError(t, err)
			var paths []string
			for _, f := range dist {
				paths = append(paths, f.Path)
				assert.NotEmpty(t, f.Brotli, f.Path)
				assert.NotEmpty(t, f.Gzip, f.Path)
			}
			assert.NotContains(t, paths, "index.html", "the server's demo page stays out")
			assert.NotContains(t, paths, byName(files)["demo.css"].Path)
			for _, name := range []string{"console.html", "console.wasm", "console.js", "console_exec.js"} {
				assert.NotContains(t, paths, byName(files)[name].Path, "the console stays out")
			}
			for _, p := range []string{"crumbless.js", byName(files)["crumbless.wasm"].Path, byName(files)["wasm_exec.js"].Path,
				"manifest.json", "disclosure.json", "LICENSE", "README.md", "example.html"} {
				assert.Contains(t, paths, p)
			}
			if c.types != nil {
				assert.Contains(t, paths, "crumbless.d.ts")
			} else {
				assert.NotContains(t, paths, "crumbless.d.ts")
			}

			pinned, ok := PinnedLoader(dist)
			require.True(t, ok)
			assert.Regexp(t, `^crumbless\.[0-9a-f]{10}\.js$`, pinned.Path)
			assert.Equal(t, byName(files)["crumbless.js"].Raw, pinned.Raw, "the pinned loader is the loader")
			sum := sha512.Sum384(pinned.Raw)
			sri := "sha384-" + base64.StdEncoding.EncodeToString(sum[:])
			assert.Equal(t, sri, pinned.Integrity)
			for _, name := range []string{"README.md", "example.html"} {
				f := distByPath(dist, name)
				assert.Contains(t, string(f.Raw), `src="`, name)
				assert.Contains(t, string(f.Raw), pinned.Path+`" integrity="`+sri+`" crossorigin="anonymous"`, name)
			}

			var disclosure []registry.Entry
			require.NoError(t, json.Unmarshal(distByPath(dist, "disclosure.json").Raw, &disclosure))
			assert.Equal(t, registry.Disclosure(registry.DefaultPrefix), disclosure)
		})
	}
}

func TestDistNeedsALicense(t *testing.T) {
	files, err := Build(stage(), "v")
	require.NoError(t, err)
	_, err = Dist(files, "v", DistInputs{})
	require.ErrorContains(t, err, "LICENSE")
}

// TestWriteDistServesThroughTheBundlePackage writes the folder and the
// tarball, then mounts the folder the way a Go backend would.
func TestWriteDistServesThroughTheBundlePackage(t *testing.T) {
	files, err := Build(stage(), "1.2.3")
	require.NoError(t, err)
	dist, err := Dist(files, "1.2.3", DistInputs{License: []byte("licence")})
	require.NoError(t, err)
	dir := t.TempDir()
	folder, err := WriteDist(dir, "1.2.3", dist)
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(dir, "crumbless-1.2.3"), folder)

	b, err := bundle.Open(os.DirFS(folder))
	require.NoError(t, err)
	assert.Equal(t, "1.2.3", b.Version())
	mux := http.NewServeMux()
	mux.Handle("/static/crumbless/", b.Handler())
	pinned, _ := PinnedLoader(dist)
	for _, f := range dist {
		req := httptest.NewRequest("GET", "/static/crumbless/"+f.Path, nil)
		req.Header.Set("Accept-Encoding", "br")
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, req)
		assert.Equal(t, http.StatusOK, rec.Code, f.Path)
		// A variant that saves nothing is not served; the manifest is served raw.
		if len(f.Brotli) < len(f.Raw) && f.Path != "manifest.json" {
			assert.Equal(t, "br", rec.Header().Get("Content-Encoding"), f.Path)
		}
		if f.Immutable {
			assert.Equal(t, "public, max-age=31536000, immutable", rec.Header().Get("Cache-Control"), f.Path)
		}
	}
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("GET", "/static/crumbless/"+pinned.Path, nil))
	assert.Equal(t, "public, max-age=31536000, immutable", rec.Header().Get("Cache-Control"))

	// The tarball holds the same files under crumbless-1.2.3/.
	tgz, err := os.Open(filepath.Join(dir, "crumbless-1.2.3.tar.gz"))
	require.NoError(t, err)
	defer tgz.Close()
	zr, err := gzip.NewReader(tgz)
	require.NoError(t, err)
	tr := tar.NewReader(zr)
	var inTar, onDisk []string
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		if h.Typeflag == tar.TypeReg {
			inTar = append(inTar, h.Name)
		}
	}
	require.NoError(t, filepath.WalkDir(folder, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			onDisk = append(onDisk, filepath.ToSlash(rel))
		}
		return err
	}))
	sort.Strings(inTar)
	sort.Strings(onDisk)
	assert.Equal(t, onDisk, inTar)
	assert.Contains(t, inTar, "crumbless-1.2.3/manifest.json.br")
}

func distByPath(files []File, p string) File {
	for _, f := range files {
		if f.Path == p {
			return f
		}
	}
	return File{}
}
