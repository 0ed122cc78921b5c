//go:build js && wasm

// Command wasm is the Crumbless widget runtime. The loader (static/crumbless.js)
// starts it after the visitor's first click; it takes over the shadow root and
// the command queue the loader prepared in crumbless._b.
package main

import (
	"syscall/js"

	"github.com/crumbless/crumbless/wasm/api"
	"github.com/crumbless/crumbless/wasm/conversation"
	"github.com/crumbless/crumbless/wasm/events"
	"github.com/crumbless/crumbless/wasm/store"
	"github.com/crumbless/crumbless/wasm/tabs"
	"github.com/crumbless/crumbless/wasm/ui"
	"github.com/crumbless/crumbless/wasm/views"
)

func main() {
	boot := js.Global().Get("crumbless").Get("_b")
	if boot.IsUndefined() {
		js.Global().Get("console").Call("error", "crumbless: the runtime must be started by crumbless.js")
		return
	}
	config := boot.Get("config")
	st := store.Open(store.Options{Prefix: config.Get("prefix").String(), Consent: config.Get("consent").String()})
	hub := events.NewHub()
	// The tab shares with the visitor's other tabs once the store writes to
	// the browser's storage (after the first interaction, with consent): a
	// tab whose state lives in memory keeps to itself.
	tb := tabs.New(config.Get("prefix").String())
	st.OnChange(func(name string) {
		if name == "consent" && st.Storage() == "local" {
			tb.Share(st) // consent given here or in another tab
		}
	})
	// The identity this tab had before a reload is asked for now: the
	// browser answers while the panel is drawn.
	var tab string
	st.Get("tab", &tab)
	claimed := tb.StartClaim(tab)
	opts := panelOptions(boot, st, tb)
	panel := views.NewPanel(views.Frame{
		Root:     boot.Get("root"),
		Wrapper:  boot.Get("wrapper"),
		Launcher: boot.Get("launcher"),
		Panel:    boot.Get("panel"),
		Events:   hub,
	}, st, opts)
	if opts.Invite.View != "" && panel.IsOpen() {
		panel.Navigate(opts.Invite.View) // where the invitation opens the panel
	}
	st.GateOn(boot.Get("root"))
	st.Sync()
	if panel.IsOpen() && !boot.Get("auto").Truthy() {
		st.Interact() // the click (or open call) that started the runtime; an invitation's auto-open is not one
	}
	if id, fresh := claimed(); fresh {
		st.Set("tab", id)
	}
	if st.Storage() == "local" {
		tb.Share(st)
	} else {
		tb.Alone()
	}
	a := api.New(panel, st, hub, tb, config)
	a.Attach(boot)
	<-a.Done() // keep the callbacks alive until crumbless('destroy')
	st.Release()
	ui.Settle() // let fetches in flight come back before the program ends
}

// panelOptions reads what the loader learned from the script tag, the
// browser and the bundle. The chat (wasm/conversation) talks to the same
// API origin as the forms: data-api, or the script's origin; data-chat="off"
// turns the backend off.
func panelOptions(boot js.Value, st *store.Store, tb *tabs.Tabs) views.Options {
	config := boot.Get("config")
	str := func(v js.Value) string {
		if v.Type() == js.TypeString {
			return v.String()
		}
		return ""
	}
	opts := views.Options{
		Theme:  str(config.Get("theme")),
		Lang:   str(config.Get("lang")),
		Prefix: str(config.Get("prefix")),
		Site:   str(config.Get("site")),
	}
	if langs := js.Global().Get("navigator").Get("languages"); langs.Truthy() {
		for i := 0; i < langs.Length(); i++ {
			opts.Languages = append(opts.Languages, langs.Index(i).String())
		}
	}
	base := str(boot.Get("base"))
	opts.ManifestURL = base + "manifest.json" // lists the content-hashed answers.json and forms.json
	// The runtime list the loader fetched names the catalogs of the
	// languages other than English (a/i18n.<lang>.<hash>.json).
	if list := boot.Get("list"); list.Truthy() && list.Get("i18n").Type() == js.TypeObject {
		cats := list.Get("i18n")
		langs := js.Global().Get("Object").Call("keys", cats)
		opts.Catalogs = map[string]string{}
		for i := 0; i < langs.Length(); i++ {
			lang := langs.Index(i).String()
			opts.Catalogs[lang] = base + str(cats.Get(lang))
		}
	}
	// The invitation the loader's side showed (static/invite.js hands over
	// what it was given): it opens the chat unless it names a view, and its
	// message is dated now, when the panel opens on it.
	if inv := boot.Get("invite"); inv.Truthy() {
		opts.Invite = views.Invite{Text: str(inv.Get("text")), Name: str(inv.Get("name")), View: str(inv.Get("view")),
			At: int64(js.Global().Get("Date").Call("now").Float()), Auto: boot.Get("auto").Truthy(), Clicked: boot.Get("clicked").Truthy()}
		if opts.Invite.View == "" {
			opts.Invite.View = "chat"
		}
	}
	api := str(config.Get("api"))
	if str(config.Get("chat")) == "off" {
		// data-chat="off": a site that hosts only the static files. No chat
		// and no request to /api/v1; forms go only to an explicit data-api.
		if api != "" {
			opts.SubmitURL = api + "/api/v1/forms/"
		}
		return opts
	}
	if api == "" {
		api = js.Global().Get("URL").New(base).Get("origin").String()
	}
	opts.SubmitURL = api + "/api/v1/forms/"
	opts.API = api + "/api/v1/"
	opts.FromLink, opts.LinkErr = views.RestoreFromLink(opts.API, st) // before the conversation reads the token
	conv := conversation.New(api, st, tb)
	conv.Version = str(config.Get("version"))
	if opts.Invite.Text != "" {
		conv.Invite = ui.Object("text", opts.Invite.Text, "name", opts.Invite.Name)
	}
	opts.Chat = conv
	return opts
}
