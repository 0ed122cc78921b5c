//go:build js && wasm

package transport

import (
	"os"
	"strconv"
	"testing"
	"time"

	"syscall/js"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// api returns the test backend started by internal/testenv/withapi (make
// test-wasm) and an agent session token.
func api(t *testing.T) (string, string) {
	t.Helper()
	base, agent := os.Getenv("CRUMBLESS_TEST_API"), os.Getenv("CRUMBLESS_TEST_AGENT")
	require.NotEmpty(t, base, "run through make test-wasm: internal/testenv/withapi starts the backend")
	return base, agent
}

func obj(kv ...any) js.Value {
	o := js.Global().Get("Object").New()
	for i := 0; i+1 < len(kv); i += 2 {
		o.Set(kv[i].(string), kv[i+1])
	}
	return o
}

// visitor starts a conversation and returns a client holding its token.
func visitor(t *testing.T, base string) (*Client, int) {
	t.Helper()
	c := New(base)
	res, err := c.Do("POST", "/api/v1/conversations", obj("site", "wasm"))
	require.NoError(t, err)
	require.Equal(t, 201, res.Status)
	c.SetToken(res.Body.Get("token").String())
	return c, res.Body.Get("conversation").Get("id").Int()
}

func reply(t *testing.T, base, agent string, conv int, id, body string) int64 {
	t.Helper()
	a := New(base)
	a.SetToken(agent)
	res, err := a.Do("POST", "/api/v1/agent/conversations/"+strconv.Itoa(conv)+"/messages", obj("id", id, "body", body))
	require.NoError(t, err)
	require.Equal(t, 201, res.Status, "agent reply")
	return int64(res.Body.Get("message").Get("id").Int())
}

func TestDo(t *testing.T) {
	base, _ := api(t)
	c, _ := visitor(t, base)
	assert.Contains(t, c.Token(), "cv_")
	cases := []struct {
		name, method, path string
		body               js.Value
		token              string
		want               int
		code               string
	}{
		{"own conversation", "GET", "/api/v1/conversation", js.Undefined(), c.Token(), 200, ""},
		{"send", "POST", "/api/v1/conversation/messages", obj("id", "w1", "body", "héllo <b>"), c.Token(), 201, ""},
		{"retry", "POST", "/api/v1/conversation/messages", obj("id", "w1", "body", "héllo <b>"), c.Token(), 200, ""},
		{"unknown field", "POST", "/api/v1/conversation/messages", obj("id", "w2", "body", "x", "admin", true), c.Token(), 400, "invalid"},
		{"no token", "GET", "/api/v1/conversation", js.Undefined(), "", 401, "unauthorized"},
		{"answers", "GET", "/api/v1/answers?q=cafe", js.Undefined(), "", 200, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cl := New(base)
			cl.SetToken(tc.token)
			res, err := cl.Do(tc.method, tc.path, tc.body)
			require.NoError(t, err)
			assert.Equal(t, tc.want, res.Status)
			assert.Equal(t, tc.code, res.Code())
		})
	}
	res, err := c.Do("GET", "/api/v1/conversation/messages", js.Undefined())
	require.NoError(t, err)
	msgs := res.Body.Get("messages")
	require.Equal(t, 1, msgs.Length())
	assert.Equal(t, "héllo <b>", msgs.Index(0).Get("body").String())
}

func TestDoNetworkError(t *testing.T) {
	_, err := New("http://127.0.0.1:1").Do("GET", "/api/v1/answers", js.Undefined())
	assert.ErrorIs(t, err, ErrNetwork)
}

// collect gathers a stream's events on a channel.
func collect() (func(Event), chan Event) {
	ch := make(chan Event, 64)
	return func(ev Event) { ch <- ev }, ch
}

func next(t *testing.T, ch chan Event, name string) Event {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case ev := <-ch:
			if ev.Name == name {
				return ev
			}
		case <-timeout:
			t.Fatalf("no %s event within 10 s", name)
		}
	}
}

