//go:build js && wasm

package views

import (
	"strconv"
	"syscall/js"

	"github.com/crumbless/crumbless/internal/shared/decimal"
)

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
	From     string // "visitor", "agent" or "invite" (the invitation the visitor saw, as the server keeps it)
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
	// Rate sends the visitor's rating ("good" or "bad", and an optional
	// comment) of the resolved conversation.
	Rate(score, comment string) error
	// Restore makes the conversation token opens this tab's (a restore
	// code was exchanged for it; the caller keeps the token and asks for
	// the history): the live events follow it from its first message. It
	// reports false, changing nothing, when token is this tab's already.
	Restore(token string) bool
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
	// State, when set, gets whether the team resolved the conversation
	// and whether the visitor rated this resolution, as History learns it
	// and whenever it changes.
	State func(resolved, rated bool)
	// Typing, when set, gets the agent's typing: their display name ("" when
	// the server sent none) and whether they are typing.
	Typing func(name string, typing bool)
}

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

// nowMs is the time in unix ms; tests freeze it.
var nowMs = func() int64 { return int64(js.Global().Get("Date").Call("now").Float()) }

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
