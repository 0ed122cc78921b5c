//go:build js && wasm

package app

import (
	"sort"
	"strconv"

	"honnef.co/go/js/dom/v2"

	"github.com/crumbless/crumbless/console/inbox"
)

func id(n int64) string { return strconv.FormatInt(n, 10) }

// renderList draws the conversations the filters select, newest activity
// first, the filters' counts and the title's unread count.
func (a *App) renderList() {
	list := byID("conversation-list")
	list.SetTextContent("")
	sorted := a.in.Filtered(a.state, a.assigned)
	a.renderFilters()
	for _, c := range sorted {
		li := create("li", "", "")
		b := create("button", "", "")
		b.SetAttribute("type", "button")
		b.SetAttribute("data-id", id(c.ID))
		b.SetAttribute("aria-current", strconv.FormatBool(c.ID == a.in.Current()))
		b.AppendChild(create("strong", "", a.loc.T("list.visitor", "id", id(c.ID))))
		if c.Unread > 0 {
			badge := create("span", "badge", strconv.Itoa(c.Unread))
			badge.SetAttribute("aria-label", a.loc.N("list.unread", c.Unread))
			b.AppendChild(badge)
		}
		if c.Assignee != "" {
			tag := create("span", "assignee", a.loc.T("list.assignee")+" ")
			tag.AppendChild(create("bdi", "", c.Assignee))
			b.AppendChild(tag)
		}
		if c.Rating != nil {
			b.AppendChild(create("span", "rating "+c.Rating.Score, a.loc.T("rating.is."+c.Rating.Score)))
		}
		if c.Banned != "" {
			b.AppendChild(create("span", "banned", a.loc.T("list.banned", "reason", a.loc.T("ban.reason."+c.Banned))))
		}
		preview := create("span", "preview", "")
		switch {
		case c.Last == nil:
			preview.SetTextContent(a.loc.T("list.nomessages"))
		case c.Last.Author == "agent":
			preview.SetTextContent(a.loc.T("list.you"))
		}
		if c.Last != nil {
			preview.AppendChild(create("bdi", "", c.Last.Body))
		}
		b.AppendChild(preview)
		convID := c.ID
		on(b, "click", false, func(dom.Event) { a.open(convID) })
		li.AppendChild(b)
		list.AppendChild(li)
	}
	none := byID("no-conversations")
	setHidden(none, len(sorted) > 0)
	if a.counts[inbox.Open].All+a.counts[inbox.Snoozed].All+a.counts[inbox.Resolved].All > 0 {
		none.SetTextContent(a.loc.T("list.none"))
	} else {
		none.SetTextContent(a.loc.T("list.empty"))
	}
	next, loaded := a.pages[a.filterKey()]
	setHidden(byID("more"), !loaded || next == "")
	page.Underlying().Set("title", inbox.Title(a.loc.T("app.name"), a.in.Unread()))
}

// closeConversation goes back to the list (on a phone the open
// conversation takes the whole screen), keeping the draft, and puts the
// focus on the conversation's entry so a keyboard user stays in place.
func (a *App) closeConversation() {
	a.saveDraft()
	cur := a.in.Current()
	a.in.Open(0)
	setHidden(byID("conversation"), true)
	setHidden(byID("pick"), false)
	a.renderList()
	if b := byID("conversation-list").QuerySelector(`button[data-id="` + id(cur) + `"]`); b != nil {
		b.(dom.HTMLElement).Focus()
	}
}

// open shows conversation convID: its whole history, page by page, and
// the draft the agent left in it.
func (a *App) open(convID int64) {
	a.saveDraft()
	a.in.Open(convID)
	setHidden(byID("pick"), true)
	setHidden(byID("conversation"), false)
	byID("conversation-title").SetTextContent(a.loc.T("list.visitor", "id", id(convID)))
	byID("typing").SetTextContent("")
	a.renderVisitor(visitorInfo{})
	byID("send-error").SetTextContent("")
	byID("transcript").SetTextContent("")
	setValue(byID("reply"), a.in.Draft(convID))
	if c, ok := a.in.Get(convID); ok {
		a.renderBan(c)
		a.renderWorkflow(c)
	}
	a.renderList()
	status := byID("history-status")
	status.SetTextContent(a.loc.T("history.loading"))
	var after int64
	for {
		var page struct {
			Conversation inbox.Conversation `js:"conversation"`
			Messages     []inbox.Message    `js:"messages"`
			Visitor      visitorInfo        `js:"visitor"`
		}
		err := a.client.Do("GET", "/api/v1/agent/conversations/"+id(convID)+"?limit="+strconv.Itoa(historyPage)+"&after="+id(after), nil, &page)
		if a.in.Current() != convID {
			return // the agent went elsewhere meanwhile
		}
		if err != nil {
			status.SetTextContent("")
			a.failed(err)
			return
		}
		if after == 0 {
			a.in.Put(page.Conversation)
			a.renderBan(page.Conversation)
			a.renderWorkflow(page.Conversation)
			a.renderVisitor(page.Visitor)
		}
		for _, m := range a.in.Add(page.Messages...) {
			a.renderMessage(m)
		}
		if len(page.Messages) < historyPage {
			break
		}
		after = page.Messages[len(page.Messages)-1].ID
	}
	status.SetTextContent(a.loc.N("history.count", len(a.in.Transcript())))
	a.markRead()
	a.renderList()
}

