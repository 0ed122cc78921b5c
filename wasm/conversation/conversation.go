//go:build js && wasm

// Package conversation is the chat view's backend: it implements
// views.Conversation over wasm/transport and the visitor API (/api/v1).
//
// Nothing is created on the server until the visitor sends a first
// message: then POST /conversations starts a conversation and its token is
// kept under the registry key "visitor", so a reload (or a new tab) gets the
// same conversation back. Agent messages arrive on the SSE stream, which
// resumes from the last message id it has.
package conversation

import (
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall/js"

	"github.com/crumbless/crumbless/internal/decimal"
	"github.com/crumbless/crumbless/wasm/store"
	"github.com/crumbless/crumbless/wasm/tabs"
	"github.com/crumbless/crumbless/wasm/transport"
	"github.com/crumbless/crumbless/wasm/ui"
	"github.com/crumbless/crumbless/wasm/views"
)

// tokenKey is the registry key that holds the visitor token.
const tokenKey = "visitor"

// bannedKey is the registry key of the flag that the site's team blocked
// the chat for this visitor (true while it lives).
const bannedKey = "banned"

// errBanned is what calls return once the visitor is banned: none of them
// reaches the server.
var errBanned = errors.New("conversation: the site's team blocked the chat for this visitor")

// pageSize is how many messages History asks for per request (the API's maximum).
const pageSize = 500

// Remote is a conversation on the chat backend.
//
// Only the leader tab (wasm/tabs) holds a live stream: the conversation's
// events once there is a conversation, before that the team's availability.
// It handles every event itself and posts it to the other tabs, which
// handle it the same way; a tab that becomes the leader resumes the stream
// after the last event it heard, so nothing is lost or repeated.
//
// Messages go through the outbox (registry key "outbox", persisted): the
// leader sends its entries one at a time, in order, each under its client
// id so that a retry never duplicates; other tabs post their messages to the
// leader. Without network the entries wait (the visitor sees "waiting for
// network") and go out when the browser is back online, retried with
// backoff and jitter.
//
// A visitor the site's team blocked (403 "banned" on any call, or the
// stream's "banned" event) is remembered under the registry key "banned":
// from then on, in every tab and on later pages, the Remote makes no chat
// call at all (no stream, no history, no send) until the flag expires or
// a forget removes it.
type Remote struct {
	client    *transport.Client
	public    *transport.Client // no token: the availability stream
	store     *store.Store
	tabs      *tabs.Tabs
	online    atomic.Bool  // the team's presence, as last heard
	stopped   atomic.Bool  // the subscriber has gone (the widget is destroyed)
	banned    atomic.Bool  // the site's team blocked the chat for this visitor
	listeners ui.Listeners // released with the subscriber
	wake      chan struct{}

	net sync.Mutex // held across fetches that must not interleave (start, history)

	mu         sync.Mutex // quick state only: never held across a fetch, so the event loop may take it
	on         func(views.Message)
	onRead     func(id string)
	onBanned   func()
	onPresence func(online bool)
	watch      bool // this tab follows presence
	watched    bool // another tab asked the leader for presence
	heard      bool // the leader's stream told the presence
	stream     *transport.Stream
	streamFor  string // the token the stream serves; "-" for the availability stream
	lastID     int64  // the newest message id seen, where the stream resumes
	waiters    map[string]chan sendResult
	mine       map[string]js.Value // entries posted to the leader and not yet sent
	draining   bool
}

type sendResult struct {
	m   views.Message
	err error
}

