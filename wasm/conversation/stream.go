//go:build js && wasm

package conversation

import (
	"syscall/js"

	"github.com/crumbless/crumbless/wasm/transport"
	"github.com/crumbless/crumbless/wasm/ui"
)

// Online reports whether an agent was online when a stream last said so
// (false until one has).
func (r *Remote) Online() bool { return r.online.Load() }

// Back is the business hours' next opening in unix ms, as the last
// presence said; 0 while they are open or without a schedule.
func (r *Remote) Back() int64 { return r.back.Load() }

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
		r.stream, r.presence = nil, js.Undefined()
	}
	r.streamFor = want
	switch want {
	case "":
	case "-":
		r.stream = r.public.Stream("/api/v1/availability/events", transport.Live, r.fromStream)
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
		r.presence = ev.Data
		r.mu.Unlock()
	}
	r.handle(ev.Name, ev.Data)
	r.tabs.Post(msgEvent, js.ValueOf([]any{ev.Name, ev.Data}))
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
	case "typing":
		r.mu.Lock()
		fn := r.onTyping
		r.mu.Unlock()
		if fn != nil && stringOf(data, "author") == "agent" {
			fn(stringOf(data, "agent"), data.Get("typing").Truthy())
		}
	case "banned": // the stream's event, here or in the leader's tab
		r.ban()
	case "state":
		r.stateChanged(data)
	case "presence":
		online := data.Type() == js.TypeObject && data.Get("online").Truthy()
		r.online.Store(online)
		r.back.Store(number(data, "back"))
		var ask []string
		if data.Type() == js.TypeObject {
			if a := data.Get("ask"); a.Type() == js.TypeObject {
				for i := 0; i < a.Length(); i++ {
					ask = append(ask, a.Index(i).String())
				}
			}
		}
		r.mu.Lock()
		r.ask = ask
		r.mu.Unlock()
		r.mu.Lock()
		fn := r.onPresence
		r.mu.Unlock()
		if fn != nil {
			fn(online)
		}
	}
}
