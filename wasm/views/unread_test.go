//go:build js && wasm

package views

import (
	"strconv"
	"syscall/js"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crumbless/crumbless/wasm/events"
	"github.com/crumbless/crumbless/wasm/store"
)

// unreadEvents registers a page listener for the "unread" event on hub and
// returns the counts it heard, in order.
func unreadEvents(t *testing.T, hub *events.Hub) func() []int {
	t.Helper()
	heard := js.Global().Get("Array").New()
	fn := js.Global().Get("Function").New("heard", "return d => heard.push(d.unread)").Invoke(heard)
	hub.Resume()
	hub.On("unread", fn)
	return func() []int {
		waitABit() // listeners run in a microtask
		out := make([]int, heard.Length())
		for i := range out {
			out[i] = heard.Index(i).Int()
		}
		return out
	}
}

func storedUnread(t *testing.T) js.Value {
	t.Helper()
	return storedData(rawLocal("crumbless-unread"))
}

// TestUnreadCountsAgentMessagesAfterTheReadCursor: the count is the agent
// messages after the backend's read cursor; every change is stored under
// "unread" (localStorage, the registry's envelope with its 30-day lifetime)
// and fires the unread event once.
func TestUnreadCountsAgentMessagesAfterTheReadCursor(t *testing.T) {
	clearStorage(t)
	conv := newFake(
		Message{ID: "1", From: "agent", Text: "Hello"},
		Message{ID: "2", From: "visitor", ClientID: "c1", Text: "Hi"},
		Message{ID: "3", From: "agent", Text: "How can we help?"},
	)
	conv.read = "1"
	hub := events.NewHub()
	heard := unreadEvents(t, hub)
	f := mountWith(t, false, Options{Chat: conv}, store.New("crumbless-"), hub)
	eventually(t, func() bool { return f.p.chat.loaded }, "history loaded")

	steps := []struct {
		name string
		do   func()
		want int
	}{
		{"history: one agent message after the cursor", func() {}, 1},
		{"a reply arrives", func() { conv.agentSays("4", "Ana", "Any news?") }, 2},
		{"a visitor message is not counted", func() {
			conv.subs[0](Message{ID: "5", ClientID: "c2", From: "visitor", Text: "Not yet"})
		}, 2},
		{"another tab read up to 3", func() { conv.readElsewhere("3") }, 1},
		{"a cursor behind ours is ignored", func() { conv.readElsewhere("1") }, 1},
		{"a cursor past what this tab holds", func() { conv.readElsewhere("9") }, 0},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			s.do()
			assert.Equal(t, s.want, f.p.Unread())
			assert.Equal(t, s.want, storedUnread(t).Int(), "stored for the other tabs")
			assert.Equal(t, s.want > 0, !f.q(".launcher .badge").Get("hidden").Bool(), "badge on the closed launcher")
			if s.want > 0 {
				assert.Equal(t, strconv.Itoa(s.want), f.text(".launcher .badge"))
			}
		})
	}
	raw := js.Global().Get("JSON").Call("parse", rawLocal("crumbless-unread"))
	assert.Equal(t, 1, raw.Get("v").Int())
	exp := int64(raw.Get("exp").Float())
	assert.InDelta(t, time.Now().Add(30*24*time.Hour).UnixMilli(), exp, float64(time.Minute.Milliseconds()), "30 days")
	// Listeners run in microtasks: wait for them before counting.
	eventually(t, func() bool { return len(heard()) >= 4 }, "the unread events")
	assert.Equal(t, []int{1, 2, 1, 0}, heard(), "one event per change")
	assert.Empty(t, conv.marked, "a closed panel reads nothing")
}