// New returns the conversation at the API origin base (e.g.
// "https://chat.example"), with its token kept in st, sharing its stream
// and outbox with the visitor's other tabs through tb.
func New(base string, st *store.Store, tb *tabs.Tabs) *Remote {
	r := &Remote{client: transport.New(base), public: transport.New(base), store: st, tabs: tb,
		wake: make(chan struct{}, 1), waiters: map[string]chan sendResult{}, mine: map[string]js.Value{}}
	var token string
	if st.Get(tokenKey, &token) {
		r.client.SetToken(token)
	}
	var banned bool
	r.banned.Store(st.Get(bannedKey, &banned) && banned)
	st.OnChange(func(name string) {
		if name == "" { // forgotten: the chat is offered again
			r.banned.Store(false)
		}
		if name == bannedKey { // another tab was refused
			var banned bool
			if st.Get(bannedKey, &banned) && banned {
				r.ban()
			}
		}
		if name == "" || name == tokenKey {
			var token string
			st.Get(tokenKey, &token)
			go r.tokenChanged(token) // not on the event loop: it fetches
		}
	})
	tb.Handle("token", func(token js.Value) { // the leader started a conversation
		if token.Type() == js.TypeString {
			go r.tokenChanged(token.String())
		}
	})
	tb.OnLeader(r.leaderChanged)
	tb.Handle("ev", func(d js.Value) { r.handle(d.Index(0).String(), d.Index(1)) })
	tb.Handle("send", func(e js.Value) { // to the leader: a message from another tab
		if tb.Leader() && validEntry(e) {
			ui.Go(func() { r.enqueue(e) })
		}
	})
	tb.Handle("watch", func(js.Value) {
		if !tb.Leader() {
			return
		}
		r.mu.Lock()
		r.watched = true
		r.connect()
		if r.heard {
			tb.Post("ev", js.ValueOf([]any{"presence", ui.Object("online", r.online.Load())}))
		}
		r.mu.Unlock()
	})
	tb.Handle("lead", func(js.Value) { r.greet() })
	tb.Handle("wait", func(e js.Value) {
		if validEntry(e) {
			r.state(e)
		}
	})
	tb.Handle("fail", func(id js.Value) {
		if id.Type() == js.TypeString {
			r.resolve(id.String(), sendResult{err: errors.New("send: refused by the server")})
		}
	})
	r.listeners.On(js.Global(), "online", func(js.Value) { r.kick() })
	if tb.Leader() {
		ui.Go(r.drain) // what an earlier page left in the outbox
	}
	return r
}

// leaderChanged follows this tab's leadership: the leader holds the stream
// and drains the outbox; a follower holds nothing.
func (r *Remote) leaderChanged(leader bool) {
	r.mu.Lock()
	r.watched = false
	r.connect()
	mine := r.mine
	r.mine = map[string]js.Value{}
	r.mu.Unlock()
	if !leader {
		r.greet()
		return
	}
	ui.Go(func() {
		for _, e := range mine { // what the old leader may not have kept
			r.enqueue(e)
		}
		r.drain()
	})
}

// greet tells a new leader what this tab needs: presence, and the messages
// it posted that are not sent yet.
func (r *Remote) greet() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.tabs.Leader() {
		return
	}
	if r.watch {
		r.tabs.Post("watch", js.Undefined())
	}
	for _, e := range r.mine {
		r.tabs.Post("send", e)
	}
}

// tokenChanged follows the token of another tab (from storage, or from the
// leader that started the conversation). "Forget me" (here or there) or a
// token removed elsewhere lets the conversation go: the next message starts
// a new one. A conversation started in another tab is taken up: its history
// reaches the subscriber as arriving messages, then its events.
func (r *Remote) tokenChanged(token string) {
	r.mu.Lock()
	if token == r.client.Token() {
		r.mu.Unlock()
		return
	}
	r.client.SetToken(token)
	r.lastID = 0
	r.connect()
	on, onRead := r.on, r.onRead
	r.mu.Unlock()
	if token == "" || on == nil {
		return
	}
	msgs, read, err := r.History()
	if err != nil {
		return
	}
	for _, m := range msgs {
		on(m)
	}
	if read != "" {
		onRead(read)
	}
}

// Online reports whether an agent was online when a stream last said so
// (false until one has).
func (r *Remote) Online() bool { return r.online.Load() }

// WatchPresence follows the team's presence: fn gets the current state once
// known and every change after, until cancel. The leader's stream tells it
// (the conversation's, or the availability stream before there is one); a
// stream the server refuses counts as offline.
func (r *Remote) WatchPresence(fn func(online bool)) (cancel func()) {
	r.mu.Lock()
	r.onPresence, r.watch = fn, true
	r.connect()
	r.mu.Unlock()
	r.greet()
	return func() {
		r.mu.Lock()
		r.onPresence, r.watch = nil, false
		r.connect()
		r.mu.Unlock()
	}
}

