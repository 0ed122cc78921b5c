//go:build e2e

package e2e

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crumbless/crumbless/internal/testenv/webdriver"
)

// TestEngines runs the widget's core in Chromium, Firefox ESR and
// WebKitGTK alike, through WebDriver (make test-engines). One browser per
// engine runs every case in its first tab; each case starts its own
// server, so its pages are of an origin of their own and no storage or
// stream carries over. Screenshots go to out/engines/.
func TestEngines(t *testing.T) {
	cases := []struct {
		name string
		run  func(t *testing.T, b *webdriver.Browser, tb *wdTab)
	}{
		{"untouched", engineUntouched},
		{"open-theme-reload", engineOpenThemeReload},
		{"blocked-storage", engineBlockedStorage},
		{"forget", engineForget},
		{"strict-csp", engineStrictPage},
		{"chat-two-tabs", engineChatTwoTabs},
		{"chat-two-tabs-no-locks", engineChatTwoTabsWithoutLocks},
		{"phone", enginePhone},
	}
	for _, engine := range webdriver.Engines {
		t.Run(engine, func(t *testing.T) {
			start := time.Now()
			b, tb := startEngine(t, engine)
			t.Logf("%s %s started in %v", engine, b.Version, time.Since(start).Round(time.Millisecond))
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) { c.run(t, b, tb) })
			}
		})
	}
}

// engineUntouched: a page never touched stores nothing, sets no cookie and
// fetches neither the wasm nor wasm_exec.js, after the load and the idle
// time after it.
func engineUntouched(t *testing.T, b *webdriver.Browser, tb *wdTab) {
	engine := tb.engine
	base := startServer(t)
	tb.navigate(t, base+"/")
	tb.waitFor(t, launcher+` != null && document.readyState == 'complete'`)
	// The loader's idle work (requestIdleCallback, or setTimeout where it
	// lacks) has run once a later idle callback of the page's has.
	tb.run(t, `new Promise(r => (window.requestIdleCallback || setTimeout)(() => setTimeout(r, 300)))`)
	paths := wdEval[[]string](t, tb, resources)
	assert.Contains(t, paths, "/crumbless.js")
	for _, p := range paths {
		assert.False(t, strings.HasSuffix(p, ".wasm") || strings.HasPrefix(p, "/a/wasm_exec"), "%s: fetched before interaction: %s", engine, p)
	}
	assert.Empty(t, wdEval[[]string](t, tb, storedKeys("crumbless-")), "storage keys before interaction")
	assert.Empty(t, wdEval[string](t, tb, `document.cookie`))
	assert.Equal(t, 1, wdEval[int](t, tb, shadow+`.adoptedStyleSheets.length`), "the launcher's constructable stylesheet")
	assert.Equal(t, "Open chat", wdEval[string](t, tb, launcher+`.getAttribute('aria-label')`))
	t.Logf("%s: requestIdleCallback %s, Web Locks %s, BroadcastChannel %s", engine,
		wdEval[string](t, tb, `typeof requestIdleCallback`), wdEval[string](t, tb, `typeof navigator.locks`), wdEval[string](t, tb, `typeof BroadcastChannel`))
	tb.shot(t, "closed")
}

// storedKeys is the JS list of the keys in localStorage and sessionStorage
// that start with prefix.
func storedKeys(prefix string) string {
	return `[localStorage, sessionStorage].flatMap(s => Object.keys(s)).filter(k => k.startsWith(` + jsString(prefix) + `))`
}

