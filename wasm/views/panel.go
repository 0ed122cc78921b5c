//go:build js && wasm

// Package views renders what the visitor sees inside the widget's shadow
// root: the panel frame (panel.go: header, navigation, focus handling,
// restore across reloads; routes.go: the table of its views) and the views
// inside it, a file each: home, chat, answers, forms, privacy, settings.
// content.go loads the answers and forms and holds the loading and error
// states their views share. The chat is three files: chat.go (messages and
// the backend as the views need it), chatstate.go (the conversation, kept
// while views come and go) and chatview.go (the log and the composer).
package views

import (
	"syscall/js"

	"github.com/crumbless/crumbless/wasm/events"
	"github.com/crumbless/crumbless/wasm/i18n"
	"github.com/crumbless/crumbless/wasm/store"
	"github.com/crumbless/crumbless/wasm/ui"
)

// css is views.css, as a constant that internal/tools/embedgo writes (edit
// views.css, then go generate): //go:embed would import embed, which imports
// io/fs and time, about 25 KB brotli.

// Frame holds the elements the loader created before the runtime started.
type Frame struct {
	Root     js.Value    // the open ShadowRoot of #crumbless-root
	Wrapper  js.Value    // div.cl: carries data-theme
	Launcher js.Value    // the launcher button
	Panel    js.Value    // div.panel, role="dialog"; undefined when the loader drew none
	Events   *events.Hub // where the panel reports open, close, navigate, theme, lang, unread, message; may be nil
}

// Options are what the page and the deployment decide.
type Options struct {
	Theme      string   // the page's data-theme, used until the visitor picks one
	Lang       string   // the page's data-lang
	Languages  []string // navigator.languages, most preferred first
	Prefix     string   // storage key prefix (for the privacy view's live list)
	AnswersURL string   // answers.json; "" to look it up in the manifest
	FormsURL   string   // forms.json; "" to look it up in the manifest
	// ManifestURL is the bundle's manifest.json, where the content-hashed
	// answers.json and forms.json are found; "" with neither URL given
	// means the deployment has no answers or forms.
	ManifestURL string
	// Catalogs are the URLs of the message catalogs by language (the
	// runtime list's i18n: a/i18n.<lang>.<hash>.json), fetched when the
	// panel shows that language. English is compiled in; a language
	// without a URL here is shown in English.
	Catalogs  map[string]string
	SubmitURL string // forms are POSTed to SubmitURL + "<form id>/submissions"; "" when nothing can receive them
	// Chat is the chat backend, nil until the deployment has one: then the
	// widget offers no chat at all rather than a chat that cannot work.
	Chat Conversation
	// API is the chat backend's API root (https://chat.example/api/v1/),
	// where the privacy view exports and erases the visitor's
	// conversation; "" without a backend.
	API string
	// Site is the page's data-site, which names the "Download my data" file.
	Site string
	// Invite is the invitation the page showed (static/invite.js): its
	// message opens the chat as the agent's. Set, the panel keeps the
	// visitor's acts in the session key "markers".
	Invite Invite
	// FromLink is set when the page was opened from a continue link
	// (RestoreFromLink): the panel starts on the chat. LinkErr is why its
	// code did not work, nil when it did; the chat then says so.
	FromLink bool
	LinkErr  error
}

// Invite is the loader side's invitation: the teaser's message, the agent
// named in it, the view it opens the panel on, when it was shown (unix ms),
// whether it opened the panel by itself, and whether the visitor opened the
// panel by clicking it.
type Invite struct {
	Text, Name, View string
	At               int64
	Auto, Clicked    bool
}

// navState is the "nav" key: where the visitor is in this tab.
type navState struct {
	Route  string `js:"route"`
	Scroll int    `js:"scroll"`
	Query  string `js:"query"`
}

// view is one screen inside the panel. A view builds its DOM once, updates
// it in place, and releases its listeners in release.
type view interface {
	element() js.Value
	release()
}

