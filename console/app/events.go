//go:build js && wasm

package app

import (
	"github.com/crumbless/crumbless/console/inbox"
	"github.com/crumbless/crumbless/console/sse"
	"github.com/crumbless/crumbless/console/web"
)

// handle applies one event of the agent stream.
func (a *App) handle(ev sse.Event) {
	if ev.ID > a.lastID {
		a.lastID = ev.ID
	}
	switch ev.Name {
	case "message":
		var m inbox.Message
		if web.Decode(ev.Data, &m) != nil {
			return
		}
		notify, isNew := a.in.Notify(m, !pageHidden())
		if m.Conversation == a.in.Current() {
			for _, added := range a.in.Add(m) {
				a.renderMessage(added)
			}
			if m.Author == "visitor" {
				byID("typing").SetTextContent("")
				go a.markRead()
			}
		}
		if m.Author == "visitor" {
			// The live region reads new messages out; the visitor's text
			// keeps its own direction.
			announce := byID("announce")
			announce.SetTextContent(a.loc.T("notify.message", "id", id(m.Conversation)) + ": ")
			announce.AppendChild(create("bdi", "", m.Body))
		}
		if notify {
			a.alert(m, isNew)
		}
	case "conversation":
		var c inbox.Conversation
		if web.Decode(ev.Data, &c) != nil {
			return
		}
		a.in.Put(c)
		a.refreshCounts()
		if c.ID == a.in.Current() {
			stored, _ := a.in.Get(c.ID)
			a.renderBan(stored)
			a.renderWorkflow(stored)
		}
		a.renderList()
	case "typing":
		var t struct {
			Conversation int64  `js:"conversation"`
			Author       string `js:"author"`
			Typing       bool   `js:"typing"`
		}
		if web.Decode(ev.Data, &t) != nil || t.Author == "agent" || t.Conversation != a.in.Current() {
			return
		}
		text := ""
		if t.Typing {
			text = a.loc.T("typing")
		}
		byID("typing").SetTextContent(text)
	case "visitor":
		a.visitorEvent(ev.Data)
	case "submission":
		var s inbox.Submission
		if web.Decode(ev.Data, &s) != nil {
			return
		}
		a.in.AddSubmission(s)
		a.renderSubmissions()
	case "ended": // the session ended elsewhere: signed out, new password, agent removed
		go a.expired()
	case "erased":
		var e struct {
			Conversation int64 `js:"conversation"`
		}
		if web.Decode(ev.Data, &e) == nil {
			a.forget(e.Conversation)
		}
	}
}

// alert tells the agent of a visitor message they are not looking at:
// only the leading tab does, so that one message makes one notification
// however many console tabs are open. A notification when the agent
// allowed them; the sound otherwise (the title's count shows either way).
func (a *App) alert(m inbox.Message, isNew bool) {
	if !a.leader {
		return
	}
	title := a.loc.T("notify.message", "id", id(m.Conversation))
	if isNew {
		title = a.loc.T("notify.new", "id", id(m.Conversation))
	}
	shown := a.prefs.Notify && web.Show(title, m.Body, "crumbless-message-"+id(m.ID), a.loc.Lang, "auto", func() {
		a.showTab("conversations")
		a.open(m.Conversation)
	})
	if !shown && a.prefs.Sound {
		web.Beep()
	}
}
