//go:build js && wasm

package tabs

import (
	"syscall/js"

	"github.com/crumbless/crumbless/wasm/store"
	"github.com/crumbless/crumbless/wasm/ui"
)

// Without Web Locks or BroadcastChannel the tabs share through storage:
// the leader is whoever holds the lease under the registry key "leader"
// ({"tab", "until": unix ms}), renewed every renewEvery and given up on
// pagehide or freeze; messages travel as the key "bus" ([kind, sender,
// data, n]), which other tabs hear in their storage events. A lease left by
// a tab that died runs out after leaseFor, so a follower takes over within
// leaseFor + 2 × renewEvery: it claims the lease on one tick and leads once
// the next tick still finds its claim.
const (
	renewEvery = 400  // ms
	leaseFor   = 1200 // ms
)

// shareByStorage starts the storage transport.
func (t *Tabs) shareByStorage(st *store.Store) {
	t.st = st
	t.bus = js.Null() // shared, without a channel
	t.on.On(js.Global(), "storage", func(ev js.Value) {
		if ev.Get("key").String() != t.prefix+"bus" || ev.Get("newValue").Type() != js.TypeString {
			return
		}
		var env js.Value
		func() {
			defer func() { recover() }() // not JSON: not ours to read
			env = js.Global().Get("JSON").Call("parse", ev.Get("newValue"))
		}()
		if env.Type() == js.TypeObject {
			if msg := env.Get("data"); js.Global().Get("Array").Call("isArray", msg).Bool() && msg.Length() == 4 {
				t.receive(msg.Index(0).String(), msg.Index(1).String(), msg.Index(2))
			}
		}
	})
}

// tick renews or claims the lease and follows who holds it.
func (t *Tabs) tick() {
	now := js.Global().Get("Date").Call("now").Float()
	var lease js.Value
	holder := ""
	if t.st.Get("leader", &lease) && lease.Type() == js.TypeObject && lease.Get("tab").Type() == js.TypeString &&
		lease.Get("until").Type() == js.TypeNumber && lease.Get("until").Float() > now {
		holder = lease.Get("tab").String()
	}
	if holder == "" || holder == t.id {
		t.st.Set("leader", ui.Object("tab", t.id, "until", now+leaseFor))
	}
	if lead := holder == t.id; lead != t.leader {
		t.setLeader(lead)
		if lead {
			t.Post(Lead, js.Undefined())
		}
	}
}

// startLease starts ticking (request, for the storage transport).
func (t *Tabs) startLease() {
	if !t.ticker.IsUndefined() || t.closed {
		return
	}
	if t.tickFn.IsUndefined() {
		t.tickFn = js.FuncOf(func(js.Value, []js.Value) any {
			t.tick()
			return nil
		}).Value
	}
	t.ticker = js.Global().Call("setInterval", t.tickFn, renewEvery)
	t.tick()
}

// stopLease stops ticking and gives the lease up when this tab holds it.
func (t *Tabs) stopLease() {
	if t.ticker.IsUndefined() {
		return
	}
	js.Global().Call("clearInterval", t.ticker)
	t.ticker = js.Undefined()
	if t.leader {
		t.st.Remove("leader")
		t.setLeader(false)
	}
}
