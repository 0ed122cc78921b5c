//go:build js && wasm

package views

import (
	"strconv"
	"strings"
	"syscall/js"
	"unicode/utf8"

	"github.com/crumbless/crumbless/internal/decimal"
	"github.com/crumbless/crumbless/wasm/ui"
)

// MaxMessage is the longest message the composer sends, in characters.
const MaxMessage = 5000

// warnFrom is how close to MaxMessage the composer starts counting down.
const warnFrom = MaxMessage - 500

// Message states of the visitor's own messages.
const (
	Sending = "sending"
	Sent    = "sent"
	Failed  = "failed"
	Waiting = "waiting" // queued in the outbox until the network is back
)

// Message is one chat message. At is unix milliseconds.
type Message struct {
	ID       string // the server's id; "" until the server has it
	ClientID string // the widget's id for its own messages (retries never duplicate)
	From     string // "visitor" or "agent"
	Author   string // the agent's display name
	Text     string
	At       int64
	State    string // visitor messages: Sending, Waiting, Sent or Failed
	Ring     bool   // a new agent message this tab should make a sound for
}

// Conversation is the chat backend as the views need it. The real one talks
// to the server (wasm/transport); tests use an in-browser fake. Methods that
// may wait for the network are called from goroutines, never from an event
// handler.
type Conversation interface {
	// Online reports whether the team is available right now.
	Online() bool
	// History returns the conversation so far, oldest first, and the
	// visitor's read cursor as the backend keeps it: the id of the last
	// message the visitor has seen ("" for none).
	History() (msgs []Message, read string, err error)
	// Send delivers text under clientID and returns the stored message. Sending
	// the same clientID again must not create a second message.
	Send(clientID, text string) (Message, error)
	// Subscribe reports to s from now on, until cancel is called.
	Subscribe(s Subscriber) (cancel func())
	// MarkRead tells the backend that the visitor has seen every message up
	// to and including id. The backend's cursor only moves forward.
	MarkRead(id string) error
}

// Subscriber is what a Conversation reports to. Every field must be set.
type Subscriber struct {
	// Message gets every message that arrives, and state changes of the
	// visitor's messages still on their way (no ID, a State).
	Message func(Message)
	// Read gets a message id whenever the visitor's read cursor moves on
	// the backend (reported here or in another tab).
	Read func(id string)
	// Banned is called when the backend learns, here or in another tab,
	// that the site's team blocked the chat for this visitor: from then on
	// it makes no chat call. The registry key "banned" remembers it; a
	// forget (store listeners, name "") lifts it.
	Banned func()
}

// readDelay is how long the widget waits before it reports the messages the
// visitor sees as read: one report for a burst of arrivals and view changes.
const readDelay = 300 // milliseconds

// UnreadAfter counts the agent messages that come after the message whose
// id is read; with no read, every agent message is unread. A read id that
// is not in msgs (the backend moved it past what this tab holds) is
// compared as a number when both ids are numbers (the server's ids grow);
// otherwise every agent message is unread.
func UnreadAfter(msgs []Message, read string) int {
	n := 0
	for i, m := range msgs {
		if m.From == "agent" && after(msgs, i, read) {
			n++
		}
	}
	return n
}

// after reports whether msgs[i] comes after the message whose id is read.
func after(msgs []Message, i int, read string) bool {
	if read == "" {
		return true
	}
	for j, m := range msgs {
		if m.ID == read {
			return i > j
		}
	}
	a, okA := decimal.ParseInt(msgs[i].ID)
	b, okB := decimal.ParseInt(read)
	return !okA || !okB || a > b
}

// newer reports whether message id a comes after message id b in msgs
// ("" comes before every message).
func newer(msgs []Message, a, b string) bool {
	if a == "" || a == b {
		return false
	}
	for i, m := range msgs {
		if m.ID == a {
			return after(msgs, i, b)
		}
	}
	x, okA := decimal.ParseInt(a)
	y, okB := decimal.ParseInt(b)
	return b == "" || okA && okB && x > y
}

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
}

