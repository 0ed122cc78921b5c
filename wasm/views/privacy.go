//go:build js && wasm

package views

import (
	"syscall/js"

	"github.com/crumbless/crumbless/internal/shared/registry"
	"github.com/crumbless/crumbless/wasm/ui"
)

// privacyView lists every key the widget can ever write (the registry, the
// same list as the disclosure), says which are stored right now, and offers
// "download my data" and "forget me" — with a chat backend, also deleting
// the conversation there, after a confirmation that says what goes.
type privacyView struct {
	p      *Panel
	el     js.Value
	now    js.Value
	list   js.Value
	status js.Value
	server js.Value // the "also delete from the server" checkbox; undefined without a server
	on     ui.Listeners
}

func newPrivacy(p *Panel) *privacyView {
	T := p.T
	v := &privacyView{p: p}
	v.now = ui.El("p", "class", "now")
	v.list = ui.El("ul", "class", "keys")
	v.status = ui.El("p", "class", "form-status", "role", "status")
	forget := ui.Append(ui.El("button", "type", "button", "class", "btn danger block"), icon("close"), ui.TextEl("span", T.T("privacy.forget")))
	// "Download my data": the browser's part always; when the server does
	// not answer, that part alone, and a status that says so.
	dl := ui.TextEl("button", T.T("privacy.download"), "type", "button", "class", "btn ghost block download")
	v.on.On(dl, "click", func(js.Value) {
		ui.Go(func() {
			key := "privacy.downloaded"
			if p.saveMyData() != nil {
				key = "privacy.download_partial"
			}
			v.say(T.T(key), key == "privacy.downloaded")
		})
	})
	box := ui.Append(ui.El("div", "class", "forget"), forget)
	server := p.opts.API != ""
	if server {
		v.server = ui.El("input", "type", "checkbox", "id", "cl-erase-server")
		ui.Append(box, ui.Append(ui.El("label", "class", "check", "for", "cl-erase-server"), v.server, ui.TextEl("span", T.T("privacy.server"))))
	}
	v.on.On(forget, "click", func(js.Value) {
		if !server || !v.server.Get("checked").Bool() {
			v.forget("privacy.forgotten")
			return
		}
		// The browser's own confirmation: it says what goes, and cannot be
		// clicked through by accident.
		if !js.Global().Call("confirm", T.T("privacy.confirm")).Bool() {
			return
		}
		ui.Go(func() {
			if p.eraseServer() != nil {
				v.say(T.T("privacy.erase_failed"), false)
				return
			}
			v.forget("privacy.erased")
		})
	})
	ui.Append(box, ui.TextEl("p", T.T("privacy.forget_hint"), "class", "fine"), v.status)

	v.el = ui.Append(ui.El("section", "class", "view privacy", "aria-labelledby", "cl-privacy-h"),
		ui.TextEl("h3", T.T("privacy.title"), "id", "cl-privacy-h", "class", "sr"),
		ui.Append(ui.El("div", "class", "notice"), icon("shield"), ui.TextEl("p", T.T("privacy.lead"))),
	)
	if p.store.Storage() == "memory" {
		ui.Append(v.el, ui.Append(ui.El("div", "class", "notice warn"), icon("alert"), ui.TextEl("p", T.T("privacy.memory"))))
	}
	ui.Append(v.el, v.now, v.list)
	if server { // what the chat sends: the same words as the disclosure (internal/shared/registry.Sends)
		ui.Append(v.el, ui.TextEl("h4", T.T("privacy.sends"), "class", "sends-h"),
			ui.Append(ui.El("ul", "class", "sends"), ui.TextEl("li", T.T("privacy.sends.context")), ui.TextEl("li", T.T("privacy.sends.prechat"))))
	}
	ui.Append(v.el, dl, box)
	if server {
		v.restorePart()
	}
	v.refresh()
	return v
}

// forget wipes the browser's keys and says so with the text of key.
func (v *privacyView) forget(key string) {
	v.p.Forget()
	v.refresh()
	v.say(v.p.T.T(key), true)
}

// say shows text in the status line under the forget button, which
// speaks for the download button too.
func (v *privacyView) say(text string, ok bool) {
	ui.SetText(v.status, text)
	if ok {
		v.status.Set("className", "form-status ok")
	} else {
		v.status.Set("className", "form-status error")
	}
}

// refresh redraws the list with what is stored at this moment.
func (v *privacyView) refresh() {
	T := v.p.T
	live := liveKeys(v.p.opts.Prefix)
	ui.Clear(v.list)
	stored := 0
	for _, k := range registry.Keys {
		on := live[k.Name]
		if on {
			stored++
		}
		// A purpose without a translation is the registry's English: it
		// takes its own direction, a translated one the panel's.
		var purpose js.Value
		if T.Has("key." + k.Name) {
			purpose = ui.TextEl("p", T.T("key."+k.Name), "class", "key-purpose")
		} else {
			purpose = ui.Content("p", k.Purpose, "class", "key-purpose")
		}
		state := T.T("privacy.absent")
		class := "key"
		if on {
			state = T.T("privacy.stored")
			class = "key on"
		}
		where := T.T("privacy.area." + k.Area)
		ui.Append(v.list, ui.Append(ui.El("li", "class", class, "data-key", k.Name),
			ui.Append(ui.El("div", "class", "key-head"),
				ui.TextEl("code", v.p.opts.Prefix+k.Name),
				ui.TextEl("span", state, "class", "key-state")),
			purpose,
			ui.TextEl("p", T.T("privacy.kept", "where", where, "ttl", lifetime(v.p, k))+" · "+T.T("privacy.category."+k.Category), "class", "key-meta"),
		))
	}
	ui.SetText(v.now, T.N("privacy.now", stored))
}

// lifetime says how long a key is kept, in words.
func lifetime(p *Panel, k registry.Key) string {
	T := p.T
	var s string
	switch {
	case k.TTL == 0:
		s = T.T("privacy.ttl.tab")
	case k.TTL >= registry.Day:
		s = T.N("privacy.ttl.days", int(k.TTL/registry.Day))
	case k.TTL >= registry.Hour:
		s = T.N("privacy.ttl.hours", int(k.TTL/registry.Hour))
	default:
		s = T.N("privacy.ttl.minutes", int(k.TTL/registry.Minute))
	}
	if k.Renewed {
		s += " (" + T.T("privacy.renewed") + ")"
	}
	return s
}

// liveKeys reports which registry keys are in the browser's storage now.
// It reads only prefixed keys of the registry, never anything else.
func liveKeys(prefix string) map[string]bool {
	out := map[string]bool{}
	for _, k := range registry.Keys {
		area := "localStorage"
		if k.Area == registry.Session {
			area = "sessionStorage"
		}
		if present(area, prefix+k.Name) {
			out[k.Name] = true
		}
	}
	return out
}

// present reports whether window[area] holds key; blocked storage holds
// nothing. window[area] is read through Reflect.get: a browser that blocks
// storage throws from the property's getter, which wasm_exec.js lets
// through a plain Get and stops the Go program, while an exception inside
// Call is a panic that recover catches.
func present(area, key string) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	g := js.Global()
	s := g.Get("Reflect").Call("get", g, area)
	return s.Truthy() && !s.Call("getItem", key).IsNull()
}

func (v *privacyView) element() js.Value { return v.el }

func (v *privacyView) release() { v.on.Release() }
