//go:build js && wasm

// Package conversation is the chat view's backend: it implements
// views.Conversation over wasm/transport and the visitor API (/api/v1).
//
// Nothing is created on the server until the visitor sends a first
// message: then POST /conversations starts a conversation and its token is
// kept under the registry key "visitor", so a reload (or a new tab) gets the
// same conversation back. Agent messages arrive on the SSE stream, which
// resumes from the last message id it has.
//
// conversation.go holds the Remote and how the visitor's tabs share it
// (protocol.go: the messages they pass); rest.go the visitor API's
// requests; stream.go the leader's live stream and the team's presence;
// outbox.go the messages on their way; banned.go what a ban stops.
package conversation

import (
	"errors"
	"sync"
	"sync/atomic"
	"syscall/js"

	"github.com/crumbless/crumbless/wasm/store"
	"github.com/crumbless/crumbless/wasm/tabs"
	"github.com/crumbless/crumbless/wasm/transport"
	"github.com/crumbless/crumbless/wasm/ui"
	"github.com/crumbless/crumbless/wasm/views"
)

// tokenKey is the registry key that holds the visitor token.
const tokenKey = "visitor"

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
	back      atomic.Int64 // the business hours' next opening (unix ms) as last heard; 0 while open
	stopped   atomic.Bool  // the subscriber has gone (the widget is destroyed)
	banned    atomic.Bool  // the site's team blocked the chat for this visitor
	listeners ui.Listeners // released with the subscriber
	wake      chan struct{}

	net sync.Mutex // held across fetches that must not interleave (start, history)

	mu          sync.Mutex // quick state only: never held across a fetch, so the event loop may take it
	on          func(views.Message)
	onRead      func(id string)
	onBanned    func()
	onState     func(resolved, rated bool)
	onPresence  func(online bool)
	onTyping    func(name string, typing bool)
	watch       bool     // this tab follows presence
	watched     bool     // another tab asked the leader for presence
	presence    js.Value // the presence event's data as the leader's stream last told it; undefined before
	stream      *transport.Stream
	streamFor   string // the token the stream serves; "-" for the availability stream
	lastID      int64  // the newest message id seen, where the stream resumes
	waiters     map[string]chan sendResult
	mine        map[string]js.Value // entries posted to the leader and not yet sent
	draining    bool
	ask         []string // the details the site asks for before the first message
	details     js.Value // the visitor's pre-chat details, for the start
	sentContext string   // the visitor context last sent
	// Version is the widget's version, sent with the visitor context.
	Version string
	// Invite is the invitation the visitor saw on this page ({text, name}),
	// sent with the start of a conversation: the server keeps it as its
	// first message. Undefined: none.
	Invite js.Value
}

type sendResult struct {
	m   views.Message
	err error
}

// New returns the conversation at the API origin base (e.g.
// "https://chat.example"), with its token kept in st, sharing its stream
// and outbox with the visitor's other tabs through tb.
func New(base string, st *store.Store, tb *tabs.Tabs) *Remote {
	r := &Remote{client: transport.New(base), public: transport.New(base), store: st, tabs: tb, details: ui.Object(),
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
	tb.Handle(msgToken, func(token js.Value) { // the leader started a conversation
		if token.Type() == js.TypeString {
			go r.tokenChanged(token.String())
		}
	})
	tb.OnLeader(r.leaderChanged)
	tb.Handle(msgEvent, func(d js.Value) { r.handle(d.Index(0).String(), d.Index(1)) })
	tb.Handle(msgSend, func(e js.Value) { // to the leader: a message from another tab
		if tb.Leader() && validEntry(e) {
			// Pre-chat details typed in that tab and the invitation it
			// showed, for the start; they stay in memory, out of the
			// stored outbox.
			r.mu.Lock()
			if d := e.Get("details"); d.Type() == js.TypeObject && d.Get("name").Type() == js.TypeString {
				r.details = d
			}
			if inv := e.Get("invite"); inv.Type() == js.TypeObject {
				r.Invite = inv
			}
			r.mu.Unlock()
			e.Delete("details")
			e.Delete("invite")
			ui.Go(func() { r.enqueue(e) })
		}
	})
	tb.Handle(msgWatch, func(js.Value) {
		if !tb.Leader() {
			return
		}
		r.mu.Lock()
		r.watched = true
		r.connect()
		if r.presence.Type() == js.TypeObject { // the whole of it: online, business hours, pre-chat fields
			tb.Post(msgEvent, js.ValueOf([]any{"presence", r.presence}))
		}
		r.mu.Unlock()
	})
	tb.Handle(tabs.Lead, func(js.Value) { r.greet() })
	tb.Handle(msgWait, func(e js.Value) {
		if validEntry(e) {
			r.state(e)
		}
	})
	tb.Handle(msgFail, func(id js.Value) {
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
		r.tabs.Post(msgWatch, js.Undefined())
	}
	for _, e := range r.mine {
		r.tabs.Post(msgSend, e)
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
	on, onRead := r.on, r.onRead
	if token == "" || on == nil {
		r.connect()
		r.mu.Unlock()
		return
	}
	r.mu.Unlock()
	msgs, read, err := r.History() // then the stream resumes where the history ends
	if err != nil {
		r.mu.Lock()
		r.connect() // the stream replays the whole conversation
		r.mu.Unlock()
		return
	}
	for _, m := range msgs {
		on(m)
	}
	if read != "" {
		onRead(read)
	}
}

// Restore makes the conversation token opens this tab's, as a restore code
// gave it: the leader's stream follows it from its first message; the
// caller keeps token in the store (the other tabs follow that) and asks
// for the history. It reports false, changing nothing, when token is this
// tab's already.
func (r *Remote) Restore(token string) bool {
	r.mu.Lock()
	changed := token != r.client.Token()
	if changed {
		r.client.SetToken(token)
		r.lastID = 0
		r.connect()
	}
	r.mu.Unlock()
	return changed
}

// Subscribe reports to s every message the stream delivers (and state
// changes of messages still on their way: no ID, a State), every move of
// the visitor's read cursor (this tab's reports and other tabs') and a ban
// learnt from then on (a ban stored before is the flag the caller reads).
func (r *Remote) Subscribe(s views.Subscriber) (cancel func()) {
	r.mu.Lock()
	r.on, r.onRead, r.onBanned, r.onState, r.onTyping = s.Message, s.Read, s.Banned, s.State, s.Typing
	r.connect()
	r.mu.Unlock()
	return func() {
		r.stopped.Store(true)
		r.listeners.Release()
		r.mu.Lock()
		r.on, r.onRead, r.onBanned, r.onState, r.onTyping = nil, nil, nil, nil, nil
		r.connect()
		r.mu.Unlock()
		r.failWaiting(errors.New("send: the widget was closed")) // the outbox keeps them for the next page
		r.kick()
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
