//go:build js && wasm

// Package app is the operator console's views and their wiring, on the
// page static/console.html: sign in and out, the inbox (conversations,
// transcript, reply, ban, export, erase, form submissions), notifications
// and the settings with "What this console stores". State lives in
// console/inbox, the browser behind console/web, the words in
// console/locale; elements go through dom/v2.
package app

import (
	"errors"
	"strconv"

	"github.com/crumbless/crumbless/console/inbox"
	"github.com/crumbless/crumbless/console/locale"
	"github.com/crumbless/crumbless/console/prefs"
	"github.com/crumbless/crumbless/console/web"
)

// session is what the tab keeps of a sign-in (sessionStorage).
type session struct {
	Token string `js:"token"`
	Agent string `js:"agent"`
}

// App is the running console.
type App struct {
	loc    locale.Locale
	st     web.Storage
	client *web.Client
	in     *inbox.Inbox
	agent  string
	stop   chan struct{} // closed to end the event stream
	// statsLoad counts the Statistics view's loads: a report that comes
	// back after a later load started is dropped.
	statsLoad int
	lastID    int64 // newest message id seen: the stream resumes after it
	leader    bool  // this tab notifies for all of the agent's tabs
	prefs     settings
	typing    bool // a typing notice was sent within the last 3 s
	find      finder
	pick      picker
	// state and assigned are the list's filters; agents the names in
	// the Assign menu.
	state, assigned string
	agents          []string
	// pages holds, per filter (filterKey), where its next page starts
	// ("" when none) once its first page is in; paging the filters whose
	// page is being asked for.
	pages      map[string]string
	paging     map[string]bool
	windowNext string
	// counts and ratings are the server's totals; countsDue a refresh of
	// them is on its way.
	counts    map[string]stateCount
	ratings   map[string]int
	countsDue bool
	// mailSeq counts the Settings' mail refreshes: an older answer that
	// comes late is dropped.
	mailSeq int
}

// Start wires the page and shows sign-in, or the inbox when the tab holds
// a session.
func Start() *App {
	a := &App{client: &web.Client{}, in: inbox.New()}
	a.loadPrefs()
	a.applyPrefs()
	a.wire()
	web.Leader(func() { a.leader = true })
	var drafts map[string]string
	if a.st.Get(prefs.Drafts, &drafts) {
		for k, v := range drafts {
			if id, err := strconv.ParseInt(k, 10, 64); err == nil {
				a.in.SetDraft(id, v)
			}
		}
	}
	setHidden(byID("boot"), true)
	var s session
	if a.st.Get(prefs.Session, &s) && s.Token != "" {
		go a.begin(s.Token, s.Agent)
	} else {
		a.showLogin("")
	}
	return a
}

func (a *App) showLogin(message string) {
	setHidden(byID("inbox-view"), true)
	setHidden(byID("login-view"), false)
	byID("login-message").SetTextContent(message)
	byID("login-error").SetTextContent("")
	byID("login-name").Focus()
}

func (a *App) login() {
	byID("login-error").SetTextContent("")
	token, agent, err := web.Login(value(byID("login-name")), value(byID("login-password")))
	if err != nil {
		byID("login-error").SetTextContent(err.Error())
		return
	}
	setValue(byID("login-password"), "")
	a.st.Set(prefs.Session, session{Token: token, Agent: agent})
	a.begin(token, agent)
}

// begin opens the inbox for a session: the list, the submissions, then
// the live stream from the newest message the list showed.
func (a *App) begin(token, agent string) {
	a.client.Token, a.agent, a.in.Me = token, agent, agent
	byID("agent-name").SetTextContent(agent)
	setHidden(byID("login-view"), true)
	setHidden(byID("inbox-view"), false)
	a.syncNotifyButton()
	var list listAnswer
	if err := a.client.Do("GET", "/api/v1/agent/conversations", nil, &list); err != nil {
		a.failed(err)
		return
	}
	a.lastID = a.in.Reset(list.Conversations)
	a.pages, a.paging, a.windowNext = map[string]string{}, map[string]bool{}, list.Next
	a.setTotals(list)
	a.renderList()
	go a.loadPage(false)
	go a.loadAgents()
	var subs struct {
		Submissions []inbox.Submission `js:"submissions"`
	}
	if err := a.client.Do("GET", "/api/v1/agent/submissions", nil, &subs); err != nil {
		a.failed(err)
		return
	}
	a.in.SetSubmissions(subs.Submissions)
	a.renderSubmissions()
	if cur := a.in.Current(); cur != 0 {
		go a.open(cur)
	}
	stop := make(chan struct{})
	a.stop = stop
	err := a.client.Stream(func() int64 { return a.lastID }, a.setLive, a.handle, stop)
	if errors.Is(err, web.ErrExpired) && a.stop == stop {
		a.expired()
	}
}

func (a *App) setLive(live bool) {
	if live {
		byID("status").SetTextContent(a.loc.T("status.live"))
	} else {
		byID("status").SetTextContent(a.loc.T("status.reconnecting"))
	}
}

// failed shows an error; an ended session goes back to sign-in.
func (a *App) failed(err error) {
	if errors.Is(err, web.ErrExpired) {
		a.expired()
		return
	}
	byID("status").SetTextContent(err.Error())
}

// end stops the stream and forgets the session.
func (a *App) end() {
	if a.stop != nil {
		close(a.stop)
		a.stop = nil
	}
	a.st.Remove(prefs.Session)
	a.client.Token = ""
}

// expired returns to sign-in with a message; drafts stay (sessionStorage
// and memory), and the open conversation opens again after sign-in.
func (a *App) expired() {
	if a.client.Token == "" {
		return
	}
	a.saveDraft()
	a.end()
	a.showLogin(a.loc.T("login.expired"))
}

func (a *App) logout() {
	if a.client.Token != "" {
		c := *a.client
		go func() { _ = c.Do("DELETE", "/api/v1/agent/sessions", nil, nil) }()
	}
	a.end()
	a.showLogin("")
}
