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
	"github.com/crumbless/crumbless/wasm/transport"
	"github.com/crumbless/crumbless/wasm/ui"
	"github.com/crumbless/crumbless/wasm/views"
)

// tokenKey is the registry key that holds the visitor token.
const tokenKey = "visitor"

// pageSize is how many messages History asks for per request (the API's maximum).
const pageSize = 500

// Remote is a conversation on the chat backend.
type Remote struct {
	client *transport.Client
	public *transport.Client // no token: the availability stream
	store  *store.Store
	online atomic.Bool // the team's presence, as last heard

	mu     sync.Mutex // guards everything below; held while a conversation starts
	on     func(views.Message)
	onRead func(id string)
	stream *transport.Stream
	lastID int64 // the newest message id seen, where the stream resumes
}

// New returns the conversation at the API origin base (e.g.
// "https://chat.example"), with its token kept in st.
func New(base string, st *store.Store) *Remote {
	r := &Remote{client: transport.New(base), public: transport.New(base), store: st}
	var token string
	if st.Get(tokenKey, &token) {
		r.client.SetToken(token)
	}
	st.OnChange(func(name string) {
		if name == "" || name == tokenKey {
			go r.tokenChanged() // not on the event loop: r.mu may be held across a fetch
		}
	})
	return r
}

