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
	lease        string // its stream lease in a shared database, if any (Server.subscribe)
	conversation int64  // 0: an agent, sees every conversation; publicStream: presence only
	addr         string // the client's network (clientKey), for the per-address cap
	ch           chan event
	// behind is set, before ch is closed, when the subscriber was dropped
	// for a full queue (it may be read once ch is closed).
	behind bool
}

// hubLimits caps the open streams: per visitor conversation, per client
// network and in all.
type hubLimits struct {
	perConversation, perAddress, total int
}

// subscribeError says which cap refused a stream.
type subscribeError int

const (
	errHubClosed subscribeError = iota + 1
	errConversationFull
	errAddressFull
	errHubFull
)

func (e subscribeError) Error() string {
	switch e {
	case errHubClosed:
		return "hub closed"
	case errConversationFull:
		return "too many streams for this conversation"
	case errAddressFull:
		return "too many streams from this address"
	}
	return "too many streams"
}

// hub fans events out to the open streams of this process. Streams are
// indexed by what they receive, so that an event for one conversation
// costs the streams of that conversation and the agents', not a walk of
// every stream.
type hub struct {
	mu      sync.Mutex
	convs   map[int64]map[*subscriber]struct{} // visitor streams by conversation
	agents  map[*subscriber]struct{}
	public  map[*subscriber]struct{} // availability streams
	perAddr map[string]int
	total   int
	limits  hubLimits
	closed  bool
	// relay, when instances share the database (fanout.go), sees every
	// published event first; it takes over those it returns true for.
	relay func(event) bool
}

// newHub returns a hub with the given caps; a cap of 0 or less is none.
func newHub(limits hubLimits) *hub {
	return &hub{
		convs:   map[int64]map[*subscriber]struct{}{},
		agents:  map[*subscriber]struct{}{},
		public:  map[*subscriber]struct{}{},
		perAddr: map[string]int{},
		limits:  limits,
	}
}

// subscribe opens a stream for a visitor's conversation, for an agent when
// conversation is 0, or for availability (publicStream), from the client
// network addr. The caps are checked and the stream counted under one
// lock, so that concurrent opens cannot pass a cap together. The error is
// a subscribeError.
func (h *hub) subscribe(conversation int64, addr string) (*subscriber, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	switch {
	case h.closed:
		return nil, errHubClosed
	case h.limits.total > 0 && h.total >= h.limits.total:
		return nil, errHubFull
	case h.limits.perAddress > 0 && h.perAddr[addr] >= h.limits.perAddress:
		return nil, errAddressFull
	case conversation > 0 && h.limits.perConversation > 0 && len(h.convs[conversation]) >= h.limits.perConversation:
		return nil, errConversationFull
	}
	s := &subscriber{conversation: conversation, addr: addr, ch: make(chan event, 64)}
	switch {
	case conversation == 0:
		h.agents[s] = struct{}{}
	case conversation == publicStream:
		h.public[s] = struct{}{}
	default:
		set := h.convs[conversation]
		if set == nil {
			set = map[*subscriber]struct{}{}
			h.convs[conversation] = set
		}
		set[s] = struct{}{}
	}
	h.perAddr[addr]++
	h.total++
	return s, nil
}

// unsubscribe closes s's channel unless that was done already.
func (h *hub) unsubscribe(s *subscriber) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.drop(s)
}

// drop removes s and closes its channel, once; h.mu is held.
func (h *hub) drop(s *subscriber) {
	var set map[*subscriber]struct{}
	switch {
	case s.conversation == 0:
		set = h.agents
	case s.conversation == publicStream:
		set = h.public
	default:
		set = h.convs[s.conversation]
	}
	if _, ok := set[s]; !ok {
		return
	}
	delete(set, s)
	if len(set) == 0 && s.conversation > 0 {
		delete(h.convs, s.conversation)
	}
	if h.perAddr[s.addr]--; h.perAddr[s.addr] <= 0 {
		delete(h.perAddr, s.addr)
	}
	h.total--
	close(s.ch)
}

// count returns how many streams a conversation's visitor has open.
func (h *hub) count(conversation int64) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.convs[conversation])
}

// open returns how many streams are open in all and from addr.
func (h *hub) open(addr string) (total, fromAddr int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.total, h.perAddr[addr]
}

// publish delivers ev without blocking, here and, through the relay, on
// the other instances.
func (h *hub) publish(ev event) {
	if h.relay != nil && h.relay(ev) {
		return
	}
	h.deliver(ev)
}

// deliver delivers ev to this process's streams that want it, without
// blocking: the conversation's visitor streams, the agents', the
// availability streams, and, for presence (ToVisitors), every visitor
// stream.
func (h *hub) deliver(ev event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if ev.ToAgents {
		h.send(h.agents, ev)
	}
	if ev.ToPublic {
		h.send(h.public, ev)
	}
	switch {
	case ev.ToVisitors:
		for _, set := range h.convs {
			h.send(set, ev)
		}
	case ev.ToVisitor:
		if set := h.convs[ev.Conversation]; set != nil {
			h.send(set, ev)
		}
	}
	if ev.Name == eventErased {
		h.endConversation(ev.Conversation)
	}
}

// send puts ev on every stream of set; h.mu is held.
func (h *hub) send(set map[*subscriber]struct{}, ev event) {
	for s := range set {
		select {
		case s.ch <- ev:
		default: // too slow: drop it; it resumes from Last-Event-ID
			s.behind = true
			h.drop(s)
		}
	}
}

// close ends every stream and refuses new ones (server shutdown).
func (h *hub) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	for s := range h.agents {
		h.drop(s)
	}
	for s := range h.public {
		h.drop(s)
	}
	for _, set := range h.convs {
		for s := range set {
			h.drop(s)
		}
	}
}
