//go:build js && wasm

package tabs

import (
	"syscall/js"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Several Tabs in one page behave as tabs of one browser: BroadcastChannel
// delivers to every other channel object of the name, Web Locks queue
// requests of the same page. Each test uses a prefix of its own.

// eventually polls cond for up to 5 s (sleeping lets the event loop run).
func eventually(t *testing.T, cond func() bool, what string) {
	t.Helper()
	for end := time.Now().Add(5 * time.Second); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("not within 5 s: %s", what)
}

func leaders(ts ...*Tabs) int {
	n := 0
	for _, t := range ts {
		if t.Leader() {
			n++
		}
	}
	return n
}

func TestOneLeaderHandsOverWhenItCloses(t *testing.T) {
	a := Join("t1-", true)
	eventually(t, a.Leader, "the first tab leads")
	b, c := Join("t1-", true), Join("t1-", true)
	t.Cleanup(b.Close)
	t.Cleanup(c.Close)
	time.Sleep(200 * time.Millisecond)
	assert.Equal(t, 1, leaders(a, b, c))
	assert.True(t, a.Leader(), "the lock stays where it is")
	assert.NotEqual(t, a.ID(), b.ID())

	var changes []bool
	b.OnLeader(func(v bool) { changes = append(changes, v) })
	c.OnLeader(func(v bool) { changes = append(changes, v) })
	a.Close()
	assert.False(t, a.Leader())
	eventually(t, func() bool { return leaders(b, c) == 1 }, "another tab leads")
	time.Sleep(200 * time.Millisecond)
	assert.Equal(t, 1, leaders(a, b, c))
	assert.Equal(t, []bool{true}, changes, "one tab took over, once")
}

func TestFrozenLeaderLetsGo(t *testing.T) {
	a := Join("t2-", true)
	t.Cleanup(a.Close)
	eventually(t, a.Leader, "the first tab leads")
	b := Join("t2-", true)
	t.Cleanup(b.Close)
	// Every Tabs of the page hears the page's freeze: both let go (the
	// leader its lock, the other its place in the queue) and queue again on
	// resume, when one of them leads again.
	doc := js.Global().Get("document")
	doc.Call("dispatchEvent", js.Global().Get("Event").New("freeze"))
	assert.Equal(t, 0, leaders(a, b), "a frozen page leads nothing")
	doc.Call("dispatchEvent", js.Global().Get("Event").New("resume"))
	eventually(t, func() bool { return leaders(a, b) == 1 }, "a tab leads again after resume")
}

func TestPostReachesTheOtherTabs(t *testing.T) {
	a, b, c := Join("t3-", true), Join("t3-", true), Join("t3-", true)
	for _, x := range []*Tabs{a, b, c} {
		t.Cleanup(x.Close)
	}
	got := map[string][]string{}
	for name, x := range map[string]*Tabs{"a": a, "b": b, "c": c} {
		x.Handle("note", func(d js.Value) { got[name] = append(got[name], d.Get("text").String()) })
	}
	a.Post("note", js.ValueOf(map[string]any{"text": "one"}))
	a.Post("note", js.ValueOf(map[string]any{"text": "two"}))
	a.Post("other", js.ValueOf("not a note"))
	eventually(t, func() bool { return len(got["b"]) == 2 && len(got["c"]) == 2 }, "both other tabs hear both")
	assert.Equal(t, []string{"one", "two"}, got["b"], "in order")
	assert.Empty(t, got["a"], "not the sender")
	other := Join("t3x-", true) // another prefix: another widget
	t.Cleanup(other.Close)
	heard := false
	other.Handle("note", func(js.Value) { heard = true })
	a.Post("note", js.ValueOf(map[string]any{"text": "three"}))
	eventually(t, func() bool { return len(got["b"]) == 3 }, "the third note")
	assert.False(t, heard)
}

func TestOneTabRings(t *testing.T) {
	a, b := Join("t4-", true), Join("t4-", true)
	t.Cleanup(a.Close)
	t.Cleanup(b.Close)
	time.Sleep(300 * time.Millisecond)
	require.Equal(t, "visible", js.Global().Get("document").Get("visibilityState").String())
	assert.True(t, a.Ring() != b.Ring(), "exactly one of two visible tabs rings (same millisecond: the larger id)")

	time.Sleep(5 * time.Millisecond)
	b.look() // the visitor looks at b
	time.Sleep(200 * time.Millisecond)
	assert.True(t, b.Ring(), "the one the visitor looked at last")
	assert.False(t, a.Ring())

	time.Sleep(5 * time.Millisecond)
	a.look() // and comes back to a
	time.Sleep(200 * time.Millisecond)
	assert.True(t, a.Ring())
	assert.False(t, b.Ring())

	c := Join("t4-", true) // a newcomer learns who was looked at from that tab
	t.Cleanup(c.Close)
	time.Sleep(300 * time.Millisecond)
	assert.Equal(t, 1, rings(a, b, c))
}

func rings(ts ...*Tabs) int {
	n := 0
	for _, t := range ts {
		if t.Ring() {
			n++
		}
	}
	return n
}

func TestAloneLeadsAndSharesNothing(t *testing.T) {
	a := Join("t5-", false)
	t.Cleanup(a.Close)
	b := Join("t5-", true)
	t.Cleanup(b.Close)
	eventually(t, b.Leader, "the sharing tab leads its group")
	assert.True(t, a.Leader(), "a tab on its own leads itself")
	assert.False(t, a.Shared())
	assert.True(t, a.Ring())
	heard := false
	b.Handle("x", func(js.Value) { heard = true })
	a.Post("x", js.ValueOf(1))
	time.Sleep(200 * time.Millisecond)
	assert.False(t, heard, "nothing leaves a tab on its own")

	a.Share(nil) // consent given: it joins and queues behind b
	time.Sleep(200 * time.Millisecond)
	assert.True(t, a.Shared())
	assert.Equal(t, 1, leaders(a, b))
	a.Post("x", js.ValueOf(1))
	eventually(t, func() bool { return heard }, "b hears a once it shares")
}

// TestClaimKeepsIdentityAndSplitsDuplicates: a reloaded tab takes its
// stored identity up again; a duplicate (same stored identity while the
// original is alive) keeps a new one, to be stored.
func TestClaimKeepsIdentityAndSplitsDuplicates(t *testing.T) {
	original := New("t6-")
	id, fresh := original.Claim("")
	assert.True(t, fresh, "a first identity is stored")
	assert.Equal(t, original.ID(), id)

	duplicate := New("t6-")
	mine := duplicate.ID()
	id, fresh = duplicate.Claim(original.ID())
	assert.True(t, fresh, "the duplicate stores its own identity")
	assert.Equal(t, mine, id)
	assert.NotEqual(t, original.ID(), duplicate.ID())

	reloaded := New("t6-")
	id, fresh = reloaded.Claim("before-the-reload")
	assert.False(t, fresh, "a reload takes its identity up")
	assert.Equal(t, "before-the-reload", id)
	assert.Equal(t, id, reloaded.ID())

	again := New("t6-") // a duplicate of the reloaded tab
	id, fresh = again.Claim("before-the-reload")
	assert.True(t, fresh)
	assert.NotEqual(t, "before-the-reload", id)
}