// Panel is the dialog: its frame, the current view and the state shared by
// the views (theme, language, content, conversation).
type Panel struct {
	frame Frame
	store *store.Store
	opts  Options
	T     *i18n.Catalog // the texts shown; nil until NewPanel has one

	catalogs map[string]*i18n.Catalog // by language: English and those fetched (catalogs.go)
	fetching map[string]bool          // catalogs under way
	wantLang string                   // the language switchLang waits for, or shows
	first    chan *i18n.Catalog       // the starting catalog, for startLang
	released bool                     // Release ran: languages no longer switch

	theme   string
	open    bool
	route   string
	query   string // the answers search, kept across views and reloads
	current view
	restore int // scroll position to restore once the view's content is there
	// focusSearch asks the answers view to focus its search box (the visitor
	// came from the home view's search entry).
	focusSearch bool
	content     *library
	chat        *chatState
	on          ui.Listeners
	back        js.Value
	title       js.Value
	gear        js.Value
	closeBtn    js.Value
	body        js.Value
	tabs        js.Value
	tabBtns     map[string]js.Value
	live        js.Value
	badge       js.Value
	ownBadge    bool // the panel created the badge (the loader drew none)
	starting    bool // NewPanel is rendering the first view
	firstShown  bool // the invitation's message was shown in the chat

	tallied js.Value // statistics events not sent yet (stats.go)

	stopPresence func()       // ends the presence watch (presence.go); nil while closed
	viewport     ui.Listeners // the visual viewport's resize and scroll (viewport.go), while open
	following    bool         // viewport listens
}

// NewPanel renders the panel into f.Panel (or creates a hidden one), applies
// the stored theme and language, restores the view of this tab and opens
// the panel when the loader showed it.
func NewPanel(f Frame, s *store.Store, opts Options) *Panel {
	ui.Adopt(f.Root, css)
	p := &Panel{frame: f, store: s, opts: opts, tabBtns: map[string]js.Value{}}
	p.content = newLibrary(opts.AnswersURL, opts.FormsURL, opts.ManifestURL)
	// The loader's loading state shows while the catalog is fetched: it is
	// one request, sooner done than a redraw from English.
	start := p.startLang(p.pickLang())
	visible := !f.Panel.IsUndefined() && !f.Panel.IsNull() && !f.Panel.Get("hidden").Bool()
	if f.Panel.IsUndefined() || f.Panel.IsNull() {
		p.frame.Panel = ui.El("div", "class", "panel", "role", "dialog", "hidden", "")
		f.Wrapper.Call("insertBefore", p.frame.Panel, f.Launcher)
	}
	panel := p.frame.Panel
	ui.Clear(panel)
	panel.Call("removeAttribute", "aria-busy")
	panel.Call("removeAttribute", "aria-label")
	panel.Call("setAttribute", "id", "cl-panel")
	panel.Call("setAttribute", "aria-labelledby", "cl-title")
	panel.Call("setAttribute", "aria-modal", "true")
	f.Launcher.Call("setAttribute", "aria-controls", "cl-panel")
	// The loader may have drawn the unread badge already; the panel takes it over.
	if p.badge = f.Launcher.Call("querySelector", ".badge"); p.badge.IsNull() {
		p.badge = ui.El("span", "class", "badge", "hidden", "")
		p.ownBadge = true
		ui.Append(f.Launcher, p.badge)
	}
	p.badge.Call("setAttribute", "aria-hidden", "true") // the launcher's label says the count

	p.back = iconButton("back", "back")
	p.title = ui.El("h2", "id", "cl-title", "tabindex", "-1")
	p.gear = iconButton("gear", "gear")
	p.closeBtn = iconButton("close", "close")
	head := ui.Append(ui.El("header", "class", "head"), p.back, p.title, p.gear, p.closeBtn)
	p.body = ui.El("div", "class", "body")
	p.tabs = ui.El("nav", "class", "tabs")
	p.live = ui.El("div", "class", "sr", "aria-live", "polite")
	ui.Append(panel, head, p.body, p.tabs, p.live)

	p.on.On(p.closeBtn, "click", func(js.Value) { p.Close() })
	p.on.On(head, "click", func(js.Value) { p.mark("header") })
	p.on.On(p.back, "click", func(js.Value) { p.Navigate(parent(p.route)) })
	p.on.On(p.gear, "click", func(js.Value) { p.Navigate("settings") })
	p.on.On(panel, "keydown", p.keydown)
	p.on.On(p.body, "scroll", func(js.Value) { p.saveNav() })

	p.theme = pickTheme(s, opts.Theme)
	p.frame.Wrapper.Call("setAttribute", "data-theme", p.theme)
	if opts.Chat != nil {
		p.chat = newChatState(p, opts.Chat)
	}
	p.applyLang(start)
	s.OnChange(func(name string) {
		if name == "lang" || name == "" { // chosen in another tab, or forgotten
			p.switchLang(p.pickLang())
		}
	})

	var nav navState
	route := "home"
	if s.Get("nav", &nav) && p.valid(nav.Route) {
		route, p.query, p.restore = nav.Route, nav.Query, nav.Scroll
	}
	if opts.FromLink && p.valid("chat") {
		route, p.restore = "chat", 0
	}
	p.starting = true // showing the restored view is not a move to remember
	p.show(route)
	p.starting = false
	if visible {
		p.Open()
	}
	return p
}

