//go:build js && wasm

// Package tabs lets the widget's tabs in one browser share what must exist
// once per visitor: one tab, the leader, holds the live connections and
// passes what it hears to the others over a BroadcastChannel; the others
// ask it to send for them.
//
// The leader is the tab that holds the Web Lock "<prefix>leader". When its
// tab closes the browser hands the lock to the next tab in line at once; a
// tab that the browser freezes (Page Lifecycle "freeze", or the back/forward
// cache) lets go of it first and queues again when it comes back.
//
// A tab without Web Locks or BroadcastChannel, or one whose store keeps
// everything in memory (storage blocked, or no consent yet), is on its own:
// it leads itself and shares nothing. Nothing here writes to storage.
package tabs

import (
	"strconv"
	"syscall/js"

	"github.com/crumbless/crumbless/wasm/store"
	"github.com/crumbless/crumbless/wasm/ui"
)

// The messages the tabs pass among themselves, besides those of the
// package's users (Post and Handle; a user may handle Lead too).
const (
	// Lead: the tab that posts it became the leader. No data. The others
	// tell the new leader what they need from it.
	Lead = "lead"
	// msgHello: a tab joined. No data. The tab the visitor looked at last
	// answers with msgSeen, so that the newcomer knows who rings.
	msgHello = "hello"
	// msgBye: a tab left (closed or frozen). No data.
	msgBye = "bye"
	// msgSeen: the visitor looked at the posting tab. Data: when (unix ms).
	msgSeen = "seen"
)

// Tabs is this tab's membership of the visitor's tabs.
type Tabs struct {
	id       string
	prefix   string
	bus      js.Value // the BroadcastChannel; undefined while alone
	leader   bool
	release  js.Value      // resolves the promise that holds the lock; null while queued
	abort    js.Value      // the AbortController of the queued request
	want     bool          // this tab should be in line for the lock (not frozen, not closed)
	settled  chan struct{} // closed when the last lock request has ended
	handlers map[string]func(js.Value)
	onLeader []func(bool)
	seenAt   float64 // when the tab the visitor looked at last became visible
	seenTab  string  // that tab ("" unknown)
	on       ui.Listeners
	closed   bool

	// The storage transport (lease.go), without Web Locks or BroadcastChannel.
	st     *store.Store
	ticker js.Value // the interval that renews the lease
	tickFn js.Value
	n      int // makes every "bus" value new, so that each fires a storage event
}

// New returns this tab under prefix, undecided: it leads nothing and
// shares nothing until Share or Alone.
func New(prefix string) *Tabs {
	return &Tabs{id: newID(), prefix: prefix, handlers: map[string]func(js.Value){}, bus: js.Undefined()}
}

// Join is New followed by Share (shared) or Alone.
func Join(prefix string, shared bool) *Tabs {
	t := New(prefix)
	if shared {
		t.Share(nil)
	} else {
		t.Alone()
	}
	return t
}

// Alone makes an undecided tab keep to itself: it leads itself.
func (t *Tabs) Alone() {
	if !t.Shared() {
		t.setLeader(true)
	}
}

// Share makes the tab one of the visitor's tabs: it stops leading (if it
// led itself) and queues for the lock, granted at once when no other tab
// holds it. Without Web Locks or BroadcastChannel the tabs share through
// st (a lease and storage events, lease.go); with neither those nor st the
// tab stays (or becomes) alone. It does nothing when the tab already
// shares.
func (t *Tabs) Share(st *store.Store) {
	if t.Shared() || t.closed {
		return
	}
	switch {
	case native():
		t.bus = js.Global().Get("BroadcastChannel").New(t.prefix + "tabs")
		t.on.On(t.bus, "message", func(ev js.Value) {
			if msg := ev.Get("data"); js.Global().Get("Array").Call("isArray", msg).Bool() && msg.Length() == 3 {
				t.receive(msg.Index(0).String(), msg.Index(1).String(), msg.Index(2))
			}
		})
	case st != nil:
		t.shareByStorage(st)
	default:
		t.Alone()
		return
	}
	win := js.Global()
	doc := win.Get("document")
	t.on.On(doc, "visibilitychange", func(js.Value) { t.look() })
	leave := func(js.Value) {
		t.Post(msgBye, js.Undefined())
		t.resign()
	}
	back := func(js.Value) { t.request() }
	t.on.On(doc, "freeze", leave) // frozen, or into the back/forward cache
	t.on.On(win, "pagehide", leave)
	t.on.On(doc, "resume", back)
	t.on.On(win, "pageshow", back)
	// Not leading, now one of the tabs: the users hear it even when this
	// tab never led, so that they can tell the leader what they need.
	t.leader = false
	t.told(false)
	t.request()
	t.Post(msgHello, js.Undefined())
	t.look()
}