// engineOpenThemeReload: a click opens the panel on Home with its rows;
// the dark theme chosen in the settings is stored, and after a reload the
// panel reopens by itself on the settings view, still dark.
func engineOpenThemeReload(t *testing.T, b *webdriver.Browser, tb *wdTab) {
	engine := tb.engine
	base := startServer(t)
	tb.navigate(t, base+"/")
	tb.waitFor(t, launcher+` != null`)
	start := time.Now()
	tb.click(t, launcher)
	tb.waitFor(t, panelReady)
	t.Logf("%s: click to ready %v", engine, time.Since(start).Round(time.Millisecond))
	tb.waitFor(t, viewIs("home"))
	tb.waitFor(t, shadow+`.querySelectorAll('.home-list .row').length >= 3`)
	assert.Equal(t, "Hi there", wdEval[string](t, tb, `(() => { const id = `+panel+`.getAttribute('aria-labelledby'); return `+shadow+`.getElementById(id).textContent })()`))
	assert.Equal(t, "true", wdEval[string](t, tb, launcher+`.getAttribute('aria-expanded')`))
	assert.Positive(t, wdEval[int](t, tb, resources+`.filter(p => p.endsWith('.wasm')).length`), "the runtime fetched after the click")
	tb.shot(t, "home")

	tb.click(t, gear)
	tb.waitFor(t, themeRadio("dark")+` != null`)
	tb.click(t, themeRadio("dark"))
	tb.waitFor(t, panelBg+` == '`+darkBg+`'`)
	assert.Equal(t, "dark", wdEval[string](t, tb, `JSON.parse(localStorage.getItem('crumbless-theme')).data`))
	tb.shot(t, "dark")

	tb.reload(t)
	tb.waitFor(t, panelReady)
	tb.waitFor(t, viewIs("settings"))
	tb.waitFor(t, themeRadio("dark")+`?.checked`)
	assert.Equal(t, darkBg, wdEval[string](t, tb, panelBg))
	assert.Empty(t, wdEval[string](t, tb, `document.cookie`))
	tb.shot(t, "dark-after-reload")
}

