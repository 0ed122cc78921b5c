//go:build js && wasm

package app

import (
	"net/url"
	"strconv"
	"time"

	"github.com/crumbless/crumbless/console/inbox"
)

// listPage is how many conversations one list request asks for.
const listPage = 100

// listAnswer is the answer of GET /api/v1/agent/conversations: one page of
// conversations, where the next starts, and the server's totals.
type listAnswer struct {
	Conversations []inbox.Conversation  `js:"conversations"`
	Next          string                `js:"next"`
	Counts        map[string]stateCount `js:"counts"`
	Ratings       map[string]int        `js:"ratings"`
}

// stateCount is how many conversations of one state there are under each
// assignment filter.
type stateCount struct {
	All        int `js:"all"`
	Mine       int `js:"mine"`
	Unassigned int `js:"unassigned"`
}

func (c stateCount) of(assigned string) int {
	switch assigned {
	case inbox.Mine:
		return c.Mine
	case inbox.Unassigned:
		return c.Unassigned
	}
	return c.All
}

// filterKey names the list's current filters.
func (a *App) filterKey() string { return a.state + "/" + a.assigned }

// loadPage adds to the console the current filters' next page of
// conversations: those after the ones it holds. The console holds every
// conversation from the newest down to the oldest of its first list
// (windowNext is where that list stopped, "" when it held them all), and
// the event stream keeps those current; a filter's pages go on from there.
// The first time a filter is shown its first page past the window is asked
// for; more asks for its next one. The list shows what the console holds,
// so every conversation of a filter is reachable however many there are.
func (a *App) loadPage(more bool) {
	key := a.filterKey()
	next, started := a.pages[key]
	if !started {
		next = a.windowNext
	}
	if (started && !more) || a.paging[key] {
		return
	}
	if next == "" {
		a.pages[key] = ""
		a.renderList()
		return
	}
	a.paging[key] = true
	defer delete(a.paging, key)
	q := "?limit=" + strconv.Itoa(listPage) + "&state=" + url.QueryEscape(a.state) + "&before=" + url.QueryEscape(next)
	if a.assigned != inbox.All {
		q += "&assigned=" + url.QueryEscape(a.assigned)
	}
	var page listAnswer
	if err := a.client.Do("GET", "/api/v1/agent/conversations"+q, nil, &page); err != nil {
		a.failed(err)
		return
	}
	for _, c := range page.Conversations {
		if _, known := a.in.Get(c.ID); !known {
			a.in.Put(c)
		}
	}
	a.pages[key] = page.Next
	a.setTotals(page)
	a.renderList()
}

// setTotals keeps the server's counts per state and assignment and the
// ratings' totals, which the filters show.
func (a *App) setTotals(page listAnswer) {
	if page.Counts != nil {
		a.counts, a.ratings = page.Counts, page.Ratings
	}
}

// refreshCounts asks the server for its totals again, shortly after a
// change (a burst of events makes one request).
func (a *App) refreshCounts() {
	if a.countsDue {
		return
	}
	a.countsDue = true
	time.AfterFunc(500*time.Millisecond, func() {
		a.countsDue = false
		var page listAnswer
		if err := a.client.Do("GET", "/api/v1/agent/conversations?limit=0", nil, &page); err != nil {
			return // the next change or load asks again
		}
		a.setTotals(page)
		a.renderFilters()
	})
}