// History returns the messages so far (none before the visitor's first
// message) followed by the ones still waiting in the outbox, and the
// visitor's read cursor; then the leader's stream resumes after the last
// message. A token the server no longer knows is forgotten: the visitor
// starts afresh. When the server cannot be reached it returns the waiting
// messages with the error.
func (r *Remote) History() ([]views.Message, string, error) {
	r.net.Lock()
	defer r.net.Unlock()
	var msgs []views.Message
	var read, after int64
	if r.banned.Load() {
		return nil, "", errBanned
	}
	for r.client.Token() != "" {
		res, err := r.client.Do("GET", "/api/v1/conversation/messages?limit="+strconv.Itoa(pageSize)+"&after="+strconv.FormatInt(after, 10), js.Undefined())
		if err != nil {
			return r.waitingMessages(nil), "", err
		}
		if r.refused(res) {
			return nil, "", errBanned
		}
		if res.Status == 401 || res.Status == 404 {
			r.client.SetToken("")
			r.store.Remove(tokenKey)
			break
		}
		if res.Status != 200 {
			return nil, "", apiError("history", res)
		}
		read = max(read, number(res.Body.Get("conversation"), "read"))
		list := res.Body.Get("messages")
		n := list.Length()
		for i := 0; i < n; i++ {
			m, id := message(list.Index(i))
			msgs = append(msgs, m)
			after = max(after, id)
		}
		if n < pageSize {
			break
		}
	}
	msgs = r.waitingMessages(msgs)
	r.mu.Lock()
	r.lastID = max(r.lastID, after)
	r.connect()
	r.mu.Unlock()
	return msgs, id(read), nil
}

// waitingMessages appends to msgs the outbox's entries that msgs does not
// have (an entry stored before the page went away may still be there).
func (r *Remote) waitingMessages(msgs []views.Message) []views.Message {
	out := r.outbox()
entries:
	for i := 0; i < out.Length(); i++ {
		m := waitingMessage(out.Index(i))
		for _, have := range msgs {
			if have.ClientID == m.ClientID {
				continue entries
			}
		}
		msgs = append(msgs, m)
	}
	return msgs
}

// waitingMessage is an outbox entry as the views show it.
func waitingMessage(e js.Value) views.Message {
	return views.Message{ClientID: e.Get("id").String(), From: "visitor", Text: e.Get("text").String(),
		At: int64(e.Get("at").Float()), State: views.Waiting}
}

// Send puts text under clientID in the outbox (through the leader when
// this tab is not it) and returns the message once the server has it, or
// the server's refusal. Without network it waits; a retry with the same
// clientID never makes a second message.
func (r *Remote) Send(clientID, text string) (views.Message, error) {
	if r.banned.Load() {
		return views.Message{}, errBanned
	}
	ch := make(chan sendResult, 1)
	e := ui.Object("id", clientID, "text", text, "at", js.Global().Get("Date").Call("now"))
	r.mu.Lock()
	r.waiters[clientID] = ch
	leader := r.tabs.Leader()
	if !leader {
		r.mine[clientID] = e
		r.tabs.Post("send", e)
	}
	r.mu.Unlock()
	if leader {
		r.enqueue(e)
	} else if !js.Global().Get("navigator").Get("onLine").Bool() {
		r.state(e)
	}
	res := <-ch
	return res.m, res.err
}

// Subscribe reports to s every message the stream delivers (and state
// changes of messages still on their way: no ID, a State), every move of
// the visitor's read cursor (this tab's reports and other tabs') and a ban
// learnt from then on (a ban stored before is the flag the caller reads).
func (r *Remote) Subscribe(s views.Subscriber) (cancel func()) {
	r.mu.Lock()
	r.on, r.onRead, r.onBanned = s.Message, s.Read, s.Banned
	r.connect()
	r.mu.Unlock()
	return func() {
		r.stopped.Store(true)
		r.listeners.Release()
		r.mu.Lock()
		r.on, r.onRead, r.onBanned = nil, nil, nil
		r.connect()
		r.mu.Unlock()
		r.failWaiting(errors.New("send: the widget was closed")) // the outbox keeps them for the next page
		r.kick()
	}
}

