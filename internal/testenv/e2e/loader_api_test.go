//go:build e2e

package e2e

import (
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
	openPanel(t, b, base+"/")

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

// TestMessageEvent: a listener queued before the loader ran hears the
// message event for the visitor's own message once it is stored, and for
// the agent's reply, with {id, from, author, text, at, sound} (at in unix
// ms).
func TestMessageEvent(t *testing.T) {
	p, agent := startWithAgent(t)

	b := newBrowser(t)
	b.onNewDocument(t, recorder+`
window.crumbless = function () { (crumbless.q = crumbless.q || []).push(arguments); };
window.__msgs = [];
crumbless('on', 'message', d => __msgs.push(d));
`)
	openWidget(t, b, p.base)
	b.click(t, q(`[data-go=chat]`))
	b.waitFor(t, viewName+` == 'chat'`)
	before := eval[float64](t, b, `Date.now()`)
	b.sendInWidget(t, "Where is my parcel?")
	// The visitor's own message, once stored; once, though the stream
	// brings the server's copy too.
	b.waitFor(t, `__msgs.length == 1`)
	mine := eval[map[string]any](t, b, `__msgs[0]`)
	assert.Equal(t, "visitor", mine["from"])
	assert.Equal(t, "Where is my parcel?", mine["text"])
	assert.NotEmpty(t, mine["id"])
	assert.Equal(t, false, mine["sound"])
	time.Sleep(300 * time.Millisecond)
	sent := eval[int](t, b, `__msgs.length`)
	assert.Equal(t, 1, sent, "told once")

	code, _ := call(t, "POST", onlyConversation(t, p, agent)+"/messages", agent, `{"id":"a1","body":"It left today."}`)
	require.Equal(t, 201, code)
	b.waitFor(t, `__msgs.length == `+strconv.Itoa(sent+1))

	m := eval[map[string]any](t, b, `__msgs.at(-1)`)
	assert.Equal(t, "agent", m["from"])
	assert.Equal(t, "ana", m["author"])
	assert.Equal(t, "It left today.", m["text"])
	assert.NotEmpty(t, m["id"])
	assert.GreaterOrEqual(t, m["at"], before-60_000, "at in unix ms")
	assert.LessOrEqual(t, m["at"], eval[float64](t, b, `Date.now()`)+60_000, "at in unix ms")
	assert.Empty(t, eval[[]string](t, b, `__errors`))
	assert.Empty(t, eval[[]string](t, b, `__uncaught`))
}
