//go:build e2e

package e2e

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// loaderBudget is the most the widget may transfer before the visitor
// interacts: the loader with its launcher styles, brotli-compressed (2.5 KB,
// counted as 2,500 bytes). The panel's styles travel in the runtime list,
// fetched on hover, focus or click. The loader carries one hash, of the
// runtime list, which holds the sha384 of wasm_exec.js and the wasm: a
// tampered file is refused for the bytes of one hash rather than two.
const loaderBudget = 2500

// npmEntryBudget is the most the npm package's ESM entry (load() and the
// crumbless() queue, as make dist packs it) may weigh, brotli-compressed
// (1 KB, counted as 1,000 bytes): a page built from npm pays it on top of
// the loader.
const npmEntryBudget = 1000

// TestNpmEntryWithinBudget compresses the npm package's index.js as the
// server compresses the loader (brotli, quality 11) and holds it to its
// budget.
func TestNpmEntryWithinBudget(t *testing.T) {
	entry := npmPackageFile(t, npmPackage(t), "index.js")
	var br bytes.Buffer
	w := brotli.NewWriterOptions(&br, brotli.WriterOptions{Quality: 11, LGWin: 24})
	_, err := w.Write(entry)
	require.NoError(t, err)
	require.NoError(t, w.Close())
	t.Logf("npm entry: %d bytes raw, %d brotli (budget %d)", len(entry), br.Len(), npmEntryBudget)
	assert.Contains(t, string(entry), "export{", "an ES module")
	assert.LessOrEqual(t, br.Len(), npmEntryBudget, "the npm entry's brotli size")
}

// storageWrites makes the page record every call that would change Web
// Storage, whatever the key, in window.__writes, and every getItem in
// window.__reads.
const storageWrites = `
window.__writes = []; window.__reads = [];
const getItem = Storage.prototype.getItem;
Storage.prototype.getItem = function (k) { __reads.push(k); return getItem.call(this, k); };
for (const m of ['setItem', 'removeItem', 'clear']) {
  const orig = Storage.prototype[m];
  Storage.prototype[m] = function (...a) { __writes.push(m + ' ' + a[0]); return orig.apply(this, a); };
}
`

// TestNothingBeforeInteraction loads the demo and never touches it: only the
// loader is transferred (within the budget), no wasm and no wasm_exec.js are
// fetched, nothing is written to storage, and the launcher is drawn with one
// constructable stylesheet and no <style> element.
func TestNothingBeforeInteraction(t *testing.T) {
	base := startServer(t)
	b := newBrowser(t)
	b.onNewDocument(t, storageWrites)
	b.do(t, chromedp.Navigate(base+"/"))
	b.waitFor(t, launcher+` != null && document.readyState == 'complete'`)
	time.Sleep(500 * time.Millisecond) // give a stray idle callback or timer the chance to misbehave

	sizes := eval[map[string]float64](t, b, `Object.fromEntries(performance.getEntriesByType('resource').map(e => [new URL(e.name).pathname, e.encodedBodySize]))`)
	assert.Contains(t, sizes, "/crumbless.js")
	var widgetBytes float64
	for path, size := range sizes {
		if path == "/crumbless.js" || strings.HasPrefix(path, "/a/crumbless") || strings.HasPrefix(path, "/a/wasm_exec") || strings.HasPrefix(path, "/a/runtime") {
			widgetBytes += size
		}
	}
	t.Logf("transferred before interaction: %v (widget total %v bytes)", sizes, widgetBytes)
	assert.Positive(t, widgetBytes)
	assert.LessOrEqual(t, widgetBytes, float64(loaderBudget), "widget bytes before interaction")
	assert.Zero(t, b.requestsEndingIn(".wasm"), "wasm fetched before interaction")
	assert.Zero(t, b.requestsContaining("/a/wasm_exec."), "wasm_exec.js fetched before interaction")
	assert.Zero(t, b.requestsContaining("/a/runtime."), "runtime list fetched before interaction")
	assert.Empty(t, eval[[]string](t, b, `__writes`), "storage written before interaction")
	assert.Empty(t, eval[[]string](t, b, `__reads`), "storage read by a visitor who just arrived (its first access blocks the main thread)")
	assert.Empty(t, prefixedKeys(t, b, "crumbless-"))
	assert.Equal(t, 1, eval[int](t, b, shadow+`.adoptedStyleSheets.length`))
	assert.Zero(t, eval[int](t, b, shadow+`.querySelectorAll('style,[style]').length`), "inline styles in the shadow root")
	assert.Equal(t, 1, eval[int](t, b, `document.querySelectorAll('body > #crumbless-root').length`))
	assert.Equal(t, "Open chat", eval[string](t, b, launcher+`.getAttribute('aria-label')`))
	assert.True(t, eval[bool](t, b, shadow+`.querySelector('.badge') == null`), "no unread badge in a fresh tab")
}

