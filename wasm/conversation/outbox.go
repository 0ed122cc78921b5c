//go:build js && wasm

package conversation

import (
	"syscall/js"

	"github.com/crumbless/crumbless/wasm/transport"
	"github.com/crumbless/crumbless/wasm/ui"
	"github.com/crumbless/crumbless/wasm/views"
)

// outboxKey is the registry key of the messages not sent yet: a JSON array
// of {"id": client id, "text", "at": unix ms}, oldest first. Only the leader
// writes it.
const outboxKey = "outbox"

// Retry delays of the outbox, in milliseconds: doubled after each failure,
// with up to half of it taken off at random so that many visitors coming
// back online at once do not retry in step.
const (
	minRetry = 1000
	maxRetry = 30_000
)

// outbox returns the entries waiting to be sent (an empty array for none).
// What is not an entry (a stored value someone altered) is left out.
func (r *Remote) outbox() js.Value {
	var v js.Value
	out := js.Global().Get("Array").New()
	if r.store.Get(outboxKey, &v) && js.Global().Get("Array").Call("isArray", v).Bool() {
		for i := 0; i < v.Length(); i++ {
			if e := v.Index(i); validEntry(e) {
				out.Call("push", e)
			}
		}
	}
	return out
}

// validEntry reports whether e is an outbox entry: what another tab posts,
// or an earlier page stored, is checked before it is trusted.
func validEntry(e js.Value) bool {
	return e.Type() == js.TypeObject && e.Get("id").Type() == js.TypeString && e.Get("id").String() != "" &&
		e.Get("text").Type() == js.TypeString && e.Get("at").Type() == js.TypeNumber
}

// enqueue adds e to the outbox unless an entry with its id is there (or the
// visitor is banned), and wakes the sender.
func (r *Remote) enqueue(e js.Value) {
	if r.banned.Load() {
		return // nothing is sent for a banned visitor
	}
	out := r.outbox()
	id := e.Get("id").String()
	for i := 0; i < out.Length(); i++ {
		if out.Index(i).Get("id").String() == id {
			r.kick()
			return
		}
	}
	out.Call("push", e)
	_ = r.store.Set(outboxKey, out) // the store keeps it in memory when storage fails
	r.kick()
	ui.Go(r.drain)
}

// remove takes the entry with id out of the outbox and reports whether it
// was there.
func (r *Remote) remove(id string) bool {
	out := r.outbox()
	keep := js.Global().Get("Array").New()
	for i := 0; i < out.Length(); i++ {
		if e := out.Index(i); e.Get("id").String() != id {
			keep.Call("push", e)
		}
	}
	if keep.Length() == out.Length() {
		return false
	}
	if keep.Length() == 0 {
		r.store.Remove(outboxKey)
	} else {
		_ = r.store.Set(outboxKey, keep)
	}
	return true
}

// kick wakes a drain waiting to retry.
func (r *Remote) kick() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// drain sends the outbox's entries in order while this tab leads, one at a
// time: an entry goes out only after the one before it is stored, so the
// server keeps the visitor's order even when a new leader takes over in
// the middle (the server answers a repeated client id with the stored
// message). Without network it waits for the "online" event or the next
// retry; a refusal (a 4xx other than 429) drops the entry and fails its Send.
func (r *Remote) drain() {
	r.mu.Lock()
	if r.draining {
		r.mu.Unlock()
		return
	}
	r.draining = true
	r.mu.Unlock()
	defer func() {
		r.mu.Lock()
		r.draining = false
		r.mu.Unlock()
	}()
	delay := minRetry
	for r.tabs.Leader() && !r.stopped.Load() && !r.banned.Load() {
		out := r.outbox()
		if out.Length() == 0 {
			return
		}
		e := out.Index(0)
		id, text := e.Get("id").String(), e.Get("text").String()
		if !js.Global().Get("navigator").Get("onLine").Bool() {
			r.waiting(out)
			r.pause(maxRetry)
			continue
		}
		res, err := r.deliver(id, text)
		switch {
		case r.banned.Load(), err == nil && r.refused(res): // the outbox went with the ban
			return
		case err == nil && (res.Status == 200 || res.Status == 201):
			delay = minRetry
			r.remove(id)
			// Every tab shows it sent now, without waiting for the stream
			// (which does not replay a message sent before a page reload).
			stored := res.Body.Get("message")
			r.handle("message", stored)
			r.tabs.Post(msgEvent, js.ValueOf([]any{"message", stored}))
		case err == nil && res.Status == 429:
			r.pause(max(res.RetryAfter*1000, minRetry))
		case err != nil || res.Status >= 500:
			r.waiting(out)
			r.pause(delay - int(js.Global().Get("Math").Call("random").Float()*float64(delay/2)))
			delay = min(delay*2, maxRetry)
		default:
			r.remove(id)
			r.resolve(id, sendResult{err: apiError("send", res)})
			r.tabs.Post(msgFail, js.ValueOf(id))
		}
	}
}

// deliver posts one message, starting the conversation first when there is
// none. r.net is taken for the start.
func (r *Remote) deliver(clientID, text string) (transport.Response, error) {
	r.net.Lock()
	if r.client.Token() == "" {
		if err := r.start(); err != nil {
			r.net.Unlock()
			return transport.Response{Status: 503}, err
		}
	}
	r.net.Unlock()
	res, err := r.client.Do("POST", "/api/v1/conversation/messages", ui.Object("id", clientID, "body", text))
	if err != nil || res.Status != 200 && res.Status != 201 {
		return res, err
	}
	r.store.Set(tokenKey, r.client.Token()) // renewed while the visitor uses the chat
	_, n := message(res.Body.Get("message"))
	r.mu.Lock()
	if r.stream == nil {
		r.lastID = max(r.lastID, n-1) // the stream replays this message and any after it
	}
	r.connect()
	r.mu.Unlock()
	return res, nil
}

// waiting shows the entries of out as waiting for the network, here and in
// the other tabs.
func (r *Remote) waiting(out js.Value) {
	for i := 0; i < out.Length(); i++ {
		e := out.Index(i)
		r.state(e)
		r.tabs.Post(msgWait, e)
	}
}

// pause waits up to ms milliseconds, or until the network comes back or a
// new entry is queued.
func (r *Remote) pause(ms int) {
	var f js.Func
	f = js.FuncOf(func(js.Value, []js.Value) any {
		r.kick()
		return nil
	})
	timer := js.Global().Call("setTimeout", f, ms)
	<-r.wake
	js.Global().Call("clearTimeout", timer)
	f.Release()
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
		// The leader starts the conversation: it needs the pre-chat
		// details typed here, and the invitation this tab showed.
		e.Set("details", r.details)
		e.Set("invite", r.Invite)
		r.mine[clientID] = e
		r.tabs.Post(msgSend, e)
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
