//go:build js && wasm

package conversation

import (
	"os"
	"strconv"
	"syscall/js"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crumbless/crumbless/wasm/store"
	"github.com/crumbless/crumbless/wasm/tabs"
	"github.com/crumbless/crumbless/wasm/transport"
	"github.com/crumbless/crumbless/wasm/views"
)

// api returns the test backend started by internal/testenv/withapi (make
// test-wasm) and an agent session token.
func api(t *testing.T) (string, string) {
	t.Helper()
	base, agent := os.Getenv("CRUMBLESS_TEST_API"), os.Getenv("CRUMBLESS_TEST_AGENT")
	require.NotEmpty(t, base, "run through make test-wasm: internal/testenv/withapi starts the backend")
	return base, agent
}

// agentCall sends an agent API request and returns the JSON answer.
func agentCall(t *testing.T, base, agent, method, path string, body js.Value) js.Value {
	t.Helper()
	c := transport.New(base)
	c.SetToken(agent)
	res, err := c.Do(method, path, body)
	require.NoError(t, err)
	require.Less(t, res.Status, 300, "%s %s: %d", method, path, res.Status)
	return res.Body
}

// tab is one tab's conversation: what its subscriber heard.
type tab struct {
	r     *Remote
	msgs  chan views.Message
	reads chan string
	bans  chan struct{}
}

// subscriber reports to x's channels.
func (x *tab) subscriber() views.Subscriber {
	return views.Subscriber{Message: func(m views.Message) { x.msgs <- m }, Read: func(id string) { x.reads <- id },
		Banned: func() { x.bans <- struct{}{} }}
}

// newTab is a tab of its own (no sharing) whose subscriber listens.
func newTab(t *testing.T, base string, st *store.Store) *tab {
	tb := quietTab(base, st)
	tb.subscribe(t)
	return tb
}

// quietTab is a tab of its own whose view has not subscribed yet.
func quietTab(base string, st *store.Store) *tab {
	return &tab{r: New(base, st, tabs.Join("crumbless-", false)), msgs: make(chan views.Message, 32), reads: make(chan string, 32), bans: make(chan struct{}, 4)}
}

// subscribe makes x's channels hear its conversation until the test ends.
func (x *tab) subscribe(t *testing.T) {
	cancel := x.r.Subscribe(x.subscriber())
	t.Cleanup(func() { // close the stream and let it end before the program does
		x.r.mu.Lock()
		s := x.r.stream
		x.r.mu.Unlock()
		cancel()
		if s != nil {
			select {
			case <-s.Done():
			case <-time.After(5 * time.Second):
			}
		}
	})
}

func recv[T any](t *testing.T, ch chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(10 * time.Second):
		t.Fatalf("no %s within 10 s", what)
	}
	panic("unreachable")
}

func memoryStore() *store.Store {
	return store.NewWithBackends("crumbless-", store.Memory{}, store.Memory{})
}

// visitorUnread is the server's unread count for the visitor holding token.
func visitorUnread(t *testing.T, base, token string) (unread, read int) {
	t.Helper()
	c := transport.New(base)
	c.SetToken(token)
	res, err := c.Do("GET", "/api/v1/conversation", js.Undefined())
	require.NoError(t, err)
	require.Equal(t, 200, res.Status)
	conv := res.Body.Get("conversation")
	return conv.Get("unread").Int(), conv.Get("read").Int()
}