// tokenChanged follows the token in another tab. "Forget me" (here or
// there) or a token removed elsewhere lets the conversation go: the next
// message starts a new one. A conversation started in another tab is taken
// up: its history reaches the subscriber as arriving messages, then its
// stream stays connected, so replies are counted here too.
func (r *Remote) tokenChanged() {
	var token string
	r.store.Get(tokenKey, &token)
	r.mu.Lock()
	if token == r.client.Token() {
		r.mu.Unlock()
		return
	}
	r.client.SetToken(token)
	r.lastID = 0
	if r.stream != nil {
		r.stream.Close()
		r.stream = nil
	}
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

// Online reports whether an agent was online when the availability stream
// last said so (false until WatchPresence has heard from the server).
func (r *Remote) Online() bool { return r.online.Load() }

// WatchPresence follows the team's presence on the availability stream
// (GET /api/v1/availability/events, no token): fn gets the current state
// once the stream opens and every change after, until cancel. A stream the
// server refuses counts as offline.
func (r *Remote) WatchPresence(fn func(online bool)) (cancel func()) {
	s := r.public.Stream("/api/v1/availability/events", 0, func(ev transport.Event) {
		switch ev.Name {
		case "presence":
			online := ev.Data.Type() == js.TypeObject && ev.Data.Get("online").Truthy()
			r.online.Store(online)
			fn(online)
		case "closed":
			r.online.Store(false)
			fn(false)
		}
	})
	return func() {
		s.Close()
		// The aborted request settles in a moment; the program must not end
		// before (a callback into an exited program is an error on the
		// page), so ui.Settle waits for the stream to stop. (One waiting to
		// reconnect stops when its backoff ends, up to 15 s.)
		ui.Go(func() { <-s.Done() })
	}
}

// History returns the messages so far (none before the visitor's first
// message) and the visitor's read cursor, then starts the live stream after
// the last message. A token the server no longer knows is forgotten: the
// visitor starts afresh.
func (r *Remote) History() ([]views.Message, string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.client.Token() == "" {
		return nil, "", nil
	}
	var msgs []views.Message
	var read int64
	for {
		res, err := r.client.Do("GET", "/api/v1/conversation/messages?limit="+strconv.Itoa(pageSize)+"&after="+strconv.FormatInt(r.lastID, 10), js.Undefined())
		if err != nil {
			return nil, "", err
		}
		if res.Status == 401 || res.Status == 404 {
			r.client.SetToken("")
			r.store.Remove(tokenKey)
			return nil, "", nil
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
			r.lastID = max(r.lastID, id)
		}
		if n < pageSize {
			break
		}
	}
	r.listen()
	return msgs, id(read), nil
}

// Send delivers text under clientID, starting the conversation first when
// there is none. A retry with the same clientID returns the stored message.
func (r *Remote) Send(clientID, text string) (views.Message, error) {
	r.mu.Lock()
	if r.client.Token() == "" {
		if err := r.start(); err != nil {
			r.mu.Unlock()
			return views.Message{}, err
		}
	}
	r.mu.Unlock()
	res, err := r.client.Do("POST", "/api/v1/conversation/messages", js.ValueOf(map[string]any{"id": clientID, "body": text}))
	if err != nil {
		return views.Message{}, err
	}
	if res.Status != 200 && res.Status != 201 {
		return views.Message{}, apiError("send", res)
	}
	r.store.Set(tokenKey, r.client.Token()) // renewed while the visitor uses the chat
	m, id := message(res.Body.Get("message"))
	r.mu.Lock()
	if r.stream == nil {
		r.lastID = max(r.lastID, id-1) // the stream replays this message and any after it
	}
	r.listen()
	r.mu.Unlock()
	return m, nil
}

// Subscribe calls fn for every message the stream delivers and read for
// every move of the visitor's read cursor (this tab's reports and other
// tabs').
func (r *Remote) Subscribe(fn func(views.Message), read func(id string)) (cancel func()) {
	r.mu.Lock()
	r.on, r.onRead = fn, read
	r.mu.Unlock()
	return func() {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.on, r.onRead = nil, nil
		if r.stream != nil {
			r.stream.Close()
			r.stream = nil
		}
	}
}

// MarkRead moves the visitor's read cursor on the server to message id
// (POST /conversation/read); the server keeps the furthest one and tells
// every stream of the conversation, the other tabs' included.
func (r *Remote) MarkRead(msgID string) error {
	n, ok := decimal.ParseInt(msgID)
	if !ok || n <= 0 {
		return errors.New("mark read: not a message id: " + msgID)
	}
	r.mu.Lock()
	noToken := r.client.Token() == ""
	r.mu.Unlock()
	if noToken {
		return errors.New("mark read: no conversation")
	}
	res, err := r.client.Do("POST", "/api/v1/conversation/read", js.ValueOf(map[string]any{"message": n}))
	if err != nil {
		return err
	}
	if res.Status != 200 {
		return apiError("mark read", res)
	}
	return nil
}

// start creates the conversation and keeps its token. r.mu is held.
func (r *Remote) start() error {
	res, err := r.client.Do("POST", "/api/v1/conversations", js.ValueOf(map[string]any{}))
	if err != nil {
		return err
	}
	if res.Status != 201 {
		return apiError("start conversation", res)
	}
	token := res.Body.Get("token")
	if token.Type() != js.TypeString {
		return errors.New("start conversation: no token in the answer")
	}
	r.client.SetToken(token.String())
	if err := r.store.Set(tokenKey, token.String()); err != nil {
		return errors.Join(errors.New("start conversation: keep the token"), err)
	}
	return nil
}

// listen starts the event stream once there is a token and a subscriber,
// resuming after lastID. r.mu is held.
func (r *Remote) listen() {
	if r.stream != nil || r.on == nil || r.client.Token() == "" {
		return
	}
	r.stream = r.client.Stream("/api/v1/conversation/events", r.lastID, func(ev transport.Event) {
		switch ev.Name {
		case "message":
			m, id := message(ev.Data)
			r.mu.Lock()
			r.lastID = max(r.lastID, id)
			fn := r.on
			r.mu.Unlock()
			if fn != nil {
				fn(m)
			}
		case "read":
			if stringOf(ev.Data, "reader") != "visitor" {
				return // the agents' cursor
			}
			r.mu.Lock()
			fn := r.onRead
			r.mu.Unlock()
			if fn != nil {
				fn(id(number(ev.Data, "message")))
			}
		case "closed":
			r.mu.Lock()
			r.stream = nil
			r.mu.Unlock()
		}
	})
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
