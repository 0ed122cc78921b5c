//go:build js && wasm

package views

import (
	"syscall/js"

	"github.com/crumbless/crumbless/wasm/i18n"
	"github.com/crumbless/crumbless/wasm/ui"
)

// Themes are the values of the theme setting, in the order they are offered.
var Themes = []string{"light", "dark", "auto"}

// settingsView lets the visitor pick the theme and the language.
type settingsView struct {
	p      *Panel
	el     js.Value
	radios map[string]js.Value
	lang   js.Value // the picker; undefined when data-lang pins the language
	on     ui.Listeners
}

func newSettings(p *Panel) *settingsView {
	T := p.T
	v := &settingsView{p: p, radios: map[string]js.Value{}}
	fs := ui.Append(ui.El("fieldset", "class", "choice"), ui.TextEl("legend", T.T("settings.theme")))
	for _, th := range Themes {
		value := th
		input := ui.El("input", "type", "radio", "name", "cl-theme", "value", value)
		v.radios[value] = input
		ui.Append(fs, ui.Append(ui.El("label", "class", "opt opt-"+value), input, ui.El("span", "class", "swatch", "aria-hidden", "true"), ui.TextEl("span", T.T("theme."+value))))
		v.on.On(input, "change", func(js.Value) {
			if input.Get("checked").Bool() {
				p.SetTheme(value)
			}
		})
	}
	langGroup := ui.Append(ui.El("section", "class", "group", "aria-labelledby", "cl-lang-h"),
		ui.TextEl("h3", T.T("settings.language"), "id", "cl-lang-h"))
	if pinned := p.PinnedLang(); pinned != "" {
		// data-lang decides on every page: a picker here would be undone by
		// the next page load, so the language is shown, not offered.
		ui.Append(langGroup, ui.TextEl("p", langName(pinned), "id", "cl-lang-pinned", "lang", pinned, "dir", i18n.Dir(pinned)),
			ui.TextEl("p", T.T("settings.lang_pinned"), "class", "help"))
	} else {
		v.lang = ui.El("select", "id", "cl-lang", "class", "select")
		for _, l := range i18n.Languages {
			ui.Append(v.lang, ui.TextEl("option", l.Name, "value", l.Tag, "lang", l.Tag, "dir", i18n.Dir(l.Tag)))
		}
		v.on.On(v.lang, "change", func(js.Value) {
			// SetLang renders the view again in the new language; the
			// focus goes to the new picker.
			p.SetLang(v.lang.Get("value").String())
			p.frame.Panel.Call("querySelector", "#cl-lang").Call("focus")
		})
		ui.Append(langGroup, ui.Append(ui.El("label", "for", "cl-lang", "class", "sr"), ui.TextEl("span", T.T("settings.language"))), v.lang)
	}
	privacy := ui.Append(ui.El("button", "type", "button", "class", "row", "data-go", "privacy"),
		ui.Append(ui.El("span", "class", "row-icon"), icon("storage")),
		ui.Append(ui.El("span", "class", "row-text"), ui.TextEl("span", T.T("settings.privacy"), "class", "row-title")),
		icon("next"))
	v.on.On(privacy, "click", func(js.Value) { p.Navigate("privacy") })
	v.el = ui.Append(ui.El("section", "class", "view settings", "aria-labelledby", "cl-settings-h"),
		ui.Append(ui.El("section", "class", "group", "aria-labelledby", "cl-settings-h"),
			ui.TextEl("h3", T.T("settings.appearance"), "id", "cl-settings-h"), fs),
		langGroup,
		ui.Append(ui.El("ul", "class", "rows"), ui.Append(ui.El("li"), privacy)),
	)
	v.sync()
	return v
}

// sync shows the theme and language in effect.
func (v *settingsView) sync() {
	for value, r := range v.radios {
		r.Set("checked", value == v.p.theme)
	}
	if !v.lang.IsUndefined() {
		v.lang.Set("value", v.p.T.Lang)
	}
}

// langName is the name of the language tag in its own language.
func langName(tag string) string {
	for _, l := range i18n.Languages {
		if l.Tag == tag {
			return l.Name
		}
	}
	return tag
}

func (v *settingsView) element() js.Value { return v.el }

func (v *settingsView) release() { v.on.Release() }