// historyPage is how many messages one request of the history brings.
var historyPage = 200

// renderMessage puts m into the transcript at its place by id.
func (a *App) renderMessage(m inbox.Message) {
	list := byID("transcript")
	li := create("li", m.Author, "")
	li.SetAttribute("data-id", id(m.ID))
	meta := create("small", "", "")
	switch {
	case m.Author == "agent" && m.Agent != "":
		meta.AppendChild(create("bdi", "", m.Agent))
	case m.Author == "invite":
		// The teaser the visitor saw: text the page configured, under the
		// name it showed, not an agent's message.
		meta.AppendChild(page.CreateTextNode(a.loc.T("msg.invite")))
		if m.Agent != "" {
			meta.AppendChild(page.CreateTextNode(" · "))
			meta.AppendChild(create("bdi", "", m.Agent))
		}
	default:
		meta.AppendChild(page.CreateTextNode(a.loc.T("msg." + m.Author)))
	}
	meta.AppendChild(page.CreateTextNode(" · " + formatTime(m.Created, a.loc.Lang)))
	li.AppendChild(meta)
	li.AppendChild(content("div", "body", m.Body))
	i := a.in.Index(m.ID)
	items := list.ChildNodes()
	if i >= 0 && i < len(items) {
		list.InsertBefore(li, items[i])
	} else {
		list.AppendChild(li)
	}
	call(li, "scrollIntoView", map[string]any{"block": "end"})
}

// markRead moves the agents' read cursor to the newest message shown,
// when the tab is visible.
func (a *App) markRead() {
	cur := a.in.Current()
	c, ok := a.in.Get(cur)
	last := a.in.LastID()
	if !ok || last == 0 || last <= c.Read || pageHidden() {
		return
	}
	var out struct {
		Conversation inbox.Conversation `js:"conversation"`
	}
	body := struct {
		Message int64 `js:"message"`
	}{last}
	if err := a.client.Do("POST", "/api/v1/agent/conversations/"+id(cur)+"/read", body, &out); err != nil {
		a.failed(err)
		return
	}
	a.in.Put(out.Conversation)
	a.renderList()
}

func (a *App) renderBan(c inbox.Conversation) {
	setHidden(byID("ban-open"), c.Banned != "")
	setHidden(byID("unban"), c.Banned == "")
	note := ""
	if c.Banned != "" {
		note = a.loc.T("ban.note", "reason", a.loc.T("ban.reason."+c.Banned))
	}
	if c.Network != nil {
		if note != "" {
			note += "; "
		}
		note += a.loc.T("ban.network", "time", formatTime(c.Network.Expires, a.loc.Lang))
	}
	byID("banned-note").SetTextContent(note)
}

func (a *App) renderSubmissions() {
	list := byID("submission-list")
	list.SetTextContent("")
	subs := a.in.Submissions()
	for _, s := range subs {
		li := create("li", "", "")
		li.AppendChild(content("strong", "", s.Form))
		meta := " · " + formatTime(s.Created, a.loc.Lang)
		if s.Conversation != 0 {
			meta += " · " + a.loc.T("submissions.visitor", "id", id(s.Conversation))
		}
		li.AppendChild(create("small", "", meta))
		dl := create("dl", "", "")
		keys := make([]string, 0, len(s.Fields))
		for k := range s.Fields {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			dl.AppendChild(content("dt", "", k))
			dl.AppendChild(content("dd", "", s.Fields[k]))
		}
		li.AppendChild(dl)
		list.AppendChild(li)
	}
	setHidden(byID("no-submissions"), len(subs) > 0)
	byID("tab-submissions").SetTextContent(a.loc.T("nav.submissions", "n", strconv.Itoa(len(subs))))
}

// showTab shows one of the panes: conversations, submissions, statistics
// or settings.
func (a *App) showTab(which string) {
	if which == "stats" {
		go a.loadStats()
	}
	if which == "settings" {
		go a.loadAdmin()
	}
	for _, t := range []string{"conversations", "submissions", "stats", "settings"} {
		setHidden(byID(t+"-pane"), t != which)
		byID("tab-"+t).SetAttribute("aria-pressed", strconv.FormatBool(t == which))
	}
}

func pageHidden() bool { return page.Underlying().Get("hidden").Bool() }