// blockingPage serves, on its own origin, a page whose localStorage and
// sessionStorage throw (as where third-party storage is blocked) before
// the widget loads, and that records uncaught errors in __uncaught.
func blockingPage(t *testing.T, base string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<!doctype html><title>blocked</title><h1>Shop</h1><script>
window.__uncaught = [];
addEventListener('error', e => __uncaught.push(String(e.message)));
addEventListener('unhandledrejection', e => __uncaught.push(String(e.reason)));
for (const name of ['localStorage', 'sessionStorage']) {
  Object.defineProperty(window, name, {configurable: true, get() { throw new DOMException('The operation is insecure.', 'SecurityError'); }});
}
window.crumbless = window.crumbless || function () { (crumbless.q = crumbless.q || []).push(arguments) };
</script><script src="` + base + `/crumbless.js" data-site="demo" async></script>`))
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/"
}

// engineBlockedStorage: where storage throws, the widget opens, the theme
// works in memory, forget works, and nothing is thrown into the page.
func engineBlockedStorage(t *testing.T, b *webdriver.Browser, tb *wdTab) {
	base := startServer(t)
	tb.navigate(t, blockingPage(t, base))
	tb.waitFor(t, launcher+` != null`)
	require.False(t, wdEval[bool](t, tb, `(() => { try { localStorage; return true } catch (e) { return false } })()`), "storage is blocked")
	tb.click(t, launcher)
	tb.waitFor(t, panelReady)
	tb.click(t, gear)
	tb.waitFor(t, themeRadio("dark")+` != null`)
	tb.click(t, themeRadio("dark"))
	tb.waitFor(t, panelBg+` == '`+darkBg+`'`)
	st := wdEval[map[string]any](t, tb, `crumbless('state')`)
	assert.Equal(t, "memory", st["storage"])
	assert.Equal(t, "dark", st["theme"])
	tb.run(t, `crumbless('forget')`)
	assert.Empty(t, wdEval[[]string](t, tb, `__uncaught`))
}

// engineForget: forget wipes every key of the widget and none of the
// page's, and the widget keeps working.
func engineForget(t *testing.T, b *webdriver.Browser, tb *wdTab) {
	base := startServer(t)
	tb.navigate(t, base+"/")
	tb.waitFor(t, launcher+` != null`)
	tb.run(t, `localStorage.setItem('site-pref', 'mine'), sessionStorage.setItem('site-tab', 'mine')`)
	tb.click(t, launcher)
	tb.waitFor(t, panelReady)
	tb.click(t, gear)
	tb.waitFor(t, themeRadio("dark")+` != null`)
	tb.click(t, themeRadio("dark"))
	tb.waitFor(t, `localStorage.getItem('crumbless-theme') != null`)
	require.NotEmpty(t, wdEval[[]string](t, tb, storedKeys("crumbless-")))

	tb.run(t, `crumbless('forget')`)
	tb.waitFor(t, storedKeys("crumbless-")+`.length == 0`)
	tb.waitFor(t, themeRadio("auto")+`.checked`)
	assert.Equal(t, "mine", wdEval[string](t, tb, `localStorage.getItem('site-pref')`))
	assert.Equal(t, "mine", wdEval[string](t, tb, `sessionStorage.getItem('site-tab')`))
	tb.click(t, themeRadio("light"))
	tb.waitFor(t, panelBg+` == '`+lightBg+`'`)
	tb.waitFor(t, `localStorage.getItem('crumbless-theme') != null`) // a new deliberate act stores again
}

// engineStrictPage: on /strict.html, served with a strict CSP (no inline
// script or style, no eval, wasm allowed), the widget loads its runtime,
// opens and applies a theme with no policy violation.
func engineStrictPage(t *testing.T, b *webdriver.Browser, tb *wdTab) {
	base := startServer(t)
	tb.navigate(t, base+"/strict.html")
	tb.waitFor(t, launcher+` != null`)
	tb.run(t, `window.__csp = [], document.addEventListener('securitypolicyviolation', e => __csp.push(e.violatedDirective + ' ' + e.blockedURI), true)`)
	tb.click(t, launcher)
	tb.waitFor(t, panelReady)
	tb.waitFor(t, viewIs("home"))
	tb.run(t, `crumbless('theme', 'dark')`)
	tb.waitFor(t, panelBg+` == '`+darkBg+`'`)
	assert.Empty(t, wdEval[[]string](t, tb, `__csp`), "CSP violations")
	tb.shot(t, "strict")
}

// engineChatTwoTabs: two tabs of one browser on the chat: the server sees
// one conversation stream, one tab leads; a message typed in one tab
// reaches the agent (over the API) once and shows in both, and the agent's
// reply shows in both.
func engineChatTwoTabs(t *testing.T, b *webdriver.Browser, tb *wdTab) {
	r := newRig(t)
	chatTwoTabs(t, b, tb, r, r.base()+"/", "native")
}

// engineChatTwoTabsWithoutLocks is engineChatTwoTabs on a page whose
// browser has neither Web Locks nor BroadcastChannel (removed before the
// widget loads): the widget's declared fallback, a lease in storage, must
// give the same in every engine.
func engineChatTwoTabsWithoutLocks(t *testing.T, b *webdriver.Browser, tb *wdTab) {
	r := newRig(t, "-origins", "*")
	chatTwoTabs(t, b, tb, r, pageWithoutLocks(t, r.base(), ""), "lease")
}

func chatTwoTabs(t *testing.T, b *webdriver.Browser, one *wdTab, r *rig, url, mode string) {
	engine := one.engine
	tabs := []*wdTab{one, one.newTab(t, b)}
	for _, tb := range tabs {
		tb.navigate(t, url)
		tb.waitFor(t, launcher+` != null`)
		if mode == "lease" {
			require.Equal(t, "undefinedundefined", wdEval[string](t, tb, `typeof navigator.locks + typeof BroadcastChannel`))
		}
		tb.click(t, launcher)
		tb.waitFor(t, panelReady)
		tb.run(t, `crumbless('navigate', 'chat')`)
		tb.waitFor(t, q(`#cl-composer`)+` != null`)
	}
	var leading int
	eventually(t, func() bool {
		leading = 0
		for _, tb := range tabs {
			if wdEval[map[string]any](t, tb, `crumbless('state')`)["leader"] == true {
				leading++
			}
		}
		return leading == 1
	}, "exactly one leader tab")

	tabs[1].typeInto(t, q(`#cl-composer`), "Hello from "+engine)
	tabs[1].click(t, q(`.composer .send`))
	for _, tb := range tabs {
		tb.waitFor(t, `[...`+shadow+`.querySelectorAll('.msg.visitor.sent .bubble')].some(e => e.textContent == `+jsString("Hello from "+engine)+`)`)
	}
	oneStream(t, r) // the conversation's, now that there is one
	eventually(t, func() bool { return len(r.stored(t, "visitor")) == 1 }, "the agent sees the message")
	assert.Equal(t, []string{"Hello from " + engine}, r.stored(t, "visitor"), "stored once")

	r.reply(t, "a1", "Hi, "+engine)
	for _, tb := range tabs {
		tb.waitFor(t, showsAgent("Hi, "+engine))
	}
	tabs[0].shot(t, "chat-"+mode)
}

