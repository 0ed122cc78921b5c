//go:build js && wasm

package views

import (
	"syscall/js"

	"github.com/crumbless/crumbless/internal/shared/answers"
	"github.com/crumbless/crumbless/wasm/ui"
)

// snippetLength is how many characters of an article's body a result shows.
const snippetLength = 110

// answersList is the help centre: a search box over every article, ranked
// as the visitor types (internal/shared/answers: title > headings > body, accents
// and case ignored).
type answersList struct {
	p       *Panel
	el      js.Value
	input   js.Value
	count   js.Value
	results js.Value
	on      ui.Listeners
	gone    bool
	none    bool // the search found nothing
}

func newAnswersList(p *Panel) *answersList {
	v := &answersList{p: p}
	T := p.T
	v.input = ui.El("input", "type", "search", "id", "cl-search", "class", "search-input", "dir", "auto",
		"autocomplete", "off", "spellcheck", "false", "maxlength", "200",
		"aria-controls", "cl-results", "aria-describedby", "cl-count", "placeholder", T.T("answers.search"))
	v.input.Set("value", p.query)
	box := ui.Append(ui.El("div", "class", "search-box", "role", "search"),
		ui.TextEl("label", T.T("answers.search"), "for", "cl-search", "class", "sr"), icon("search"), v.input)
	v.count = ui.El("p", "id", "cl-count", "class", "count", "aria-live", "polite")
	v.results = ui.El("div", "id", "cl-results", "class", "results")
	v.el = ui.Append(ui.El("section", "class", "view answers", "aria-labelledby", "cl-answers-h"),
		ui.TextEl("h3", T.T("answers.title"), "id", "cl-answers-h", "class", "sr"),
		box, v.count, v.results)
	v.on.On(v.input, "input", func(js.Value) {
		p.query = v.input.Get("value").String()
		v.render()
		p.saveNav()
	})
	// A search counts once the visitor commits it (Enter, or leaving the
	// box), not at every key.
	v.on.On(v.input, "change", func(js.Value) {
		switch q := trimmed(p.query); {
		case q == "":
		case v.none:
			p.tally("nohit", q)
		default:
			p.tally("search", "")
		}
	})
	p.content.answers.get(v.render)
	return v
}

// focusTarget puts the caret in the search box when the visitor came from
// the home view's search entry.
func (v *answersList) focusTarget() js.Value {
	if v.p.focusSearch {
		v.p.focusSearch = false
		return v.input
	}
	return js.Undefined()
}

func (v *answersList) render() {
	src := &v.p.content.answers
	if v.gone {
		return
	}
	if !loadState(v.p, &v.on, v.results, src, v.render) {
		ui.SetText(v.count, "")
		return
	}
	T := v.p.T
	list := ui.El("ul", "class", "rows results-list")
	query := v.p.query
	var shown []answers.Article
	if trimmed(query) == "" {
		shown = src.value.Articles
		ui.SetText(v.count, T.N("answers.results", len(shown)))
	} else {
		for _, r := range src.value.Search(query) {
			shown = append(shown, r.Article)
		}
		v.none = len(shown) == 0
		if v.none {
			ui.SetText(v.count, T.T("answers.none", "q", ui.Isolate(query)))
		} else {
			ui.SetText(v.count, T.N("answers.results", len(shown)))
		}
	}
	for _, a := range shown {
		route := "answers/" + a.ID
		btn := ui.Append(ui.El("button", "type", "button", "class", "row", "data-go", route),
			ui.Append(ui.El("span", "class", "row-icon"), icon("doc")),
			inLang(ui.Append(ui.El("span", "class", "row-text"),
				ui.Content("span", a.Title, "class", "row-title"),
				ui.Content("span", answers.Snippet(a.Body, query, snippetLength), "class", "row-sub")), a.Lang),
			icon("next"))
		v.on.On(btn, "click", func(js.Value) { v.p.Navigate(route) })
		ui.Append(list, ui.Append(ui.El("li"), btn))
	}
	ui.Append(v.results, list)
	v.p.contentArrived()
}

func (v *answersList) element() js.Value { return v.el }

func (v *answersList) release() {
	v.gone = true
	v.on.Release()
}

// articleView shows one article and, below it, the way on: chat or a form.
type articleView struct {
	p    *Panel
	id   string
	el   js.Value
	on   ui.Listeners
	gone bool
}