func newChatState(p *Panel, conv Conversation) *chatState {
	c := &chatState{p: p, conv: conv}
	p.store.Get("last-read", &c.lastRead)
	p.store.Get("unread", &c.shown) // what the loader showed, until the history is here
	c.shown = max(c.shown, 0)
	p.store.Get("banned", &c.banned)
	c.cancel = conv.Subscribe(Subscriber{Message: c.arrive, Read: c.readElsewhere, Banned: c.ban})
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

// storeChanged follows another tab: the unread count it stored, and a
// forget (here or there), which lets the conversation go.
func (c *chatState) storeChanged(name string) {
	switch name {
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
	c.p.frame.Events.Emit("message", map[string]any{"id": m.ID, "from": m.From, "author": m.Author, "text": m.Text, "at": m.At, "sound": m.Ring})
	if m.Ring {
		chime()
	}
	if m.From == "agent" {
		name := m.Author
		if name == "" {
			name = c.p.T.T("chat.agent")
		}
		c.p.announce(c.p.T.T("chat.announce", "name", ui.Isolate(name), "text", ui.Isolate(m.Text)))
	}
	c.changed()
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
				break
			}
			if c.view != nil {
				c.view.update(j)
			}
		}
		c.changed()
	})
}

// chatView is the conversation: the message log, a "new messages" divider
// at the last-read position and the composer.
type chatView struct {
	p        *Panel
	c        *chatState
	el       js.Value
	log      js.Value
	rows     []js.Value
	input    js.Value
	counter  js.Value
	sendBtn  js.Value
	form     js.Value
	divider  string // id of the last message read when the view opened
	timeFmt  js.Value
	on       ui.Listeners
	rowFuncs ui.Listeners // retry buttons, released with the rows
}

func newChatView(p *Panel) *chatView {
	T := p.T
	c := p.chat
	v := &chatView{p: p, c: c, divider: c.lastRead}
	if newer(c.msgs, c.read, v.divider) { // read in another tab: nothing new here
		v.divider = c.read
	}
	v.timeFmt = js.Global().Get("Intl").Get("DateTimeFormat").New(T.Lang, map[string]any{"hour": "numeric", "minute": "2-digit"})
	v.log = ui.El("div", "class", "log", "role", "log", "aria-label", T.T("chat.log"))
	v.input = ui.El("textarea", "id", "cl-composer", "rows", "1", "class", "composer-input", "dir", "auto",
		"placeholder", T.T("chat.composer"), "aria-describedby", "cl-composer-hint cl-composer-count")
	v.input.Set("value", p.drafts().Chat)
	v.counter = ui.El("p", "id", "cl-composer-count", "class", "counter", "aria-live", "polite")
	v.sendBtn = ui.Append(ui.El("button", "type", "submit", "class", "send", "aria-label", T.T("chat.send")), icon("send"))
	v.form = ui.Append(ui.El("form", "class", "composer"),
		ui.TextEl("label", T.T("chat.composer"), "for", "cl-composer", "class", "sr"),
		ui.Append(ui.El("div", "class", "composer-row"), v.input, v.sendBtn),
		v.counter,
		ui.TextEl("p", T.T("chat.hint"), "id", "cl-composer-hint", "class", "sr"))
	v.el = ui.Append(ui.El("section", "class", "view chat", "aria-labelledby", "cl-chat-h"),
		ui.TextEl("h3", T.T("chat.title"), "id", "cl-chat-h", "class", "sr"), v.log, v.form)
	v.on.On(v.form, "submit", func(ev js.Value) {
		ev.Call("preventDefault")
		v.submit()
	})
	v.on.On(v.input, "keydown", func(ev js.Value) {
		if ev.Get("key").String() == "Enter" && !ev.Get("shiftKey").Bool() && !ev.Get("isComposing").Bool() {
			ev.Call("preventDefault")
			v.submit()
		}
	})
	v.on.On(v.input, "input", func(js.Value) {
		v.count()
		d := p.drafts()
		d.Chat = v.input.Get("value").String()
		p.saveDrafts(d)
	})
	c.view = v
	v.count()
	v.renderAll()
	return v
}

