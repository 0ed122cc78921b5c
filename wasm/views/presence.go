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

// hoursWatcher is a Conversation that knows the business hours' next
// opening (unix ms; 0 while they are open), as wasm/conversation does.
type hoursWatcher interface{ Back() int64 }

// hoursZone is the time zone "Back Monday 09:00" is shown in: undefined,
// the browser's (the visitor's own); tests fix it.
var hoursZone = js.Undefined()

// setOnline shows whether the team is online in the home view's hero, when
// it is back outside the business hours, or that the chat is not
// available to a visitor the team blocked.
func (v *homeView) setOnline(online bool) {
	T := v.p.T
	status, text := "offline", T.T("home.offline")
	h, _ := v.p.opts.Chat.(hoursWatcher)
	switch {
	case v.p.chat != nil && v.p.chat.banned:
		text = T.T("chat.banned")
	case online:
		status, text = "online", T.T("home.online")
	case h != nil && h.Back() > nowMs():
		// In the visitor's zone and language; the date too when it is
		// more than six days away (holidays), where a weekday is ambiguous.
		at := h.Back()
		o := ui.Object("weekday", "long", "hour", "numeric", "minute", "2-digit", "timeZone", hoursZone)
		if at-nowMs() > 6*86400000 {
			o.Set("day", "numeric")
			o.Set("month", "long")
		}
		text = T.T("home.back", "when", js.Global().Get("Intl").Get("DateTimeFormat").New(T.Lang, o).Call("format", at).String())
	}
	v.avail.Call("setAttribute", "class", "avail "+status)
	ui.SetText(v.availText, text)
}

// newAvailability is the home view's "team availability" line.
func (v *homeView) newAvailability() js.Value {
	v.availText = ui.El("span")
	v.avail = ui.Append(ui.El("p", "class", "avail"), ui.El("span", "class", "pulse", "aria-hidden", "true"), v.availText)
	v.setOnline(v.p.chat != nil && v.p.chat.conv.Online())
	return v.avail
}
