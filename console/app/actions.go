//go:build js && wasm

package app

import (
	"errors"
	"strconv"
	"strings"
	"syscall/js"
	"time"

	"honnef.co/go/js/dom/v2"

	"github.com/crumbless/crumbless/console/inbox"
	"github.com/crumbless/crumbless/console/prefs"
	"github.com/crumbless/crumbless/console/web"
)

// wire listens to the page's controls.
func (a *App) wire() {
	on(byID("login-form"), "submit", true, func(dom.Event) { a.login() })
	on(byID("logout"), "click", false, func(dom.Event) { a.logout() })
	on(byID("back"), "click", false, func(dom.Event) { a.closeConversation() })
	on(byID("reply-form"), "submit", true, func(dom.Event) { a.send() })
	byID("reply").AddEventListener("keydown", false, func(ev dom.Event) {
		k := ev.Underlying()
		if k.Get("key").String() == "Enter" && !k.Get("shiftKey").Bool() && !k.Get("isComposing").Bool() {
			ev.PreventDefault()
			go a.send()
		}
	})
	on(byID("reply"), "input", false, func(dom.Event) { a.saveDraft(); a.sendTyping() })
	on(byID("ban-open"), "click", false, func(dom.Event) { a.openBan() })
	on(byID("ban-form"), "submit", true, func(dom.Event) { a.ban() })
	on(byID("ban-cancel"), "click", false, func(dom.Event) { call(byID("ban-dialog"), "close") })
	on(byID("ban-scope-visitor"), "change", false, func(dom.Event) { a.syncBanScope() })
	on(byID("ban-scope-network"), "change", false, func(dom.Event) { a.syncBanScope() })
	on(byID("unban"), "click", false, func(dom.Event) { a.unban() })
	on(byID("export"), "click", false, func(dom.Event) { a.export() })
	on(byID("erase-open"), "click", false, func(dom.Event) {
		byID("erase-error").SetTextContent("")
		call(byID("erase-dialog"), "showModal")
	})
	on(byID("erase-form"), "submit", true, func(dom.Event) { a.erase() })
	on(byID("erase-cancel"), "click", false, func(dom.Event) { call(byID("erase-dialog"), "close") })
	for _, t := range []string{"conversations", "submissions", "stats", "settings"} {
		tab := t
		on(byID("tab-"+t), "click", false, func(dom.Event) { a.showTab(tab) })
	}
	a.wireAdmin()
	on(byID("notify-enable"), "click", false, func(dom.Event) {
		web.AskPermission()
		a.syncNotifyButton()
	})
	a.wireSettings()
	a.wireStats()
	a.wireFind()
	a.wireWorkflow()
	// Leaving the page (also into the back/forward cache) ends the stream
	// at once, so that visitors see the team go offline after the grace
	// period; a page that comes back resumes it.
	dom.GetWindow().AddEventListener("pagehide", false, func(dom.Event) {
		if a.stop != nil {
			close(a.stop)
			a.stop = nil
		}
	})
	dom.GetWindow().AddEventListener("pageshow", false, func(ev dom.Event) {
		if ev.Underlying().Get("persisted").Bool() && a.client.Token != "" && a.stop == nil {
			go a.begin(a.client.Token, a.agent)
		}
	})
	page.AddEventListener("visibilitychange", false, func(dom.Event) {
		if !pageHidden() && a.in.Current() != 0 {
			go a.markRead()
		}
	})
}

// saveDraft keeps the reply box's text for the open conversation, in
// memory and in the tab's storage.
func (a *App) saveDraft() {
	cur := a.in.Current()
	if cur == 0 {
		return
	}
	a.in.SetDraft(cur, value(byID("reply")))
	a.storeDrafts()
}

func (a *App) storeDrafts() {
	drafts := map[string]string{}
	for k, v := range a.in.Drafts() {
		drafts[strconv.FormatInt(k, 10)] = v
	}
	if len(drafts) == 0 {
		a.st.Remove(prefs.Drafts)
		return
	}
	a.st.Set(prefs.Drafts, drafts)
}

