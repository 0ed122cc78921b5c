//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crumbless/crumbless/internal/testenv/debian"
	"github.com/crumbless/crumbless/internal/testenv/launch"
	"github.com/crumbless/crumbless/internal/testenv/nginx"
	"github.com/crumbless/crumbless/server/assets"
)

// distDir is the folder make dist wrote (CRUMBLESS_DIST).
func distDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("CRUMBLESS_DIST")
	require.NotEmpty(t, dir, "CRUMBLESS_DIST must name the dist folder (make test-e2e sets it)")
	_, err := os.Stat(filepath.Join(dir, assets.ManifestName))
	require.NoError(t, err, "run make dist")
	return dir
}

func distManifest(t *testing.T, dir string) assets.Manifest {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dir, assets.ManifestName))
	require.NoError(t, err)
	var m assets.Manifest
	require.NoError(t, json.Unmarshal(raw, &m))
	return m
}

func distFile(t *testing.T, m assets.Manifest, match func(assets.Entry) bool) assets.Entry {
	t.Helper()
	for _, e := range m.Files {
		if match(e) {
			return e
		}
	}
	t.Fatal("no such file in the dist manifest")
	return assets.Entry{}
}

// webRoot returns a folder with the dist at crumbless/, as the hosting
// configs expect it.
func webRoot(t *testing.T, dist string) string {
	t.Helper()
	root := t.TempDir()
	require.NoError(t, os.Symlink(dist, filepath.Join(root, "crumbless")))
	return root
}

// onFreePort runs start on a loopback port nobody listens on now, and on
// another when the host exited before answering (see launch.OnFreePort).
func onFreePort(t *testing.T, start func(port int) error) {
	t.Helper()
	require.NoError(t, launch.OnFreePort(start))
}

// hostingConfig is the absolute path of a file in docs/hosting.
func hostingConfig(t *testing.T, name string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("..", "..", "..", "docs", "hosting", name))
	require.NoError(t, err)
	_, err = os.Stat(p)
	require.NoError(t, err)
	return p
}

// runHost starts argv, stops it when the test ends, and waits until probe
// answers with a Server header containing product (so that another
// program on the port is not taken for it). Its error wraps
// launch.ErrExited when the host exited before it answered.
func runHost(t *testing.T, name, probe, product string, env []string, argv ...string) error {
	t.Helper()
	_, err := launch.HostForTest(t, launch.HostOptions{Name: name, Argv: argv, Env: env, Probe: probe, Product: product})
	return err
}

// startNginx serves root with Debian's nginx and docs/hosting/nginx.conf,
// included verbatim in a server block on a loopback port.
func startNginx(t *testing.T, root string) string {
	t.Helper()
	var base string
	onFreePort(t, func(port int) error {
		base = "http://127.0.0.1:" + strconv.Itoa(port)
		return runNginx(t, nginx.Config{
			Main: "load_module " + debian.NginxBrotliModule + ";",
			HTTP: fmt.Sprintf(`	server {
		listen 127.0.0.1:%d;
		root %s;
		include %s;
	}`, port, root, hostingConfig(t, "nginx.conf")),
		}, base+"/crumbless/crumbless.js")
	})
	return base
}

// runNginx runs nginx with c (its Dir a fresh folder) until the test ends
// and waits until probe answers. Its error wraps launch.ErrExited when
// nginx exited before answering (a port taken before its bind).
func runNginx(t *testing.T, c nginx.Config, probe string) error {
	t.Helper()
	c.Dir = t.TempDir()
	h, err := nginx.Start(context.Background(), c, probe, nil)
	if err == nil {
		t.Cleanup(func() { _ = h.Stop() })
	}
	return err
}

// startCaddy serves root with Caddy and docs/hosting/crumbless.caddy,
// imported verbatim in a site block on a loopback port.
func startCaddy(t *testing.T, root string) string {
	t.Helper()
	work := t.TempDir()
	var base string
	onFreePort(t, func(port int) error {
		conf := fmt.Sprintf(`{
	admin off
	auto_https off
}
http://127.0.0.1:%d {
	root * %s
	import %s
}
`, port, root, hostingConfig(t, "crumbless.caddy"))
		confPath := filepath.Join(work, "Caddyfile")
		require.NoError(t, os.WriteFile(confPath, []byte(conf), 0o644))
		base = "http://127.0.0.1:" + strconv.Itoa(port)
		env := []string{"GOMAXPROCS=1", "HOME=" + work, "XDG_DATA_HOME=" + work, "XDG_CONFIG_HOME=" + work}
		return runHost(t, "caddy", base+"/crumbless/crumbless.js", "caddy", env, "caddy", "run", "--config", confPath, "--adapter", "caddyfile")
	})
	return base
}

