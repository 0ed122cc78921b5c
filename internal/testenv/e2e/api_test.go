//go:build e2e

package e2e

import (
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// recorder runs before any script of the page: it records console warnings
// and errors, uncaught errors, every DOM mutation and every event listener
// and node the widget adds (by the script in its stack), so that a test can check
// what the widget did to the page and that destroy undid it.
const recorder = `
window.__warns = []; window.__errors = []; window.__uncaught = []; window.__log = [];
for (const level of ['warn', 'error']) {
  const orig = console[level];
  console[level] = function (...a) { (level === 'warn' ? __warns : __errors).push(a.map(String).join(' ')); return orig.apply(this, a); };
}
addEventListener('error', e => __uncaught.push(String(e.message)));
addEventListener('unhandledrejection', e => __uncaught.push(String(e.reason)));
window.__mutations = [];
new MutationObserver(ms => __mutations.push(...ms)).observe(document, {subtree: true, attributes: true});
window.__added = new Set();
const widget = () => /crumbless|wasm_exec|wasm-function/.test(new Error().stack);
for (const m of ['appendChild', 'insertBefore', 'replaceChild']) {
  const orig = Node.prototype[m];
  Node.prototype[m] = function (n, ...rest) { if (widget()) __added.add(n); return orig.call(this, n, ...rest); };
}
for (const m of ['append', 'prepend', 'before', 'after', 'replaceWith']) {
  const orig = Element.prototype[m];
  Element.prototype[m] = function (...ns) { if (widget()) ns.forEach(n => __added.add(n)); return orig.apply(this, ns); };
}
window.__listeners = new Set();
const add = EventTarget.prototype.addEventListener, remove = EventTarget.prototype.removeEventListener;
EventTarget.prototype.addEventListener = function (type, fn, opts) {
  if (widget()) {
    const key = JSON.stringify([type]) + '#' + __listenerId(this, fn);
    __listeners.add(key);
    if (opts?.signal) add.call(opts.signal, 'abort', () => __listeners.delete(key));
  }
  return add.call(this, type, fn, opts);
};
EventTarget.prototype.removeEventListener = function (type, fn, opts) {
  __listeners.delete(JSON.stringify([type]) + '#' + __listenerId(this, fn));
  return remove.call(this, type, fn, opts);
};
const ids = new WeakMap(); let next = 0;
window.__listenerId = (t, fn) => { for (const o of [t, fn]) if (o && !ids.has(o)) ids.set(o, ++next); return ids.get(t) + '/' + ids.get(fn); };
// What the widget left behind: nodes it added that are still in the page,
// attributes it changed on the page's own elements, listeners not removed.
window.__leftovers = () => {
  const out = [];
  for (const n of __added) if (n.isConnected && n.getRootNode() === document) out.push('node ' + (n.id || n.nodeName));
  for (const m of __mutations) if (m.target.getRootNode() === document) out.push(m.type + ' ' + (m.attributeName || '') + ' on ' + m.target.nodeName);
  for (const l of __listeners) out.push('listener ' + l);
  return out;
};
`

// onNewDocument runs js in every new document of the tab before its scripts.
func (b *browser) onNewDocument(t *testing.T, js string) {
	t.Helper()
	_, err := chromedp.Call(b.ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: js})
	require.NoError(t, err)
}