// IsOpen reports whether the panel is shown.
func (p *Panel) IsOpen() bool { return p.open }

// Route returns the current view: "home", "chat", "answers", "answers/<id>",
// "forms", "forms/<id>", "privacy" or "settings".
func (p *Panel) Route() string { return p.route }

// Theme returns the theme in effect: "light", "dark" or "auto".
func (p *Panel) Theme() string { return p.theme }

// Settings is the theme setting as package api knows it.
func (p *Panel) Settings() ThemeSetting { return ThemeSetting{p} }

// ThemeSetting reads and changes the panel's theme.
type ThemeSetting struct{ p *Panel }

// Theme returns the theme in effect.
func (s ThemeSetting) Theme() string { return s.p.theme }

// SetTheme is Panel.SetTheme.
func (s ThemeSetting) SetTheme(theme string) bool { return s.p.SetTheme(theme) }

// Lang returns the language in effect (a base tag such as "de").
func (p *Panel) Lang() string { return p.T.Lang }

// Open shows the panel and moves focus to its heading. It is idempotent.
func (p *Panel) Open() {
	p.frame.Panel.Call("removeAttribute", "hidden")
	p.frame.Launcher.Call("setAttribute", "aria-expanded", "true")
	was := p.open
	p.open = true
	p.labelLauncher()
	if !was {
		p.set("open", true)
		auto := p.opts.Invite.Auto
		if auto {
			p.opts.Invite.Auto = false // later opens are the visitor's
			p.mark("auto")
		} else {
			p.mark("opened")
			p.tallyInvite()
		}
		if p.chat != nil {
			p.chat.visibilityChanged()
		}
		p.watchPresence(true)
		p.followViewport(true)
		p.sendContext()
		// Focusing lays the panel out: after everything above has changed
		// it, so that the layout is done once.
		p.title.Call("focus", map[string]any{"preventScroll": true})
		p.body.Set("scrollTop", p.restore)
		p.frame.Events.Emit("open", nil)
		p.tally("open", "")
	}
}

// Close hides the panel and gives focus back to the launcher. It is idempotent.
func (p *Panel) Close() {
	p.frame.Panel.Call("setAttribute", "hidden", "")
	p.frame.Launcher.Call("setAttribute", "aria-expanded", "false")
	was := p.open
	p.open = false
	p.labelLauncher()
	if was {
		p.store.Remove("open")
		p.mark("closed")
		p.watchPresence(false)
		p.followViewport(false)
		p.frame.Launcher.Call("focus")
		p.frame.Events.Emit("close", nil)
	}
}

