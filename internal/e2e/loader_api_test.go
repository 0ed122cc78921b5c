//go:build e2e

package e2e

import (
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
)

// TestNavigateLangEventsAndOff: listeners queued before the loader ran hear
// navigate and lang with their details (the page's calls and the visitor's
// clicks alike); off removes a listener, queued before the runtime or
// called after it, and a removed listener hears nothing more.
func TestNavigateLangEventsAndOff(t *testing.T) {
	base := startServer(t)
	b := newBrowser(t)
	b.onNewDocument(t, recorder+`
window.crumbless = function () { (crumbless.q = crumbless.q || []).push(arguments); };
window.__nav = d => __log.push('navigate:' + d.view);
window.__lang = d => __log.push('lang:' + d.lang);
window.__gone = () => __log.push('gone');
crumbless('on', 'navigate', __nav);
crumbless('on', 'lang', __lang);
crumbless('on', 'theme', __gone);
crumbless('off', 'theme', __gone);
`)
	b.do(t, chromedp.Navigate(base+"/"))
	b.waitFor(t, launcher+` != null`)
	b.click(t, launcher)
	b.waitFor(t, panelReady)

	eval[any](t, b, `crumbless('navigate', 'answers'), crumbless('lang', 'de'), crumbless('theme', 'dark'), 0`)
	b.waitFor(t, `__log.includes('navigate:answers') && __log.includes('lang:de')`)
	b.click(t, gear) // the visitor moves too
	b.waitFor(t, `__log.includes('navigate:settings')`)
	assert.Less(t, eval[int](t, b, `__log.indexOf('navigate:answers')`), eval[int](t, b, `__log.indexOf('lang:de')`), "in the order of the calls")
	assert.NotContains(t, eval[[]string](t, b, `__log`), "gone", "the queued off kept the theme listener out")

	heard := eval[int](t, b, `__log.length`)
	eval[any](t, b, `crumbless('off', 'navigate', __nav), crumbless('navigate', 'home'), crumbless('lang', 'en'), 0`)
	b.waitFor(t, `__log.includes('lang:en')`)
	assert.Equal(t, []string{"lang:en"}, eval[[]string](t, b, `__log.slice(`+strconv.Itoa(heard)+`)`), "no navigate after off")
	assert.Equal(t, "home", evalPromise[map[string]any](t, b, `crumbless('state')`)["view"], "the call itself still worked")
	assert.Empty(t, eval[[]string](t, b, `__warns`))
	assert.Empty(t, eval[[]string](t, b, `__errors`))
	assert.Empty(t, eval[[]string](t, b, `__uncaught`))
}
