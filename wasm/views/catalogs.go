//go:build js && wasm

package views

import (
	"syscall/js"

	"github.com/crumbless/crumbless/wasm/i18n"
	"github.com/crumbless/crumbless/wasm/ui"
)

// catalogWait is how long, in milliseconds, a starting panel waits for its
// language's catalog (one small request, under way while the loader's
// loading state shows) before it shows English and switches when the
// catalog arrives.
const catalogWait = 2000

// switchLang shows the panel in lang once its catalog is there: at once
// for English and for a catalog fetched before, otherwise once fetched
// from Options.Catalogs (each language once; after a failure, again on
// the next switch to it). Until then the panel stays in the language it
// shows, so no text changes twice, and a later switch overrides one still
// waiting. A language whose catalog cannot be had is shown in English,
// content included, so that the lang attributes tell the truth; the
// failure is a console warning, nothing the visitor sees.
func (p *Panel) switchLang(lang string) {
	if p.released {
		return // a storage event for a panel that is gone
	}
	p.wantLang = lang
	if cat, ok := p.catalogs[lang]; ok {
		p.showLang(cat)
		return
	}
	url := p.opts.Catalogs[lang]
	if url == "" {
		p.showLang(i18n.English())
		return
	}
	if p.fetching[lang] {
		return // its arrival shows it, if it is still wanted then
	}
	p.fetching[lang] = true
	ui.Go(func() {
		cat := i18n.English()
		raw, err := ui.FetchJSON(url)
		if err == nil {
			if c := i18n.Parse(lang, raw); c != nil {
				cat = c
				p.catalogs[lang] = c
			}
		}
		if cat.Lang != lang {
			js.Global().Get("console").Call("warn", "crumbless: the "+lang+" texts could not be loaded from "+url+"; English is shown")
		}
		delete(p.fetching, lang)
		if p.wantLang == lang {
			p.showLang(cat)
		}
	})
}

// showLang redraws the panel with cat, focusing the successor of the
// focused control (the settings' language picker, for one), and fires the
// lang event; it does nothing when cat's language is shown already. While
// NewPanel waits for its first catalog (startLang), it hands cat over.
func (p *Panel) showLang(cat *i18n.Catalog) {
	if p.T == nil {
		p.first <- cat
		return
	}
	if cat.Lang == p.T.Lang {
		return
	}
	id := p.frame.Root.Get("activeElement")
	if id.Truthy() {
		id = id.Get("id")
	}
	p.applyLang(cat)
	p.restore = p.body.Get("scrollTop").Int()
	p.show(p.route)
	if id.Truthy() {
		if el := p.frame.Root.Call("getElementById", id); el.Truthy() {
			el.Call("focus", map[string]any{"preventScroll": true})
		}
	}
	p.frame.Events.Emit("lang", map[string]any{"lang": cat.Lang})
}

// startLang returns the catalog a new panel starts with: lang's at once
// when it is there, else once fetched, waiting up to catalogWait (the
// loader's loading state shows meanwhile). After that wait, or when the
// fetch fails, it returns English; a catalog that arrives later is shown
// then, by switchLang.
func (p *Panel) startLang(lang string) *i18n.Catalog {
	// One channel, for the catalog and for the end of the wait (nil): a
	// select statement would link the runtime's selectgo into the wasm.
	p.first = make(chan *i18n.Catalog, 2)
	p.catalogs = map[string]*i18n.Catalog{"en": i18n.English()}
	p.fetching = map[string]bool{}
	p.switchLang(lang)
	if len(p.first) == 0 {
		p.content.warm() // the manifest, which the first view's content needs, meanwhile
		// The end of the wait is a timeout cleared when the catalog comes
		// first: nothing of this panel's start is left running after it.
		end := js.FuncOf(func(js.Value, []js.Value) any {
			p.first <- nil
			return nil
		})
		timer := js.Global().Call("setTimeout", end, catalogWait)
		defer end.Release()
		defer js.Global().Call("clearTimeout", timer)
	}
	if cat := <-p.first; cat != nil {
		return cat
	}
	return i18n.English()
}