// TestDistShipsLicense: the dist folder carries the project's MIT licence,
// byte for byte.
func TestDistShipsLicense(t *testing.T) {
	dist := distDir(t)
	shipped, err := os.ReadFile(filepath.Join(dist, "LICENSE"))
	require.NoError(t, err)
	repo, err := os.ReadFile(filepath.Join("..", "..", "..", "LICENSE"))
	require.NoError(t, err)
	assert.Equal(t, string(repo), string(shipped))
	assert.True(t, strings.HasPrefix(string(shipped), "MIT License\n\nCopyright (c) 2026 The Crumbless authors\n"), "MIT, with the authors' copyright line")
	assert.Contains(t, string(shipped), `THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND`)
	m := distManifest(t, dist)
	distFile(t, m, func(e assets.Entry) bool { return e.Path == "LICENSE" })
}

// TestDistOnNginxAndCaddy serves the dist with Debian's nginx and Caddy,
// each configured by exactly the file in docs/hosting, checks the headers
// the loader relies on, and runs the open/theme/reload check through the
// dist's example page (pinned loader with SRI, runtime checked against its
// hashes).
func TestDistOnNginxAndCaddy(t *testing.T) {
	dist := distDir(t)
	require.NoError(t, debian.Require(debian.Nginx, debian.NginxBrotli, debian.Caddy))
	m := distManifest(t, dist)
	wasm := distFile(t, m, func(e assets.Entry) bool { return e.Name == "crumbless.wasm" })
	pinned := distFile(t, m, func(e assets.Entry) bool { return e.Name == "crumbless.js" && e.Immutable })
	root := webRoot(t, dist)

	for _, host := range []struct {
		name  string
		start func(*testing.T, string) string
	}{{"nginx", startNginx}, {"caddy", startCaddy}} {
		t.Run(host.name, func(t *testing.T) {
			base := host.start(t, root) + "/crumbless/"
			for _, c := range []struct {
				path, encoding, contentType, cache string
			}{
				{wasm.Path, "br", "application/wasm", "public, max-age=31536000, immutable"},
				{wasm.Path, "gzip", "application/wasm", "public, max-age=31536000, immutable"},
				{pinned.Path, "br", "text/javascript; charset=utf-8", "public, max-age=31536000, immutable"},
				{"crumbless.js", "br", "text/javascript; charset=utf-8", "public, max-age=300"},
				{"manifest.json", "", "application/json", "no-cache"},
			} {
				t.Run(c.path+" "+c.encoding, func(t *testing.T) {
					req, err := http.NewRequest(http.MethodGet, base+c.path, nil)
					require.NoError(t, err)
					req.Header.Set("Accept-Encoding", c.encoding)
					res, err := http.DefaultTransport.RoundTrip(req)
					require.NoError(t, err)
					res.Body.Close()
					assert.Equal(t, http.StatusOK, res.StatusCode)
					assert.Equal(t, c.contentType, res.Header.Get("Content-Type"))
					assert.Equal(t, c.encoding, res.Header.Get("Content-Encoding"))
					assert.Equal(t, c.cache, res.Header.Get("Cache-Control"))
					assert.Equal(t, "*", res.Header.Get("Access-Control-Allow-Origin"))
					assert.Equal(t, "cross-origin", res.Header.Get("Cross-Origin-Resource-Policy"))
					assert.Equal(t, "nosniff", res.Header.Get("X-Content-Type-Options"))
					if c.encoding != "" {
						assert.Contains(t, res.Header.Get("Vary"), "Accept-Encoding")
					}
				})
			}
			openThemeReload(t, base+"example.html", m.Version)
		})
	}
}

