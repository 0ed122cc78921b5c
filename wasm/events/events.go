//go:build js && wasm

// Package events delivers the widget's events to the functions the page
// registered with crumbless('on', event, fn).
//
// Views report what happened through a *Hub (a nil *Hub ignores everything,
// so views work without one in tests); package api owns the Hub and wires
// crumbless('on') and crumbless('off') to it.
package events

import "syscall/js"

// Names are the events a page can listen to (CONTRACT §4), in the order
// docs/embedding.md documents them.
// The invite:* events come from the loader's side (static/invite.js); the
// runtime knows them so that listeners queued for them are kept.
var Names = []string{"ready", "open", "close", "navigate", "message", "unread", "theme", "lang", "consent", "invite:shown", "invite:closed", "invite:clicked"}

// Known reports whether name is one of Names.
func Known(name string) bool {
	for _, n := range Names {
		if n == name {
			return true
		}
	}
	return false
}

// Hub holds the page's listeners by event name.
type Hub struct {
	listeners map[string][]js.Value
	held      []event // emitted before Resume
	resumed   bool
}

type event struct {
	name   string
	detail js.Value
}

// NewHub returns an empty Hub that holds the events emitted until Resume:
// the runtime starts (and may open the panel the visitor clicked) before the
// page's queued crumbless('on', …) calls are replayed, and those listeners
// should still hear it.
func NewHub() *Hub { return &Hub{listeners: map[string][]js.Value{}} }

// Resume makes later events go to the listeners as they are emitted and
// returns a function that delivers the events held so far to the listeners
// registered by the time it is called.
func (h *Hub) Resume() (deliverHeld func()) {
	h.resumed = true
	held := h.held
	h.held = nil
	return func() {
		for _, e := range held {
			h.deliver(e.name, e.detail)
		}
	}
}

// On adds fn (a JS function) to the listeners of name. Adding the same
// function twice keeps one registration, as addEventListener does.
func (h *Hub) On(name string, fn js.Value) {
	for _, l := range h.listeners[name] {
		if l.Equal(fn) {
			return
		}
	}
	h.listeners[name] = append(h.listeners[name], fn)
}

// Off removes fn from the listeners of name; an unknown fn is ignored.
func (h *Hub) Off(name string, fn js.Value) {
	ls := h.listeners[name]
	for i, l := range ls {
		if l.Equal(fn) {
			h.listeners[name] = append(ls[:i:i], ls[i+1:]...)
			return
		}
	}
}

// Count returns how many listeners name has.
func (h *Hub) Count(name string) int {
	if h == nil {
		return 0
	}
	return len(h.listeners[name])
}

// Emit calls every listener of name with detail (converted by js.ValueOf;
// nil becomes an empty object; until Resume it is held). Listeners run in registration order in a
// microtask, outside the Go runtime: a listener that throws is reported to
// the page like any other uncaught error and cannot stop the widget. Emit on
// a nil Hub does nothing.
func (h *Hub) Emit(name string, detail map[string]any) {
	if h == nil {
		return
	}
	d := js.ValueOf(detail)
	if detail == nil {
		d = js.Global().Get("Object").New()
	}
	if !h.resumed {
		h.held = append(h.held, event{name, d})
		return
	}
	h.deliver(name, d)
}

func (h *Hub) deliver(name string, d js.Value) {
	queue := js.Global().Get("queueMicrotask")
	for _, fn := range h.listeners[name] {
		queue.Invoke(fn.Call("bind", js.Null(), d))
	}
}

// Clear removes every listener and every held event.
func (h *Hub) Clear() {
	if h != nil {
		h.listeners, h.held = map[string][]js.Value{}, nil
	}
}
