package chat

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"time"

	"github.com/crumbless/crumbless/server/storage"
)

// fanout joins the server instances that share a database (a Store that
// is a storage.Fanout: PostgreSQL), so that a stream on any instance gets
// every event, whichever instance it happened on.
//
// Messages go through the database. An instance that hears of a new one —
// its own, another's by NOTIFY, or the catch-up tick — reads every message
// above the last it delivered, oldest first, and delivers those. Message
// ids become visible in commit order (storage.Postgres), so this never
// skips one and never delivers one twice, and Last-Event-ID resume works
// on any instance.
//
// Other events (typing, read, banned, conversation counts, submissions)
// are delivered here at once and announced to the others with a small
// notice: ids only for rows (the others read the conversation or the
// submission), the payload itself for typing, read and ban events, which
// are a few ids and codes.
type fanout struct {
	store  storage.Fanout
	srv    *Server
	origin string // this instance, to skip its own notices

	out  chan notice   // to Notify, in order, off the request path
	wake chan struct{} // new messages to read

	stop context.CancelFunc
	done chan struct{}
}

// notice is what travels in NOTIFY: never a message body or form fields.
type notice struct {
	Origin       string          `json:"o"`
	Name         string          `json:"n"`
	Conversation int64           `json:"c,omitempty"`
	ID           int64           `json:"i,omitempty"` // message or submission id
	ToVisitor    bool            `json:"v,omitempty"`
	ToAgents     bool            `json:"a,omitempty"`
	Data         json.RawMessage `json:"d,omitempty"`
}

// catchUp is how often an instance looks for messages it was not told
// about (a lost notice: the database was briefly unreachable).
const catchUp = 5 * time.Second

// startFanout starts listening and relaying for s, which must not serve
// before this returns.
func startFanout(s *Server, store storage.Fanout) *fanout {
	b := make([]byte, 8)
	rand.Read(b)
	ctx, cancel := context.WithCancel(context.Background())
	f := &fanout{
		store: store, srv: s, origin: hex.EncodeToString(b),
		out: make(chan notice, 4096), wake: make(chan struct{}, 1),
		stop: cancel, done: make(chan struct{}),
	}
	// Deliver only messages stored from now on (a stream replays older
	// ones itself from Last-Event-ID).
	after, err := retry(ctx, func() (int64, error) { return store.LastMessageID(ctx) })
	if err != nil {
		s.log.Error("fanout: newest message id; the pump will ask again", "err", err)
		after = -1
	}
	listening := make(chan struct{})
	var once bool
	go func() {
		defer close(f.done)
		go f.send(ctx)
		if rl, ok := store.(storage.RateLimits); ok {
			sweepDone := make(chan struct{})
			defer func() { <-sweepDone }()
			go func() {
				defer close(sweepDone)
				f.sweep(ctx, rl)
			}()
		}
		if s.leases != nil {
			leasesDone := make(chan struct{})
			defer func() { <-leasesDone }()
			go func() {
				defer close(leasesDone)
				f.refreshLeases(ctx, s.leases)
			}()
		}
		if s.shared != nil {
			presenceDone := make(chan struct{})
			defer func() { <-presenceDone }()
			go func() {
				defer close(presenceDone)
				s.shared.run(ctx, f)
			}()
		}
		go f.store.Listen(ctx, f.heard, func(err error) {
			if err != nil {
				s.log.Warn("fanout: listener lost; reconnecting", "err", err)
				return
			}
			if !once {
				once = true
				close(listening)
			} else {
				s.log.Info("fanout: listening again")
			}
			f.poke() // what was notified meanwhile is lost: catch up
		})
		f.pump(ctx, after)
	}()
	select { // a moment to listen before serving; the pump catches up anyway
	case <-listening:
	case <-time.After(10 * time.Second):
		s.log.Warn("fanout: not listening yet; continuing")
	}
	return f
}

// close stops relaying.
func (f *fanout) close() {
	f.stop()
	<-f.done
}

// publish is the hub's relay: it announces ev to the other instances and
// takes over message events, which the pump delivers here too, in order.
func (f *fanout) publish(ev event) bool {
	n := notice{Origin: f.origin, Name: ev.Name, Conversation: ev.Conversation, ToVisitor: ev.ToVisitor, ToAgents: ev.ToAgents}
	taken := false
	switch {
	case ev.Name == "message" && ev.ID != 0:
		n.ID = ev.ID
		taken = true
		f.poke()
	case ev.Name == "conversation": // the others read it
	case ev.Name == "submission":
		var sub struct {
			ID int64 `json:"id"`
		}
		if err := json.Unmarshal(ev.Data, &sub); err != nil || sub.ID == 0 {
			f.srv.log.Error("fanout: submission event without an id", "err", err)
			return false
		}
		n.ID = sub.ID
	default:
		n.Data = ev.Data
	}
	if len(n.Data) > storage.MaxNotice-200 {
		f.srv.log.Error("fanout: event too large to relay", "event", ev.Name, "bytes", len(n.Data))
		return taken
	}
	select {
	case f.out <- n:
	default: // the database is not keeping up; messages are caught up by the tick
		f.srv.log.Warn("fanout: notice queue full; dropped", "event", ev.Name)
	}
	return taken
}