// openThemeReload is the skeleton's promise on a page that embeds the
// widget from anywhere: nothing before the click, the runtime after it,
// the dark theme remembered across a reload, and the version in state.
func openThemeReload(t *testing.T, page, version string) {
	t.Helper()
	b := newBrowser(t)
	b.do(t, chromedp.Navigate(page))
	b.waitFor(t, launcher+` != null`)
	assert.Zero(t, b.requestsEndingIn(".wasm"), "wasm downloaded before interaction")
	assert.Empty(t, prefixedKeys(t, b, "crumbless-"), "storage keys before interaction")

	b.click(t, launcher)
	b.waitFor(t, panelReady)
	wasmRequests := b.requestsEndingIn(".wasm") // the hover prefetch and the load (from the cache)
	assert.Positive(t, wasmRequests)
	b.click(t, gear) // the theme is in the settings view
	b.waitFor(t, themeRadio("dark")+` != null`)
	b.click(t, themeRadio("dark"))
	b.waitFor(t, panelBg+` == '`+darkBg+`'`)

	// Closed before the reload, so that nothing loads until a click.
	reloadStillDark(t, b, wasmRequests)
	// The panel may show before the runtime answers the API: until then
	// the loader answers state with ready false.
	eventually(t, func() bool { return evalPromise[map[string]any](t, b, `crumbless('state')`)["ready"] == true }, "crumbless('state').ready")
	st := evalPromise[map[string]any](t, b, `crumbless('state')`)
	assert.Equal(t, version, st["version"], "crumbless('state').version")
	assert.Empty(t, b.cookies(t), "cookies")
}

// brokenDist serves a copy of the dist that a test can break: every
// response is uncached, .wasm goes out with wasmType.
type brokenDist struct {
	dir      string
	wasmType atomic.Value // string
}

func newBrokenDist(t *testing.T, dist string) (*brokenDist, string) {
	t.Helper()
	d := &brokenDist{dir: t.TempDir()}
	d.wasmType.Store("application/wasm")
	require.NoError(t, os.CopyFS(d.dir, os.DirFS(dist)))
	types := map[string]string{".js": "text/javascript", ".html": "text/html; charset=utf-8", ".json": "application/json"}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := os.ReadFile(filepath.Join(d.dir, filepath.FromSlash(strings.TrimPrefix(r.URL.Path, "/"))))
		if err != nil {
			http.NotFound(w, r)
			return
		}
		ct := types[filepath.Ext(r.URL.Path)]
		if filepath.Ext(r.URL.Path) == ".wasm" {
			ct = d.wasmType.Load().(string)
		}
		w.Header().Set("Content-Type", ct)
		w.Header().Set("Cache-Control", "no-store")
		w.Write(body)
	})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return d, "http://" + ln.Addr().String() + "/"
}

func (d *brokenDist) path(p string) string { return filepath.Join(d.dir, filepath.FromSlash(p)) }

// consoleErrors collects the console.error messages of b's pages.
func consoleErrors(t *testing.T, b *browser) func() []string {
	t.Helper()
	var mu sync.Mutex
	var msgs []string
	require.NoError(t, chromedp.Listen(b.ctx, func(ev any) {
		if e, ok := ev.(*runtime.EventConsoleAPICalled); ok && e.Type == runtime.ConsoleAPICalledTypeError {
			var parts []string
			for _, a := range e.Args {
				var s string
				if json.Unmarshal(a.Value, &s) == nil {
					parts = append(parts, s)
				}
			}
			mu.Lock()
			msgs = append(msgs, strings.Join(parts, " "))
			mu.Unlock()
		}
	}))
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), msgs...)
	}
}

