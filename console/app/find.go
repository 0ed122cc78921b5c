//go:build js && wasm

package app

import (
	"errors"
	"net/url"
	"strings"

	"honnef.co/go/js/dom/v2"

	"github.com/crumbless/crumbless/console/web"
)

// Search above the conversation list, and transcript downloads.

// segment is a piece of a search snippet; hit marks a matching word.
type segment struct {
	Text string `js:"text"`
	Hit  bool   `js:"hit"`
}

type searchResult struct {
	Kind         string    `js:"kind"`
	ID           int64     `js:"id"`
	Conversation int64     `js:"conversation"`
	Created      int64     `js:"created"`
	Snippet      []segment `js:"snippet"`
}

// finder is the search's state: the query shown and the next page's cursor.
type finder struct {
	query, next string
}

func (a *App) wireFind() {
	on(byID("search-form"), "submit", true, func(dom.Event) { a.search(value(byID("search")), "") })
	on(byID("search-more"), "click", false, func(dom.Event) { a.search(a.find.query, a.find.next) })
	on(byID("search-clear"), "click", false, func(dom.Event) { a.clearSearch() })
	byID("search").AddEventListener("keydown", false, func(ev dom.Event) {
		if ev.Underlying().Get("key").String() == "Escape" {
			go a.clearSearch()
		}
	})
	on(byID("search"), "input", false, func(dom.Event) {
		if value(byID("search")) == "" {
			a.clearSearch()
		}
	})
	on(byID("transcript-txt"), "click", false, func(dom.Event) { a.downloadTranscript("txt") })
	on(byID("transcript-json"), "click", false, func(dom.Event) { a.downloadTranscript("json") })
	a.wireReplies()
}

// clearSearch empties the search and shows the conversation list again.
func (a *App) clearSearch() {
	a.find = finder{}
	setValue(byID("search"), "")
	byID("search-results").SetTextContent("")
	byID("search-status").SetTextContent("")
	setHidden(byID("search-results"), true)
	setHidden(byID("search-more"), true)
	setHidden(byID("search-clear"), true)
	setHidden(byID("conversation-list"), false)
	setHidden(byID("no-conversations"), len(a.in.Sorted()) > 0)
}

// search shows the hits of q from cursor on ("" starts afresh).
func (a *App) search(q, cursor string) {
	q = strings.TrimSpace(q)
	if q == "" {
		a.clearSearch()
		return
	}
	status := byID("search-status")
	status.SetTextContent(a.loc.T("search.searching"))
	var out struct {
		Results []searchResult `js:"results"`
		Next    string         `js:"next"`
	}
	path := "/api/v1/agent/search?q=" + url.QueryEscape(q)
	if cursor != "" {
		path += "&cursor=" + url.QueryEscape(cursor)
	}
	err := a.client.Do("GET", path, nil, &out)
	if errors.Is(err, web.ErrExpired) {
		a.expired()
		return
	}
	list := byID("search-results")
	if cursor == "" {
		list.SetTextContent("")
	}
	setHidden(byID("conversation-list"), true)
	setHidden(byID("no-conversations"), true)
	setHidden(list, false)
	setHidden(byID("search-clear"), false)
	if err != nil {
		status.SetTextContent(err.Error())
		setHidden(byID("search-more"), true)
		return
	}
	a.find = finder{query: q, next: out.Next}
	for _, r := range out.Results {
		list.AppendChild(a.resultItem(r))
	}
	n := len(list.QuerySelectorAll("li"))
	if n == 0 {
		status.SetTextContent(a.loc.T("search.none"))
	} else {
		status.SetTextContent(a.loc.N("search.count", n))
	}
	setHidden(byID("search-more"), out.Next == "")
}

// resultItem draws one hit: who wrote it, when, and the snippet with its
// matching words in <mark>, all set as text. A hit in a conversation is
// a button that opens it.
func (a *App) resultItem(r searchResult) dom.HTMLElement {
	li := create("li", "", "")
	holder := li
	if r.Conversation != 0 {
		b := create("button", "", "")
		b.SetAttribute("type", "button")
		b.SetAttribute("data-conversation", id(r.Conversation))
		conv := r.Conversation
		on(b, "click", false, func(dom.Event) { a.open(conv) })
		li.AppendChild(b)
		holder = b
	}
	head := a.loc.T("search.form")
	if r.Conversation != 0 {
		head = a.loc.T("list.visitor", "id", id(r.Conversation))
	}
	if r.Kind == "visitor" || r.Kind == "agent" || r.Kind == "invite" {
		head += " · " + a.loc.T("msg."+r.Kind)
	}
	holder.AppendChild(create("strong", "", head))
	holder.AppendChild(create("small", "", " · "+formatTime(r.Created, a.loc.Lang)))
	snippet := content("span", "snippet", "")
	for _, s := range r.Snippet {
		if s.Hit {
			snippet.AppendChild(create("mark", "", s.Text))
		} else {
			snippet.AppendChild(page.CreateTextNode(s.Text))
		}
	}
	holder.AppendChild(snippet)
	return li
}

// downloadTranscript saves the open conversation as text or JSON.
func (a *App) downloadTranscript(format string) {
	cur := a.in.Current()
	if cur == 0 {
		return
	}
	text, err := a.client.Text("/api/v1/agent/conversations/" + id(cur) + "/transcript?format=" + format)
	if err != nil {
		a.failed(err)
		return
	}
	mime := "text/plain"
	if format == "json" {
		mime = "application/json"
	}
	web.Download("crumbless-transcript-"+id(cur)+"."+format, mime, text)
}