// MatchFrame opens or closes the panel as its frame shows it. Until the
// runtime attaches to the loader's API, the loader answers the launcher and
// shows or hides the frame itself, while the runtime may be waiting for its
// tab's lock; the runtime then follows what the visitor sees.
func (p *Panel) MatchFrame() {
	if shown := !p.frame.Panel.Get("hidden").Bool(); shown != p.open {
		if shown {
			p.Open()
		} else {
			p.Close()
		}
	}
}

// Toggle opens a closed panel and closes an open one.
func (p *Panel) Toggle() {
	if p.open {
		p.Close()
	} else {
		p.Open()
	}
}

// Navigate shows the view named by route and moves focus to its heading.
// It reports false, changing nothing, for an unknown route or one to a view
// the deployment does not offer ("chat" when there is no chat backend).
func (p *Panel) Navigate(route string) bool {
	if !p.valid(route) {
		return false
	}
	p.restore = 0
	p.show(route)
	target := p.title
	if f, ok := p.current.(interface{ focusTarget() js.Value }); ok {
		if el := f.focusTarget(); el.Truthy() {
			target = el
		}
	}
	target.Call("focus", map[string]any{"preventScroll": true})
	return true
}

// show replaces the current view with the one for route.
func (p *Panel) show(route string) {
	if p.current != nil {
		p.current.release()
	}
	p.route = route
	if !p.starting { // before the view is built: the privacy view lists it
		p.set("nav", navState{Route: route, Scroll: p.restore, Query: p.query})
	}
	pg, id := lookup(route)
	name := pg.name
	if name == "answers" && id != "" && !p.starting {
		p.tally("read", id)
	}
	v := p.build(pg, id)
	p.current = v
	ui.Clear(p.body)
	ui.Append(p.body, v.element())
	p.frame.Panel.Call("setAttribute", "data-view", name)
	ui.Show(p.back, name != "home")
	ui.Show(p.gear, name != "settings")
	p.setTitle(route)
	for tab, btn := range p.tabBtns {
		if tab == name {
			btn.Call("setAttribute", "aria-current", "page")
		} else {
			btn.Call("removeAttribute", "aria-current")
		}
	}
	if p.restore > 0 || !p.starting {
		// Setting scrollTop lays the panel out at once; the panel's first
		// view starts at the top anyway, and its first layout waits for
		// the browser's next frame instead of holding up the start.
		p.body.Set("scrollTop", p.restore)
	}
	if p.chat != nil {
		p.chat.visibilityChanged()
	}
	p.frame.Events.Emit("navigate", map[string]any{"view": route})
}

// contentArrived is called by a view when content it waited for has been
// rendered: the scroll position saved before a reload can be applied now.
func (p *Panel) contentArrived() {
	if p.restore > 0 {
		p.body.Set("scrollTop", p.restore)
	}
}

// titleFor is the header's title for route, and whether it is content
// (an article's or a form's title, once loaded) rather than the view's
// catalog string.
func (p *Panel) titleFor(route string) (string, bool) {
	pg, id := lookup(route)
	if title, ok := p.itemTitle(pg, id); ok {
		return title, true
	}
	return p.T.T(pg.name + ".title"), false
}

// setTitle shows the title of route in the header: a content title gets
// dir="auto" (its own direction), a catalog title the panel's.
func (p *Panel) setTitle(route string) {
	text, content := p.titleFor(route)
	ui.SetText(p.title, text)
	if content {
		p.title.Call("setAttribute", "dir", "auto")
	} else {
		p.title.Call("removeAttribute", "dir")
	}
}

// retitle refreshes the header once content named in the title has loaded.
func (p *Panel) retitle() { p.setTitle(p.route) }

// saveNav stores the route, the search and the scroll position for a reload.
func (p *Panel) saveNav() {
	if p.route == "" || p.starting {
		return
	}
	p.set("nav", navState{Route: p.route, Scroll: p.body.Get("scrollTop").Int(), Query: p.query})
}

// drafts is the "draft" key: unsent text of the chat and of each form.
type drafts struct {
	Chat  string                       `js:"chat"`
	Forms map[string]map[string]string `js:"forms"`
}

