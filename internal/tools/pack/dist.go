package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	"text/template"

	"github.com/crumbless/crumbless/internal/shared/registry"
	"github.com/crumbless/crumbless/server/assets"
)

// demoStyles styles the server's demo page only; the widget's own styles
// travel in the loader and the runtime.
const demoStyles = "demo.css"

// consolePrefix begins the staged names of the operator console's files
// (console.html, console.wasm, console.js, console_exec.js, console.css).
const consolePrefix = "console"

// DistInputs are the files of a distribution that do not come from the
// stage: the licence, the TypeScript declarations (optional) and the
// hosting configs that the dist README points to.
type DistInputs struct {
	License []byte // required
	Types   []byte // crumbless.d.ts; nil when the loader has none yet
}

// Dist turns the packed files into the self-hostable distribution: the
// loader under its stable name and under a versioned, content-hashed name
// (for pinning with SRI), the hashed runtime files, wasm_exec.js and styles,
// crumbless.d.ts, disclosure.json, LICENSE, a README on hosting and an
// example page, each raw + .br + .gz, and a manifest.json that lists them.
// The demo pages of the server and the operator console (console*, which
// only the server serves) are left out.
func Dist(files []File, version string, in DistInputs) ([]File, error) {
	if len(in.License) == 0 {
		return nil, fmt.Errorf("the distribution needs a LICENSE")
	}
	var out []File
	var loader File
	for _, f := range files {
		switch {
		case f.Name == assets.ManifestName, strings.HasSuffix(f.Name, ".html"), f.Name == demoStyles, strings.HasPrefix(f.Name, consolePrefix):
			continue
		case f.Name == loaderName:
			loader = f
		}
		out = append(out, f)
	}
	if loader.Raw == nil {
		return nil, fmt.Errorf("the packed files have no %s", loaderName)
	}
	pinned := newFile(loaderName, pinnedLoaderPath(loader.Raw), loader.Raw, true)
	out = append(out, pinned)

	disclosure, err := json.MarshalIndent(registry.Disclosure(registry.DefaultPrefix), "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode disclosure: %w", err)
	}
	snippet := Snippet{Version: version, Loader: pinned.Path, Integrity: pinned.Integrity}
	readme, err := snippet.render(readmeTemplate)
	if err != nil {
		return nil, err
	}
	example, err := snippet.render(exampleTemplate)
	if err != nil {
		return nil, err
	}
	out = append(out,
		newFile("disclosure.json", "disclosure.json", append(disclosure, '\n'), false),
		newFile("LICENSE", "LICENSE", in.License, false),
		newFile("README.md", "README.md", readme, false),
		newFile("example.html", "example.html", example, false),
	)
	if in.Types != nil {
		out = append(out, newFile("crumbless.d.ts", "crumbless.d.ts", in.Types, false))
	}
	for i := range out {
		if out[i].Brotli == nil {
			if err := out[i].compress(); err != nil {
				return nil, err
			}
		}
	}
	out = append(out, manifestFile(version, out))
	return out, nil
}

// pinnedLoaderPath is the loader's versioned name: crumbless.<hash>.js.
func pinnedLoaderPath(b []byte) string {
	return strings.TrimPrefix(hashedPath(loaderName, b), "a/")
}

// PinnedLoader returns the versioned loader of a distribution.
func PinnedLoader(files []File) (File, bool) {
	for _, f := range files {
		if f.Name == loaderName && f.Immutable {
			return f, true
		}
	}
	return File{}, false
}

// Snippet is what a page pastes to embed a distribution hosted at HOST.
type Snippet struct {
	Version, Loader, Integrity string
}

// HTML is the embed snippet for a distribution served from base (a URL
// ending in /).
func (s Snippet) HTML(base string) string {
	return `<script>window.crumbless=window.crumbless||function(){(crumbless.q=crumbless.q||[]).push(arguments)};</script>` + "\n" +
		`<script src="` + base + s.Loader + `" integrity="` + s.Integrity + `" crossorigin="anonymous" data-site="demo" async></script>`
}

func (s Snippet) render(tmpl string) ([]byte, error) {
	t, err := template.New("").Parse(tmpl)
	if err != nil {
		return nil, fmt.Errorf("crumbless: dist template: %w", err)
	}
	var b bytes.Buffer
	if err := t.Execute(&b, s); err != nil {
		return nil, fmt.Errorf("render dist template: %w", err)
	}
	return b.Bytes(), nil
}

// WriteDist writes files into dir/crumbless-<version>/ (replacing it) and
// dir/crumbless-<version>.tar.gz, and returns the folder's path.
func WriteDist(dir, version string, files []File) (string, error) {
	name := "crumbless-" + version
	folder := filepath.Join(dir, name)
	if err := os.RemoveAll(folder); err != nil {
		return "", err
	}
	if err := Write(folder, files); err != nil {
		return "", err
	}
	tgz, err := os.Create(filepath.Join(dir, name+".tar.gz"))
	if err != nil {
		return "", err
	}
	if err := writeTarGz(tgz, name, files); err != nil {
		tgz.Close()
		return "", fmt.Errorf("write %s.tar.gz: %w", name, err)
	}
	return folder, tgz.Close()
}

