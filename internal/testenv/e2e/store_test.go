//go:build e2e

package e2e

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// themeInMemory picks theme ("light" or "dark") in the open panel's
// settings, waits until the panel shows it and returns crumbless('state'),
// which must say that the widget keeps its state in memory.
func themeInMemory(t *testing.T, b *browser, theme string) map[string]any {
	t.Helper()
	bg := map[string]string{"light": lightBg, "dark": darkBg}[theme]
	require.NotEmpty(t, bg, "theme %q", theme)
	b.settings(t)
	b.click(t, themeRadio(theme))
	b.waitFor(t, panelBg+` == '`+bg+`'`)
	st := evalPromise[map[string]any](t, b, `crumbless('state')`)
	assert.Equal(t, "memory", st["storage"])
	return st
}

// shopPage serves, on its own origin, a page that embeds the widget from
// base with the given extra data- attributes, as a customer's site would.
func shopPage(t *testing.T, base, attrs string) string {
	t.Helper()
	assetsBase := strings.Replace(base, "127.0.0.1", "localhost", 1)
	shop := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<!doctype html><title>shop</title><h1>Shop</h1>` +
			`<script>window.crumbless=window.crumbless||function(){(crumbless.q=crumbless.q||[]).push(arguments)};</script>` +
			`<script src="` + assetsBase + `/crumbless.js" data-site="demo" ` + attrs + ` async></script>`))
	}))
	t.Cleanup(shop.Close)
	return shop.URL + "/"
}

// TestExplicitConsentMode: with data-consent="explicit" the widget works but
// stores nothing until crumbless('consent', true); withdrawing wipes every
// prefixed key and the widget keeps working.
func TestExplicitConsentMode(t *testing.T) {
	base := startServer(t)
	url := shopPage(t, base, `data-consent="explicit" data-prefix="shop-"`)
	b := newBrowser(t)
	b.do(t, chromedp.Navigate(url))
	b.waitFor(t, launcher+` != null`)
	eval[any](t, b, `localStorage.setItem('site-pref', 'mine'), sessionStorage.setItem('site-tab', 'mine'), 0`)

	b.click(t, launcher)
	b.waitFor(t, panelReady)
	b.settings(t)
	b.click(t, themeRadio("dark"))
	b.waitFor(t, panelBg+` == '`+darkBg+`'`)
	assert.Empty(t, prefixedKeys(t, b, "shop-"), "explicit mode: nothing before consent")
	st := evalPromise[map[string]any](t, b, `crumbless('state')`)
	assert.Equal(t, false, st["consent"])
	assert.Equal(t, "memory", st["storage"])

	eval[any](t, b, `crumbless('consent', true), 0`)
	assert.ElementsMatch(t, []string{"shop-consent", "shop-theme", "shop-nav", "shop-open", "shop-tab"}, prefixedKeys(t, b, "shop-"), "with the open panel on the settings view (and this tab's identity)")
	st = evalPromise[map[string]any](t, b, `crumbless('state')`)
	assert.Equal(t, true, st["consent"])
	assert.Equal(t, "local", st["storage"])

	// The decision and the theme survive a reload; so does the open panel.
	b.do(t, chromedp.Reload())
	b.waitFor(t, launcher+` != null`)
	b.waitFor(t, panelReady)
	b.waitFor(t, panel+`.checkVisibility()`)
	b.settings(t)
	assert.True(t, eval[bool](t, b, themeRadio("dark")+`.checked`))
	assert.Equal(t, true, evalPromise[map[string]any](t, b, `crumbless('state')`)["consent"])

	eval[any](t, b, `crumbless('consent', false), 0`)
	assert.Empty(t, prefixedKeys(t, b, "shop-"), "withdrawal wipes every prefixed key")
	assert.Equal(t, "mine", eval[string](t, b, `localStorage.getItem('site-pref')`))
	assert.Equal(t, "mine", eval[string](t, b, `sessionStorage.getItem('site-tab')`))
	b.click(t, themeRadio("light"))
	b.waitFor(t, panelBg+` == '`+lightBg+`'`)
	assert.Empty(t, prefixedKeys(t, b, "shop-"), "still nothing stored after withdrawal")
	assert.Equal(t, "memory", evalPromise[map[string]any](t, b, `crumbless('state')`)["storage"])
	assert.Empty(t, b.cookies(t))
}

// TestForgetInOneTabClearsTheOther: two tabs of one browser; a theme chosen
// in one shows in the other, and forget in one empties both storages in
// both tabs and resets the other tab's widget.
func TestForgetInOneTabClearsTheOther(t *testing.T) {
	base := startServer(t)
	one := newBrowser(t)
	openPanel(t, one, base+"/")
	one.settings(t)
	one.click(t, themeRadio("dark"))
	one.waitFor(t, `localStorage.getItem('crumbless-theme') != null`)

	two := one.newTab(t) // a second tab of the same browser
	openPanel(t, two, base+"/")
	two.settings(t)
	assert.True(t, eval[bool](t, two, themeRadio("dark")+`.checked`), "the second tab starts with the stored theme")
	eval[any](t, two, `sessionStorage.setItem('crumbless-nav', JSON.stringify({v: 1, exp: 0, data: 'chat'})), `+
		`sessionStorage.setItem('site-tab', 'mine'), localStorage.setItem('site-pref', 'mine'), 0`)

	// Theme follows across tabs.
	one.click(t, themeRadio("light"))
	two.waitFor(t, themeRadio("light")+`.checked`)
	two.waitFor(t, panelBg+` == '`+lightBg+`'`)

	eval[any](t, one, `crumbless('forget'), 0`)
	assert.Empty(t, prefixedKeys(t, one, "crumbless-"), "forgotten in the tab that asked")
	two.waitFor(t, `[localStorage, sessionStorage].flatMap(s => Object.keys(s)).filter(k => k.startsWith('crumbless-')).length == 0`)
	two.waitFor(t, themeRadio("auto")+`.checked`)
	assert.Equal(t, "mine", eval[string](t, two, `sessionStorage.getItem('site-tab')`), "foreign keys untouched")
	assert.Equal(t, "mine", eval[string](t, two, `localStorage.getItem('site-pref')`))
	assert.Empty(t, prefixedKeys(t, one, "crumbless-"), "the other tab's reset wrote nothing back")

	// A new deliberate act stores again.
	two.click(t, themeRadio("dark"))
	two.waitFor(t, `localStorage.getItem('crumbless-theme') != null`)
}

// TestBlockedStorage: where window.localStorage and sessionStorage throw
// (blocked third-party storage), the widget opens, the theme works, the
// Privacy view opens and its "Download my data" saves what the widget
// holds in memory, nothing is thrown into the page and state says
// "memory".
func TestBlockedStorage(t *testing.T) {
	base := startServer(t)
	b := newBrowser(t)
	downloads := allowDownloads(t, b)
	b.onNewDocument(t, `
window.__uncaught = [];
addEventListener('error', e => __uncaught.push(String(e.message)));
addEventListener('unhandledrejection', e => __uncaught.push(String(e.reason)));
for (const name of ['localStorage', 'sessionStorage']) {
  Object.defineProperty(window, name, {configurable: true, get() { throw new DOMException('The operation is insecure.', 'SecurityError'); }});
}`)
	b.do(t, chromedp.Navigate(base+"/"))
	b.waitFor(t, launcher+` != null`)
	require.False(t, eval[bool](t, b, `(() => { try { localStorage; return true } catch (e) { return false } })()`), "storage is blocked")
	b.click(t, launcher)
	b.waitFor(t, panelReady)
	st := themeInMemory(t, b, "dark")
	assert.Equal(t, "dark", st["theme"])

	b.do(t, chromedp.Evaluate[chromedp.Void](`crumbless('navigate', 'privacy')`))
	b.waitFor(t, q(`button.download`)+` != null`)
	b.click(t, q(`button.download`))
	_, file := waitForDownload(t, downloads)
	b.waitFor(t, q(`.forget [role=status]`)+`.textContent == 'Your data was downloaded.'`)
	var mine struct {
		Browser map[string]map[string]any `json:"browser"`
		Server  any                       `json:"server"`
	}
	require.NoError(t, json.Unmarshal(file, &mine), "%s", file)
	assert.Equal(t, "dark", mine.Browser["localStorage"]["crumbless-theme"], "the theme, from memory")
	assert.Nil(t, mine.Server, "no conversation: the browser's part only")

	eval[any](t, b, `crumbless('forget'), 0`)
	assert.Empty(t, eval[[]string](t, b, `__uncaught`))
}

// TestDisclosureAgrees: crumbless('disclosure') in the page and the server's
// GET /disclosure.json describe the same keys.
func TestDisclosureAgrees(t *testing.T) {
	base := startServer(t)
	res, err := http.Get(base + "/disclosure.json")
	require.NoError(t, err)
	defer res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
	var served []map[string]any
	require.NoError(t, json.NewDecoder(res.Body).Decode(&served))
	require.NotEmpty(t, served)

	b := newBrowser(t)
	openPanel(t, b, base+"/")
	b.settings(t)
	inPage := evalPromise[[]map[string]any](t, b, `crumbless('disclosure')`)
	assert.Equal(t, served, inPage)
	keys := make([]string, len(inPage))
	for i, e := range inPage {
		keys[i] = e["key"].(string)
	}
	assert.Contains(t, keys, "crumbless-theme")
	assert.Contains(t, keys, "crumbless-visitor")
	assert.Contains(t, keys, "crumbless-nav")
}

// TestConsentFollowsAcrossTabs: in explicit mode, consent given in one tab
// lets the other tab store too, and withdrawal in one wipes the other's
// sessionStorage.
func TestConsentFollowsAcrossTabs(t *testing.T) {
	base := startServer(t)
	url := shopPage(t, base, `data-consent="explicit"`)
	one := newBrowser(t)
	openPanel(t, one, url)
	one.settings(t)

	two := one.newTab(t)
	openPanel(t, two, url)
	two.settings(t)
	eval[any](t, two, `window.__consent = [], crumbless('on', 'consent', d => __consent.push(d.consent)), 0`)

	eval[any](t, one, `crumbless('consent', true), 0`)
	two.waitFor(t, `__consent.length == 1`)
	assert.Equal(t, true, evalPromise[map[string]any](t, two, `crumbless('state')`)["consent"])
	two.click(t, themeRadio("dark"))
	two.waitFor(t, `localStorage.getItem('crumbless-theme') != null`)

	eval[any](t, two, `sessionStorage.setItem('crumbless-nav', JSON.stringify({v: 1, exp: 0, data: 'chat'})), 0`)
	eval[any](t, one, `crumbless('consent', false), 0`)
	two.waitFor(t, `__consent.length == 2`)
	assert.Equal(t, []bool{true, false}, eval[[]bool](t, two, `__consent`))
	assert.Empty(t, prefixedKeys(t, two, "crumbless-"), "withdrawn everywhere: no key in either storage")
	assert.True(t, eval[bool](t, two, themeRadio("dark")+`.checked`), "the other tab keeps working in memory")
}