// enginePhone: at a phone's width the open panel covers the viewport and
// the launcher hides. Chromium and Firefox size their viewport to
// 390×844; MiniBrowser's window cannot be narrower than its toolbar (447
// CSS px under Xvfb), so in WebKit the phone is a 390×844 frame, which is
// the widget's viewport all the same (its media queries and its sizes
// follow the frame's). The host page asks for an idle prefetch, which
// where requestIdleCallback lacks falls back to setTimeout.
func enginePhone(t *testing.T, b *webdriver.Browser, tb *wdTab) {
	engine := tb.engine
	base := startServer(t)
	const w, h = 390, 844
	shop := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		rw.Header().Set("Content-Type", "text/html; charset=utf-8")
		if r.URL.Path == "/frame" { // the phone, as a same-origin frame
			rw.Write([]byte(`<!doctype html><style>body{margin:0}iframe{border:0;display:block}</style>` +
				`<iframe width=390 height=844 src="/"></iframe>`))
			return
		}
		rw.Write([]byte(`<!doctype html><html lang="en"><title>Shop</title>` + phonePage + `<h1>Shop</h1>` +
			`<script>window.crumbless=window.crumbless||function(){(crumbless.q=crumbless.q||[]).push(arguments)};</script>` +
			`<script src="` + base + `/crumbless.js" data-site="demo" data-prefetch="idle" async></script></html>`))
	}))
	t.Cleanup(shop.Close)
	in := "" // the widget's window, from the tab's: itself, or the frame's
	if engine == "webkit" {
		tb.navigate(t, shop.URL+"/frame")
		tb.waitFor(t, `document.querySelector('iframe').contentDocument?.readyState == 'complete'`)
		in = `document.querySelector('iframe').contentWindow.`
	} else {
		require.NoError(t, tb.SetViewport(tb.ctx, w, h))
		t.Cleanup(func() { _ = tb.SetViewport(tb.ctx, 1280, 860) })
		tb.navigate(t, shop.URL+"/")
	}
	// inner makes a JS expression about the top window one about the
	// widget's.
	inner := func(expr string) string {
		expr = strings.ReplaceAll(expr, "document.", in+"document.")
		return strings.ReplaceAll(expr, "getComputedStyle(", in+"getComputedStyle(")
	}
	tb.waitFor(t, inner(launcher+` != null && document.readyState == 'complete'`))
	tb.waitFor(t, in+`performance.getEntriesByType('resource').some(e => e.name.endsWith('.wasm'))`) // the idle prefetch
	assert.Equal(t, []float64{w, h}, wdEval[[]float64](t, tb, `[`+in+`innerWidth, `+in+`innerHeight]`))
	tb.click(t, inner(launcher))
	tb.waitFor(t, inner(panelReady))
	tb.waitFor(t, inner(shadow+`.querySelectorAll('.home-list .row').length >= 3`))
	// A desktop engine's page scrollbar takes its width from the layout
	// viewport, which the panel covers: the box is compared with the
	// root's client area.
	box := wdEval[[]float64](t, tb, inner(`(() => { const r = `+panel+`.getBoundingClientRect(), e = document.documentElement; return [r.left, r.top, r.width, r.height, 0, 0, e.clientWidth, e.clientHeight] })()`))
	require.Len(t, box, 8)
	assert.Equal(t, box[4:], box[:4], "the open panel's [left top width height], then the viewport's")
	assert.InDelta(t, w, box[6], 20, "the viewport's width, less a scrollbar at most")
	assert.Equal(t, float64(h), box[7])
	assert.Equal(t, "none", wdEval[string](t, tb, inner(`getComputedStyle(`+launcher+`).display`)), "the launcher under the open panel")
	tb.shot(t, "phone")
}
