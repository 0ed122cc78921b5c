//go:build js && wasm

package views

import (
	"sync"
	"syscall/js"

	"github.com/crumbless/crumbless/internal/answers"
	"github.com/crumbless/crumbless/internal/forms"
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
type source[T any] struct {
	url     string
	name    string    // file name in the manifest, when url is not given
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
		answers: source[answers.Content]{url: answersURL, name: "answers.json", index: index, decode: decodeAnswers},
		forms:   source[forms.Content]{url: formsURL, name: "forms.json", index: index, decode: decodeForms},
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
	ui.Go(func() {
		var v T
		err := s.fetch(&v)
		s.loading = false
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

func (s *source[T]) fetch(dst *T) error {
	url := s.url
	if url == "" && s.index != nil {
		var err error
		if url, err = s.index.lookup(s.name); err != nil {
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

// retry forgets a failure so that the next get fetches again.
func (s *source[T]) retry() { s.err = nil }

type contentError string

func (e contentError) Error() string { return string(e) }

const errNoContent = contentError("crumbless: this deployment has no such content")

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

// loadState renders the loading or error state of a source into box and
// reports whether the content is ready. retry is offered after an error.
func loadState(p *Panel, on *ui.Listeners, box js.Value, loading bool, err error, loadingKey, errKey string, retry func()) bool {
	ui.Clear(box)
	switch {
	case err != nil:
		btn := ui.TextEl("button", p.T.T("action.retry"), "type", "button", "class", "btn")
		on.On(btn, "click", func(js.Value) { retry() })
		ui.Append(box, ui.Append(ui.El("div", "class", "state", "role", "alert"), ui.TextEl("p", p.T.T(errKey)), btn))
		return false
	case loading:
		ui.Append(box, ui.Append(ui.El("div", "class", "state", "role", "status"),
			ui.El("span", "class", "spinner", "aria-hidden", "true"), ui.TextEl("p", p.T.T(loadingKey))))
		return false
	}
	return true
}
