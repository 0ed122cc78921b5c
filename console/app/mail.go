//go:build js && wasm

package app

import (
	"strconv"

	"honnef.co/go/js/dom/v2"
)

// The Settings pane's mail health: whether the server sends mail, a
// warning while deliveries fail (with the SMTP error), the recent
// deliveries (GET /api/v1/agent/mail) and "Retry now" for the mails
// waiting for their next attempt (POST /api/v1/agent/mail/retry).

type mailHealth struct {
	LastSent    int64  `js:"lastSent"`
	LastFailure int64  `js:"lastFailure"`
	LastError   string `js:"lastError"`
	Retrying    int    `js:"retrying"`
}

type mailDelivery struct {
	ID       int64  `js:"id"`
	Kind     string `js:"kind"`
	Agent    string `js:"agent"`
	To       string `js:"to"`
	State    string `js:"state"`
	Attempts int    `js:"attempts"`
	Error    string `js:"error"`
	NextAt   int64  `js:"nextAt"`
	Updated  int64  `js:"updated"`
}

type mailStatus struct {
	Configured bool           `js:"configured"`
	Health     mailHealth     `js:"health"`
	Deliveries []mailDelivery `js:"deliveries"`
}

type mailRetried struct {
	Retried int `js:"retried"`
}

// wireMail connects the Refresh and Retry now buttons.
func (a *App) wireMail() {
	on(byID("mail-refresh"), "click", false, func(dom.Event) { go a.refreshMail() })
	on(byID("mail-retry"), "click", false, func(dom.Event) {
		go func() {
			var res mailRetried
			err := a.client.Do("POST", "/api/v1/agent/mail/retry", nil, &res)
			a.say("mail-status", err, a.loc.T("mail.retried"))
			a.refreshMail()
		}()
	})
}

// refreshMail draws the agent's own address problem and the mail health
// again.
func (a *App) refreshMail() {
	a.mailSeq++
	seq := a.mailSeq
	var me agentMe
	if err := a.client.Do("GET", "/api/v1/agent/me", nil, &me); err != nil {
		a.failed(err)
		return
	}
	if seq != a.mailSeq {
		return // a later refresh draws it
	}
	a.showOwnMail(me)
	a.loadMail()
}

// showOwnMail shows, next to the agent's address, why mail to it fails.
func (a *App) showOwnMail(me agentMe) {
	lead := ""
	switch me.MailState {
	case "rejected":
		lead = a.loc.T("mail.ownRejected")
	case "retrying", "failed":
		lead = a.loc.T("mail.ownFailing")
	}
	byID("mail-own-lead").SetTextContent(lead)
	byID("mail-own-error").SetTextContent(me.MailError)
	setHidden(byID("mail-own"), lead == "")
}

// loadMail draws the mail health and the recent deliveries.
func (a *App) loadMail() {
	seq := a.mailSeq
	var st mailStatus
	if err := a.client.Do("GET", "/api/v1/agent/mail?limit=20", nil, &st); err != nil {
		a.failed(err)
		return
	}
	if seq != a.mailSeq {
		return // a later refresh draws it
	}
	box := byID("mail-health-box")
	setHidden(box, !st.Configured && len(st.Deliveries) == 0)
	h := st.Health
	health := a.loc.T("mail.off")
	switch {
	case st.Configured && h.LastSent != 0:
		health = a.loc.T("mail.ok", "time", formatTime(h.LastSent, a.loc.Lang))
	case st.Configured:
		health = a.loc.T("mail.okNone")
	}
	byID("mail-health").SetTextContent(health)
	failing := h.LastFailure != 0 && (h.LastFailure > h.LastSent || h.Retrying > 0)
	byID("mail-warning-lead").SetTextContent(a.loc.T("mail.failing", "time", formatTime(h.LastFailure, a.loc.Lang)))
	byID("mail-warning-error").SetTextContent(h.LastError)
	setHidden(byID("mail-warning"), !failing)
	setHidden(byID("mail-retry"), !st.Configured || h.Retrying == 0)

	rows := byID("mail-log-rows")
	rows.SetTextContent("")
	for _, d := range st.Deliveries {
		tr := create("tr", "", "")
		tr.SetAttribute("data-state", d.State)
		to := content("td", "", d.To)
		to.SetAttribute("dir", "auto")
		tr.AppendChild(to)
		who := a.loc.T("mail.kind.visitor")
		if d.Kind == "agent" {
			who = a.loc.T("mail.kind.agent", "name", d.Agent)
		}
		whoCell := content("td", "", who)
		whoCell.SetAttribute("dir", "auto")
		tr.AppendChild(whoCell)
		tr.AppendChild(content("td", "state", a.loc.T("mail.state."+d.State)))
		tr.AppendChild(content("td", "", strconv.Itoa(d.Attempts)))
		detail := d.Error
		if d.State == "retrying" && d.NextAt != 0 {
			detail = a.loc.T("mail.next", "time", formatTime(d.NextAt, a.loc.Lang)) + " · " + d.Error
		}
		cell := content("td", "detail", detail)
		cell.SetAttribute("dir", "auto")
		tr.AppendChild(cell)
		rows.AppendChild(tr)
	}
	setHidden(byID("no-mail-log"), len(st.Deliveries) > 0)
}
