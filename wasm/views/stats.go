//go:build js && wasm

package views

import (
	"strings"
	"syscall/js"

	"github.com/crumbless/crumbless/wasm/ui"
)

// tallyBatch is how many events wait before they are sent together.
const tallyBatch = 10

// tally queues a statistics event (server/stats: "open", "search",
// "nohit" with the query, "read" with the article id) of a visitor who has
// the panel open. Nothing is queued without a backend, in explicit mode
// before consent or after a refusal. The queue goes out in one request
// when it holds tallyBatch events, or when the page is hidden or left.
func (p *Panel) tally(kind, detail string) {
	if p.opts.API == "" || !p.open || !p.store.Consent() {
		return
	}
	if p.tallied.IsUndefined() {
		p.tallied = js.Global().Get("Array").New()
		doc := js.Global().Get("document")
		p.on.On(js.Global(), "pagehide", func(js.Value) { p.sendTally() })
		p.on.On(doc, "visibilitychange", func(js.Value) {
			if doc.Get("hidden").Bool() {
				p.sendTally()
			}
		})
	}
	p.tallied.Call("push", []any{kind, detail})
	if p.tallied.Length() >= tallyBatch {
		p.sendTally()
	}
}

// sendTally sends the queued events in one keepalive request (it outlives
// the page) with what they share: the page's path, the origin it was
// reached from, the language and whether the screen is small. It carries
// no token and no cookie, so the server cannot link it to the visitor,
// and a plain-text body, so that it needs no CORS preflight.
func (p *Panel) sendTally() {
	q := p.tallied
	if q.IsUndefined() || q.Length() == 0 {
		return
	}
	p.tallied = js.Global().Get("Array").New()
	if !p.store.Consent() {
		return
	}
	g := js.Global()
	ref := g.Get("document").Get("referrer").String()
	if i := strings.Index(ref, "://"); i > 0 {
		if j := strings.IndexByte(ref[i+3:], '/'); j > 0 {
			ref = ref[:i+3+j]
		}
	}
	if ref == g.Get("location").Get("origin").String() {
		ref = "" // a page of the site itself is no traffic source
	}
	device := "large"
	if g.Get("innerWidth").Int() < 480 {
		device = "small"
	}
	body := ui.Object("p", g.Get("location").Get("pathname"), "r", ref, "l", p.T.Lang, "d", device, "e", q)
	g.Call("fetch", p.opts.API+"events", ui.Object("method", "POST", "keepalive", true, "credentials", "omit",
		"body", g.Get("JSON").Call("stringify", body))).Call("catch", g.Get("String"))
}

// tallyInvite counts, when the visitor opens the panel, the invitation of
// this tab they acted on, once (its time goes into the markers' "counted"):
// the teaser of this page as shown; as clicked too when a click on it
// opened the panel (static/invite.js tells: boot.clicked); as closed too
// when the visitor closed it. A teaser closed on an earlier page of the tab, where the runtime
// did not run, is counted as shown and closed, unless an invitation was
// counted in the tab already. A teaser nobody acts on is never counted,
// nor one that opened the panel by itself, and nothing before consent
// (tally drops it, and it is marked counted all the same).
func (p *Panel) tallyInvite() {
	var m js.Value
	if !p.store.Get("markers", &m) || m.Type() != js.TypeObject {
		m = js.Global().Get("Object").New()
	}
	closed, done := m.Get("teaser"), m.Get("counted")
	at := js.ValueOf(p.opts.Invite.At)
	if p.opts.Invite.At == 0 {
		if !closed.Truthy() || done.Truthy() {
			return
		}
		at = closed
	}
	if done.Equal(at) {
		return
	}
	p.tally("invite_shown", "")
	if closed.Truthy() && closed.Float() >= at.Float() {
		p.tally("invite_closed", "")
	} else if p.opts.Invite.Clicked {
		p.tally("invite_clicked", "")
	}
	m.Set("counted", at)
	p.set("markers", m)
}