// focusTarget puts the caret in the composer, when there is one.
func (v *chatView) focusTarget() js.Value {
	if v.c.banned {
		return js.Undefined()
	}
	return v.input
}

// count shows the characters left once the text nears MaxMessage.
func (v *chatView) count() {
	n := utf8.RuneCountInString(v.input.Get("value").String())
	T := v.p.T
	switch {
	case n > MaxMessage:
		ui.SetText(v.counter, T.N("chat.over", n-MaxMessage))
		v.counter.Set("className", "counter over")
		v.input.Call("setAttribute", "aria-invalid", "true")
	case n >= warnFrom:
		ui.SetText(v.counter, T.N("chat.left", MaxMessage-n))
		v.counter.Set("className", "counter")
		v.input.Call("removeAttribute", "aria-invalid")
	default:
		ui.SetText(v.counter, "")
		v.input.Call("removeAttribute", "aria-invalid")
	}
	v.sendBtn.Set("disabled", n > MaxMessage)
}

func (v *chatView) submit() {
	text := strings.TrimSpace(v.input.Get("value").String())
	if text == "" || utf8.RuneCountInString(text) > MaxMessage {
		return
	}
	v.input.Set("value", "")
	v.count()
	d := v.p.drafts()
	d.Chat = ""
	v.p.saveDrafts(d)
	v.c.send(newClientID(), text)
}

// renderAll draws every message, with the divider before the first unread
// agent message.
func (v *chatView) renderAll() {
	ui.Clear(v.log)
	v.rowFuncs.Release()
	v.rows = v.rows[:0]
	ui.Show(v.form, !v.c.banned)
	if v.c.banned {
		ui.Append(v.log, ui.Append(ui.El("div", "class", "state banned", "role", "status"), ui.TextEl("p", v.p.T.T("chat.banned"))))
		return
	}
	if !v.c.loaded {
		ui.Append(v.log, ui.Append(ui.El("div", "class", "state", "role", "status"), ui.El("span", "class", "spinner", "aria-hidden", "true")))
		return
	}
	if v.c.err != nil { // and below it what is waiting to be sent
		ui.Append(v.log, ui.Append(ui.El("div", "class", "state", "role", "alert"), ui.TextEl("p", v.p.T.T("chat.unavailable"))))
	} else if len(v.c.msgs) == 0 {
		ui.Append(v.log, ui.Append(ui.El("div", "class", "empty"), ui.Append(ui.El("span", "class", "card-icon"), icon("chat")), ui.TextEl("p", v.p.T.T("chat.empty"))))
	}
	dividerAt := v.dividerIndex()
	for i := range v.c.msgs {
		if i == dividerAt {
			ui.Append(v.log, ui.Append(ui.El("div", "class", "divider", "role", "separator"), ui.TextEl("span", v.p.T.T("chat.new"))))
		}
		row := v.row(i)
		v.rows = append(v.rows, row)
		ui.Append(v.log, row)
	}
	if v.p.restore == 0 {
		v.scrollToEnd()
	}
	v.p.contentArrived()
}

// dividerIndex is the index of the first agent message after the divider
// position, or -1 when nothing was unread when the view opened.
func (v *chatView) dividerIndex() int {
	start := 0
	if v.divider != "" {
		start = len(v.c.msgs)
		for i, m := range v.c.msgs {
			if m.ID == v.divider {
				start = i + 1
				break
			}
		}
	}
	for i := start; i < len(v.c.msgs); i++ {
		if v.c.msgs[i].From == "agent" {
			return i
		}
	}
	return -1
}

// add appends message i (a new one).
func (v *chatView) add(i int) {
	if len(v.rows) != i {
		v.renderAll()
		return
	}
	if i == 0 {
		ui.Clear(v.log)
	}
	row := v.row(i)
	v.rows = append(v.rows, row)
	ui.Append(v.log, row)
	v.scrollToEnd()
}

// update redraws message i in place (its state changed).
func (v *chatView) update(i int) {
	if i >= len(v.rows) {
		v.renderAll()
		return
	}
	row := v.row(i)
	v.rows[i].Call("replaceWith", row)
	v.rows[i] = row
}

