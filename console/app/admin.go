//go:build js && wasm

package app

import (
	"strconv"
	"strings"

	"honnef.co/go/js/dom/v2"
)

// The Settings pane's mail and webhook parts: the agent's own address and
// "mail me" wish (GET/POST /api/v1/agent/me), the mail health (mail.go),
// and the webhook endpoints
// (list, add with events, remove, delivery log) under /api/v1/agent/webhooks.

type agentMe struct {
	Email     string `js:"email"`
	MailMe    bool   `js:"mailMe"`
	Mail      bool   `js:"mail"`
	MailState string `js:"mailState"` // the last delivery to Email failed: retrying, failed or rejected
	MailError string `js:"mailError"`
}

// meRequest is what POST /api/v1/agent/me takes (the API refuses unknown fields).
type meRequest struct {
	Email  string `js:"email"`
	MailMe bool   `js:"mailMe"`
}

type hook struct {
	ID      int64    `js:"id"`
	URL     string   `js:"url"`
	Events  []string `js:"events"`
	Pending int      `js:"pending"`
	Secret  string   `js:"secret"`
}

type hookList struct {
	Webhooks []hook   `js:"webhooks"`
	Events   []string `js:"events"`
}

type hookAttempt struct {
	ID      string `js:"id"`
	Type    string `js:"type"`
	Attempt int    `js:"attempt"`
	At      int64  `js:"at"`
	Status  int    `js:"status"`
	Outcome string `js:"outcome"`
	Error   string `js:"error"`
}

type hookLog struct {
	Log []hookAttempt `js:"log"`
}

type newHook struct {
	URL    string   `js:"url"`
	Events []string `js:"events"`
}

// wireAdmin connects the mail and webhook forms.
func (a *App) wireAdmin() {
	on(byID("mail-form"), "submit", true, func(dom.Event) {
		go func() {
			body := meRequest{Email: strings.TrimSpace(value(byID("mail-address"))), MailMe: checked(byID("mail-me"))}
			var me agentMe
			err := a.client.Do("POST", "/api/v1/agent/me", body, &me)
			a.say("mail-status", err, a.loc.T("mail.saved"))
			if err == nil {
				a.showOwnMail(me)
			}
		}()
	})
	on(byID("hook-form"), "submit", true, func(dom.Event) {
		go a.addHook()
	})
	a.wireMail()
}

// say shows err, or ok when there is none, in the status line id.
func (a *App) say(id string, err error, ok string) {
	if err != nil {
		a.failed(err)
		ok = err.Error()
	}
	byID(id).SetTextContent(ok)
}

// loadAdmin fills the mail and webhook parts; Settings calls it when shown.
func (a *App) loadAdmin() {
	var me agentMe
	if err := a.client.Do("GET", "/api/v1/agent/me", nil, &me); err != nil {
		a.failed(err)
		return
	}
	setValue(byID("mail-address"), me.Email)
	setChecked(byID("mail-me"), me.MailMe)
	note := ""
	if !me.Mail {
		note = a.loc.T("mail.off")
	}
	byID("mail-status").SetTextContent(note)
	a.showOwnMail(me)
	a.loadMail()
	a.loadHooks()
}

// loadHooks draws the endpoints and, once, the event checkboxes.
func (a *App) loadHooks() {
	var list hookList
	if err := a.client.Do("GET", "/api/v1/agent/webhooks", nil, &list); err != nil {
		a.failed(err)
		return
	}
	events := byID("hook-events")
	if len(events.QuerySelectorAll("input")) == 0 {
		for _, e := range list.Events {
			label := create("label", "choice", "")
			box := create("input", "", "")
			box.SetAttribute("type", "checkbox")
			box.SetAttribute("value", e)
			setChecked(box, true)
			label.AppendChild(box)
			label.AppendChild(create("span", "", " "+e))
			events.AppendChild(label)
		}
	}
	ul := byID("hook-list")
	ul.SetTextContent("")
	for _, h := range list.Webhooks {
		li := create("li", "", "")
		li.AppendChild(content("strong", "", h.URL))
		li.AppendChild(create("small", "", " · "+strings.Join(h.Events, ", ")+" · "+a.loc.T("hooks.pending", "n", strconv.Itoa(h.Pending))))
		logBtn := create("button", "", a.loc.T("hooks.log"))
		logBtn.SetAttribute("type", "button")
		rm := create("button", "danger", a.loc.T("hooks.remove"))
		rm.SetAttribute("type", "button")
		id := h.ID
		on(logBtn, "click", false, func(dom.Event) { go a.showHookLog(id) })
		on(rm, "click", false, func(dom.Event) {
			go func() {
				if err := a.client.Do("DELETE", "/api/v1/agent/webhooks/"+strconv.FormatInt(id, 10), nil, nil); err != nil {
					a.failed(err)
				}
				setHidden(byID("hook-log-box"), true)
				a.loadHooks()
			}()
		})
		li.AppendChild(logBtn)
		li.AppendChild(rm)
		ul.AppendChild(li)
	}
	setHidden(byID("no-hooks"), len(list.Webhooks) > 0)
}

// addHook adds the endpoint of the form and shows its secret, once.
func (a *App) addHook() {
	req := newHook{URL: strings.TrimSpace(value(byID("hook-url")))}
	for _, box := range byID("hook-events").QuerySelectorAll("input") {
		if checked(box) {
			req.Events = append(req.Events, box.GetAttribute("value"))
		}
	}
	var added hook
	err := a.client.Do("POST", "/api/v1/agent/webhooks", req, &added)
	a.say("hook-status", err, a.loc.T("hooks.secret", "secret", added.Secret))
	if err == nil {
		setValue(byID("hook-url"), "")
		a.loadHooks()
	}
}

// showHookLog shows an endpoint's latest delivery attempts.
func (a *App) showHookLog(id int64) {
	var log hookLog
	if err := a.client.Do("GET", "/api/v1/agent/webhooks/"+strconv.FormatInt(id, 10)+"/log", nil, &log); err != nil {
		a.failed(err)
		return
	}
	rows := byID("hook-log-rows")
	rows.SetTextContent("")
	for _, at := range log.Log {
		tr := create("tr", "", "")
		status := strconv.Itoa(at.Status)
		if at.Status == 0 {
			status = "—"
		}
		for _, cell := range []string{formatTime(at.At, a.loc.Lang), at.Type, "#" + strconv.Itoa(at.Attempt), status, at.Outcome, at.Error} {
			tr.AppendChild(content("td", "", cell))
		}
		rows.AppendChild(tr)
	}
	setHidden(byID("no-hook-log"), len(log.Log) > 0)
	setHidden(byID("hook-log-box"), false)
}
