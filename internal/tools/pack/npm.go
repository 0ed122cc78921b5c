package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"
)

// loaderPlaceholder is the string literal in the npm entry that is replaced
// by the JSON array [pinned loader file, its sha384 SRI hash].
const loaderPlaceholder = `"__CRUMBLESS_LOADER__"`

// NpmInputs are the files of the npm package: the ESM entry (minified, with
// the loader placeholder), its declarations, the page API's declarations
// (static/crumbless.d.ts, shipped as they are), the README for npm and the
// licence.
type NpmInputs struct {
	Entry, Types, API, Readme, License []byte
}

// npmManifest is the package's package.json.
type npmManifest struct {
	Name        string         `json:"name"`
	Version     string         `json:"version"`
	Description string         `json:"description"`
	License     string         `json:"license"`
	Keywords    []string       `json:"keywords"`
	Type        string         `json:"type"`
	Exports     map[string]any `json:"exports"`
	Module      string         `json:"module"`
	Types       string         `json:"types"`
	SideEffects bool           `json:"sideEffects"`
	Files       []string       `json:"files"`
}

// npmMtime is the modification time npm pack gives every file, so that the
// same inputs make the same tarball.
var npmMtime = time.Date(1985, time.October, 26, 8, 15, 0, 0, time.UTC)

// NpmPackage returns the npm package crumbless as npm pack lays it out (a
// gzipped tar of package/…), versioned from version and bound to the pinned
// loader of dist: load() takes that file and its SRI hash.
func NpmPackage(dist []File, version string, in NpmInputs) ([]byte, error) {
	for name, b := range map[string][]byte{"entry": in.Entry, "declarations": in.Types, "crumbless.d.ts": in.API, "README": in.Readme, "LICENSE": in.License} {
		if len(b) == 0 {
			return nil, fmt.Errorf("the npm package needs its %s", name)
		}
	}
	pinned, ok := PinnedLoader(dist)
	if !ok {
		return nil, fmt.Errorf("the distribution has no pinned loader for the npm package")
	}
	if bytes.Count(in.Entry, []byte(loaderPlaceholder)) != 1 {
		return nil, fmt.Errorf("the npm entry needs one %s placeholder", loaderPlaceholder)
	}
	v, err := npmVersion(version)
	if err != nil {
		return nil, err
	}
	loader, _ := json.Marshal([2]string{pinned.Path, pinned.Integrity})
	entry := bytes.Replace(in.Entry, []byte(loaderPlaceholder), loader, 1)
	manifest, err := json.MarshalIndent(npmManifest{
		Name:        "crumbless",
		Version:     v,
		Description: "Load the Crumbless chat widget from a bundler: typed, tree-shakable, safe in server-side rendering.",
		License:     "MIT",
		Keywords:    []string{"chat", "widget", "webassembly", "privacy", "cookieless"},
		Type:        "module",
		Exports: map[string]any{
			".":              map[string]string{"types": "./index.d.ts", "default": "./index.js"},
			"./package.json": "./package.json",
		},
		Module:      "./index.js",
		Types:       "./index.d.ts",
		SideEffects: false,
		Files:       []string{"index.js", "index.d.ts", "crumbless.d.ts"},
	}, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode package.json: %w", err)
	}
	var out bytes.Buffer
	zw, err := gzip.NewWriterLevel(&out, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	tw := tar.NewWriter(zw)
	for _, f := range []struct {
		name string
		body []byte
	}{
		{"package.json", append(manifest, '\n')},
		{"index.js", entry},
		{"index.d.ts", in.Types},
		{"crumbless.d.ts", in.API},
		{"README.md", in.Readme},
		{"LICENSE", in.License},
	} {
		h := &tar.Header{Typeflag: tar.TypeReg, Name: "package/" + f.name, Mode: 0o644, Size: int64(len(f.body)), ModTime: npmMtime}
		if err := tw.WriteHeader(h); err != nil {
			return nil, fmt.Errorf("npm package: %w", err)
		}
		if _, err := tw.Write(f.body); err != nil {
			return nil, fmt.Errorf("npm package: %w", err)
		}
	}
	if err := tw.Close(); err != nil {
		return nil, fmt.Errorf("npm package: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("npm package: %w", err)
	}
	return out.Bytes(), nil
}

// semver is a version as https://semver.org/#spec-item-2 to 10 define it.
var semver = regexp.MustCompile(`^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)` +
	`(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?` +
	`(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$`)

// npmVersion turns the build's version (VERSION, a dash and the commit:
// 0.1.0-8803b86, 0.1.0-8803b86-dirty) into the package's semantic version.
// A commit of digits only with a leading zero is no valid prerelease
// identifier, so it gets git describe's "g" in front (0.1.0-g0123456).
func npmVersion(version string) (string, error) {
	v := version
	if main, pre, ok := strings.Cut(version, "-"); ok {
		ids := strings.Split(pre, ".")
		for i, id := range ids {
			if len(id) > 1 && id[0] == '0' && strings.Trim(id, "0123456789") == "" {
				ids[i] = "g" + id
			}
		}
		v = main + "-" + strings.Join(ids, ".")
	}
	if !semver.MatchString(v) {
		return "", fmt.Errorf("version %q is no semantic version for npm", version)
	}
	return v, nil
}

// NpmEntry reads package/index.js out of an npm package and compresses it
// as the web files are, for its size.
func NpmEntry(tgz []byte) (File, error) {
	files, err := readTarGz(tgz)
	if err != nil {
		return File{}, err
	}
	b, ok := files["package/index.js"]
	if !ok {
		return File{}, fmt.Errorf("the npm package has no package/index.js")
	}
	f := newFile("index.js", "index.js", b, false)
	return f, f.compress()
}

// readTarGz returns the regular files of a gzipped tar by name.
func readTarGz(tgz []byte) (map[string][]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(tgz))
	if err != nil {
		return nil, fmt.Errorf("read npm package: %w", err)
	}
	tr := tar.NewReader(zr)
	files := map[string][]byte{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return files, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read npm package: %w", err)
		}
		if h.Typeflag == tar.TypeReg {
			if files[h.Name], err = io.ReadAll(tr); err != nil {
				return nil, fmt.Errorf("read npm package: %w", err)
			}
		}
	}
}