func TestStreamLiveResumeAndBan(t *testing.T) {
	base, agent := api(t)
	c, conv := visitor(t, base)
	on, ch := collect()
	s := c.Stream("/api/v1/conversation/events", Live, on)
	next(t, ch, "open")

	id := reply(t, base, agent, conv, "a1", "live reply")
	ev := next(t, ch, "message")
	assert.Equal(t, id, ev.ID)
	assert.Equal(t, "live reply", ev.Data.Get("body").String())
	assert.Equal(t, "agent", ev.Data.Get("author").String())
	assert.Equal(t, id, s.LastID())
	s.Close()
	select {
	case <-s.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("stream did not stop")
	}

	// While away, two replies; a new stream from the last id gets both, once.
	id2 := reply(t, base, agent, conv, "a2", "missed one")
	id3 := reply(t, base, agent, conv, "a3", "missed two")
	on2, ch2 := collect()
	s2 := c.Stream("/api/v1/conversation/events", id, on2)
	defer s2.Close()
	assert.Equal(t, id2, next(t, ch2, "message").ID)
	assert.Equal(t, id3, next(t, ch2, "message").ID)
	id4 := reply(t, base, agent, conv, "a4", "live again")
	assert.Equal(t, id4, next(t, ch2, "message").ID, "no duplicate between replay and live")

	// A ban reaches the stream, which then stops with the refusal.
	a := New(base)
	a.SetToken(agent)
	res, err := a.Do("POST", "/api/v1/agent/conversations/"+strconv.Itoa(conv)+"/ban", obj("reason", "spam"))
	require.NoError(t, err)
	require.Equal(t, 200, res.Status)
	assert.Equal(t, "spam", next(t, ch2, "banned").Data.Get("reason").String())
	closed := next(t, ch2, "closed") // the reconnection is refused: 403 banned
	assert.Equal(t, 403, closed.Data.Get("status").Int())
	assert.Equal(t, "banned", closed.Data.Get("code").String())
	assert.Equal(t, "spam", closed.Data.Get("reason").String())
}

func TestStreamRefusedToken(t *testing.T) {
	base, _ := api(t)
	c := New(base)
	c.SetToken("cv_" + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
	on, ch := collect()
	s := c.Stream("/api/v1/conversation/events", Live, on)
	ev := next(t, ch, "closed")
	assert.Equal(t, 401, ev.Data.Get("status").Int())
	<-s.Done()
}

func TestParseEvent(t *testing.T) {
	cases := []struct {
		block, name string
		id          int64
		ok          bool
		body        string
		beat        int64
	}{
		{"id: 7\nevent: message\ndata: {\"body\":\"x\"}", "message", 7, true, "x", 0},
		{"event: typing\ndata: {\"body\":\"t\"}", "typing", 0, true, "t", 0},
		{"data: {\"body\":\"default name\"}", "message", 0, true, "default name", 0},
		{": ping", "", 0, false, "", 0},
		{"retry: 2000\n: stream open", "", 0, false, "", 0},
		{"retry: 2000\nheartbeat: 15000\n: stream open", "", 0, false, "", 15000},
		{"heartbeat: soon", "", 0, false, "", 0},
		{"id: 9\r\nevent: message\r\ndata: {\"body\":\"crlf\"}", "message", 9, true, "crlf", 0},
	}
	for _, tc := range cases {
		t.Run(tc.block, func(t *testing.T) {
			ev, ok, beat := parseEvent(tc.block)
			assert.Equal(t, tc.beat, beat)
			require.Equal(t, tc.ok, ok)
			if !ok {
				return
			}
			assert.Equal(t, tc.name, ev.Name)
			assert.Equal(t, tc.id, ev.ID)
			assert.Equal(t, tc.body, ev.Data.Get("body").String())
		})
	}
}
