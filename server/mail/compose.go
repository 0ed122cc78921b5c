package mail

import (
	"bytes"
	"html/template"
	"net/url"
	"strings"

	gomail "github.com/wneessen/go-mail"

	"github.com/crumbless/crumbless/server/restore"
	"github.com/crumbless/crumbless/server/storage"
)

// letter is one mail to compose: what the store says, the links and the
// sender.
type letter struct {
	content     storage.MailContent
	toAgent     bool
	from        string
	continueURL string // for a visitor: the page with the restore code
	consoleURL  string // for an agent
	unsubscribe string // the one-click URL
}

// page is the HTML part; text from people is escaped by html/template.
var page = template.Must(template.New("mail").Parse(`<!doctype html>
<html lang="{{.Lang}}" dir="{{.Dir}}"><head><meta charset="utf-8"><title>{{.Subject}}</title></head>
<body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1a1a1a">
<p>{{.Intro}}</p>
{{range .Messages}}<p dir="auto" style="margin:0 0 12px;padding:8px 12px;border-inline-start:3px solid #2f6fde;white-space:pre-wrap"><strong>{{.Who}}</strong><br>{{.Body}}</p>
{{end}}<p>{{.LinkText}} <a href="{{.Link}}">{{.Link}}</a></p>
{{if .Note}}<p style="color:#555">{{.Note}}</p>{{end}}
<p style="color:#555;font-size:13px">{{.Why}} <a href="{{.Stop}}">{{.StopText}}</a></p>
</body></html>`))

type pageMessage struct{ Who, Body string }

// build returns the mail for l: plain text and HTML in the recipient's
// language, with the List-Unsubscribe headers (RFC 2369; RFC 8058's
// one-click POST when the URL is https).
func (l letter) build() (*gomail.Msg, error) {
	c := l.content
	lang := c.Lang
	if l.toAgent {
		lang = "en" // agents read the console in their own settings; mail in English
	}
	site := c.Site
	var subject, intro, linkText, link, note, why string
	if l.toAgent {
		subject = text(lang, "agentSubject", site)
		if c.NewConv {
			subject = text(lang, "agentSubjectNew", site)
		}
		intro, linkText, link, why = text(lang, "agentIntro", ""), text(lang, "agentOpen", ""), l.consoleURL, text(lang, "agentWhy", "")
	} else {
		subject = text(lang, "visitorSubject", site)
		intro, linkText, link, why = text(lang, "visitorIntro", ""), text(lang, "visitorContinue", ""), l.continueURL, text(lang, "visitorWhy", "")
		note = text(lang, "visitorNote", "")
	}
	var plain strings.Builder
	plain.WriteString(intro + "\n\n")
	var msgs []pageMessage
	for _, m := range c.Messages {
		who := text(lang, "visitor", "")
		if m.Author == storage.Agent {
			who = text(lang, "agent", "")
			if m.AgentName != "" {
				who = m.AgentName
			}
		}
		msgs = append(msgs, pageMessage{who, m.Body})
		plain.WriteString(who + ":\n")
		for _, line := range strings.Split(m.Body, "\n") {
			plain.WriteString("> " + line + "\n")
		}
		plain.WriteString("\n")
	}
	plain.WriteString(linkText + "\n" + link + "\n\n")
	if note != "" {
		plain.WriteString(note + "\n\n")
	}
	plain.WriteString("-- \n" + why + "\n" + text(lang, "stop", "") + " " + l.unsubscribe + "\n")

	dir := "ltr"
	if rtl(lang) {
		dir = "rtl"
	}
	var html bytes.Buffer
	err := page.Execute(&html, map[string]any{
		"Lang": lang, "Dir": dir, "Subject": subject, "Intro": intro, "Messages": msgs,
		"LinkText": linkText, "Link": template.URL(link), "Note": note, "Why": why,
		"Stop": template.URL(l.unsubscribe), "StopText": text(lang, "stop", ""),
	})
	if err != nil {
		return nil, err
	}

	m := gomail.NewMsg()
	if err := m.From(l.from); err != nil {
		return nil, err
	}
	if err := m.To(c.To); err != nil {
		return nil, err
	}
	m.Subject(subject)
	m.SetDate()
	m.SetMessageID()
	m.SetGenHeader(gomail.HeaderContentLang, lang)
	m.SetGenHeader("Auto-Submitted", "auto-generated") // RFC 3834: no auto-replies to it
	if strings.HasPrefix(l.unsubscribe, "https://") {
		if err := m.SetListUnsubscribeOneClick(l.unsubscribe); err != nil {
			return nil, err
		}
	} else {
		m.SetListUnsubscribe(l.unsubscribe)
	}
	m.SetBodyString(gomail.TypeTextPlain, plain.String())
	m.AddAlternativeString(gomail.TypeTextHTML, html.String())
	return m, nil
}

// continueURL is the public page with a restore code in its query.
func continueURL(public, code string) string {
	return strings.TrimRight(public, "/") + "/?" + restore.Param + "=" + url.QueryEscape(code)
}

// consoleURL is the operator console.
func consoleURL(public string) string { return strings.TrimRight(public, "/") + "/agent/" }
