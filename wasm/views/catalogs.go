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

// catalogs fetches the message catalogs of the languages other than
// English, each once, from the URLs the runtime list gives
// (Options.Catalogs). A catalog that cannot be fetched is asked for again
// on the next switch to its language.
type catalogs struct {
	urls    map[string]string
	have    map[string]*i18n.Catalog
	waiting map[string][]func(*i18n.Catalog)
}

func newCatalogs(urls map[string]string) *catalogs {
	return &catalogs{urls: urls, have: map[string]*i18n.Catalog{}, waiting: map[string][]func(*i18n.Catalog){}}
}

// get calls done with lang's catalog: at once for English and for a
// catalog fetched before, otherwise once fetched, from the goroutine that
// fetched it. done gets nil when the language has no catalog file or its
// fetch failed; the failure is logged as a warning.
func (c *catalogs) get(lang string, done func(*i18n.Catalog)) {
	if lang == "en" {
		done(i18n.English())
		return
	}
	if cat, ok := c.have[lang]; ok {
		done(cat)
		return
	}
	url := c.urls[lang]
	if url == "" {
		done(nil)
		return
	}
	c.waiting[lang] = append(c.waiting[lang], done)
	if len(c.waiting[lang]) > 1 {
		return // under way
	}
	ui.Go(func() {
		cat, err := fetchCatalog(lang, url)
		if err != nil {
			js.Global().Get("console").Call("warn", "crumbless: the "+lang+" texts could not be loaded, English is shown: "+err.Error())
		} else {
			c.have[lang] = cat
		}
		waiting := c.waiting[lang]
		delete(c.waiting, lang)
		for _, fn := range waiting {
			fn(cat)
		}
	})
}

func fetchCatalog(lang, url string) (*i18n.Catalog, error) {
	raw, err := ui.FetchJSON(url)
	if err != nil {
		return nil, err
	}
	return i18n.Parse(lang, raw)
}

// switchLang shows the panel in lang once its catalog is there, redrawing
// the current view, and fires the lang event; until then the panel stays
// in the language it shows, so no text changes twice. A later switch
// overrides one still waiting. A language whose catalog cannot be had is
// shown in English, content included, so that the lang attributes tell the
// truth. It does nothing when the language shown does not change.
func (p *Panel) switchLang(lang string) {
	p.wantLang = lang
	p.catalogs.get(lang, func(cat *i18n.Catalog) {
		if p.wantLang != lang {
			return // switched again meanwhile, or released
		}
		if cat == nil {
			cat = i18n.English()
		}
		if p.T == nil { // NewPanel is waiting for it (startLang)
			p.first <- cat
			return
		}
		if cat.Lang == p.T.Lang {
			return
		}
		// The redraw replaces the focused control (the settings' language
		// picker, for one): focus its successor.
		focused := p.frame.Root.Get("activeElement")
		id := ""
		if focused.Truthy() && p.frame.Panel.Call("contains", focused).Bool() {
			id = focused.Get("id").String()
		}
		p.applyLang(cat)
		p.restore = p.body.Get("scrollTop").Int()
		p.show(p.route)
		if id != "" {
			if el := p.frame.Root.Call("getElementById", id); el.Truthy() {
				el.Call("focus", map[string]any{"preventScroll": true})
			}
		}
		p.frame.Events.Emit("lang", map[string]any{"lang": cat.Lang})
	})
}

// startLang returns the catalog a new panel starts with: lang's at once
// when it is there, else once fetched, waiting up to catalogWait (the
// loader's loading state shows meanwhile). After that wait, or when the
// fetch fails, it returns English; a catalog that arrives later is shown
// then, by switchLang.
func (p *Panel) startLang(lang string) *i18n.Catalog {
	p.first = make(chan *i18n.Catalog, 1)
	p.switchLang(lang)
	select {
	case cat := <-p.first:
		return cat
	default:
	}
	p.content.warm() // the manifest, which the first view's content needs, meanwhile
	timeout := make(chan struct{})
	go func() {
		ui.Sleep(catalogWait)
		close(timeout)
	}()
	select {
	case cat := <-p.first:
		return cat
	case <-timeout:
		return i18n.English()
	}
}
