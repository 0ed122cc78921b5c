//go:build js && wasm

package views

import (
	"syscall/js"

	"github.com/crumbless/crumbless/wasm/ui"
)

// presenceWatcher is a Conversation that hears when the team comes online
// or goes offline (wasm/conversation does, over the availability stream).
type presenceWatcher interface {
	WatchPresence(fn func(online bool)) (cancel func())
}

// watchPresence follows the team's presence while the panel is open, so
// that a closed panel holds no stream open.
func (p *Panel) watchPresence(open bool) {
	w, ok := p.opts.Chat.(presenceWatcher)
	if !ok || p.chat == nil {
		return
	}
	switch {
	case open && p.stopPresence == nil:
		p.stopPresence = w.WatchPresence(p.presenceChanged)
	case !open && p.stopPresence != nil:
		p.stopPresence()
		p.stopPresence = nil
	}
}

// presenceChanged shows the team's availability on the home view.
func (p *Panel) presenceChanged(online bool) {
	if h, ok := p.current.(*homeView); ok {
		h.setOnline(online)
	}
}

// setOnline shows whether the team is online in the home view's hero, or
// that the chat is not available to a visitor the team blocked.
func (v *homeView) setOnline(online bool) {
	status, text := "offline", "home.offline"
	switch {
	case v.p.chat != nil && v.p.chat.banned:
		text = "chat.banned"
	case online:
		status, text = "online", "home.online"
	}
	v.avail.Call("setAttribute", "class", "avail "+status)
	ui.SetText(v.availText, v.p.T.T(text))
}

// newAvailability is the home view's "team availability" line.
func (v *homeView) newAvailability() js.Value {
	v.availText = ui.El("span")
	v.avail = ui.Append(ui.El("p", "class", "avail"), ui.El("span", "class", "pulse", "aria-hidden", "true"), v.availText)
	v.setOnline(v.p.chat != nil && v.p.chat.conv.Online())
	return v.avail
}