// TestDistBrokenHosting: a dist served with a tampered wasm (one that
// fails to compile, or a valid module that is not the one listed),
// wasm_exec.js or runtime list, a wrong wasm MIME type or a missing file
// shows the accessible load error with a retry button, never a blank panel,
// runs none of the runtime, and logs which URL failed and why; once the
// host is fixed, retry loads the widget.
func TestDistBrokenHosting(t *testing.T) {
	dist := distDir(t)
	m := distManifest(t, dist)
	wasm := distFile(t, m, func(e assets.Entry) bool { return e.Name == "crumbless.wasm" })
	exec := distFile(t, m, func(e assets.Entry) bool { return e.Name == "wasm_exec.js" })
	list := distFile(t, m, func(e assets.Entry) bool { return e.Name == "runtime.json" })
	// tamper changes one byte of the dist file p; the fix puts it back.
	tamper := func(p string) (break_, fix func(d *brokenDist)) {
		return func(d *brokenDist) {
				b, err := os.ReadFile(d.path(p))
				require.NoError(t, err)
				b[len(b)/2] ^= 0x01
				require.NoError(t, os.WriteFile(d.path(p), b, 0o644))
			}, func(d *brokenDist) {
				b, err := os.ReadFile(filepath.Join(dist, p))
				require.NoError(t, err)
				require.NoError(t, os.WriteFile(d.path(p), b, 0o644))
			}
	}
	tamperedWasm, restoreWasm := tamper(wasm.Path)
	// extendedWasm appends a custom section to the wasm: a module that
	// still compiles and would run, but not the one the list names.
	extendedWasm := func(d *brokenDist) {
		f, err := os.OpenFile(d.path(wasm.Path), os.O_APPEND|os.O_WRONLY, 0)
		require.NoError(t, err)
		_, err = f.Write([]byte{0x00, 0x05, 0x04, 'e', 'x', 't', 'r'}) // id 0, size 5, name "extr"
		require.NoError(t, err)
		require.NoError(t, f.Close())
	}
	tamperedExec, restoreExec := tamper(exec.Path)
	tamperedList, restoreList := tamper(list.Path)

	cases := []struct {
		name        string
		break_, fix func(d *brokenDist)
		url         string // the file the log must name
		why         string // and the reason it must give
	}{
		{name: "tampered wasm", break_: tamperedWasm, fix: restoreWasm, url: wasm.Path, why: "does not match its integrity hash"},
		{name: "valid wasm, not the listed one", break_: extendedWasm, fix: restoreWasm, url: wasm.Path, why: "does not match its integrity hash"},
		{name: "tampered wasm_exec.js", break_: tamperedExec, fix: restoreExec, url: exec.Path, why: "does not match its integrity hash"},
		{name: "tampered runtime list", break_: tamperedList, fix: restoreList, url: list.Path, why: "does not match its integrity hash"},
		{
			name:   "wasm served as octet-stream",
			break_: func(d *brokenDist) { d.wasmType.Store("application/octet-stream") },
			fix:    func(d *brokenDist) { d.wasmType.Store("application/wasm") },
			url:    wasm.Path, why: "Incorrect response MIME type. Expected 'application/wasm'",
		},
		{
			name:   "missing wasm",
			break_: func(d *brokenDist) { require.NoError(t, os.Rename(d.path(wasm.Path), d.path(wasm.Path)+".gone")) },
			fix:    func(d *brokenDist) { require.NoError(t, os.Rename(d.path(wasm.Path)+".gone", d.path(wasm.Path))) },
			url:    wasm.Path, why: "HTTP 404",
		},
		{
			name:   "missing wasm_exec.js",
			break_: func(d *brokenDist) { require.NoError(t, os.Rename(d.path(exec.Path), d.path(exec.Path)+".gone")) },
			fix:    func(d *brokenDist) { require.NoError(t, os.Rename(d.path(exec.Path)+".gone", d.path(exec.Path))) },
			url:    exec.Path, why: "HTTP 404",
		},
		{
			name:   "missing runtime list",
			break_: func(d *brokenDist) { require.NoError(t, os.Rename(d.path(list.Path), d.path(list.Path)+".gone")) },
			fix:    func(d *brokenDist) { require.NoError(t, os.Rename(d.path(list.Path)+".gone", d.path(list.Path))) },
			url:    list.Path, why: "HTTP 404",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, base := newBrokenDist(t, dist)
			c.break_(d)
			b := newBrowser(t)
			errs := consoleErrors(t, b)
			b.do(t, chromedp.Navigate(base+"example.html"))
			b.waitFor(t, launcher+` != null`)
			b.click(t, launcher)

			alert := panel + `?.querySelector('[role=alert]')`
			b.waitFor(t, alert+` != null`)
			assert.Equal(t, "The chat could not be loaded.Try again", eval[string](t, b, alert+`.textContent`))
			assert.True(t, eval[bool](t, b, alert+`.checkVisibility()`), "the error is visible")
			var logged string
			for _, e := range errs() {
				if strings.HasPrefix(e, "crumbless: could not load the chat runtime") {
					logged = e
				}
			}
			assert.Contains(t, logged, base+c.url, "the log names the URL")
			assert.Contains(t, logged, c.why, "the log says why")
			// Nothing of the refused runtime ran: the Go runtime takes
			// boot.run when it starts, and the loader sets boot.go only
			// for a module it instantiates.
			assert.True(t, eval[bool](t, b, `window.crumbless._b.run === undefined && window.crumbless._b.go === undefined`), "the runtime never ran")

			c.fix(d)
			b.click(t, alert+`.querySelector('button')`)
			b.waitFor(t, panelReady)
		})
	}
}