// TestMarkReadMovesTheServersCursor: the visitor's reads reach the server,
// whose unread count drops; the cursor only moves forward; the other tab's
// stream hears the move; a reload's history carries the cursor.
func TestMarkReadMovesTheServersCursor(t *testing.T) {
	base, agent := api(t)
	st := memoryStore()
	a := newTab(t, base, st)
	msgs, read, err := a.r.History()
	require.NoError(t, err)
	assert.Empty(t, msgs)
	assert.Empty(t, read)
	assert.Error(t, a.r.MarkRead("1"), "no conversation yet")

	sent, err := a.r.Send("c1", "Where is my parcel?")
	require.NoError(t, err)
	token := a.r.client.Token()
	conv := agentCall(t, base, agent, "GET", "/api/v1/agent/conversations", js.Undefined()).Get("conversations")
	var convID string
	for i := 0; i < conv.Length(); i++ {
		if last := conv.Index(i).Get("last"); last.Truthy() && last.Get("clientId").String() == "c1" && last.Get("id").Int() == mustInt(t, sent.ID) {
			convID = strconv.Itoa(conv.Index(i).Get("id").Int())
		}
	}
	require.NotEmpty(t, convID, "the agents see the conversation")
	var replies []string
	for i, body := range []string{"It left today.", "Tracking: 123."} {
		m := agentCall(t, base, agent, "POST", "/api/v1/agent/conversations/"+convID+"/messages",
			js.ValueOf(map[string]any{"id": "r" + strconv.Itoa(i), "body": body})).Get("message")
		replies = append(replies, strconv.Itoa(m.Get("id").Int()))
	}
	for range replies {
		for m := recv(t, a.msgs, "message"); m.From != "agent"; m = recv(t, a.msgs, "message") {
		}
	}
	unread, _ := visitorUnread(t, base, token)
	require.Equal(t, 2, unread)

	// A second tab of the same visitor (same token), listening.
	st2 := memoryStore()
	require.NoError(t, st2.Set("visitor", token))
	b := newTab(t, base, st2)
	msgs, read, err = b.r.History()
	require.NoError(t, err)
	assert.Len(t, msgs, 3)
	assert.Equal(t, sent.ID, read, "sending counts as reading what came before")

	// Tab B's stream connects in the background: one more reply reaching it
	// proves it is listening before the reads below are published.
	ping := agentCall(t, base, agent, "POST", "/api/v1/agent/conversations/"+convID+"/messages",
		js.ValueOf(map[string]any{"id": "r2", "body": "Anything else?"})).Get("message")
	replies = append(replies, strconv.Itoa(ping.Get("id").Int()))
	for m := recv(t, b.msgs, "message in the other tab"); m.ID != replies[2]; m = recv(t, b.msgs, "message in the other tab") {
	}

	require.NoError(t, a.r.MarkRead(replies[0]))
	unread, cursor := visitorUnread(t, base, token)
	assert.Equal(t, 2, unread, "the server's count drops")
	assert.Equal(t, mustInt(t, replies[0]), cursor)
	assert.Equal(t, replies[0], recv(t, b.reads, "read event in the other tab"))

	require.NoError(t, a.r.MarkRead(replies[2]))
	assert.Equal(t, replies[2], recv(t, b.reads, "read event in the other tab"))
	require.NoError(t, a.r.MarkRead(replies[1]), "an older cursor is accepted")
	unread, cursor = visitorUnread(t, base, token)
	assert.Zero(t, unread)
	assert.Equal(t, mustInt(t, replies[2]), cursor, "and does not move it back")

	cases := []struct{ name, id string }{{"empty", ""}, {"not a number", "abc"}, {"zero", "0"}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { assert.Error(t, a.r.MarkRead(c.id)) })
	}

	_, read, err = newTab(t, base, st2).r.History() // a reload
	require.NoError(t, err)
	assert.Equal(t, replies[2], read, "the history carries the cursor")
}

// TestReplyBeforeTheStreamOpens: a reply stored after the history was read
// and before the stream subscribed reaches the visitor: the first stream
// resumes where the history ended, even when the history was empty.
func TestReplyBeforeTheStreamOpens(t *testing.T) {
	base, agent := api(t)
	c := transport.New(base)
	res, err := c.Do("POST", "/api/v1/conversations", js.ValueOf(map[string]any{}))
	require.NoError(t, err)
	require.Equal(t, 201, res.Status)
	conv := strconv.Itoa(res.Body.Get("conversation").Get("id").Int())
	st := memoryStore()
	require.NoError(t, st.Set(tokenKey, res.Body.Get("token").String()))

	x := quietTab(base, st)
	msgs, _, err := x.r.History()
	require.NoError(t, err)
	require.Empty(t, msgs, "a conversation without messages yet")
	agentCall(t, base, agent, "POST", "/api/v1/agent/conversations/"+conv+"/messages", js.ValueOf(map[string]any{"id": "early", "body": "Before your stream"}))
	x.subscribe(t)
	m := recv(t, x.msgs, "the reply stored before the stream opened")
	assert.Equal(t, "Before your stream", m.Text)
	assert.Equal(t, "agent", m.From)

	agentCall(t, base, agent, "POST", "/api/v1/agent/conversations/"+conv+"/messages", js.ValueOf(map[string]any{"id": "live", "body": "And a live one"}))
	assert.Equal(t, "And a live one", recv(t, x.msgs, "the live reply").Text, "once each, in order")
}

