//go:build js && wasm

package app

import (
	"errors"
	"strconv"
	"time"

	"honnef.co/go/js/dom/v2"

	"github.com/crumbless/crumbless/console/inbox"
	"github.com/crumbless/crumbless/console/web"
)

// wireWorkflow listens to the state and assignment filters and to the
// open conversation's Resolve, Reopen, Snooze, Assign and Take controls.
func (a *App) wireWorkflow() {
	a.state, a.assigned = inbox.Open, inbox.All
	for _, st := range inbox.States {
		st := st
		on(byID("state-"+st), "click", false, func(dom.Event) { a.state = st; a.renderList(); go a.loadPage(false) })
	}
	for _, f := range inbox.Assignments {
		f := f
		on(byID("assigned-"+f), "click", false, func(dom.Event) { a.assigned = f; a.renderList(); go a.loadPage(false) })
	}
	on(byID("resolve"), "click", false, func(dom.Event) { a.setState(inbox.Resolved, 0) })
	on(byID("reopen"), "click", false, func(dom.Event) { a.setState(inbox.Open, 0) })
	on(byID("snooze"), "change", false, func(dom.Event) {
		preset := value(byID("snooze"))
		setValue(byID("snooze"), "")
		if until := inbox.SnoozeUntil(preset, time.Now()); !until.IsZero() {
			a.setState(inbox.Snoozed, until.UnixMilli())
		}
	})
	on(byID("assign"), "change", false, func(dom.Event) { a.assignTo(value(byID("assign"))) })
	on(byID("take"), "click", false, func(dom.Event) { a.take() })
	on(byID("more"), "click", false, func(dom.Event) { go a.loadPage(true) })
}

// renderFilters shows the filters' state and counts and the ratings'
// totals.
func (a *App) renderFilters() {
	for _, st := range inbox.States {
		b := byID("state-" + st)
		b.SetTextContent(a.loc.T("filter."+st, "n", strconv.Itoa(a.counts[st].of(a.assigned))))
		b.SetAttribute("aria-pressed", strconv.FormatBool(st == a.state))
	}
	for _, f := range inbox.Assignments {
		byID("assigned-"+f).SetAttribute("aria-pressed", strconv.FormatBool(f == a.assigned))
	}
	byID("rating-totals").SetTextContent(a.loc.T("rating.totals", "good", strconv.Itoa(a.ratings["good"]), "bad", strconv.Itoa(a.ratings["bad"])))
}

// renderWorkflow shows the open conversation's state, assignee and rating
// and the controls that apply.
func (a *App) renderWorkflow(c inbox.Conversation) {
	st := c.State
	if st == "" {
		st = inbox.Open
	}
	note := a.loc.T("state.is." + st)
	if st == inbox.Snoozed {
		note = a.loc.T("state.is.snoozed_until", "time", formatTime(c.SnoozedUntil, a.loc.Lang))
	}
	byID("state-note").SetTextContent(note)
	setHidden(byID("resolve"), st == inbox.Resolved)
	setHidden(byID("reopen"), st == inbox.Open)
	setHidden(byID("snooze-label"), st == inbox.Resolved)
	setHidden(byID("take"), c.Assignee == a.agent)
	sel := byID("assign")
	if sel.Underlying().Get("options").Get("length").Int() == 0 {
		a.fillAgents(nil)
	}
	if c.Assignee != "" && sel.QuerySelector(`option[value="`+cssString(c.Assignee)+`"]`) == nil {
		a.fillAgents([]string{c.Assignee}) // an agent added since the list was read
	}
	setValue(sel, c.Assignee)
	rating := byID("rating-note")
	rating.SetTextContent("")
	if c.Rating != nil {
		rating.SetTextContent(a.loc.T("rating.is."+c.Rating.Score) + " ")
		if c.Rating.Comment != "" {
			rating.AppendChild(create("q", "", ""))
			rating.LastChild().(dom.HTMLElement).AppendChild(content("bdi", "", c.Rating.Comment))
		}
	}
	setHidden(rating, c.Rating == nil)
}

// cssString keeps an agent's name (a-z, A-Z, 0-9, '.', '-', '_') safe in a
// quoted selector.
func cssString(s string) string {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if c := s[i]; c != '"' && c != '\\' {
			out = append(out, c)
		}
	}
	return string(out)
}

// loadAgents reads the agents' names for the Assign menu.
func (a *App) loadAgents() {
	var out struct {
		Agents []string `js:"agents"`
	}
	if err := a.client.Do("GET", "/api/v1/agent/agents", nil, &out); err != nil {
		a.failed(err)
		return
	}
	a.agents = out.Agents
	a.fillAgents(nil)
	if c, ok := a.in.Get(a.in.Current()); ok {
		a.renderWorkflow(c)
	}
}

// fillAgents fills the Assign menu: nobody, then the agents and extra.
func (a *App) fillAgents(extra []string) {
	sel := byID("assign")
	sel.SetTextContent("")
	none := create("option", "", a.loc.T("assign.nobody"))
	none.SetAttribute("value", "")
	sel.AppendChild(none)
	for _, name := range append(append([]string{}, a.agents...), extra...) {
		opt := create("option", "", name)
		opt.SetAttribute("value", name)
		opt.SetAttribute("dir", "auto") // a name people chose
		sel.AppendChild(opt)
	}
}

func (a *App) setState(st string, until int64) {
	body := struct {
		State string `js:"state"`
		Until int64  `js:"until"`
	}{st, until}
	a.workflow("/state", body)
}

func (a *App) assignTo(agent string) {
	body := struct {
		Agent string `js:"agent"`
	}{agent}
	a.workflow("/assignee", body)
}

func (a *App) take() { a.workflow("/take", nil) }

// workflow posts a change of the open conversation and shows the result.
func (a *App) workflow(path string, body any) {
	cur := a.in.Current()
	if cur == 0 {
		return
	}
	byID("workflow-error").SetTextContent("")
	var out struct {
		Conversation inbox.Conversation `js:"conversation"`
	}
	if err := a.client.Do("POST", "/api/v1/agent/conversations/"+id(cur)+path, body, &out); err != nil {
		if errors.Is(err, web.ErrExpired) {
			a.expired()
			return
		}
		byID("workflow-error").SetTextContent(err.Error())
		if c, ok := a.in.Get(cur); ok {
			a.renderWorkflow(c) // the menus show what is stored again
		}
		return
	}
	a.in.Put(out.Conversation)
	if a.in.Current() == cur {
		a.renderWorkflow(out.Conversation)
	}
	a.renderList()
}