func writeTarGz(w io.Writer, root string, files []File) error {
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	tw := tar.NewWriter(zw)
	dirs := map[string]bool{}
	for _, f := range files {
		if d := path.Dir(f.Path); d != "." && !dirs[d] {
			dirs[d] = true
			if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: root + "/" + d + "/", Mode: 0o755}); err != nil {
				return err
			}
		}
		for _, v := range []struct {
			suffix string
			body   []byte
		}{{"", f.Raw}, {".br", f.Brotli}, {".gz", f.Gzip}} {
			h := &tar.Header{Typeflag: tar.TypeReg, Name: root + "/" + f.Path + v.suffix, Mode: 0o644, Size: int64(len(v.body))}
			if err := tw.WriteHeader(h); err != nil {
				return err
			}
			if _, err := tw.Write(v.body); err != nil {
				return err
			}
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return zw.Close()
}

const readmeTemplate = `# Crumbless {{.Version}} — self-hosted distribution

This folder is the whole widget. Copy it to any web server, object store or
CDN, under any path, and paste the snippet below into your pages. The loader
finds its files relative to its own URL (or to ` + "`data-base`" + ` on the
script tag), so nothing has to be rebuilt for your path or host.

## Embed (pinned version, with Subresource Integrity)

Replace ` + "`https://HOST/crumbless/`" + ` with where you put this folder:

` + "```html" + `
<script>window.crumbless=window.crumbless||function(){(crumbless.q=crumbless.q||[]).push(arguments)};</script>
<script src="https://HOST/crumbless/{{.Loader}}" integrity="{{.Integrity}}" crossorigin="anonymous" data-site="demo" async></script>
` + "```" + `

` + "`{{.Loader}}`" + ` never changes for this version, so the browser checks it
against the ` + "`integrity`" + ` hash (sha384). The loader checks the wasm runtime
and ` + "`wasm_exec.js`" + ` it downloads against their sha384 hashes too: a changed
file is refused and the widget shows "The chat could not be loaded" with a
retry button, and logs which URL failed and why in the console.
` + "`crumbless.js`" + ` is the same loader under a stable name, for pages that
want the newest version you deploy without editing the snippet (no SRI then).

## Files

| file | cache |
|---|---|
| ` + "`a/*`" + ` (runtime, wasm_exec.js, styles: content-hashed names) | ` + "`public, max-age=31536000, immutable`" + ` |
| ` + "`{{.Loader}}`" + ` (versioned loader) | ` + "`public, max-age=31536000, immutable`" + ` |
| ` + "`crumbless.js`" + ` (stable loader) | ` + "`public, max-age=300`" + ` |
| ` + "`manifest.json`" + `, ` + "`disclosure.json`" + `, the rest | ` + "`no-cache`" + ` or short |

Every file has a ` + "`.br`" + ` and a ` + "`.gz`" + ` next to it: serve them to browsers that
send ` + "`Accept-Encoding: br`" + ` / ` + "`gzip`" + ` with ` + "`Content-Encoding`" + ` and
` + "`Vary: Accept-Encoding`" + `, and the original's ` + "`Content-Type`" + `.

Required headers: ` + "`Content-Type: application/wasm`" + ` for ` + "`.wasm`" + ` (the loader
refuses anything else), ` + "`text/javascript`" + ` for ` + "`.js`" + `;
` + "`Access-Control-Allow-Origin: *`" + ` and ` + "`Cross-Origin-Resource-Policy: cross-origin`" + `
when the pages are on another origin than the files (the loader fetches
the runtime with CORS); ` + "`X-Content-Type-Options: nosniff`" + `.

Tested configurations for nginx, Caddy and object stores/CDNs are in the
Crumbless repository under ` + "`docs/hosting/`" + `; a Go backend can mount this folder
with ` + "`bundle.Open(os.DirFS(dir))`" + ` and ` + "`mux.Handle(\"/crumbless/\", b.Handler())`" + `.

` + "`example.html`" + ` is a page that embeds the widget from this folder;
` + "`manifest.json`" + ` lists every file with its size and hashes;
` + "`disclosure.json`" + ` lists every key the widget may store in a visitor's
browser (publish it in your privacy notice); ` + "`crumbless.d.ts`" + ` types the JS API; ` + "`LICENSE`" + ` is the MIT licence
the widget is distributed under.
`

const exampleTemplate = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Crumbless {{.Version}} example</title>
</head>
<body>
<main>
<h1>Crumbless {{.Version}}</h1>
<p>This page embeds the widget from this folder, pinned and checked with Subresource Integrity.</p>
</main>
<script>window.crumbless=window.crumbless||function(){(crumbless.q=crumbless.q||[]).push(arguments)};</script>
<script src="{{.Loader}}" integrity="{{.Integrity}}" crossorigin="anonymous" data-site="demo" async></script>
</body>
</html>
`
