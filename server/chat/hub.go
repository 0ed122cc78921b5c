package chat

import (
	"sync"
)

// event is one thing that happened, as sent on the SSE streams. ID is the
// message id for message events (the stream's resume point) and 0 for the
// ephemeral ones (typing, read, banned, conversation, submission).
type event struct {
	ID           int64
	Name         string
	Data         []byte
	Conversation int64
	ToVisitor    bool // delivered to the conversation's visitor streams
	ToAgents     bool // delivered to every agent stream
	ToVisitors   bool // delivered to every visitor stream (presence)
	ToPublic     bool // delivered to every availability stream
}

// publicStream is the subscriber "conversation" of an availability stream
// (GET /api/v1/availability/events): no conversation, presence only.
const publicStream = -1

// subscriber is one open stream. Its channel is buffered; a subscriber that
// falls behind is dropped (its channel closed) rather than slowing the
// others down, and reconnects with Last-Event-ID.
type subscriber struct {
	conversation int64 // 0: an agent, sees every conversation; publicStream: presence only
	ch           chan event
}

// hub fans events out to the open streams of this process.
type hub struct {
	mu     sync.Mutex
	subs   map[*subscriber]struct{}
	closed bool
	// relay, when instances share the database (fanout.go), sees every
	// published event first; it takes over those it returns true for.
	relay func(event) bool
}

func newHub() *hub { return &hub{subs: map[*subscriber]struct{}{}} }

// subscribe opens a stream for a visitor's conversation, or for an agent
// when conversation is 0. It returns nil once the hub is closed.
func (h *hub) subscribe(conversation int64) *subscriber {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil
	}
	s := &subscriber{conversation: conversation, ch: make(chan event, 64)}
	h.subs[s] = struct{}{}
	return s
}

// unsubscribe closes s's channel unless that was done already.
func (h *hub) unsubscribe(s *subscriber) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.subs[s]; ok {
		delete(h.subs, s)
		close(s.ch)
	}
}

// count returns how many streams a conversation's visitor has open.
func (h *hub) count(conversation int64) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for s := range h.subs {
		if s.conversation == conversation {
			n++
		}
	}
	return n
}

// publish delivers ev without blocking, here and, through the relay, on
// the other instances.
func (h *hub) publish(ev event) {
	if h.relay != nil && h.relay(ev) {
		return
	}
	h.deliver(ev)
}

// deliver delivers ev to this process's streams without blocking.
func (h *hub) deliver(ev event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs {
		if !s.wants(ev) {
			continue
		}
		select {
		case s.ch <- ev:
		default: // too slow: drop it; it resumes from Last-Event-ID
			delete(h.subs, s)
			close(s.ch)
		}
	}
}

// wants reports whether ev goes to s's stream.
func (s *subscriber) wants(ev event) bool {
	switch {
	case s.conversation == 0:
		return ev.ToAgents
	case s.conversation == publicStream:
		return ev.ToPublic
	}
	return ev.ToVisitors || ev.ToVisitor && s.conversation == ev.Conversation
}

// close ends every stream and refuses new ones (server shutdown).
func (h *hub) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	for s := range h.subs {
		delete(h.subs, s)
		close(s.ch)
	}
}
