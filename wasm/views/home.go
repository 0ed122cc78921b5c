//go:build js && wasm

package views

import (
	"syscall/js"

	"github.com/crumbless/crumbless/wasm/ui"
)

// popular is how many articles the home view lists.
const popular = 3

// homeView greets the visitor and leads to chat, answers and forms.
type homeView struct {
	p        *Panel
	el       js.Value
	unread   js.Value // the chat card's pill; undefined without chat
	articles js.Value
	forms    js.Value
	on       ui.Listeners
	gone     bool

	avail, availText js.Value // the team's availability line (presence.go)
}

func newHome(p *Panel) *homeView {
	v := &homeView{p: p}
	T := p.T
	hero := ui.Append(ui.El("div", "class", "hero"),
		ui.TextEl("h3", T.T("home.lead"), "id", "cl-home-h", "class", "lead"),
		v.newAvailability(),
	)
	cards := ui.El("div", "class", "cards")
	if p.chat != nil {
		v.unread = ui.El("span", "class", "pill", "hidden", "")
		card := ui.Append(ui.El("button", "type", "button", "class", "card card-link primary", "data-go", "chat"),
			ui.Append(ui.El("span", "class", "card-icon"), icon("chat")),
			ui.Append(ui.El("span", "class", "card-text"),
				ui.TextEl("span", T.T("home.chat"), "class", "card-title"),
				ui.TextEl("span", T.T("home.chat_hint"), "class", "card-sub")),
			v.unread, icon("next"))
		v.go_(card, "chat")
		ui.Append(cards, card)
	}
	if p.content.answers.offered() {
		search := ui.Append(ui.El("button", "type", "button", "class", "search-entry", "data-go", "answers"),
			ui.TextEl("span", T.T("home.search")), icon("search"))
		v.on.On(search, "click", func(js.Value) {
			p.focusSearch = true
			p.Navigate("answers")
		})
		v.articles = ui.El("div", "class", "home-list")
		ui.Append(cards, ui.Append(ui.El("section", "class", "card", "aria-labelledby", "cl-home-answers"),
			ui.TextEl("h3", T.T("home.popular"), "id", "cl-home-answers", "class", "card-h"),
			search, v.articles))
		p.content.answers.get(v.renderArticles)
	}
	if p.content.forms.offered() {
		v.forms = ui.El("div", "class", "home-list")
		ui.Append(cards, ui.Append(ui.El("section", "class", "card", "aria-labelledby", "cl-home-forms"),
			ui.TextEl("h3", T.T("home.forms"), "id", "cl-home-forms", "class", "card-h"), v.forms))
		p.content.forms.get(v.renderForms)
	}
	privacy := ui.TextEl("button", T.T("home.privacy"), "type", "button", "class", "link", "data-go", "privacy")
	settings := ui.TextEl("button", T.T("home.settings"), "type", "button", "class", "link", "data-go", "settings")
	v.go_(privacy, "privacy")
	v.go_(settings, "settings")
	foot := ui.Append(ui.El("footer", "class", "home-foot"),
		ui.Append(ui.El("p", "class", "foot-links"), privacy, ui.TextEl("span", "·", "aria-hidden", "true"), settings),
		ui.Append(ui.El("p", "class", "foot-note"), icon("shield"), ui.TextEl("span", T.T("home.cookieless"))),
	)
	v.el = ui.Append(ui.El("section", "class", "view home", "aria-labelledby", "cl-home-h"), hero, cards, foot)
	v.setUnread(p.Unread())
	return v
}

func (v *homeView) go_(el js.Value, route string) {
	v.on.On(el, "click", func(js.Value) { v.p.Navigate(route) })
}

func (v *homeView) renderArticles() {
	src := &v.p.content.answers
	if v.gone || !loadState(v.p, &v.on, v.articles, src, v.renderArticles) {
		return
	}
	list := ui.El("ul", "class", "rows")
	for i, a := range src.value.Articles {
		if i == popular {
			break
		}
		ui.Append(list, ui.Append(ui.El("li"), v.row(a.Title, "", a.Lang, "answers/"+a.ID, "doc")))
	}
	all := ui.TextEl("button", v.p.T.T("home.all_answers"), "type", "button", "class", "link more", "data-go", "answers")
	v.go_(all, "answers")
	ui.Append(v.articles, list, all)
	v.p.contentArrived()
}

func (v *homeView) renderForms() {
	src := &v.p.content.forms
	if v.gone || !loadState(v.p, &v.on, v.forms, src, v.renderForms) {
		return
	}
	list := ui.El("ul", "class", "rows")
	for _, f := range src.value.Forms {
		ui.Append(list, ui.Append(ui.El("li"), v.row(f.Title, f.Intro, f.Lang, "forms/"+f.ID, "mail")))
	}
	ui.Append(v.forms, list)
	v.p.contentArrived()
}

// row is a button leading to route, with a title and an optional line
// below, content in lang.
func (v *homeView) row(title, sub, lang, route, iconName string) js.Value {
	text := inLang(ui.Append(ui.El("span", "class", "row-text"), ui.Content("span", title, "class", "row-title")), lang)
	if sub != "" {
		ui.Append(text, ui.Content("span", sub, "class", "row-sub"))
	}
	btn := ui.Append(ui.El("button", "type", "button", "class", "row", "data-go", route),
		ui.Append(ui.El("span", "class", "row-icon"), icon(iconName)), text, icon("next"))
	v.go_(btn, route)
	return btn
}

// setUnread shows n on the chat card.
func (v *homeView) setUnread(n int) {
	if v.unread.IsUndefined() {
		return
	}
	ui.SetText(v.unread, v.p.T.N("home.unread", n))
	ui.Show(v.unread, n > 0)
}

func (v *homeView) element() js.Value { return v.el }

func (v *homeView) release() {
	v.gone = true
	v.on.Release()
}
