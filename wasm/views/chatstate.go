//go:build js && wasm

package views

import (
	"syscall/js"

	"github.com/crumbless/crumbless/internal/shared/decimal"
	"github.com/crumbless/crumbless/wasm/ui"
)

// readDelay is how long the widget waits before it reports the messages the
// visitor sees as read: one report for a burst of arrivals and view changes.
const readDelay = 300 // milliseconds

// chatState is the conversation as the panel keeps it while views come and
// go: the messages, what was read, the subscription, the unread count.
//
// The read cursor (read) is the backend's: the widget moves it when the
// visitor sees messages (chat view shown, panel open, page visible, after a
// first interaction) and reports it with MarkRead; other tabs move it too.
// The unread count is the agent messages after it; it is stored under
// "unread" so the loader and every other tab can show it, and a change
// another tab stores is shown here at once. lastRead (session "last-read")
// is the last message this tab showed, where the "new messages" divider goes.
type chatState struct {
	p         *Panel
	conv      Conversation
	msgs      []Message
	read      string // the visitor's read cursor
	reported  string // the cursor the backend has confirmed
	reporting bool   // a report is scheduled or under way
	lastRead  string
	err       error
	loaded    bool
	cancel    func()
	shown     int       // the unread count shown and stored
	view      *chatView // the chat view while it is shown
	on        ui.Listeners
	released  bool
	banned    bool
	resolved  bool   // the team resolved the conversation
	rated     bool   // the visitor rated this resolution
	typer     string // the agent typing, as shown ("" when nobody is)
	typed     int    // counts typing notices: a wait for quiet ends only if none came after it
}

// typingFor is how long "… is typing" stays without a further notice; the
// console repeats its notice every 3 s while the agent types.
var typingFor = 6000 // milliseconds; tests shorten it

func newChatState(p *Panel, conv Conversation) *chatState {
	c := &chatState{p: p, conv: conv}
	p.store.Get("last-read", &c.lastRead)
	p.store.Get("unread", &c.shown) // what the loader showed, until the history is here
	c.shown = max(c.shown, 0)
	p.store.Get("banned", &c.banned)
	c.cancel = conv.Subscribe(Subscriber{Message: c.arrive, Read: c.readElsewhere, Banned: c.ban, State: c.stateChanged, Typing: c.typing})
	c.on.On(js.Global().Get("document"), "visibilitychange", func(js.Value) { c.changed() })
	p.store.OnChange(c.storeChanged)
	ui.Go(c.load)
	return c
}

// load gets the history; while that fails (offline) it shows what the
// backend has at hand (messages waiting to be sent) and tries again every
// few seconds until it succeeds or the panel goes.
func (c *chatState) load() {
	for !c.banned {
		msgs, read, err := c.conv.History()
		if c.released || c.banned {
			return
		}
		c.err = err
		c.msgs = merge(msgs, c.msgs) // keep what arrived meanwhile
		if err == nil {
			if newer(c.msgs, read, c.read) {
				c.read = read
			}
			c.reported = c.read
		}
		c.loaded = true
		c.changed()
		if c.view != nil {
			c.view.renderAll()
		}
		if err == nil {
			return
		}
		ui.Sleep(3000)
	}
}

// merge returns msgs followed by the ones of held that msgs does not have
// (by id or client id).
func merge(msgs, held []Message) []Message {
	out := msgs
next:
	for _, h := range held {
		for _, m := range msgs {
			if h.ID != "" && h.ID == m.ID || h.ClientID != "" && h.ClientID == m.ClientID {
				continue next
			}
		}
		out = append(out, h)
	}
	return out
}

// storeChanged follows another tab: the unread count it stored, a
// conversation it restored (a new token where this tab shows one), and a
// forget (here or there), which lets the conversation go.
func (c *chatState) storeChanged(name string) {
	var token string
	switch name {
	case "visitor":
		// Sending writes the token again (its lifetime renews): the same
		// token changes nothing.
		if len(c.msgs) > 0 && c.msgs[0].ID != "" && c.p.store.Get("visitor", &token) && c.conv.Restore(token) {
			c.replace(token)
		}
	case "unread":
		n := 0
		c.p.store.Get("unread", &n)
		c.show(max(n, 0), false)
	case "": // the flag goes too: the chat is offered again
		c.msgs, c.read, c.reported, c.lastRead, c.banned = nil, "", "", "", false
		c.p.presenceChanged(c.conv.Online())
		c.show(0, false)
		if c.view != nil {
			c.view.divider = ""
			c.view.renderAll()
		}
	}
}