// native reports whether the browser has Web Locks and BroadcastChannel.
func native() bool {
	return js.Global().Get("navigator").Get("locks").Truthy() && js.Global().Get("BroadcastChannel").Truthy()
}

// ID is this tab's identity.
func (t *Tabs) ID() string { return t.id }

// Claim takes up the identity this tab had before a reload (stored, ""
// for none) unless another live tab holds it, and returns the identity and
// whether it is new (to be stored). A duplicated tab, whose sessionStorage
// the browser copied, finds the original's identity held and keeps the new
// one New gave it. A tab holds the Web Lock "<prefix>tab:<id>" for its
// life; the page a reload replaces may still hold it for a moment, so a
// held lock is asked for again a few times before the identity counts as
// taken. Without Web Locks a duplicate cannot be told from a reload: every
// page load gets a new identity. A tab without a stored identity keeps its
// new one and returns at once (no other tab can hold a random identity
// that was never stored); otherwise Claim waits for the browser: call it
// from a goroutine, never from an event callback, and before Share.
func (t *Tabs) Claim(stored string) (id string, fresh bool) { return t.StartClaim(stored)() }

// StartClaim is Claim in two steps: it asks for the stored identity's lock
// at once and returns the function that waits for the answer (and asks
// again when the lock is held). Work done between the two overlaps the
// browser's answer.
func (t *Tabs) StartClaim(stored string) (claimed func() (id string, fresh bool)) {
	if !js.Global().Get("navigator").Get("locks").Truthy() {
		return func() (string, bool) { return t.id, true } // no way to tell a duplicate from a reload: a new identity every time
	}
	if stored == "" {
		t.hold(t.id)
		return func() (string, bool) { return t.id, true }
	}
	answer := t.hold(stored)
	return func() (string, bool) {
		for try := 0; try < 5; try++ {
			if try > 0 {
				ui.Sleep(100)
				answer = t.hold(stored)
			}
			if <-answer {
				t.id = stored
				return t.id, false
			}
		}
		t.hold(t.id)
		return t.id, true
	}
}

// hold asks for the identity lock of id without waiting in line and, when
// it is free, keeps it for the page's life. The channel tells whether it
// was free.
func (t *Tabs) hold(id string) <-chan bool {
	got := make(chan bool, 1)
	var f js.Func
	f = js.FuncOf(func(_ js.Value, args []js.Value) any {
		f.Release()
		if args[0].IsNull() {
			got <- false
			return nil
		}
		got <- true
		return js.Global().Get("Promise").New(js.FuncOf(func(js.Value, []js.Value) any { return nil })) // never settles
	})
	js.Global().Get("navigator").Get("locks").Call("request", t.prefix+"tab:"+id, ui.Object("ifAvailable", true), f)
	return got
}

// Leader reports whether this tab holds the live connections.
func (t *Tabs) Leader() bool { return t.leader }

// Shared reports whether this tab takes part with other tabs.
func (t *Tabs) Shared() bool { return !t.bus.IsUndefined() }

// OnLeader calls fn whenever this tab becomes the leader (true) or stops
// being it (false), and with false when the tab joins the others (Share)
// without leading. It runs on the event loop and must not block.
func (t *Tabs) OnLeader(fn func(bool)) { t.onLeader = append(t.onLeader, fn) }

// Handle calls fn with the data of every message of kind another tab posts.
// It runs on the event loop and must not block.
func (t *Tabs) Handle(kind string, fn func(data js.Value)) { t.handlers[kind] = fn }

// Post sends data (anything structured clone takes) to every other tab.
func (t *Tabs) Post(kind string, data js.Value) {
	switch {
	case t.closed:
	case t.st != nil:
		t.n++
		t.st.Set("bus", js.ValueOf([]any{kind, t.id, data, t.n}))
	case !t.bus.IsUndefined():
		t.bus.Call("postMessage", []any{kind, t.id, data})
	}
}

