//go:build js && wasm

package views

import (
	"sync"
	"syscall/js"

	"github.com/crumbless/crumbless/internal/shared/answers"
	"github.com/crumbless/crumbless/internal/shared/forms"
	"github.com/crumbless/crumbless/wasm/ui"
)

// library loads the answers and forms content once, on first need, and
// hands it to every view that asks.
type library struct {
	answers source[answers.Content]
	forms   source[forms.Content]
}

// manifest finds bundled content files by name in the bundle's
// manifest.json (their names are content-hashed), fetched once.
type manifest struct {
	url   string
	once  sync.Once
	paths map[string]string // name → URL
	err   error
}

// lookup returns the URL of the bundled file name; the first call fetches
// the manifest, calls made meanwhile wait for it (goroutines only).
func (m *manifest) lookup(name string) (string, error) {
	m.once.Do(func() {
		raw, err := ui.FetchJSON(m.url)
		if err != nil {
			m.err = err
			return
		}
		m.paths = map[string]string{}
		base := js.Global().Get("URL").New(".", m.url).Get("href").String()
		files := raw.Get("files")
		for i := 0; files.Truthy() && i < files.Length(); i++ {
			f := files.Index(i)
			m.paths[f.Get("name").String()] = base + f.Get("path").String()
		}
	})
	if m.err != nil {
		return "", m.err
	}
	if u, ok := m.paths[name]; ok {
		return u, nil
	}
	return "", errNoContent
}

// source is one JSON file: not asked for yet, loading, loaded or failed.
// From the manifest it is the file of the panel's language
// (answers.sv.json), or the default language's (answers.json) when the
// content has no translation into it; a given url serves every language.
type source[T any] struct {
	url     string
	name    string    // file name in the manifest, when url is not given
	lang    string    // the language whose file to fetch
	key     string    // the catalog's texts: key+".loading", key+".error"
	index   *manifest // nil: url only
	decode  func(js.Value, *T) error
	loaded  bool
	loading bool
	err     error
	value   T
	waiting []func()
}

func newLibrary(answersURL, formsURL, manifestURL string) *library {
	var index *manifest
	if manifestURL != "" {
		index = &manifest{url: manifestURL}
	}
	return &library{
		answers: source[answers.Content]{url: answersURL, name: "answers.json", key: "answers", index: index, decode: decodeAnswers},
		forms:   source[forms.Content]{url: formsURL, name: "forms.json", key: "forms", index: index, decode: decodeForms},
	}
}

// offered reports whether the source can be asked for at all.
func (s *source[T]) offered() bool { return s.url != "" || s.index != nil }

// get calls done at once when the content is loaded (or failed) and
// otherwise when it is, from the goroutine that fetched it.
func (s *source[T]) get(done func()) {
	if s.loaded || s.err != nil {
		done()
		return
	}
	s.waiting = append(s.waiting, done)
	if s.loading {
		return
	}
	s.loading = true
	lang := s.lang
	ui.Go(func() {
		var v T
		err := s.fetch(lang, &v)
		s.loading = false
		if lang != s.lang { // the panel changed language meanwhile: fetch that one
			waiting := s.waiting
			s.waiting = nil
			for _, fn := range waiting {
				s.get(fn)
			}
			return
		}
		if err != nil {
			s.err = err
		} else {
			s.value, s.loaded = v, true
		}
		waiting := s.waiting
		s.waiting = nil
		for _, fn := range waiting {
			fn()
		}
	})
}

func (s *source[T]) fetch(lang string, dst *T) error {
	url := s.url
	if url == "" && s.index != nil {
		var err error
		url, err = s.index.lookup(s.key + "." + lang + ".json")
		if err == errNoContent {
			url, err = s.index.lookup(s.name)
		}
		if err != nil {
			return err
		}
	}
	if url == "" {
		return errNoContent
	}
	raw, err := ui.FetchJSON(url)
	if err != nil {
		return err
	}
	return s.decode(raw, dst)
}

// state is the catalog key of s's texts, whether it is loading and why it
// failed.
func (s *source[T]) state() (key string, loading bool, err error) { return s.key, s.loading, s.err }

// setLang makes the source serve lang from now on: content in another
// language is dropped, to be fetched again when a view asks.
func (s *source[T]) setLang(lang string) {
	if s.lang == lang {
		return
	}
	s.lang = lang
	if s.url == "" {
		var zero T
		s.loaded, s.err, s.value = false, nil, zero
	}
}

// reload forgets a failure and gets the content again.
func (s *source[T]) reload(done func()) {
	s.err = nil
	s.get(done)
}

// loader is a source as loadState sees it, whatever its content.
type loader interface {
	state() (key string, loading bool, err error)
	reload(done func())
}

type contentError string

func (e contentError) Error() string { return string(e) }

const errNoContent = contentError("crumbless: this deployment has no such content")

// warm fetches the manifest, when the content is found through one, so
// that a view's first content request does not wait for it.
func (l *library) warm() {
	if m := l.answers.index; m != nil {
		ui.Go(func() { m.lookup("") })
	}
}

// setLang switches the content to lang's.
func (l *library) setLang(lang string) {
	l.answers.setLang(lang)
	l.forms.setLang(lang)
}

// inLang marks el, content text, as written in lang, the language the
// content says it is in: an untranslated article inside a panel in
// another language is read out, hyphenated and shaped as its own.
func inLang(el js.Value, lang string) js.Value {
	if lang != "" {
		el.Call("setAttribute", "lang", lang)
	}
	return el
}

func (l *library) article(id string) (answers.Article, bool) {
	if !l.answers.loaded {
		return answers.Article{}, false
	}
	return l.answers.value.Find(id)
}

func (l *library) form(id string) (forms.Form, bool) {
	if !l.forms.loaded {
		return forms.Form{}, false
	}
	return l.forms.value.Find(id)
}

// loadState is the prologue of every view that shows content: it empties
// box, renders the loading or error state of src into it and reports
// whether the content is ready to render. After an error it offers a retry
// that fetches again, showing the loading state at once, and calls render
// when the content is there.
func loadState(p *Panel, on *ui.Listeners, box js.Value, src loader, render func()) bool {
	key, loading, err := src.state()
	ui.Clear(box)
	switch {
	case err != nil:
		btn := ui.TextEl("button", p.T.T("action.retry"), "type", "button", "class", "btn")
		on.On(btn, "click", func(js.Value) {
			src.reload(render)
			render()
		})
		ui.Append(box, ui.Append(ui.El("div", "class", "state", "role", "alert"), ui.TextEl("p", p.T.T(key+".error")), btn))
		return false
	case loading:
		ui.Append(box, ui.Append(ui.El("div", "class", "state", "role", "status"),
			ui.El("span", "class", "spinner", "aria-hidden", "true"), ui.TextEl("p", p.T.T(key+".loading"))))
		return false
	}
	return true
}

// missing says in box that the item a route names is not in the content (a
// stale link): key is the catalog's text, id the id of the heading the view
// is labelled by.
func missing(p *Panel, box js.Value, key, id string) {
	ui.Append(box, ui.Append(ui.El("div", "class", "state", "role", "alert"), ui.TextEl("h3", p.T.T(key), "id", id)))
}