// replace lets the conversation shown go for the one token opens (a
// restore code was exchanged for it) and loads that one's history.
func (c *chatState) replace(token string) {
	c.msgs, c.read, c.reported, c.lastRead, c.loaded = nil, "", "", "", false // the history says the rest
	c.p.store.Remove("last-read")
	c.conv.Restore(token)
	ui.Go(c.load)
}

// ban shows that the site's team blocked the chat for this visitor: no
// messages, no composer, no unread count. The backend stored the flag.
func (c *chatState) ban() {
	if c.banned {
		return
	}
	c.banned, c.msgs, c.loaded, c.err = true, nil, true, nil
	c.show(0, true)
	if c.view != nil {
		c.view.renderAll()
	}
	c.p.presenceChanged(false)
}

// stateChanged follows the conversation's state: a resolved, unrated one
// shows the rating prompt.
func (c *chatState) stateChanged(resolved, rated bool) {
	c.resolved, c.rated = resolved, rated
	if c.view != nil {
		c.view.renderRate()
	}
}

// readElsewhere follows the read cursor moved on the backend, by this tab
// or another one.
func (c *chatState) readElsewhere(id string) {
	if newer(c.msgs, id, c.reported) {
		c.reported = id
	}
	if newer(c.msgs, id, c.read) {
		c.read = id
	}
	c.changed()
}

// arrive takes a message from the backend: a new one, or the server's copy
// of one the visitor sent (matched by client id).
func (c *chatState) arrive(m Message) {
	if c.banned {
		return // the backend stopped; nothing more is shown
	}
	if m.ID == "" && m.State != "" { // a message on its way: a new state, or queued in another tab
		for i := range c.msgs {
			if c.msgs[i].ClientID == m.ClientID {
				if c.msgs[i].ID == "" && c.msgs[i].State != Failed {
					c.msgs[i].State = m.State
					if c.view != nil {
						c.view.update(i)
					}
				}
				return
			}
		}
		if m.Text != "" {
			c.msgs = append(c.msgs, m)
			if c.view != nil {
				c.view.add(len(c.msgs) - 1)
			}
		}
		return
	}
	at := -1
	for i := range c.msgs {
		if m.ClientID != "" && c.msgs[i].ClientID == m.ClientID || m.ID != "" && c.msgs[i].ID == m.ID {
			at = i
			break
		}
	}
	if m.From == "visitor" && (at >= 0 || m.State == "") {
		m.State = Sent
	}
	if at >= 0 {
		// The server's copy of one shown already: the page hears of it
		// once, when one on its way (sent from this page, or shown as
		// waiting in another tab) is stored.
		known := c.msgs[at].ID != "" || m.ID == ""
		c.settle(at, m)
		if known {
			return
		}
	} else {
		at = c.place(m.ID)
		c.insert(at, m)
		if c.view != nil {
			c.view.add(at)
		}
	}
	if m.From != "invite" { // the invitation: seen already, in the teaser
		c.p.frame.Events.Emit("message", map[string]any{"id": m.ID, "from": m.From, "author": m.Author, "text": m.Text, "at": m.At, "sound": m.Ring})
	}
	if m.Ring {
		chime()
	}
	if m.From == "agent" {
		c.typing("", false)
		name := m.Author
		if name == "" {
			name = c.p.T.T("chat.agent")
		}
		c.p.announce(c.p.T.T("chat.announce", "name", ui.Isolate(name), "text", ui.Isolate(m.Text)))
	}
	c.changed()
}

// typing shows the agent typing (or stopping): one announcement per burst,
// cleared typingFor after the last notice or when their message arrives.
func (c *chatState) typing(name string, on bool) {
	c.typed++
	was := c.typer
	c.typer = ""
	if on {
		if name == "" {
			name = c.p.T.T("chat.agent")
		}
		c.typer = c.p.T.T("chat.typing", "name", ui.Isolate(name))
		if was == "" {
			c.p.announce(c.typer)
		}
		n := c.typed
		ui.Go(func() {
			ui.Sleep(typingFor)
			if c.typed == n {
				c.typing("", false)
			}
		})
	}
	if c.view != nil {
		ui.SetText(c.view.typing, c.typer)
	}
}

// place is where a message numbered id goes in the server's order: before
// the first message the server numbered later or that is still on its way.
// Another tab's message can be sent first but reach this tab after one sent
// here; a message without a number goes last.
func (c *chatState) place(id string) int {
	n, ok := decimal.ParseInt(id)
	if !ok {
		return len(c.msgs)
	}
	for j := range c.msgs {
		if k, ok := decimal.ParseInt(c.msgs[j].ID); c.msgs[j].ID == "" || ok && k > n {
			return j
		}
	}
	return len(c.msgs)
}