func (p *Panel) drafts() drafts {
	var d drafts
	p.store.Get("draft", &d)
	return d
}

// saveDrafts stores d, or removes the key when nothing is left in it.
func (p *Panel) saveDrafts(d drafts) {
	if d.Chat == "" && len(d.Forms) == 0 {
		p.store.Remove("draft")
		return
	}
	p.set("draft", d)
}

// set stores a value and reports a failure on the console: the widget keeps
// working without it.
func (p *Panel) set(name string, v any) {
	if err := p.store.Set(name, v); err != nil {
		js.Global().Get("console").Call("warn", "crumbless: could not store "+name+": "+err.Error())
	}
}

// mark records in the session key "markers" when the visitor did what name
// says (opened, auto, closed, header, first), on a page with an invitation:
// it stays in memory until the visitor acts, as every write does.
func (p *Panel) mark(name string) {
	if p.opts.Invite.At == 0 {
		return
	}
	var m js.Value
	if !p.store.Get("markers", &m) || m.Type() != js.TypeObject {
		m = js.Global().Get("Object").New()
	}
	m.Set(name, nowMs())
	p.set("markers", m)
}

// keydown closes on Escape and keeps Tab inside the open dialog.
func (p *Panel) keydown(ev js.Value) {
	switch ev.Get("key").String() {
	case "Escape":
		ev.Call("preventDefault")
		p.Close()
	case "Tab":
		items := ui.Focusables(p.frame.Panel)
		if len(items) == 0 {
			return
		}
		active := p.frame.Root.Get("activeElement")
		first, last := items[0], items[len(items)-1]
		shift := ev.Get("shiftKey").Bool()
		if shift && (active.Equal(first) || active.Equal(p.title)) {
			ev.Call("preventDefault")
			last.Call("focus")
		} else if !shift && active.Equal(last) {
			ev.Call("preventDefault")
			first.Call("focus")
		}
	}
}

// SetTheme applies and stores theme; it reports false for an unknown theme
// and changes nothing then.
func (p *Panel) SetTheme(theme string) bool {
	if !ValidTheme(theme) {
		return false
	}
	changed := theme != p.theme
	p.theme = theme
	p.frame.Wrapper.Call("setAttribute", "data-theme", theme)
	p.set("theme", theme)
	if s, ok := p.current.(*settingsView); ok {
		s.sync()
	}
	if changed {
		p.frame.Events.Emit("theme", map[string]any{"theme": theme})
	}
	return true
}

// SetLang applies and stores the language given as a BCP 47 tag; it reports
// false, changing nothing, when no catalog matches the tag. The page may
// call it (crumbless('lang', …)) even where data-lang pins the language.
func (p *Panel) SetLang(tag string) bool {
	if !i18n.Supported(i18n.Base(tag)) {
		return false
	}
	lang := i18n.Base(tag)
	p.set("lang", lang)
	p.switchLang(lang)
	return true
}

// pickLang is the language to show: the page's data-lang, else the
// visitor's stored choice, else the first of the browser's languages with a
// catalog, else English.
func (p *Panel) pickLang() string {
	if lang := p.PinnedLang(); lang != "" {
		return lang
	}
	var stored string
	if p.store.Get("lang", &stored) && i18n.Supported(stored) {
		return stored
	}
	return i18n.Match(p.opts.Languages...)
}

// PinnedLang is the language the page fixed with data-lang, or "" when it
// fixed none (or one without a catalog): then the visitor chooses.
func (p *Panel) PinnedLang() string {
	if lang := i18n.Base(p.opts.Lang); lang != "" && i18n.Supported(lang) {
		return lang
	}
	return ""
}

