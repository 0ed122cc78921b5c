//go:build e2e

package e2e

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/rand"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crumbless/crumbless/bundle"
	"github.com/crumbless/crumbless/internal/testenv/debian"
	"github.com/crumbless/crumbless/server/assets"
)

// npmPackage is the npm package make dist writes next to the dist folder.
func npmPackage(t *testing.T) string {
	t.Helper()
	tgz := distDir(t) + ".tgz"
	_, err := os.Stat(tgz)
	require.NoError(t, err, "run make dist")
	return tgz
}

// npmPackageFile returns one file of the npm package (path under package/).
func npmPackageFile(t *testing.T, tgz, name string) []byte {
	t.Helper()
	raw, err := os.ReadFile(tgz)
	require.NoError(t, err)
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	require.NoError(t, err)
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		require.NoError(t, err, "package/%s in %s", name, tgz)
		if h.Name == "package/"+name {
			b, err := io.ReadAll(tr)
			require.NoError(t, err)
			return b
		}
	}
}

// runIn runs a command in dir and returns its output; a failure shows it.
func runIn(t *testing.T, dir string, argv ...string) string {
	t.Helper()
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s:\n%s", strings.Join(argv, " "), out)
	return string(out)
}

// npmProject copies testdata/npmapp (Vite and TypeScript pinned by its
// package-lock.json) into a temporary folder and installs it and the npm
// package from make dist with npm, offline, from the cache make deps fills.
func npmProject(t *testing.T, tgz string) string {
	t.Helper()
	require.NoError(t, debian.Require(debian.Npm))
	cache := os.Getenv("CRUMBLESS_NPM_CACHE")
	require.NotEmpty(t, cache, "CRUMBLESS_NPM_CACHE must name the npm cache that make deps fills (make test-e2e sets it)")
	_, err := os.Stat(cache)
	require.NoError(t, err, "the npm cache is missing: run make deps")
	app := t.TempDir()
	require.NoError(t, os.CopyFS(app, os.DirFS(filepath.Join("testdata", "npmapp"))))
	cmd := exec.Command("npm", "install", "--offline", "--cache", cache, "--no-audit", "--no-fund", tgz)
	cmd.Dir = app
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "npm install --offline (the cache lacks a package? run make deps):\n%s", out)
	return app
}