// TestReadOnlyWhenTheVisitorSees: the cursor moves and is reported only
// with the chat view shown in the open panel, on a visible page, after an
// interaction; a burst of arrivals makes one report.
func TestReadOnlyWhenTheVisitorSees(t *testing.T) {
	hidden := func(on bool) {
		doc := js.Global().Get("document")
		if on {
			js.Global().Get("Object").Call("defineProperty", doc, "visibilityState", map[string]any{"value": "hidden", "configurable": true})
		} else {
			js.Global().Get("Reflect").Call("deleteProperty", doc, "visibilityState")
		}
		doc.Call("dispatchEvent", js.Global().Get("Event").New("visibilitychange"))
	}
	cases := []struct {
		name          string
		open, chat    bool
		gated, hidden bool
		lift          func(f *fixture, st *store.Store)
	}{
		{"panel closed", false, true, false, false, func(f *fixture, _ *store.Store) { f.p.Open() }},
		{"another view", true, false, false, false, func(f *fixture, _ *store.Store) { f.p.Navigate("chat") }},
		{"page hidden", true, true, false, true, func(*fixture, *store.Store) { hidden(false) }},
		{"no interaction yet", true, true, true, false, func(f *fixture, st *store.Store) { st.Interact(); f.p.Navigate("chat") }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			clearStorage(t)
			conv := newFake(Message{ID: "1", From: "agent", Text: "Hello"})
			st := store.New("crumbless-")
			if c.gated {
				st = store.Open(store.Options{Prefix: "crumbless-"})
			}
			if c.hidden {
				hidden(true)
				t.Cleanup(func() { hidden(false) })
			}
			f := mountWith(t, c.open, Options{Chat: conv}, st, nil)
			if c.chat {
				f.p.Navigate("chat")
			}
			eventually(t, func() bool { return f.p.chat.loaded }, "history loaded")
			conv.agentSays("2", "Ana", "Still there?")
			time.Sleep(2 * readDelay * time.Millisecond)
			assert.Empty(t, conv.marked, "nothing reported")
			assert.Equal(t, 2, f.p.Unread())

			c.lift(f, st)
			conv.agentSays("3", "Ana", "One more")
			conv.agentSays("4", "Ana", "And another")
			assert.Zero(t, f.p.Unread(), "read as soon as it is seen")
			eventually(t, func() bool { return len(conv.marked) > 0 }, "reported")
			time.Sleep(2 * readDelay * time.Millisecond)
			assert.Equal(t, []string{"4"}, conv.marked, "one report, up to the newest message")
			assert.Equal(t, "4", conv.read)
		})
	}
}

// TestUnreadFromAnotherTab: a tab shows the count another tab stored (the
// storage event on "unread"), before its own history is loaded and after,
// and does not write it back.
func TestUnreadFromAnotherTab(t *testing.T) {
	clearStorage(t)
	envelope := func(n int) string {
		return `{"v":1,"exp":` + strconv.FormatInt(time.Now().Add(time.Hour).UnixMilli(), 10) + `,"data":` + strconv.Itoa(n) + `}`
	}
	js.Global().Get("localStorage").Call("setItem", "crumbless-unread", envelope(2)) // stored by another page
	conv := newFake(Message{ID: "1", From: "agent", Text: "Hello"}, Message{ID: "2", From: "agent", Text: "Hi"})
	conv.hold = make(chan struct{})
	st := store.New("crumbless-")
	st.Sync()
	t.Cleanup(st.Release)
	hub := events.NewHub()
	heard := unreadEvents(t, hub)
	f := mountWith(t, false, Options{Chat: conv}, st, hub)
	assert.Equal(t, 2, f.p.Unread(), "the stored count until the history is here")
	assert.Equal(t, "2", f.text(".launcher .badge"))

	other := func(n any) { // another tab writes (or removes) the key
		var v any = nil
		if n != nil {
			v = envelope(n.(int))
			js.Global().Get("localStorage").Call("setItem", "crumbless-unread", v)
		} else {
			js.Global().Get("localStorage").Call("removeItem", "crumbless-unread")
		}
		init := map[string]any{"key": "crumbless-unread", "newValue": v, "storageArea": js.Global().Get("localStorage")}
		js.Global().Call("dispatchEvent", js.Global().Get("StorageEvent").New("storage", init))
	}
	other(5)
	assert.Equal(t, 5, f.p.Unread())
	assert.Equal(t, "5", f.text(".launcher .badge"))
	assert.Equal(t, "Open chat, 5 unread messages", f.q(".launcher").Call("getAttribute", "aria-label").String())
	f.p.Navigate("home")
	assert.Equal(t, "5 new messages", f.text(".home .pill"))
	other(0)
	assert.Zero(t, f.p.Unread())
	assert.True(t, f.q(".launcher .badge").Get("hidden").Bool(), "read in the other tab: badge gone")
	assert.True(t, f.q(".home .pill").Get("hidden").Bool())
	assert.Equal(t, 0, storedUnread(t).Int(), "not written back")

	close(conv.hold) // this tab's history arrives: its own count (nothing read yet)
	eventually(t, func() bool { return f.p.Unread() == 2 }, "count from the history")
	other(nil) // forget in another tab
	assert.Zero(t, f.p.Unread())
	assert.Equal(t, []int{5, 0, 2, 0}, heard())
}

// TestRefusedStorageStillCounts: with storage refused (consent false) the
// count works in memory and nothing reaches the browser's storage.
func TestRefusedStorageStillCounts(t *testing.T) {
	clearStorage(t)
	conv := newFake()
	st := store.New("crumbless-")
	st.SetConsent(false)
	f := mountWith(t, false, Options{Chat: conv}, st, nil)
	eventually(t, func() bool { return f.p.chat.loaded }, "history loaded")
	conv.agentSays("1", "Ana", "Hello")
	assert.Equal(t, 1, f.p.Unread())
	assert.True(t, rawLocal("crumbless-unread").IsNull(), "nothing stored")
	require.Equal(t, "1", f.text(".launcher .badge"))
}