// send notifies the queued notices in order.
func (f *fanout) send(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case n := <-f.out:
			payload, _ := json.Marshal(n)
			nctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			if err := f.store.Notify(nctx, payload); err != nil && ctx.Err() == nil {
				f.srv.log.Warn("fanout: notify", "event", n.Name, "err", err)
			}
			cancel()
		}
	}
}

// heard handles one notice from any instance (in commit order).
func (f *fanout) heard(payload []byte) {
	var n notice
	if err := json.Unmarshal(payload, &n); err != nil {
		f.srv.log.Warn("fanout: bad notice", "err", err)
		return
	}
	if n.Name == "message" {
		f.poke()
		return
	}
	if n.Name == "presence" {
		if n.Origin != f.origin && f.srv.shared != nil {
			f.srv.shared.poke()
		}
		return
	}
	if n.Origin == f.origin {
		return // delivered here when published
	}
	ev := event{Name: n.Name, Conversation: n.Conversation, ToVisitor: n.ToVisitor, ToAgents: n.ToAgents, Data: n.Data}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	switch n.Name {
	case "conversation":
		c, err := f.srv.store.Conversation(ctx, n.Conversation)
		if err != nil {
			f.srv.log.Warn("fanout: conversation", "id", n.Conversation, "err", err)
			return
		}
		ev.Data = mustJSON(toAgentJSON(c))
	case "submission":
		sub, err := f.srv.store.Submission(ctx, n.ID)
		if err != nil {
			f.srv.log.Warn("fanout: submission", "id", n.ID, "err", err)
			return
		}
		ev.Data = mustJSON(toSubmissionJSON(sub))
	}
	f.srv.hub.deliver(ev)
}

// announcePresence tells the other instances that this one's presence
// changed, so that they look again.
func (f *fanout) announcePresence() {
	select {
	case f.out <- notice{Origin: f.origin, Name: "presence"}:
	default:
		f.srv.log.Warn("fanout: notice queue full; dropped", "event", "presence")
	}
}

// sweep forgets the shared rate limits' idle buckets every minute.
func (f *fanout) sweep(ctx context.Context, rl storage.RateLimits) {
	tick := time.NewTicker(time.Minute)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			if err := rl.SweepRateLimits(sctx, idleKey); err != nil && ctx.Err() == nil {
				f.srv.log.Warn("fanout: sweep rate limits", "err", err)
			}
			cancel()
		}
	}
}

// refreshLeases keeps this instance's stream leases alive every presence
// beat; leases of an instance that stopped refreshing lapse after three.
func (f *fanout) refreshLeases(ctx context.Context, l storage.StreamLeases) {
	beat := f.srv.cfg.PresenceBeat
	tick := time.NewTicker(beat)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			rctx, cancel := context.WithTimeout(ctx, beat)
			if err := l.RefreshStreams(rctx, f.origin, 3*beat); err != nil && ctx.Err() == nil {
				f.srv.log.Warn("fanout: refresh stream leases", "err", err)
			}
			cancel()
		}
	}
}

// notifyPresence is announcePresence at once, for when the queue has
// stopped (shutdown).
func (f *fanout) notifyPresence(ctx context.Context) {
	payload, _ := json.Marshal(notice{Origin: f.origin, Name: "presence"})
	if err := f.store.Notify(ctx, payload); err != nil {
		f.srv.log.Warn("fanout: notify", "event", "presence", "err", err)
	}
}

func (f *fanout) poke() {
	select {
	case f.wake <- struct{}{}:
	default: // a read is pending already
	}
}

// pump delivers the messages above after, in id order, whenever woken and
// on every catch-up tick. A negative after is not known yet: the newest id
// is asked first.
func (f *fanout) pump(ctx context.Context, after int64) {
	tick := time.NewTicker(catchUp)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-f.wake:
		case <-tick.C:
		}
		if after < 0 {
			last, err := f.store.LastMessageID(ctx)
			if err != nil {
				continue
			}
			after = last
		}
		for {
			msgs, err := f.srv.store.AllMessages(ctx, after, 500)
			if err != nil {
				if ctx.Err() == nil {
					f.srv.log.Warn("fanout: read messages", "after", after, "err", err)
				}
				break
			}
			for _, m := range msgs {
				f.srv.hub.deliver(event{ID: m.ID, Name: "message", Conversation: m.ConversationID, ToVisitor: true, ToAgents: true,
					Data: mustJSON(toMessageJSON(m))})
				after = m.ID
			}
			if len(msgs) < 500 {
				break
			}
		}
	}
}

// retry calls fn until it succeeds, up to 5 times over about 3 s.
func retry[T any](ctx context.Context, fn func() (T, error)) (T, error) {
	var v T
	var err error
	for try, pause := 0, 100*time.Millisecond; try < 5; try, pause = try+1, 2*pause {
		if v, err = fn(); err == nil {
			return v, nil
		}
		select {
		case <-ctx.Done():
			return v, ctx.Err()
		case <-time.After(pause):
		}
	}
	return v, err
}