func (c *chatState) insert(at int, m Message) {
	c.msgs = append(c.msgs, Message{})
	copy(c.msgs[at+1:], c.msgs[at:])
	c.msgs[at] = m
}

// settle replaces message i, one on its way, with the server's copy m and
// moves it where the server's order puts it: two tabs' messages on their
// way show in the order they were written here, the server may have taken
// them the other way round, and every tab must end up showing the same.
func (c *chatState) settle(i int, m Message) {
	c.msgs = append(c.msgs[:i], c.msgs[i+1:]...)
	at := i
	if _, ok := decimal.ParseInt(m.ID); ok {
		at = c.place(m.ID)
	}
	c.insert(at, m)
	if c.view == nil {
		return
	}
	if at == i {
		c.view.update(i)
	} else {
		c.view.renderAll()
	}
}

// changed marks messages read when the visitor can see them and updates the
// unread count everywhere.
func (c *chatState) changed() {
	if c.seen() {
		for i := len(c.msgs) - 1; i >= 0; i-- {
			if id := c.msgs[i].ID; id != "" {
				if id != c.lastRead {
					c.lastRead = id
					c.p.set("last-read", id)
				}
				if newer(c.msgs, id, c.read) {
					c.read = id
					c.report()
				}
				break
			}
		}
	}
	if c.loaded && c.err == nil {
		c.show(UnreadAfter(c.msgs, c.read), true)
	} else {
		c.p.refreshUnread()
	}
}

// seen reports whether the visitor is looking at the conversation: the chat
// view is shown in the open panel on a visible page, and the visitor has
// interacted, as the store's gate counts it (Store.Interacted).
func (c *chatState) seen() bool {
	return c.view != nil && c.p.open && c.p.store.Interacted() &&
		js.Global().Get("document").Get("visibilityState").String() != "hidden"
}

// show makes n the unread count shown on the launcher, the tab and home;
// store writes it under "unread" for the other tabs and the loader.
func (c *chatState) show(n int, store bool) {
	if n != c.shown {
		c.shown = n
		if store {
			c.p.set("unread", n)
		}
		c.p.frame.Events.Emit("unread", map[string]any{"unread": n})
	}
	c.p.refreshUnread()
}

// report sends the read cursor to the backend after readDelay, and again
// while it moved on meanwhile. A failed report is tried again with the next
// change.
func (c *chatState) report() {
	if c.reporting {
		return
	}
	c.reporting = true
	ui.Go(func() {
		defer func() { c.reporting = false }()
		ui.Sleep(readDelay)
		for !c.banned && newer(c.msgs, c.read, c.reported) {
			id := c.read
			if c.conv.MarkRead(id) != nil {
				return
			}
			if newer(c.msgs, id, c.reported) {
				c.reported = id
			}
		}
	})
}

// visibilityChanged is called when the panel opens or closes or the view changes.
func (c *chatState) visibilityChanged() {
	if c.view != nil && c.p.current != c.view {
		c.view = nil
	}
	c.changed()
}

func (c *chatState) unread() int { return c.shown }

func (c *chatState) release() {
	c.released = true
	if c.cancel != nil {
		c.cancel()
	}
	c.on.Release()
}

// send adds a visitor message in the Sending state and delivers it.
func (c *chatState) send(clientID, text string) {
	i := -1
	for j := range c.msgs {
		if c.msgs[j].ClientID == clientID {
			i = j
		}
	}
	state := Sending
	if !js.Global().Get("navigator").Get("onLine").Bool() {
		state = Waiting
	}
	if i < 0 {
		c.msgs = append(c.msgs, Message{ClientID: clientID, From: "visitor", Text: text, At: nowMs(), State: state})
		i = len(c.msgs) - 1
		if c.view != nil {
			c.view.add(i)
		}
	} else {
		c.msgs[i].State = state
		if c.view != nil {
			c.view.update(i)
		}
	}
	ui.Go(func() {
		m, err := c.conv.Send(clientID, text)
		for j := range c.msgs {
			if c.msgs[j].ClientID != clientID {
				continue
			}
			if err != nil {
				c.msgs[j].State = Failed
			} else {
				m.State, m.ClientID, m.From = Sent, clientID, "visitor"
				if m.Text == "" {
					m.Text = text
				}
				if m.At == 0 {
					m.At = c.msgs[j].At
				}
				c.arrive(m) // in place, in the server's order, told to the page
				c.p.sendContext()
				break
			}
			if c.view != nil {
				c.view.update(j)
			}
		}
		c.changed()
	})
}