func newArticle(p *Panel, id string) *articleView {
	v := &articleView{p: p, id: id, el: ui.El("article", "class", "view article", "aria-labelledby", "cl-article-h")}
	p.content.answers.get(v.render)
	return v
}

func (v *articleView) render() {
	src := &v.p.content.answers
	if v.gone || !loadState(v.p, &v.on, v.el, src, v.render) {
		return
	}
	T := v.p.T
	a, ok := src.value.Find(v.id)
	if !ok {
		missing(v.p, v.el, "answers.missing", "cl-article-h")
		return
	}
	v.p.retitle()
	ui.Append(v.el, inLang(ui.Content("h3", a.Title, "id", "cl-article-h", "class", "article-h"), a.Lang))
	if a.Updated > 0 {
		ui.Append(v.el, ui.TextEl("p", T.T("answers.updated", "date", formatDate(T.Lang, a.Updated)), "class", "meta"))
	}
	if len(a.Headings) > 0 {
		toc := inLang(ui.El("ul", "class", "toc"), a.Lang)
		for _, h := range a.Headings {
			ui.Append(toc, ui.Content("li", h))
		}
		ui.Append(v.el, toc)
	}
	body := inLang(ui.El("div", "class", "prose"), a.Lang)
	for _, para := range paragraphs(a.Body) {
		tag := "p"
		for _, h := range a.Headings {
			if para == h {
				tag = "h4"
			}
		}
		ui.Append(body, ui.Content(tag, para))
	}
	ui.Append(v.el, body, v.stillNeedHelp())
	v.p.contentArrived()
}

// stillNeedHelp offers the chat (when there is one) and every form.
func (v *articleView) stillNeedHelp() js.Value {
	T := v.p.T
	box := ui.Append(ui.El("aside", "class", "still", "aria-labelledby", "cl-still-h"),
		ui.TextEl("h3", T.T("answers.still"), "id", "cl-still-h"))
	actions := ui.El("div", "class", "still-actions")
	// add offers a way on; content marks a label that is a form's title,
	// in lang.
	add := func(label, route, iconName string, primary, content bool, lang string) {
		class := "btn"
		if !primary {
			class = "btn ghost"
		}
		text := ui.TextEl("span", label)
		if content {
			inLang(text, lang).Call("setAttribute", "dir", "auto")
		}
		btn := ui.Append(ui.El("button", "type", "button", "class", class, "data-go", route), icon(iconName), text)
		v.on.On(btn, "click", func(js.Value) { v.p.Navigate(route) })
		ui.Append(actions, btn)
	}
	if v.p.chat != nil {
		add(T.T("answers.ask"), "chat", "chat", true, false, "")
	}
	if v.p.content.forms.offered() {
		v.p.content.forms.get(func() {
			if v.gone || !v.p.content.forms.loaded {
				return
			}
			for i, f := range v.p.content.forms.value.Forms {
				add(f.Title, "forms/"+f.ID, "mail", i == 0 && v.p.chat == nil, true, f.Lang)
			}
		})
	}
	return ui.Append(box, actions)
}

func (v *articleView) element() js.Value { return v.el }

func (v *articleView) release() {
	v.gone = true
	v.on.Release()
}

// paragraphs splits text at blank lines and drops empty pieces.
func paragraphs(text string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(text); i++ {
		if i == len(text) || (text[i] == '\n' && i+1 < len(text) && text[i+1] == '\n') {
			if p := trimmed(text[start:i]); p != "" {
				out = append(out, p)
			}
			start = i + 1
		}
	}
	return out
}

func trimmed(s string) string {
	a, b := 0, len(s)
	for a < b && (s[a] == ' ' || s[a] == '\n' || s[a] == '\t' || s[a] == '\r') {
		a++
	}
	for b > a && (s[b-1] == ' ' || s[b-1] == '\n' || s[b-1] == '\t' || s[b-1] == '\r') {
		b--
	}
	return s[a:b]
}

// formatDate formats unix milliseconds as a date in lang (Intl.DateTimeFormat).
func formatDate(lang string, ms int64) string {
	date := js.Global().Get("Date").New(float64(ms))
	opts := map[string]any{"year": "numeric", "month": "long", "day": "numeric"}
	return js.Global().Get("Intl").Get("DateTimeFormat").New(lang, opts).Call("format", date).String()
}