// Ring reports whether this tab is the one to make a sound for a new
// message: the tab the visitor looked at last (visible now, or the last
// one that was), or the leader when no tab has been looked at.
func (t *Tabs) Ring() bool {
	return t.seenTab == t.id || t.seenTab == "" && t.leader
}

// Close lets go of the lock and the channel (crumbless('destroy')).
func (t *Tabs) Close() {
	if t.closed {
		return
	}
	t.resign()
	t.closed = true
	t.on.Release()
	if t.bus.Type() == js.TypeObject {
		t.bus.Call("close")
	}
	// The lock request settles in a moment: the program must not end before
	// (its callback would call into a program that is gone).
	if settled := t.settled; settled != nil {
		ui.Go(func() { <-settled })
	}
}

// request queues for the leader lock. While an earlier request is still
// settling, that one queues again when it ends.
func (t *Tabs) request() {
	t.want = !t.closed
	if t.st != nil {
		t.startLease()
		return
	}
	if !t.want || t.leader || !t.release.IsUndefined() {
		return
	}
	var hold, granted, ended js.Func
	settled := make(chan struct{})
	granted = js.FuncOf(func(_ js.Value, args []js.Value) any {
		return js.Global().Get("Promise").New(hold)
	})
	hold = js.FuncOf(func(_ js.Value, args []js.Value) any {
		t.release = args[0]
		if t.closed {
			t.resign()
			return nil
		}
		t.setLeader(true)
		t.Post(Lead, js.Undefined())
		return nil
	})
	ended = js.FuncOf(func(js.Value, []js.Value) any {
		// Released here, or stolen: either way not the leader any more.
		t.release = js.Undefined()
		t.setLeader(false)
		granted.Release()
		hold.Release()
		ended.Release()
		close(settled)
		if t.want {
			t.request()
		}
		return nil
	})
	t.release = js.Null() // queued: not requested twice
	t.settled = settled
	t.abort = js.Global().Get("AbortController").New()
	js.Global().Get("navigator").Get("locks").Call("request", t.prefix+"leader",
		ui.Object("signal", t.abort.Get("signal")), granted).Call("then", ended, ended)
}

// resign lets go of the lock, or leaves the queue for it: a frozen tab must
// not be handed the lock it could not use.
func (t *Tabs) resign() {
	t.want = false
	switch {
	case t.st != nil:
		t.stopLease()
	case t.release.Type() == js.TypeFunction:
		t.release.Invoke()
		t.release = js.Null() // the request settles in a moment
		t.setLeader(false)
	case t.release.IsNull():
		t.abort.Call("abort")
	}
}

func (t *Tabs) setLeader(v bool) {
	if t.leader == v {
		return
	}
	t.leader = v
	t.told(v)
}

// told calls the OnLeader functions with leader.
func (t *Tabs) told(leader bool) {
	for _, fn := range t.onLeader {
		fn(leader)
	}
}

// look records that the visitor is looking at this tab, and tells the others.
func (t *Tabs) look() {
	if js.Global().Get("document").Get("visibilityState").String() != "visible" {
		return
	}
	at := js.Global().Get("Date").Call("now").Float()
	t.seen(at, t.id)
	t.Post(msgSeen, js.ValueOf(at))
}

// seen keeps the latest tab looked at; ties go to the larger id, so every
// tab agrees.
func (t *Tabs) seen(at float64, tab string) {
	if at > t.seenAt || at == t.seenAt && tab > t.seenTab {
		t.seenAt, t.seenTab = at, tab
	}
}

// receive handles one message from another tab.
func (t *Tabs) receive(kind, from string, data js.Value) {
	if from == t.id {
		return // the storage transport: another tab with this identity is a duplicate not yet told apart
	}
	switch kind {
	case msgSeen:
		if data.Type() == js.TypeNumber {
			t.seen(data.Float(), from)
		}
	case msgBye:
		if from == t.seenTab {
			t.seenAt, t.seenTab = 0, ""
		}
	case msgHello:
		if t.seenTab == t.id { // the newcomer learns who was looked at last
			t.Post(msgSeen, js.ValueOf(t.seenAt))
		}
	}
	if fn := t.handlers[kind]; fn != nil {
		fn(data)
	}
}

// newID is a random tab id.
func newID() string {
	m := js.Global().Get("Math")
	return strconv.FormatInt(int64(m.Call("random").Float()*(1<<53)), 36)
}
