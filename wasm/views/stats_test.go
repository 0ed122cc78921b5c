//go:build js && wasm

package views

import (
	"syscall/js"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crumbless/crumbless/wasm/store"
)

// recordStats replaces window.fetch for the test: requests to the
// statistics endpoint are recorded (and answered 204), every other one
// goes to the browser's fetch.
func recordStats(t *testing.T) js.Value {
	t.Helper()
	g := js.Global()
	orig := g.Get("fetch")
	log := g.Get("Array").New()
	g.Set("fetch", g.Get("Function").New("orig", "log", `return (u, init) => {
		if (String(u).endsWith("/events")) { log.push({url: String(u), init}); return Promise.resolve(new Response(null, {status: 204})) }
		return orig(u, init) }`).Invoke(orig, log))
	t.Cleanup(func() { g.Set("fetch", orig) })
	return log
}

func pageHide() { js.Global().Call("dispatchEvent", js.Global().Get("Event").New("pagehide")) }

// sentEvents returns the events of each recorded request.
func sentEvents(log js.Value) [][]string {
	var out [][]string
	for i := 0; i < log.Length(); i++ {
		body := js.Global().Get("JSON").Call("parse", log.Index(i).Get("init").Get("body"))
		var evs []string
		e := body.Get("e")
		for j := 0; j < e.Length(); j++ {
			evs = append(evs, e.Index(j).Index(0).String()+":"+e.Index(j).Index(1).String())
		}
		out = append(out, evs)
	}
	return out
}

func TestStatsNothingBeforeOpen(t *testing.T) {
	clearStorage(t)
	log := recordStats(t)
	opts := contentOptions(t)
	opts.API = "/api/v1/"
	f := mount(t, false, opts)
	require.True(t, f.p.Navigate("answers/shipping"), "the page may navigate a closed panel")
	require.True(t, f.p.Navigate("answers"))
	pageHide()
	assert.Equal(t, 0, log.Length(), "a visitor who never opened sends nothing")
}

func TestStatsNothingBeforeConsent(t *testing.T) {
	clearStorage(t)
	log := recordStats(t)
	opts := contentOptions(t)
	opts.API = "/api/v1/"
	opts.Prefix = "crumbless-"
	st := store.Open(store.Options{Prefix: opts.Prefix, Consent: "explicit"})
	f := mountWith(t, true, opts, st, nil)
	require.True(t, f.p.IsOpen())
	require.True(t, f.p.Navigate("answers/shipping"))
	pageHide()
	assert.Equal(t, 0, log.Length(), "explicit mode: nothing before consent")

	st.SetConsent(true)
	require.True(t, f.p.Navigate("answers/returns"))
	pageHide()
	assert.Equal(t, [][]string{{"read:returns"}}, sentEvents(log), "only what happened after consent")
}

func TestStatsBatches(t *testing.T) {
	clearStorage(t)
	log := recordStats(t)
	opts := contentOptions(t)
	opts.API = "/api/v1/"
	f := mount(t, true, opts)
	require.True(t, f.p.IsOpen())
	require.True(t, f.p.Navigate("answers"))
	eventually(t, func() bool { return len(f.all(".results-list button")) == 4 }, "articles listed")
	search := func(q string) {
		f.typeInto(t, "#cl-search", q)
		f.q("#cl-search").Call("dispatchEvent", js.Global().Get("Event").New("change"))
	}
	search("shipping")
	search("  zebra  ")
	for range 6 {
		require.True(t, f.p.Navigate("answers/payment"))
	}
	require.Equal(t, 0, log.Length(), "nothing sent before the batch is full: %v", sentEvents(log))
	require.True(t, f.p.Navigate("answers/shipping")) // the tenth event
	require.Equal(t, 1, log.Length(), "a full batch goes at once, in one request")
	require.True(t, f.p.Navigate("answers/returns"))
	js.Global().Get("document").Call("dispatchEvent", js.Global().Get("Event").New("visibilitychange")) // still visible: waits
	assert.Equal(t, 1, log.Length())
	pageHide()
	pageHide()
	require.Equal(t, 2, log.Length(), "the rest goes when the page is left; an empty queue sends nothing")

	want := []string{"open:", "search:", "nohit:zebra"}
	for range 6 {
		want = append(want, "read:payment")
	}
	assert.Equal(t, [][]string{append(want, "read:shipping"), {"read:returns"}}, sentEvents(log))

	init := log.Index(0).Get("init")
	assert.Equal(t, "/api/v1/events", log.Index(0).Get("url").String())
	assert.Equal(t, "POST", init.Get("method").String())
	assert.True(t, init.Get("keepalive").Bool(), "outlives the page")
	assert.Equal(t, "omit", init.Get("credentials").String())
	assert.True(t, init.Get("headers").IsUndefined(), "no token, no content type: a simple request")
	body := js.Global().Get("JSON").Call("parse", init.Get("body"))
	assert.Equal(t, js.Global().Get("location").Get("pathname").String(), body.Get("p").String())
	assert.Equal(t, "en", body.Get("l").String())
	assert.Contains(t, []string{"small", "large"}, body.Get("d").String())
}