func (v *chatView) row(i int) js.Value {
	m := v.c.msgs[i]
	T := v.p.T
	at := ui.TextEl("time", v.timeFmt.Call("format", js.Global().Get("Date").New(float64(m.At))).String())
	at.Call("setAttribute", "datetime", js.Global().Get("Date").New(float64(m.At)).Call("toISOString").String())
	bubble := ui.Content("p", m.Text, "class", "bubble")
	if m.From == "agent" {
		name := m.Author
		if name == "" {
			name = T.T("chat.agent")
		}
		return ui.Append(ui.El("div", "class", "msg agent", "data-id", m.ID),
			ui.Content("span", initials(name), "class", "avatar", "aria-hidden", "true"),
			ui.Append(ui.El("div", "class", "msg-body"),
				ui.Append(ui.El("p", "class", "msg-meta"), ui.Content("span", name, "class", "author"), at),
				bubble))
	}
	meta := ui.Append(ui.El("p", "class", "msg-meta"), ui.TextEl("span", T.T("chat.you"), "class", "sr"), at)
	state := ui.TextEl("span", T.T("chat."+m.State), "class", "msg-state "+m.State)
	ui.Append(meta, state)
	if m.State == Failed {
		retry := ui.TextEl("button", T.T("chat.retry"), "type", "button", "class", "link retry")
		clientID, text := m.ClientID, m.Text
		v.rowFuncs.On(retry, "click", func(js.Value) { v.c.send(clientID, text) })
		ui.Append(meta, retry)
	}
	return ui.Append(ui.El("div", "class", "msg visitor "+m.State, "data-client-id", m.ClientID), bubble, meta)
}

func (v *chatView) scrollToEnd() {
	body := v.p.body
	body.Set("scrollTop", body.Get("scrollHeight"))
}

func (v *chatView) element() js.Value { return v.el }

func (v *chatView) release() {
	v.on.Release()
	v.rowFuncs.Release()
	if v.c.view == v {
		v.c.view = nil
	}
}

// initials gives up to two letters for an avatar: "Ana Lima" → "AL".
func initials(name string) string {
	var out []rune
	for _, w := range strings.Fields(name) {
		r, _ := utf8.DecodeRuneInString(w)
		out = append(out, r)
		if len(out) == 2 {
			break
		}
	}
	return js.Global().Get("String").New(string(out)).Call("toUpperCase").String() // the browser's: strings.ToUpper costs bytes
}

func nowMs() int64 { return int64(js.Global().Get("Date").Call("now").Float()) }

// newClientID is a random id for a message the visitor sends.
// crypto.randomUUID needs a secure context; elsewhere time and
// Math.random make an id that is unique enough for one visitor.
func newClientID() string {
	if c := js.Global().Get("crypto"); c.Truthy() && c.Get("randomUUID").Truthy() {
		return c.Call("randomUUID").String()
	}
	m := js.Global().Get("Math")
	return "c" + strconv.FormatInt(nowMs(), 36) + strconv.FormatInt(int64(m.Call("random").Float()*1e12), 36)
}

// audio is the page's AudioContext for the chime, made on the first one.
var audio js.Value

// chime plays a short soft tone for a new agent message. Browsers allow it
// once the visitor has interacted with the page; where they refuse, or have
// no Web Audio, it stays silent.
func chime() {
	defer func() { recover() }() // a browser that refuses audio throws: silence is fine
	if audio.IsUndefined() {
		audio = js.Global().Get("AudioContext").New()
	}
	osc, gain := audio.Call("createOscillator"), audio.Call("createGain")
	at := audio.Get("currentTime").Float()
	osc.Get("frequency").Set("value", 880)
	gain.Get("gain").Call("setValueAtTime", 0.08, at)
	gain.Get("gain").Call("exponentialRampToValueAtTime", 0.001, at+0.3)
	osc.Call("connect", gain).Call("connect", audio.Get("destination"))
	osc.Call("start", at)
	osc.Call("stop", at+0.3)
}