// nonceServer serves a Vite build: index.html with a fresh nonce in place
// of the build's placeholder and a strict, nonce-based CSP; dist is the
// origin the widget comes from.
func nonceServer(t *testing.T, out, dist string) string {
	t.Helper()
	page, err := os.ReadFile(filepath.Join(out, "index.html"))
	require.NoError(t, err)
	require.Contains(t, string(page), "CRUMBLESS_TEST_NONCE", "the build put the nonce placeholder in the page")
	files := http.FileServer(http.Dir(out))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			files.ServeHTTP(w, r)
			return
		}
		nonce := make([]byte, 18)
		rand.Read(nonce)
		n := base64.StdEncoding.EncodeToString(nonce)
		w.Header().Set("Content-Security-Policy", "default-src 'none'; script-src 'nonce-"+n+"' 'strict-dynamic' 'wasm-unsafe-eval'; "+
			"connect-src "+dist+"; style-src 'self'; img-src 'self' data:; base-uri 'none'; object-src 'none'")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(bytes.ReplaceAll(page, []byte("CRUMBLESS_TEST_NONCE"), []byte(n)))
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestNpmPackageInAViteBuild installs the npm package into a TypeScript
// project, type-checks it with tsc and builds it with Vite (both pinned),
// and opens the page, served under a nonce-based CSP, in Chromium with the
// widget from a dist on another origin: the launcher appears, load() called
// twice (and again later) added one script, with the SRI hash and the
// nonce, no wasm is fetched before the click, queued calls and a query made
// before the loader are answered in order, and open and theme work through
// the package's crumbless(). It also imports the package in Node, with no
// window, and builds an entry that uses crumbless() alone, which must leave
// load() out.
func TestNpmPackageInAViteBuild(t *testing.T) {
	dist := distDir(t)
	m := distManifest(t, dist)
	pinned := distFile(t, m, func(e assets.Entry) bool { return e.Name == "crumbless.js" && e.Immutable })
	app := npmProject(t, npmPackage(t))

	runIn(t, app, filepath.Join("node_modules", ".bin", "tsc"), "--noEmit", "-p", ".")
	runIn(t, app, filepath.Join("node_modules", ".bin", "vite"), "build", "--logLevel", "warn")

	t.Run("server-side rendering", func(t *testing.T) {
		out := runIn(t, app, "node", "--input-type=module", "-e", `
const m = await import("crumbless");
m.load({ src: "https://cdn.example/crumbless/", site: "shop" });
console.log(JSON.stringify([typeof window, m.crumbless("open") ?? null, m.crumbless("state") ?? null]));`)
		assert.Equal(t, `["undefined",null,null]`, strings.TrimSpace(out))
	})

	t.Run("tree-shaking", func(t *testing.T) {
		runIn(t, app, filepath.Join("node_modules", ".bin", "vite"), "build", "--config", "vite.shake.js", "--logLevel", "warn")
		shaken, err := os.ReadFile(filepath.Join(app, "out-shake", "shake.js"))
		require.NoError(t, err)
		assert.Contains(t, string(shaken), `"disclosure"`, "crumbless() is in the build")
		assert.NotContains(t, string(shaken), "crumbless-loader", "load() is left out of a build that does not use it")
		assert.NotContains(t, string(shaken), pinned.Path, "load() is left out of a build that does not use it")
	})

	b, err := bundle.Open(os.DirFS(dist))
	require.NoError(t, err)
	mux := http.NewServeMux()
	mux.Handle("/crumbless/", b.Handler())
	cdn := httptest.NewServer(mux)
	t.Cleanup(cdn.Close)
	site := nonceServer(t, filepath.Join(app, "out"), cdn.URL)

	br := newBrowser(t)
	collectCSPViolations(t, br)
	br.do(t, chromedp.Navigate(site+"/?dist="+cdn.URL+"/crumbless/"))
	br.waitFor(t, launcher+` != null`)
	scripts := `[...document.scripts].filter(s => s.src.includes('/crumbless/'))`
	assert.Equal(t, []string{cdn.URL + "/crumbless/" + pinned.Path + " " + pinned.Integrity + " nonce"},
		eval[[]string](t, br, scripts+`.map(s => s.src + ' ' + s.integrity + ' ' + (s.nonce ? 'nonce' : 'none'))`),
		"one loader script, pinned, with SRI and the nonce")
	early := evalPromise[map[string]any](t, br, `app.early`)
	assert.Equal(t, false, early["ready"], "the query made before the loader ran")
	assert.Equal(t, m.Version, early["version"])
	eval[any](t, br, `app.load(), 0`)
	assert.Equal(t, 1, eval[int](t, br, scripts+`.length`), "load() after the loader ran adds nothing")
	assert.Zero(t, br.requestsEndingIn(".wasm"), "wasm fetched before a click")
	assert.Empty(t, prefixedKeys(t, br, "crumbless-"), "storage keys before interaction")

	br.click(t, launcher)
	br.waitFor(t, panelReady)
	br.waitFor(t, `app.events.includes('ready')`) // the runtime has taken over the commands
	assert.Positive(t, br.requestsEndingIn(".wasm"))
	eval[any](t, br, `app.crumbless('close'), 0`)
	br.waitFor(t, `!`+panel+`.checkVisibility()`)
	eval[any](t, br, `app.crumbless('theme', 'dark'), 0`)
	eval[any](t, br, `app.crumbless('open'), 0`)
	br.waitFor(t, panel+`.checkVisibility()`)
	br.waitFor(t, panelBg+` == '`+darkBg+`'`)
	br.waitFor(t, `app.events.length >= 4`)
	st := evalPromise[map[string]any](t, br, `app.crumbless('state')`)
	assert.Equal(t, true, st["ready"])
	assert.Equal(t, true, st["open"])
	assert.Equal(t, "dark", st["theme"])
	assert.Equal(t, []string{"open", "ready", "theme dark", "open"}, eval[[]string](t, br, `app.events`),
		"listeners queued before the loader hear the click's open, then the page's calls")
	assert.Empty(t, eval[[]string](t, br, `window.__csp`), "CSP violations")
	assert.Empty(t, br.cookies(t), "cookies")
}