// TestConversationStartedInAnotherTab: a tab whose runtime runs without a
// conversation takes up the one another tab starts (the storage event on
// "visitor"): it gets the history, then the replies live.
func TestConversationStartedInAnotherTab(t *testing.T) {
	base, agent := api(t)
	js.Global().Get("localStorage").Call("clear")
	st := store.New("crumbless-")
	st.Sync()
	t.Cleanup(st.Release)
	b := newTab(t, base, st)
	msgs, _, err := b.r.History()
	require.NoError(t, err)
	require.Empty(t, msgs)

	// Tab A starts a conversation; tab B hears the token through storage.
	a := newTab(t, base, memoryStore())
	_, err = a.r.Send("c1", "Hello from tab A")
	require.NoError(t, err)
	text := `{"v":1,"exp":` + strconv.FormatInt(time.Now().Add(time.Hour).UnixMilli(), 10) + `,"data":"` + a.r.client.Token() + `"}`
	js.Global().Get("localStorage").Call("setItem", "crumbless-visitor", text)
	js.Global().Call("dispatchEvent", js.Global().Get("StorageEvent").New("storage", map[string]any{
		"key": "crumbless-visitor", "newValue": text, "storageArea": js.Global().Get("localStorage")}))

	first := recv(t, b.msgs, "the history in tab B")
	assert.Equal(t, "Hello from tab A", first.Text)
	assert.Equal(t, "visitor", first.From)

	conv := agentCall(t, base, agent, "GET", "/api/v1/agent/conversations", js.Undefined()).Get("conversations")
	var convID string
	for i := 0; i < conv.Length(); i++ {
		if last := conv.Index(i).Get("last"); last.Truthy() && last.Get("body").String() == "Hello from tab A" {
			convID = strconv.Itoa(conv.Index(i).Get("id").Int())
		}
	}
	require.NotEmpty(t, convID)
	agentCall(t, base, agent, "POST", "/api/v1/agent/conversations/"+convID+"/messages", js.ValueOf(map[string]any{"id": "r1", "body": "Hi both tabs"}))
	reply := recv(t, b.msgs, "the live reply in tab B")
	assert.Equal(t, "Hi both tabs", reply.Text)
	assert.Equal(t, "agent", reply.From)
}

func mustInt(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	require.NoError(t, err)
	return n
}

// sharedTab is a tab of a visitor whose tabs share (prefix: the group).
func sharedTab(t *testing.T, base, prefix string, st *store.Store) (*tab, *tabs.Tabs) {
	t.Helper()
	tb := tabs.Join(prefix, true)
	t.Cleanup(tb.Close)
	x := &tab{r: New(base, st, tb), msgs: make(chan views.Message, 64), reads: make(chan string, 32), bans: make(chan struct{}, 4)}
	cancel := x.r.Subscribe(x.subscriber())
	t.Cleanup(cancel)
	return x, tb
}

// eventually polls cond for up to 10 s.
func eventually(t *testing.T, cond func() bool, what string) {
	t.Helper()
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("not within 10 s: %s", what)
}

func (x *tab) streaming() bool {
	x.r.mu.Lock()
	defer x.r.mu.Unlock()
	return x.r.stream != nil
}

// until reads x's messages until one with text arrives, and returns it with
// the count of earlier ones that had the same text.
func (x *tab) until(t *testing.T, text string) views.Message {
	t.Helper()
	for {
		m := recv(t, x.msgs, "message "+text)
		if m.Text == text && m.ID != "" {
			return m
		}
	}
}