// MarkRead moves the visitor's read cursor on the server to message id
// (POST /conversation/read); the server keeps the furthest one and tells
// every stream of the conversation, and so every tab.
func (r *Remote) MarkRead(msgID string) error {
	n, ok := decimal.ParseInt(msgID)
	if !ok || n <= 0 {
		return errors.New("mark read: not a message id: " + msgID)
	}
	if r.client.Token() == "" {
		return errors.New("mark read: no conversation")
	}
	res, err := r.client.Do("POST", "/api/v1/conversation/read", ui.Object("message", n))
	if err != nil {
		return err
	}
	if r.refused(res) {
		return errBanned
	}
	if res.Status != 200 {
		return apiError("mark read", res)
	}
	return nil
}

// start creates the conversation and keeps its token. r.net is held.
func (r *Remote) start() error {
	res, err := r.client.Do("POST", "/api/v1/conversations", ui.Object())
	if err != nil {
		return err
	}
	if r.refused(res) { // a blocked network
		return errBanned
	}
	if res.Status != 201 {
		return apiError("start conversation", res)
	}
	token := res.Body.Get("token")
	if token.Type() != js.TypeString {
		return errors.New("start conversation: no token in the answer")
	}
	r.client.SetToken(token.String())
	r.tabs.Post("token", token)
	if err := r.store.Set(tokenKey, token.String()); err != nil {
		return errors.Join(errors.New("start conversation: keep the token"), err)
	}
	return nil
}

// connect opens the stream this tab should hold and closes any other: the
// leader holds the conversation's stream when there is a conversation and
// a subscriber, else the availability stream while some tab follows
// presence; a follower holds none. r.mu is held.
func (r *Remote) connect() {
	want, token := "", r.client.Token()
	switch {
	case !r.tabs.Leader() || r.stopped.Load() || r.banned.Load():
	case token != "" && r.on != nil:
		want = token
	case r.watch || r.watched:
		want = "-"
	}
	if r.stream != nil && r.streamFor == want {
		return
	}
	if s := r.stream; s != nil {
		s.Close()
		ui.Go(func() { <-s.Done() }) // the program must not end before the aborted request settles
		r.stream, r.heard = nil, false
	}
	r.streamFor = want
	switch want {
	case "":
	case "-":
		r.stream = r.public.Stream("/api/v1/availability/events", 0, r.fromStream)
	default:
		r.stream = r.client.Stream("/api/v1/conversation/events", r.lastID, r.fromStream)
	}
}

// fromStream handles an event of the leader's stream and passes it on to
// the other tabs.
func (r *Remote) fromStream(ev transport.Event) {
	switch ev.Name {
	case "closed": // refused for good (unknown token, banned): offline until something changes
		r.mu.Lock()
		r.stream, r.streamFor = nil, ""
		r.mu.Unlock()
		if stringOf(ev.Data, "code") == "banned" {
			r.ban()
			return
		}
		r.handle("presence", js.Undefined())
		return
	case "open":
		return
	}
	if ev.Name == "presence" {
		r.mu.Lock()
		r.heard = true
		r.mu.Unlock()
	}
	r.handle(ev.Name, ev.Data)
	r.tabs.Post("ev", js.ValueOf([]any{ev.Name, ev.Data}))
}

