//go:build js && wasm

package app

import (
	"syscall/js"

	"honnef.co/go/js/dom/v2"

	"github.com/crumbless/crumbless/console/locale"
	"github.com/crumbless/crumbless/console/prefs"
	"github.com/crumbless/crumbless/console/web"
	"github.com/crumbless/crumbless/internal/shared/registry"
)

// settings are the agent's preferences, kept in localStorage.
type settings struct {
	Theme     string // auto, light or dark
	Lang      string // "" for the browser's
	Density   string // comfortable or compact
	Collapsed struct {
		List bool `js:"list"`
	}
	Sound  bool
	Notify bool
}

func (a *App) loadPrefs() {
	p := settings{Theme: "auto", Density: "comfortable", Sound: true, Notify: true}
	var s string
	if a.st.Get(prefs.Theme, &s) && (s == "light" || s == "dark" || s == "auto") {
		p.Theme = s
	}
	if a.st.Get(prefs.Density, &s) && (s == "compact" || s == "comfortable") {
		p.Density = s
	}
	if a.st.Get(prefs.Lang, &s) {
		p.Lang = s
	}
	a.st.Get(prefs.Collapsed, &p.Collapsed)
	var b bool
	if a.st.Get(prefs.Sound, &b) {
		p.Sound = b
	}
	if a.st.Get(prefs.Notify, &b) {
		p.Notify = b
	}
	a.prefs = p
}

// applyPrefs shows the preferences: theme, density, language and
// direction, collapsed panels, and the settings' controls.
func (a *App) applyPrefs() {
	p := a.prefs
	a.loc = locale.New(p.Lang, js.Global().Get("navigator").Get("language").String())
	root := page.DocumentElement()
	root.SetAttribute("data-theme", p.Theme)
	root.SetAttribute("data-density", p.Density)
	root.SetAttribute("lang", a.loc.Lang)
	root.SetAttribute("dir", a.loc.Dir())
	a.translate()
	setValue(byID("pref-theme"), p.Theme)
	setValue(byID("pref-lang"), a.loc.Lang)
	setValue(byID("pref-density"), p.Density)
	setChecked(byID("pref-sound"), p.Sound)
	setChecked(byID("pref-notify"), p.Notify)
	setHidden(byID("list-body"), p.Collapsed.List)
	toggle := byID("list-toggle")
	if p.Collapsed.List {
		byID("list-panel").Class().Add("collapsed")
		toggle.SetTextContent(a.loc.T("panel.expand"))
	} else {
		byID("list-panel").Class().Remove("collapsed")
		toggle.SetTextContent(a.loc.T("panel.collapse"))
	}
	toggle.SetAttribute("aria-expanded", boolText(!p.Collapsed.List))
	a.renderStores()
	a.syncNotifyButton()
}

func boolText(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// translate sets every text of the page in the console's language.
func (a *App) translate() {
	for _, el := range page.QuerySelectorAll("[data-t]") {
		el.SetTextContent(a.loc.T(el.GetAttribute("data-t")))
	}
	for _, el := range page.QuerySelectorAll("[data-t-label]") {
		el.SetAttribute("aria-label", a.loc.T(el.GetAttribute("data-t-label")))
	}
	for _, opt := range byID("ban-days").QuerySelectorAll("option") {
		n := 0
		for _, c := range opt.GetAttribute("value") {
			n = n*10 + int(c-'0')
		}
		opt.SetTextContent(a.loc.N("ban.days", n))
	}
	if a.client != nil && a.client.Token != "" {
		a.renderList()
		a.renderSubmissions()
		a.setLive(true)
	} else {
		byID("tab-submissions").SetTextContent(a.loc.T("nav.submissions", "n", "0"))
	}
}

// renderStores fills "What this console stores" from the registry.
func (a *App) renderStores() {
	rows := byID("stores-rows")
	rows.SetTextContent("")
	for _, k := range prefs.Keys {
		tr := create("tr", "", "")
		key := create("td", "", "")
		key.AppendChild(create("code", "", k.Full()))
		tr.AppendChild(key)
		where, life := a.loc.T("stores.local"), a.loc.N("stores.days", k.Days)
		if k.Area == registry.Session {
			where, life = a.loc.T("stores.session"), a.loc.T("stores.tab")
		}
		tr.AppendChild(create("td", "", where))
		tr.AppendChild(create("td", "", a.loc.T(k.Purpose)))
		tr.AppendChild(create("td", "", life))
		rows.AppendChild(tr)
	}
}

func (a *App) wireSettings() {
	change := func(id, key string, set func(v string)) {
		on(byID(id), "change", false, func(dom.Event) {
			set(value(byID(id)))
			a.applyPrefs()
		})
	}
	change("pref-theme", prefs.Theme, func(v string) { a.prefs.Theme = v; a.st.Set(prefs.Theme, v) })
	change("pref-lang", prefs.Lang, func(v string) { a.prefs.Lang = v; a.st.Set(prefs.Lang, v) })
	change("pref-density", prefs.Density, func(v string) { a.prefs.Density = v; a.st.Set(prefs.Density, v) })
	on(byID("pref-sound"), "change", false, func(dom.Event) {
		a.prefs.Sound = checked(byID("pref-sound"))
		a.st.Set(prefs.Sound, a.prefs.Sound)
	})
	on(byID("pref-notify"), "change", false, func(dom.Event) {
		a.prefs.Notify = checked(byID("pref-notify"))
		a.st.Set(prefs.Notify, a.prefs.Notify)
		a.syncNotifyButton()
	})
	on(byID("list-toggle"), "click", false, func(dom.Event) {
		a.prefs.Collapsed.List = !a.prefs.Collapsed.List
		a.st.Set(prefs.Collapsed, a.prefs.Collapsed)
		a.applyPrefs()
	})
	// Another console tab changed a preference: show it here too.
	a.st.OnChange(func(string) {
		a.loadPrefs()
		a.applyPrefs()
	})
}

// syncNotifyButton offers to turn notifications on while the browser has
// not been asked yet; the permission is asked on that click, never on load.
func (a *App) syncNotifyButton() {
	setHidden(byID("notify-enable"), !(a.prefs.Notify && web.Permission() == "default"))
}