// TestTabsShareOneStream: of three tabs of one visitor only the leader
// streams; a message sent from a follower goes out once, through the
// leader; an agent reply reaches every tab once, and exactly one of them
// rings; when the leader goes another tab resumes the stream and misses
// nothing.
func TestTabsShareOneStream(t *testing.T) {
	base, agent := api(t)
	st := memoryStore() // the three tabs' shared localStorage
	a, ta := sharedTab(t, base, "conv1-", st)
	eventually(t, ta.Leader, "the first tab leads")
	b, tb := sharedTab(t, base, "conv1-", st)
	c, tc := sharedTab(t, base, "conv1-", st)

	sent, err := b.r.Send("c1", "Sent from a follower")
	require.NoError(t, err, "a follower's message goes out through the leader")
	assert.NotEmpty(t, sent.ID)
	token := a.r.client.Token()
	require.NotEmpty(t, token, "the leader started the conversation")
	eventually(t, func() bool { return b.r.client.Token() == token && c.r.client.Token() == token }, "the followers take the conversation up")
	assert.True(t, a.streaming())
	assert.False(t, b.streaming() || c.streaming(), "followers hold no stream")

	conv := agentCall(t, base, agent, "GET", "/api/v1/agent/conversations", js.Undefined()).Get("conversations")
	var convID string
	for i := 0; i < conv.Length(); i++ {
		if last := conv.Index(i).Get("last"); last.Truthy() && last.Get("clientId").String() == "c1" {
			convID = strconv.Itoa(conv.Index(i).Get("id").Int())
		}
	}
	require.NotEmpty(t, convID)
	msgs := agentCall(t, base, agent, "GET", "/api/v1/agent/conversations/"+convID, js.Undefined()).Get("messages")
	assert.Equal(t, 1, msgs.Length(), "stored once")

	reply := func(id, body string) {
		agentCall(t, base, agent, "POST", "/api/v1/agent/conversations/"+convID+"/messages", js.ValueOf(map[string]any{"id": id, "body": body}))
	}
	reply("r1", "Hello all tabs")
	rang := 0
	for _, x := range []*tab{a, b, c} {
		m := x.until(t, "Hello all tabs")
		if m.Ring {
			rang++
		}
	}
	assert.Equal(t, 1, rang, "one tab rings")

	// The leader goes: another tab takes over and resumes where it was.
	ta.Close()
	a.r.mu.Lock()
	a.r.connect()
	a.r.mu.Unlock()
	eventually(t, func() bool { return tb.Leader() != tc.Leader() }, "a follower takes over")
	next := b
	if tc.Leader() {
		next = c
	}
	eventually(t, next.streaming, "the new leader streams")
	reply("r2", "After the handover")
	for _, x := range []*tab{b, c} {
		x.until(t, "After the handover")
	}
	for _, x := range []*tab{b, c} {
		select {
		case m := <-x.msgs:
			t.Errorf("a message twice or out of place: %+v", m)
		case <-time.After(300 * time.Millisecond):
		}
	}
}

// TestOutboxWaitsAndKeepsOrder: without network the messages wait in the
// outbox (shown as waiting); when the network is back they go out in order,
// once each, and the outbox is empty.
func TestOutboxWaitsAndKeepsOrder(t *testing.T) {
	base, agent := api(t)
	st := memoryStore()
	tb := tabs.Join("conv2-", false)
	x := &tab{r: New("http://127.0.0.1:9", st, tb), msgs: make(chan views.Message, 64), reads: make(chan string, 32)}
	t.Cleanup(x.r.Subscribe(views.Subscriber{Message: func(m views.Message) { x.msgs <- m }, Read: func(string) {}, Banned: func() {}}))

	texts := []string{"first", "second", "third"}
	results := make(chan sendResult, len(texts))
	for i, text := range texts {
		id := "o" + strconv.Itoa(i)
		go func() {
			m, err := x.r.Send(id, text)
			results <- sendResult{m, err}
		}()
		time.Sleep(50 * time.Millisecond) // queued in this order
	}
	m := recv(t, x.msgs, "waiting state")
	assert.Equal(t, views.Waiting, m.State, "no network: the first waits")
	assert.Equal(t, "o0", m.ClientID)
	eventually(t, func() bool { return x.r.outbox().Length() == 3 }, "three entries in the outbox")
	var stored js.Value
	require.True(t, st.Get("outbox", &stored), "the outbox is a stored key")
	assert.Equal(t, "second", stored.Index(1).Get("text").String())

	x.r.client = transport.New(base) // the network is back
	x.r.kick()
	for range texts {
		r := recv(t, results, "a send result")
		require.NoError(t, r.err)
	}
	eventually(t, func() bool { return !st.Get("outbox", &stored) }, "the outbox is empty and its key removed")

	conv := agentCall(t, base, agent, "GET", "/api/v1/agent/conversations", js.Undefined()).Get("conversations")
	var convID string
	for i := 0; i < conv.Length(); i++ {
		if last := conv.Index(i).Get("last"); last.Truthy() && last.Get("clientId").String() == "o2" {
			convID = strconv.Itoa(conv.Index(i).Get("id").Int())
		}
	}
	require.NotEmpty(t, convID)
	msgs := agentCall(t, base, agent, "GET", "/api/v1/agent/conversations/"+convID, js.Undefined()).Get("messages")
	var got []string
	for i := 0; i < msgs.Length(); i++ {
		got = append(got, msgs.Index(i).Get("body").String())
	}
	assert.Equal(t, texts, got, "in order, once each")
}

// TestOutboxRefusal: a message the server refuses (too long) fails its
// Send and leaves the outbox; the next one still goes out.
func TestOutboxRefusal(t *testing.T) {
	base, _ := api(t)
	x := newTab(t, base, memoryStore())
	long := make([]byte, 20000)
	for i := range long {
		long[i] = 'x'
	}
	_, err := x.r.Send("bad", string(long))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "status 4")
	_, err = x.r.Send("good", "fine")
	require.NoError(t, err)
	assert.Zero(t, x.r.outbox().Length())
}
