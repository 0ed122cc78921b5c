//go:build js && wasm

package conversation

import (
	"strconv"
	"syscall/js"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crumbless/crumbless/wasm/store"
)

// conversationWith is the id of the conversation whose last message has
// clientID, as the agents see it.
func conversationWith(t *testing.T, base, agent, clientID string) string {
	t.Helper()
	conv := agentCall(t, base, agent, "GET", "/api/v1/agent/conversations", js.Undefined()).Get("conversations")
	for i := 0; i < conv.Length(); i++ {
		if last := conv.Index(i).Get("last"); last.Truthy() && last.Get("clientId").String() == clientID {
			return strconv.Itoa(conv.Index(i).Get("id").Int())
		}
	}
	t.Fatalf("no conversation ends with message %s", clientID)
	return ""
}

// countChatCalls counts the page's fetches of the chat API (conversations
// and availability) from now until the test ends.
func countChatCalls(t *testing.T) func() int {
	t.Helper()
	restore := js.Global().Get("Function").New(`
		const orig = fetch;
		window.__chatCalls = 0;
		window.fetch = (url, init) => {
			if (/\/api\/v1\/(conversation|availability)/.test(String(url))) window.__chatCalls++;
			return orig(url, init);
		};
		return () => { window.fetch = orig; };`).Invoke()
	t.Cleanup(func() { restore.Invoke() })
	return func() int { return js.Global().Get("__chatCalls").Int() }
}

// TestBanStopsTheChat: an agent bans the visitor; the leader's stream hears
// it and both tabs are told, each stores the flag for its declared year,
// the outbox is dropped, and no tab makes another chat call: sends, history,
// read reports and presence stay local. A later page with the same storage
// starts banned, without a call; a forget lifts the flag.
func TestBanStopsTheChat(t *testing.T) {
	base, agent := api(t)
	prefix := "ban" + strconv.FormatInt(time.Now().UnixNano(), 36) + "-"
	memA, memB := store.Memory{}, store.Memory{}
	stA := store.NewWithBackends("crumbless-", memA, store.Memory{})
	stB := store.NewWithBackends("crumbless-", memB, store.Memory{})
	a, _ := sharedTab(t, base, prefix, stA)
	b, _ := sharedTab(t, base, prefix, stB)

	_, err := a.r.Send("b1", "Hello")
	require.NoError(t, err)
	convID := conversationWith(t, base, agent, "b1")
	a.until(t, "Hello")
	eventually(t, func() bool { return a.streaming() || b.streaming() }, "the leader streams")
	var token string
	require.True(t, stA.Get("visitor", &token))

	agentCall(t, base, agent, "POST", "/api/v1/agent/conversations/"+convID+"/ban", js.ValueOf(map[string]any{"reason": "spam"}))
	recv(t, a.bans, "tab A told of the ban")
	recv(t, b.bans, "tab B told of the ban")
	for name, mem := range map[string]store.Memory{"A": memA, "B": memB} {
		raw, ok := mem["crumbless-banned"]
		require.True(t, ok, "tab %s stored the flag", name)
		env := js.Global().Get("JSON").Call("parse", raw)
		assert.True(t, env.Get("data").Bool(), "tab %s", name)
		day := float64(24 * 3600 * 1000)
		assert.InDelta(t, js.Global().Get("Date").Call("now").Float()+day, env.Get("exp").Float(), 60_000, "tab %s: the flag lives a day", name)
	}
	eventually(t, func() bool { return !a.streaming() && !b.streaming() }, "no stream")

	calls := countChatCalls(t)
	_, err = a.r.Send("b2", "let me back")
	assert.ErrorIs(t, err, errBanned)
	_, err = b.r.Send("b3", "from the other tab")
	assert.ErrorIs(t, err, errBanned)
	_, _, err = a.r.History()
	assert.ErrorIs(t, err, errBanned)
	stop := a.r.WatchPresence(func(bool) {})
	defer stop()
	assert.Zero(t, a.r.outbox().Length(), "nothing waits to be sent")
	time.Sleep(300 * time.Millisecond) // a stream or fetch would have started by now
	assert.Zero(t, calls(), "no chat call once banned")
	assert.False(t, a.streaming() || b.streaming(), "no stream, not even availability")

	// A later page over the same storage starts banned, without a call.
	later := newTab(t, base, stA)
	msgs, _, err := later.r.History()
	assert.ErrorIs(t, err, errBanned)
	assert.Empty(t, msgs)
	time.Sleep(300 * time.Millisecond)
	assert.Zero(t, calls(), "no chat call from a banned page")
	assert.False(t, later.streaming())

	// Forget lifts the flag: the chat is offered again (with a new conversation).
	stA.Forget()
	_, ok := memA["crumbless-banned"]
	assert.False(t, ok, "forget removes the flag")
	eventually(t, func() bool { return later.r.client.Token() == "" }, "the banned conversation let go")
	_, _, err = later.r.History()
	assert.NoError(t, err)
}