// send posts the reply. A failed send is retried exactly once with the
// same client id (the server keeps one message per id, so a retry of a
// send that did arrive adds nothing); if that fails too, the text stays
// in the box with the error.
func (a *App) send() {
	cur := a.in.Current()
	box := byID("reply")
	body := value(box)
	if cur == 0 || strings.TrimSpace(body) == "" {
		return
	}
	byID("send-error").SetTextContent("")
	req := struct {
		ID   string `js:"id"`
		Body string `js:"body"`
	}{web.RandomID(), body}
	var out struct {
		Message inbox.Message `js:"message"`
	}
	path := "/api/v1/agent/conversations/" + id(cur) + "/messages"
	err := a.client.Do("POST", path, req, &out)
	var apiErr *web.APIError
	if err != nil && !errors.Is(err, web.ErrExpired) && !(errors.As(err, &apiErr) && apiErr.Status < 500 && apiErr.Status != 429) {
		time.Sleep(time.Second)
		err = a.client.Do("POST", path, req, &out)
	}
	if err != nil {
		if errors.Is(err, web.ErrExpired) {
			a.expired()
			return
		}
		byID("send-error").SetTextContent(a.loc.T("reply.failed", "error", err.Error()))
		return
	}
	if a.in.Current() == cur && value(box) == body {
		setValue(box, "")
	}
	a.in.SetDraft(cur, "")
	a.storeDrafts()
	if out.Message.ID > a.lastID {
		a.lastID = out.Message.ID
	}
	for _, m := range a.in.Add(out.Message) {
		a.renderMessage(m)
	}
}

// sendTyping tells the visitor the agent is typing, at most every 3 s.
func (a *App) sendTyping() {
	cur := a.in.Current()
	if cur == 0 || a.typing {
		return
	}
	a.typing = true
	body := struct {
		Typing bool `js:"typing"`
	}{true}
	_ = a.client.Do("POST", "/api/v1/agent/conversations/"+id(cur)+"/typing", body, nil)
	time.Sleep(3 * time.Second)
	a.typing = false
}

func (a *App) openBan() {
	byID("ban-error").SetTextContent("")
	setChecked(byID("ban-scope-visitor"), true)
	a.syncBanScope()
	call(byID("ban-dialog"), "showModal")
}

func (a *App) syncBanScope() {
	byID("ban-days").Underlying().Set("disabled", !checked(byID("ban-scope-network")))
}

type banRequest struct {
	Reason  string `js:"reason"`
	Network bool   `js:"network"`
	Days    int    `js:"days"`
}

func (a *App) ban() {
	cur := a.in.Current()
	if cur == 0 {
		return
	}
	req := banRequest{Reason: value(byID("ban-reason"))}
	if checked(byID("ban-scope-network")) {
		req.Network = true
		req.Days, _ = strconv.Atoi(value(byID("ban-days")))
	}
	var out struct {
		Conversation inbox.Conversation `js:"conversation"`
	}
	if err := a.client.Do("POST", "/api/v1/agent/conversations/"+id(cur)+"/ban", req, &out); err != nil {
		if errors.Is(err, web.ErrExpired) {
			a.expired()
			return
		}
		byID("ban-error").SetTextContent(err.Error())
		return
	}
	a.in.Put(out.Conversation)
	a.renderBan(out.Conversation)
	a.renderList()
	call(byID("ban-dialog"), "close")
	byID("unban").Focus()
}

func (a *App) unban() {
	cur := a.in.Current()
	var out struct {
		Conversation inbox.Conversation `js:"conversation"`
	}
	if err := a.client.Do("DELETE", "/api/v1/agent/conversations/"+id(cur)+"/ban", nil, &out); err != nil {
		a.failed(err)
		return
	}
	a.in.Put(out.Conversation)
	a.renderBan(out.Conversation)
	a.renderList()
	byID("ban-open").Focus()
}

// export downloads everything stored about the open conversation as JSON.
func (a *App) export() {
	cur := a.in.Current()
	var data js.Value
	if err := a.client.Do("GET", "/api/v1/agent/conversations/"+id(cur)+"/export", nil, &data); err != nil {
		a.failed(err)
		return
	}
	web.Download("crumbless-conversation-"+id(cur)+".json", "application/json", web.Pretty(data))
}

func (a *App) erase() {
	cur := a.in.Current()
	if err := a.client.Do("DELETE", "/api/v1/agent/conversations/"+id(cur), nil, nil); err != nil {
		if errors.Is(err, web.ErrExpired) {
			a.expired()
			return
		}
		byID("erase-error").SetTextContent(err.Error())
		return
	}
	call(byID("erase-dialog"), "close")
	a.forget(cur)
	byID("status").SetTextContent(a.loc.T("status.erased", "id", id(cur)))
}

// forget drops an erased conversation (here or by anyone) and its form
// submissions from the page.
func (a *App) forget(convID int64) {
	if a.in.Remove(convID) {
		setHidden(byID("conversation"), true)
		setHidden(byID("pick"), false)
	}
	a.storeDrafts()
	a.renderList()
	a.renderSubmissions()
}