// handle takes one event of the conversation, live from this tab's stream
// or from the leader's.
func (r *Remote) handle(name string, data js.Value) {
	switch name {
	case "message":
		m, n := message(data)
		r.mu.Lock()
		r.lastID = max(r.lastID, n)
		fn := r.on
		r.mu.Unlock()
		m.Ring = m.From == "agent" && r.tabs.Ring()
		if fn != nil {
			fn(m)
		}
		if m.ClientID != "" {
			r.resolve(m.ClientID, sendResult{m: m})
			// Stored, though the leader may not have heard the answer (lost
			// on a bad network): it leaves the outbox now, and the ones
			// behind it do not wait for a retry.
			if r.tabs.Leader() && r.remove(m.ClientID) {
				r.kick()
			}
		}
	case "read":
		if stringOf(data, "reader") != "visitor" {
			return // the agents' cursor
		}
		r.mu.Lock()
		fn := r.onRead
		r.mu.Unlock()
		if fn != nil {
			fn(id(number(data, "message")))
		}
	case "banned": // the stream's event, here or in the leader's tab
		r.ban()
	case "presence":
		online := data.Type() == js.TypeObject && data.Get("online").Truthy()
		r.online.Store(online)
		r.mu.Lock()
		fn := r.onPresence
		r.mu.Unlock()
		if fn != nil {
			fn(online)
		}
	}
}

// refused reports whether res is the server's refusal of a banned visitor,
// and then takes the ban.
func (r *Remote) refused(res transport.Response) bool {
	if res.Status != 403 || res.Code() != "banned" {
		return false
	}
	r.ban()
	return true
}

// ban stops the chat for a visitor the site's team blocked: the flag is
// stored (later pages read it, and the other tabs hear its storage event:
// tabs share only while storage is written), the outbox is dropped (the server would
// refuse every entry), the stream is closed, waiting Sends fail and the
// subscriber is told. Once is enough: it does nothing when the flag is
// already up.
func (r *Remote) ban() {
	if r.banned.Swap(true) {
		return
	}
	_ = r.store.Set(bannedKey, true) // kept in memory when storage fails
	r.store.Remove(outboxKey)
	r.mu.Lock()
	r.connect()
	fn := r.onBanned
	r.mine = map[string]js.Value{}
	r.mu.Unlock()
	r.failWaiting(errBanned)
	if fn != nil {
		fn()
	}
}

// failWaiting ends every Send still waiting with err.
func (r *Remote) failWaiting(err error) {
	r.mu.Lock()
	waiters := r.waiters
	r.waiters = map[string]chan sendResult{}
	r.mu.Unlock()
	for _, ch := range waiters {
		ch <- sendResult{err: err}
	}
}

// resolve ends the Send waiting for clientID, if any.
func (r *Remote) resolve(clientID string, res sendResult) {
	r.mu.Lock()
	ch := r.waiters[clientID]
	delete(r.waiters, clientID)
	delete(r.mine, clientID)
	r.mu.Unlock()
	if ch != nil {
		ch <- res
	}
}

// state shows the outbox entry e as waiting for the network (added to the
// views of tabs that did not send it).
func (r *Remote) state(e js.Value) {
	r.mu.Lock()
	fn := r.on
	r.mu.Unlock()
	if fn != nil {
		fn(waitingMessage(e))
	}
}

// message converts the API's message JSON and returns its numeric id too.
func message(v js.Value) (views.Message, int64) {
	if v.Type() != js.TypeObject {
		return views.Message{}, 0
	}
	n := number(v, "id")
	m := views.Message{ID: id(n), ClientID: stringOf(v, "clientId"), From: stringOf(v, "author"),
		Author: stringOf(v, "agent"), Text: stringOf(v, "body"), At: number(v, "created")}
	return m, n
}

// id is the views' form of a message id ("" for none).
func id(n int64) string {
	if n <= 0 {
		return ""
	}
	return strconv.FormatInt(n, 10)
}

func stringOf(v js.Value, name string) string {
	if v.Type() == js.TypeObject {
		if f := v.Get(name); f.Type() == js.TypeString {
			return f.String()
		}
	}
	return ""
}

func number(v js.Value, name string) int64 {
	if v.Type() == js.TypeObject {
		if f := v.Get(name); f.Type() == js.TypeNumber {
			return int64(f.Float())
		}
	}
	return 0
}

func apiError(op string, res transport.Response) error {
	msg := op + ": status " + strconv.Itoa(res.Status)
	if code := res.Code(); code != "" {
		msg += " (" + code + ")"
	}
	return errors.New(msg)
}