// requestsContaining counts the requests whose URL contains sub.
func (b *browser) requestsContaining(sub string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := 0
	for _, u := range b.requests {
		if strings.Contains(u, sub) {
			n++
		}
	}
	return n
}

// hostPage serves, from its own loopback origin, a page that embeds the
// loader from src with the given script-tag attributes and extra markup.
func hostPage(t *testing.T, src, attrs, extra string) string {
	t.Helper()
	shop := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<!doctype html><html lang="en"><title>Shop</title>` + extra + `<h1>Shop</h1>` +
			`<script>window.crumbless=window.crumbless||function(){(crumbless.q=crumbless.q||[]).push(arguments)};</script>` +
			`<script src="` + src + `" ` + attrs + ` async></script></html>`))
	}))
	t.Cleanup(shop.Close)
	return shop.URL + "/"
}

// hover moves the mouse over the launcher without clicking.
func (b *browser) hover(t *testing.T) {
	t.Helper()
	pos := eval[[]float64](t, b, `(() => { const r = `+launcher+`.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2] })()`)
	_, err := chromedp.Call(b.ctx, input.DispatchMouseEvent, input.DispatchMouseEventParams{Type: input.DispatchMouseEventTypeMouseMoved, X: pos[0], Y: pos[1]})
	require.NoError(t, err)
}

// eventually waits until cond holds.
func eventually(t *testing.T, cond func() bool, msg string) {
	t.Helper()
	require.Eventually(t, cond, 20*time.Second, 20*time.Millisecond, msg)
}

// recordFrame makes the page record, in window.__frame, the panel frame's
// position and background and its status's colour at the moment the status
// is added (a mutation observer runs right after the click's handler,
// before the runtime can replace the status).
const recordFrame = `window.__frame = null, new MutationObserver((_, o) => {
  const p = ` + panel + `, s = p?.querySelector('.state');
  if (!s) return;
  o.disconnect();
  const c = getComputedStyle(p);
  window.__frame = {position: c.position, background: c.backgroundColor, status: getComputedStyle(s).color};
}).observe(` + shadow + `, {childList: true, subtree: true}), 0`

// TestPrefetch checks the three data-prefetch modes: hover starts fetching
// and compiling the runtime on pointer enter, idle after the load event,
// none only on the click; the click after a prefetch shows the styled panel
// frame at once and takes over the prefetch's runtime without downloading
// it again.
func TestPrefetch(t *testing.T) {
	base := startServer(t)
	cases := []struct {
		mode        string
		beforeHover bool // wasm requested after load, before any hover
		afterHover  bool // wasm requested after the hover, before the click
		focus       bool // the keyboard's focus reaches the launcher instead of the pointer
	}{
		{"hover", false, true, false},
		{"hover", false, true, true},
		{"idle", true, true, false},
		{"none", false, false, false},
	}
	for _, c := range cases {
		name := c.mode
		if c.focus {
			name += "-focus"
		}
		t.Run(name, func(t *testing.T) {
			b := newBrowser(t)
			var mu sync.Mutex
			var cached []bool // fromDiskCache of each wasm response
			require.NoError(t, chromedp.Listen(b.ctx, func(ev any) {
				if e, ok := ev.(*network.EventResponseReceived); ok && strings.HasSuffix(e.Response.URL, ".wasm") {
					mu.Lock()
					cached = append(cached, e.Response.FromDiskCache)
					mu.Unlock()
				}
			}))
			page := hostPage(t, base+"/crumbless.js", `data-site="demo" data-prefetch="`+c.mode+`"`, "")
			b.do(t, chromedp.Navigate(page))
			b.waitFor(t, launcher+` != null && document.readyState == 'complete'`)
			if c.beforeHover {
				eventually(t, func() bool { return b.requestsEndingIn(".wasm") == 1 }, "idle prefetch")
			} else {
				time.Sleep(500 * time.Millisecond)
				assert.Zero(t, b.requestsEndingIn(".wasm"), "wasm before hover")
			}
			if c.focus {
				// A page without the system's focus gets no focus events
				// (headless Chromium's first tab has none): emulate it.
				_, err := chromedp.Call(b.ctx, emulation.SetFocusEmulationEnabled, emulation.SetFocusEmulationEnabledParams{Enabled: true})
				require.NoError(t, err)
				eval[any](t, b, launcher+`.focus(), 0`)
			} else {
				b.hover(t)
			}
			if c.afterHover {
				eventually(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(cached) == 1 }, "prefetched")
			} else {
				time.Sleep(500 * time.Millisecond)
				assert.Zero(t, b.requestsEndingIn(".wasm"), "wasm after hover")
			}
			assert.Empty(t, prefixedKeys(t, b, "crumbless-"), "prefetch writes nothing")
			eval[any](t, b, recordFrame)
			b.click(t, launcher)
			if c.afterHover {
				// The prefetched list brought the panel's styles: the frame
				// is there, in the theme's colours (its status in the muted
				// colour only they set), as soon as the click is handled.
				// The frame is looked at as the click left it: with the
				// runtime in the HTTP cache, the runtime may replace the
				// status before a later look from the test.
				b.waitFor(t, `window.__frame != null`)
				frame := eval[map[string]string](t, b, `window.__frame`)
				assert.Equal(t, "absolute", frame["position"], "the frame at once, styled")
				assert.NotEqual(t, "rgba(0, 0, 0, 0)", frame["background"], "the frame has the theme's background")
				assert.Equal(t, "rgb(91, 91, 102)", frame["status"], "the status in the theme's muted colour")
			}
			b.waitFor(t, panelReady)
			// One wasm download in every mode: the click takes over the
			// prefetch's download and compile, or makes its own.
			assert.Equal(t, 1, eval[int](t, b, `performance.getEntriesByType('resource').filter(e => e.name.endsWith('.wasm')).length`), "wasm downloads")
			eventually(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(cached) >= 1 }, "the wasm response")
			mu.Lock()
			defer mu.Unlock()
			assert.Equal(t, []bool{false}, cached, "one wasm response, from the network")
		})
	}
}

// bundleServer serves the built web files (server/web) from its own loopback
// port, uncompressed, and breaks the wasm download the way *mode says:
// "404", "mime" (served as text/html) or "" (works).
func bundleServer(t *testing.T, mode *atomic.Value) string {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "server", "web")
	files := http.FileServer(http.Dir(dir))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, ".wasm") {
			switch mode.Load() {
			case "404":
				http.NotFound(w, r)
				return
			case "mime":
				body, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(r.URL.Path)))
				if err != nil {
					http.NotFound(w, r)
					return
				}
				w.Header().Set("Content-Type", "text/html")
				w.Write(body)
				return
			}
		}
		w.Header().Set("Cache-Control", "no-store") // each retry asks again
		files.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestFailedDownloadShowsRetry breaks the runtime download (404, wrong MIME
// type, offline): the panel shows an alert with a retry button, the console
// gets one error naming crumbless, nothing is thrown into the page, and the
// retry succeeds once the download works again.
func TestFailedDownloadShowsRetry(t *testing.T) {
	for _, mode := range []string{"404", "mime", "offline"} {
		t.Run(mode, func(t *testing.T) {
			var m atomic.Value
			m.Store(mode)
			base := bundleServer(t, &m)
			b := newBrowser(t)
			b.onNewDocument(t, recorder+`crumbless = function () { (crumbless.q = crumbless.q || []).push(arguments); }; crumbless('on', 'ready', () => __log.push('ready'));`)
			b.do(t, chromedp.Navigate(base+"/"))
			b.waitFor(t, launcher+` != null && document.readyState == 'complete'`)
			if mode == "offline" {
				setOffline(t, b, true)
			}
			b.click(t, launcher)
			// The frame joins the page once the runtime list brought the
			// panel's styles (here it works, bar the wasm; or offline not).
			alert := panel + `?.querySelector('[role=alert]')`
			b.waitFor(t, alert+` != null`)
			assert.Equal(t, "The chat could not be loaded.Try again", eval[string](t, b, alert+`.textContent`))
			assert.True(t, eval[bool](t, b, shadow+`.activeElement === `+alert+`.querySelector('button')`), "focus on the retry button")
			errs := eval[[]string](t, b, `__errors`)
			require.Len(t, errs, 1, "one console.error")
			assert.True(t, strings.HasPrefix(errs[0], "crumbless: could not load the chat runtime: "), errs[0])
			assert.Empty(t, eval[[]string](t, b, `__uncaught`), "errors thrown into the page")
			assert.Empty(t, eval[[]string](t, b, `__log`), "ready before the runtime ran")

			m.Store("")
			if mode == "offline" {
				setOffline(t, b, false)
			}
			b.click(t, alert+`.querySelector('button')`)
			b.waitFor(t, panelReady)
			b.waitFor(t, `__log.includes('ready')`)
			assert.Len(t, eval[[]string](t, b, `__errors`), 1, "no further error")
			assert.Empty(t, eval[[]string](t, b, `__uncaught`))
		})
	}
}

// TestLoadingShowsAtOnce: a click shows the panel's frame with its loading
// state at once, before anything was downloaded, in the page's theme (the
// runtime list with the panel's styles is held back by the server here, as
// on a slow network without a hover prefetch); it becomes the panel once
// the runtime arrives.
func TestLoadingShowsAtOnce(t *testing.T) {
	for _, theme := range []string{"light", "dark"} {
		t.Run(theme, func(t *testing.T) {
			release := make(chan struct{})
			var held atomic.Int32
			files := http.FileServer(http.Dir(filepath.Join("..", "..", "..", "server", "web")))
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				switch {
				case r.URL.Path == "/host.html":
					w.Header().Set("Content-Type", "text/html; charset=utf-8")
					w.Write([]byte(`<!doctype html><title>Host</title><p>A host page.</p>` +
						`<script src="/crumbless.js" data-chat="off" data-prefetch="none" data-theme="` + theme + `"></script>`))
					return
				case strings.HasPrefix(r.URL.Path, "/a/runtime."):
					held.Add(1)
					select {
					case <-release:
					case <-r.Context().Done():
						return
					}
				}
				files.ServeHTTP(w, r)
			}))
			t.Cleanup(srv.Close)
			released := sync.OnceFunc(func() { close(release) })
			t.Cleanup(released)

			b := newBrowser(t)
			b.do(t, chromedp.Navigate(srv.URL+"/host.html"))
			b.waitFor(t, launcher+` != null && document.readyState == 'complete'`)
			b.click(t, launcher)
			b.waitFor(t, panel+` != null`)
			// The frame shows in the click's task; the request reaches the
			// server a moment later, and the server holds it.
			eventually(t, func() bool { return held.Load() == 1 }, "the runtime list is on its way, held by the server")
			status := panel + `.querySelector('[role=status]')`
			assert.Equal(t, "Loading…", eval[string](t, b, status+`?.textContent`))
			assert.False(t, eval[bool](t, b, panel+`.hidden`))
			box := eval[map[string]float64](t, b, `(() => { const r = `+panel+`.getBoundingClientRect(); return {width: r.width, height: r.height} })()`)
			assert.GreaterOrEqual(t, box["width"], 300.0, "a frame, styled by the loader alone")
			assert.GreaterOrEqual(t, box["height"], 300.0)
			assert.NotEqual(t, "rgba(0, 0, 0, 0)", eval[string](t, b, `getComputedStyle(`+panel+`).backgroundColor`), "the frame has a background")
			scheme := eval[string](t, b, `getComputedStyle(`+panel+`).colorScheme`)
			assert.Equal(t, theme == "dark", scheme == "dark", "in the page's theme: %s", scheme)

			b.screenshot(t, "loading-"+theme)
			released()
			b.waitFor(t, panelReady)
			assert.Equal(t, theme, eval[string](t, b, `getComputedStyle(`+panel+`).colorScheme`))
		})
	}
}

func setOffline(t *testing.T, b *browser, offline bool) {
	t.Helper()
	params := network.EmulateNetworkConditionsByRuleParams{MatchedNetworkConditions: []*network.Conditions{}}
	if offline {
		params.MatchedNetworkConditions = []*network.Conditions{{Offline: true, DownloadThroughput: -1, UploadThroughput: -1}}
	}
	_, err := chromedp.Call(b.ctx, network.EmulateNetworkConditionsByRule, params)
	require.NoError(t, err)
}

// TestStrictPage opens /strict.html, served with a strict CSP (no
// 'unsafe-inline', no 'unsafe-eval'), and uses the widget there: no
// securitypolicyviolation may fire.
func TestStrictPage(t *testing.T) {
	base := startServer(t)
	res, err := http.Get(base + "/strict.html")
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
	csp := res.Header.Get("Content-Security-Policy")
	for _, want := range []string{"script-src 'self' 'wasm-unsafe-eval' 'sha256-", "style-src 'self'", "connect-src 'self'"} {
		assert.Contains(t, csp, want)
	}
	assert.Regexp(t, `default-src '(self|none)'`, csp)
	assert.NotContains(t, csp, "unsafe-inline")
	assert.NotContains(t, csp, "'unsafe-eval'")

	b := newBrowser(t)
	collectCSPViolations(t, b)
	b.onNewDocument(t, recorder)
	b.do(t, chromedp.Navigate(base+"/strict.html"))
	b.waitFor(t, launcher+` != null`)
	eval[any](t, b, `crumbless('on', 'theme', d => __log.push(d.theme)), 0`)
	b.click(t, launcher)
	b.waitFor(t, panelReady)
	eval[any](t, b, `crumbless('theme', 'dark'), 0`)
	b.waitFor(t, panelBg+` == '`+darkBg+`'`)
	assert.Equal(t, []string{"dark"}, eval[[]string](t, b, `__log`))
	eval[any](t, b, `crumbless('destroy'), 0`)
	assert.Empty(t, eval[[]string](t, b, `__leftovers()`))
	assert.Empty(t, eval[[]string](t, b, `window.__csp`), "CSP violations")
	assert.Empty(t, eval[[]string](t, b, `__errors`))
	assert.Empty(t, eval[[]string](t, b, `__uncaught`))
}

// TestCrossOriginEmbedIsolated embeds the widget in a page of another origin
// with its own data-prefix and a hostile stylesheet: the runtime loads from
// the Crumbless server, what the widget stores lands in the host page's
// origin under the prefix, and styles leak neither in nor out.
func TestCrossOriginEmbedIsolated(t *testing.T) {
	base := startServer(t)
	hostile := `<style>* { all: unset; font-size: 40px } .launcher, .panel { background: red; width: 10px }` +
		` div { letter-spacing: 9px; text-transform: uppercase; display: none !important }</style>` +
		`<button class="launcher" id="page-button">page button</button>`
	page := hostPage(t, base+"/crumbless.js", `data-site="demo" data-prefix="shop-"`, hostile)

	b := newBrowser(t)
	b.onNewDocument(t, recorder)
	b.do(t, chromedp.Navigate(page))
	b.waitFor(t, launcher+` != null`)
	assert.Equal(t, []float64{56, 56}, eval[[]float64](t, b, `(() => { const r = `+launcher+`.getBoundingClientRect(); return [r.width, r.height] })()`), "launcher size under a hostile page")
	assert.Equal(t, "fixed", eval[string](t, b, `getComputedStyle(`+shadow+`.querySelector('.cl')).position`))
	assert.True(t, eval[bool](t, b, launcher+`.checkVisibility()`), "the page hid the widget")

	b.click(t, launcher)
	b.waitFor(t, panelReady)
	b.click(t, gear) // the theme is in the settings view
	b.waitFor(t, themeRadio("dark")+` != null`)
	b.click(t, themeRadio("dark"))
	b.waitFor(t, panelBg+` == '`+darkBg+`'`)
	assert.Equal(t, "15px", eval[string](t, b, `getComputedStyle(`+shadow+`.querySelector('.cl')).fontSize`), "page font-size leaked in")
	assert.Equal(t, "15px", eval[string](t, b, `getComputedStyle(`+panel+`).fontSize`), "page font-size leaked into the panel")
	assert.Equal(t, "normal", eval[string](t, b, `getComputedStyle(`+panel+`).letterSpacing`), "page letter-spacing leaked in")
	assert.Equal(t, "none", eval[string](t, b, `getComputedStyle(`+panel+`).textTransform`), "page text-transform leaked in")

	// The widget's styles do not reach the page's own .launcher.
	assert.Equal(t, "rgb(255, 0, 0)", eval[string](t, b, `getComputedStyle(document.getElementById('page-button')).backgroundColor`))
	assert.Equal(t, "40px", eval[string](t, b, `getComputedStyle(document.getElementById('page-button')).fontSize`))
	assert.NotEqual(t, "50%", eval[string](t, b, `getComputedStyle(document.getElementById('page-button')).borderRadius`))

	assert.ElementsMatch(t, []string{"shop-theme", "shop-open", "shop-nav", "shop-tab"}, prefixedKeys(t, b, "shop-"), "storage in the host page's origin, under the prefix")
	assert.Empty(t, prefixedKeys(t, b, "crumbless-"))
	assert.Empty(t, eval[[]string](t, b, `__errors`))
	assert.Empty(t, eval[[]string](t, b, `__uncaught`))
}

// TestStoredUnreadHonoured: the runtime keeps the unread count in the local
// key crumbless-unread (it writes it only after the visitor used the
// widget). When the visitor may have used the widget before — a reload,
// back/forward or a page of the same site — the loader reads it and shows
// the badge before any click; an expired, corrupt or foreign value shows
// none; a visitor who just arrived gets no storage read at all; and the
// loader never writes.
func TestStoredUnreadHonoured(t *testing.T) {
	base := startServer(t)
	future := strconv.FormatInt(time.Now().Add(24*time.Hour).UnixMilli(), 10)
	cases := []struct {
		name, stored string
		badge        string // "" = no badge
	}{
		{"valid", `{"v":1,"exp":` + future + `,"data":3}`, "3"},
		{"no expiry", `{"v":1,"exp":0,"data":12}`, "12"},
		{"expired", `{"v":1,"exp":1,"data":3}`, ""},
		{"not JSON", `{"v":1,"exp":0,"data":3`, ""},
		{"other version", `{"v":2,"exp":0,"data":3}`, ""},
		{"zero", `{"v":1,"exp":0,"data":0}`, ""},
		{"not a count", `{"v":1,"exp":0,"data":"many"}`, ""},
	}
	b := newBrowser(t)
	b.do(t, chromedp.Navigate(base+"/"))
	b.waitFor(t, launcher+` != null`)
	eval[any](t, b, `localStorage.setItem('crumbless-unread', `+strconv.Quote(cases[0].stored)+`), 0`)
	b.onNewDocument(t, storageWrites)

	// A visitor arriving afresh (not a reload, no referrer of the site): no
	// badge, and not even a storage read.
	b.do(t, chromedp.Navigate(base+"/?fresh"))
	b.waitFor(t, launcher+` != null && document.readyState == 'complete'`)
	time.Sleep(300 * time.Millisecond)
	assert.Empty(t, eval[[]string](t, b, `__reads`), "storage read on a fresh visit")
	assert.True(t, eval[bool](t, b, shadow+`.querySelector('.badge') == null`), "badge on a fresh visit")

	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			eval[any](t, b, `localStorage.setItem('crumbless-unread', `+strconv.Quote(c.stored)+`), 0`)
			// A reload: the visitor may have used the widget in this tab.
			// (Polled with Evaluate, which may meet the old document's
			// context while the reload replaces it.)
			b.do(t, chromedp.Reload())
			require.Eventually(t, func() bool {
				v, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`document.readyState != 'loading' && window.__reads?.includes('crumbless-unread') && `+launcher+` != null`))
				return err == nil && v
			}, 30*time.Second, 20*time.Millisecond, "the reloaded page reads crumbless-unread")
			if c.badge != "" {
				b.waitFor(t, shadow+`.querySelector('.badge') != null`)
				assert.Equal(t, c.badge, eval[string](t, b, shadow+`.querySelector('.badge').textContent`))
				assert.True(t, eval[bool](t, b, shadow+`.querySelector('.badge').checkVisibility()`), "badge visible")
				assert.Equal(t, "Open chat, "+c.badge+" unread", eval[string](t, b, launcher+`.getAttribute('aria-label')`))
			} else {
				assert.True(t, eval[bool](t, b, shadow+`.querySelector('.badge') == null`), "badge for %s", c.stored)
				assert.Equal(t, "Open chat", eval[string](t, b, launcher+`.getAttribute('aria-label')`))
			}
			assert.Empty(t, eval[[]string](t, b, `__writes`), "the loader writes nothing before interaction")
			assert.Equal(t, c.stored, eval[string](t, b, `localStorage.getItem('crumbless-unread')`), "the stored value is left alone")
			assert.Zero(t, b.requestsEndingIn(".wasm"), "no runtime for a badge")
		})
	}
}

// TestTabStateHonoured: a visitor who had the panel open in this tab finds
// it open again after a reload (the runtime wrote sessionStorage open,
// which it only does after an interaction); an expired value is ignored.
func TestTabStateHonoured(t *testing.T) {
	base := startServer(t)
	b := newBrowser(t)
	b.do(t, chromedp.Navigate(base+"/"))
	b.waitFor(t, launcher+` != null`)
	assert.False(t, eval[bool](t, b, panel+` != null`), "closed in a fresh tab")

	eval[any](t, b, `sessionStorage.setItem('crumbless-open', JSON.stringify({v: 1, exp: 0, data: true})), 0`)
	b.do(t, chromedp.Reload())
	b.waitFor(t, launcher+` != null`)
	b.waitFor(t, panelReady)
	assert.True(t, eval[bool](t, b, panel+`.checkVisibility()`), "open again after the reload")
	assert.Positive(t, b.requestsEndingIn(".wasm"))

	// An expired value is ignored.
	eval[any](t, b, `sessionStorage.setItem('crumbless-open', JSON.stringify({v: 1, exp: 1, data: true})), 0`)
	b.do(t, chromedp.Reload())
	b.waitFor(t, launcher+` != null && document.readyState == 'complete'`)
	time.Sleep(300 * time.Millisecond)
	assert.False(t, eval[bool](t, b, panel+` != null`), "an expired open state is ignored")
}

// TestLoaderInHead: a page that loads the loader with a plain script tag in
// its <head> runs it before <body> exists; the launcher is drawn at once
// under <html>, works, and destroy removes it.
func TestLoaderInHead(t *testing.T) {
	base := startServer(t)
	shop := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<!doctype html><html lang="en"><head><title>Shop</title>` +
			`<script src="` + base + `/crumbless.js" data-site="demo"></script>` +
			`<script>window.__drawnBeforeBody = document.body === null && document.querySelector('#crumbless-root') !== null;</script>` +
			`</head><body><h1>Shop</h1></body></html>`))
	}))
	t.Cleanup(shop.Close)

	b := newBrowser(t)
	b.onNewDocument(t, recorder)
	b.do(t, chromedp.Navigate(shop.URL+"/"))
	b.waitFor(t, launcher+` != null && document.readyState == 'complete'`)
	assert.True(t, eval[bool](t, b, `__drawnBeforeBody`), "the launcher is drawn before <body> exists")
	assert.Equal(t, "HTML", eval[string](t, b, `document.querySelector('#crumbless-root').parentNode.nodeName`))
	assert.Equal(t, 1, eval[int](t, b, `document.body.children.length`), "the page's body is its own")
	assert.True(t, eval[bool](t, b, launcher+`.checkVisibility()`), "launcher visible")
	b.click(t, launcher)
	b.waitFor(t, panelReady)
	eval[any](t, b, `crumbless('destroy'), 0`)
	assert.True(t, eval[bool](t, b, `document.querySelector('#crumbless-root') === null`))
	assert.Empty(t, eval[[]string](t, b, `__errors`))
	assert.Empty(t, eval[[]string](t, b, `__uncaught`))
}