// TestQueueEventsAndDestroy drives the JS API of CONTRACT §4: calls made
// before the loader are replayed in order once the runtime runs, events reach
// the page's listeners, open and close are idempotent, unknown commands warn
// once, and destroy leaves the page as it was.
func TestQueueEventsAndDestroy(t *testing.T) {
	base := startServer(t)
	b := newBrowser(t)
	b.onNewDocument(t, recorder+`
window.crumbless = function () { (crumbless.q = crumbless.q || []).push(arguments); };
crumbless('on', 'ready', s => __log.push('ready:' + s.theme + ':' + s.open + ':' + s.ready));
crumbless('on', 'theme', d => __log.push('theme:' + d.theme));
crumbless('theme', 'dark');
crumbless('on', 'open', () => __log.push('open'));
crumbless('on', 'close', () => __log.push('close'));
crumbless('theme', 'light');
`)
	b.do(t, chromedp.Navigate(base+"/"))
	b.waitFor(t, launcher+` != null`)
	eval[any](t, b, `window.__globals = Object.getOwnPropertyNames(window), 0`)
	newGlobals := `Object.getOwnPropertyNames(window).filter(k => k != '__globals' && !__globals.includes(k))`

	// Before interaction: the loader answers state itself and loads nothing.
	st := evalPromise[map[string]any](t, b, `crumbless('state')`)
	assert.Equal(t, false, st["ready"])
	assert.Equal(t, false, st["open"])
	assert.Zero(t, b.requestsEndingIn(".wasm"))
	assert.Empty(t, eval[[]string](t, b, `__log`), "no event before the runtime")

	b.click(t, launcher)
	b.waitFor(t, `__log.some(e => e.startsWith('ready'))`)
	assert.Equal(t, []string{"theme:dark", "theme:light", "open", "ready:light:true:true"}, eval[[]string](t, b, `__log`),
		"queue replayed in order; the click's open heard by the queued listener; ready last")
	assert.Equal(t, "light", eval[string](t, b, shadow+`.querySelector('.cl').getAttribute('data-theme')`))

	// Idempotent open and close: one event per change.
	eval[any](t, b, `crumbless('open'), crumbless('open'), crumbless('close'), crumbless('close'), crumbless('toggle'), 0`)
	b.waitFor(t, `__log.length == 6`)
	assert.Equal(t, []string{"close", "open"}, eval[[]string](t, b, `__log.slice(4)`))

	// Unknown commands and bad arguments: one warning each, naming the command.
	eval[any](t, b, `crumbless('fly'), crumbless('theme', 'purple'), 0`)
	assert.Equal(t, []string{`crumbless: unknown command "fly"`, `crumbless: theme: argument 1 must be "light", "dark" or "auto" (got "purple")`},
		eval[[]string](t, b, `__warns`))
	assert.Equal(t, "light", eval[string](t, b, shadow+`.querySelector('.cl').getAttribute('data-theme')`), "a bad theme changes nothing")

	st = evalPromise[map[string]any](t, b, `crumbless('state')`)
	assert.Equal(t, true, st["ready"])
	assert.Equal(t, "light", st["theme"])
	// wasm_exec.js keeps its stand-ins for Node's fs, process and path to
	// itself (a page's code that looks for Node must not find them): the
	// runtime adds one global, Go.
	assert.Equal(t, []string{"Go"}, eval[[]string](t, b, newGlobals), "globals the runtime added")

	// destroy: every node, listener and the Go program gone.
	before := eval[[]string](t, b, `__leftovers()`)
	assert.Contains(t, before, "node crumbless-root", "the recorder sees the widget's host")
	assert.NotContains(t, before, "node SCRIPT", "the runtime's script tag is not in the page")
	assert.Equal(t, 1, eval[int](t, b, shadow+`.querySelectorAll('script').length`), "it is in the shadow root, and goes with the host")
	assert.True(t, slices.ContainsFunc(before, func(s string) bool { return strings.HasPrefix(s, "listener ") }), "the recorder sees the widget's listeners: %v", before)
	eval[any](t, b, `window.__boot = crumbless._b, crumbless('destroy'), 0`)
	assert.Empty(t, eval[[]string](t, b, `__leftovers()`))
	assert.True(t, eval[bool](t, b, `document.querySelector('#crumbless-root') === null`))
	b.waitFor(t, `__boot.go.exited === true`)
	eval[any](t, b, `crumbless('open'), 0`)
	assert.Equal(t, 6, eval[int](t, b, `__log.length`), "no event after destroy")
	assert.Empty(t, eval[[]string](t, b, `__errors`))
	assert.Empty(t, eval[[]string](t, b, `__uncaught`))
}

// evalPromise evaluates a JS expression that returns a Promise and returns
// what it resolves to.
func evalPromise[T any](t *testing.T, b *browser, expr string) T {
	t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	require.NoError(t, err, "evaluate %s", expr)
	return v
}