// applyLang switches the catalog, the content's language, the direction
// and every label of the frame.
func (p *Panel) applyLang(cat *i18n.Catalog) {
	p.T = cat
	lang := cat.Lang
	p.content.setLang(lang)
	for _, el := range []js.Value{p.frame.Panel, p.frame.Launcher} {
		el.Call("setAttribute", "lang", lang)
		el.Call("setAttribute", "dir", p.T.Dir())
	}
	p.frame.Wrapper.Call("setAttribute", "dir", p.T.Dir())
	p.back.Call("setAttribute", "aria-label", p.T.T("action.back"))
	p.gear.Call("setAttribute", "aria-label", p.T.T("action.settings"))
	p.closeBtn.Call("setAttribute", "aria-label", p.T.T("action.close"))
	p.tabs.Call("setAttribute", "aria-label", p.T.T("nav.label"))
	p.renderTabs()
	p.labelLauncher()
}

// renderTabs (re)builds the bottom navigation for the views this
// deployment offers.
func (p *Panel) renderTabs() {
	ui.Clear(p.tabs)
	p.tabBtns = map[string]js.Value{}
	for _, pg := range pages {
		if pg.tab == "" || !p.offers(pg) {
			continue
		}
		route := pg.name
		btn := ui.Append(ui.El("button", "type", "button", "class", "tab", "data-route", route),
			icon(pg.tab), ui.TextEl("span", p.T.T("nav."+route)))
		if route == "chat" {
			ui.Append(btn, ui.El("span", "class", "dot", "hidden", ""))
		}
		if name, _ := splitRoute(p.route); name == route {
			btn.Call("setAttribute", "aria-current", "page")
		}
		p.tabBtns[route] = btn
		p.on.On(btn, "click", func(js.Value) { p.Navigate(route) })
		ui.Append(p.tabs, btn)
	}
	p.refreshUnread()
}

// labelLauncher names the launcher for what a press does, with the unread count.
func (p *Panel) labelLauncher() {
	label := p.T.T("launcher.open")
	if p.open {
		label = p.T.T("launcher.close")
	} else if n := p.Unread(); n > 0 {
		label = p.T.N("launcher.unread", n)
	}
	p.frame.Launcher.Call("setAttribute", "aria-label", label)
}

// Unread is the number of agent messages after the last one the visitor read.
func (p *Panel) Unread() int {
	if p.chat == nil {
		return 0
	}
	return p.chat.unread()
}

// refreshUnread shows the unread count on the launcher, the tab and the home view.
func (p *Panel) refreshUnread() {
	n := p.Unread()
	if p.chat != nil { // without a chat the panel knows no count: the loader's badge stays
		ui.SetText(p.badge, p.T.Number(n))
		ui.Show(p.badge, n > 0)
	}
	if btn, ok := p.tabBtns["chat"]; ok {
		ui.Show(btn.Call("querySelector", ".dot"), n > 0)
	}
	if h, ok := p.current.(*homeView); ok {
		h.setUnread(n)
	}
	p.labelLauncher()
}

// announce reads text to screen readers through the polite live region.
func (p *Panel) announce(text string) {
	ui.SetText(p.live, "")
	ui.SetText(p.live, text)
}

// Forget removes every key the widget may have stored in this browser and
// puts the panel back to its defaults (the page's theme and language).
func (p *Panel) Forget() {
	p.store.Forget() // every prefixed key, in every tab; the gate closes again
	p.theme = pickTheme(p.store, p.opts.Theme)
	p.frame.Wrapper.Call("setAttribute", "data-theme", p.theme)
	p.query = "" // the language and the conversation follow through the store's listeners
}

// Release removes every listener the panel and its views added.
func (p *Panel) Release() {
	p.released, p.wantLang = true, "" // a catalog that arrives later changes nothing
	if p.current != nil {
		p.current.release()
	}
	if p.chat != nil {
		p.chat.release()
	}
	p.watchPresence(false)
	p.followViewport(false)
	p.on.Release()
	if p.ownBadge {
		p.badge.Call("remove")
	}
}

// ValidTheme reports whether t is "light", "dark" or "auto".
func ValidTheme(t string) bool { return t == "light" || t == "dark" || t == "auto" }

func pickTheme(s *store.Store, fallback string) string {
	var stored string
	if s.Get("theme", &stored) && ValidTheme(stored) {
		return stored
	}
	if ValidTheme(fallback) {
		return fallback
	}
	return "auto"
}
