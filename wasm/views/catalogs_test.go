//go:build js && wasm

package views

import (
	"syscall/js"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crumbless/crumbless/wasm/events"
	"github.com/crumbless/crumbless/wasm/i18n/i18ntest"
	"github.com/crumbless/crumbless/wasm/store"
)

// holdFetches makes the browser's fetch wait, for the URLs given, until
// the returned function releases one; other URLs go through at once. The
// fetch itself is the browser's.
func holdFetches(t *testing.T, urls ...string) (release func(url string)) {
	t.Helper()
	g := js.Global()
	orig := g.Get("fetch")
	gates := g.Get("Object").New()
	for _, u := range urls {
		gate := g.Get("Object").New()
		gate.Set("promise", g.Get("Promise").New(js.Global().Get("Function").New("gate", "return r => { gate.open = r }").Invoke(gate)))
		gates.Set(u, gate)
	}
	g.Set("fetch", g.Get("Function").New("orig", "gates", `return (u, init) => gates[u] ? gates[u].promise.then(() => orig(u, init)) : orig(u, init)`).Invoke(orig, gates))
	t.Cleanup(func() { g.Set("fetch", orig) })
	return func(url string) { gates.Get(url).Call("open") }
}

// TestStartWaitsForTheCatalog: a panel that starts in a language other
// than English fetches its catalog first and is drawn in it at once, with
// no English before.
func TestStartWaitsForTheCatalog(t *testing.T) {
	clearStorage(t)
	cases := []struct{ lang, title, dir string }{
		{"sv", "Hej", "ltr"},
		{"ar", "مرحبًا", "rtl"},
	}
	for _, c := range cases {
		t.Run(c.lang, func(t *testing.T) {
			f := mount(t, true, Options{Lang: c.lang})
			assert.Equal(t, c.lang, f.p.Lang())
			assert.Equal(t, c.title, f.text("#cl-title"))
			assert.Equal(t, c.dir, f.wrap.Call("getAttribute", "dir").String())
			assert.Equal(t, c.lang, f.q("[role=dialog]").Call("getAttribute", "lang").String())
		})
	}
}

// TestFailedCatalogShowsEnglish: a catalog that cannot be fetched, or is
// no catalog, leaves the panel in English, quietly (no alert in the
// panel), and it is asked for again on the next switch.
func TestFailedCatalogShowsEnglish(t *testing.T) {
	clearStorage(t)
	gone := blobURL(t, "{}")
	js.Global().Get("URL").Call("revokeObjectURL", gone)
	cases := []struct{ name, url string }{
		{"fetch fails", gone},
		{"not a catalog", blobURL(t, `["Hej"]`)},
		{"no catalog file", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := mount(t, true, Options{Lang: "sv", Catalogs: map[string]string{"sv": c.url}})
			assert.Equal(t, "en", f.p.Lang())
			assert.Equal(t, "Hi there", f.text("#cl-title"))
			assert.Equal(t, "en", f.q("[role=dialog]").Call("getAttribute", "lang").String())
			assert.Empty(t, f.all("[role=alert]"), "nothing alarming")

			f.p.opts.Catalogs["sv"] = i18ntest.URLs()["sv"] // back again
			require.True(t, f.p.SetLang("sv"))
			eventually(t, func() bool { return f.p.Lang() == "sv" }, "the next switch asks again")
			assert.Equal(t, "Hej", f.text("#cl-title"))
		})
	}
}

// TestSwitchWaitsForTheCatalog: a live switch keeps the language shown
// until the new catalog is there, then redraws once and fires lang once;
// a switch made while another waits wins, and the first catalog's arrival
// changes nothing.
func TestSwitchWaitsForTheCatalog(t *testing.T) {
	clearStorage(t)
	urls := i18ntest.URLs()
	release := holdFetches(t, urls["sv"], urls["ar"])
	hub := events.NewHub()
	hub.Resume()
	heard := js.Global().Get("Array").New()
	hub.On("lang", js.Global().Get("Function").New("heard", "return d => heard.push(d.lang)").Invoke(heard))
	f := mountWith(t, true, Options{Catalogs: urls}, store.New("crumbless-"), hub)
	require.True(t, f.p.Navigate("settings"))
	title := f.text("#cl-title")

	require.True(t, f.p.SetLang("sv"))
	require.True(t, f.p.SetLang("ar")) // while Swedish is on its way
	waitABit()
	assert.Equal(t, "en", f.p.Lang(), "English until a catalog is there")
	assert.Equal(t, title, f.text("#cl-title"))

	release(urls["sv"])
	eventually(t, func() bool { return f.p.catalogs["sv"] != nil }, "the Swedish catalog arrives")
	waitABit()
	assert.Equal(t, "en", f.p.Lang(), "Swedish is no longer wanted: no flash of it")
	assert.Equal(t, title, f.text("#cl-title"))

	release(urls["ar"])
	eventually(t, func() bool { return f.p.Lang() == "ar" }, "Arabic once its catalog is there")
	assert.Equal(t, "الإعدادات", f.text("#cl-title"))
	assert.Equal(t, "rtl", f.wrap.Call("getAttribute", "dir").String())
	waitABit() // events are delivered in microtasks
	require.Equal(t, 1, heard.Length(), "one lang event")
	assert.Equal(t, "ar", heard.Index(0).String())

	require.True(t, f.p.SetLang("sv"))
	assert.Equal(t, "Inställningar", f.text("#cl-title"), "a catalog fetched before is shown at once")
}

// TestStartGivesUpWaiting: a catalog slower than catalogWait lets the
// panel start in English; it switches when the catalog arrives.
func TestStartGivesUpWaiting(t *testing.T) {
	clearStorage(t)
	urls := i18ntest.URLs()
	release := holdFetches(t, urls["de"])
	f := mount(t, true, Options{Lang: "de", Catalogs: urls})
	assert.Equal(t, "en", f.p.Lang())
	assert.Equal(t, "Hi there", f.text("#cl-title"))
	release(urls["de"])
	eventually(t, func() bool { return f.p.Lang() == "de" }, "German once its catalog is there")
	assert.Equal(t, "Hallo", f.text("#cl-title"))
}
