package chat

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sseEvent is one parsed Server-Sent Event (comments are kept apart).
type sseEvent struct {
	ID   int64
	Name string
	Data map[string]any
}

// sseClient reads a stream opened against a real loopback server.
type sseClient struct {
	t      *testing.T
	res    *http.Response
	events chan sseEvent
	pings  chan struct{}
	cancel context.CancelFunc
}

// openStream opens path with the given headers and starts reading it.
func openStream(t *testing.T, base, path string, header map[string]string) (*sseClient, *http.Response) {
	t.Helper()
	return openStreamWith(t, http.DefaultClient, base, path, header)
}

// openStreamWith is openStream through client.
func openStreamWith(t *testing.T, client *http.Client, base, path string, header map[string]string) (*sseClient, *http.Response) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, "GET", base+path, nil)
	require.NoError(t, err)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := client.Do(req)
	require.NoError(t, err)
	if res.StatusCode != http.StatusOK {
		cancel()
		return nil, res
	}
	c := &sseClient{t: t, res: res, events: make(chan sseEvent, 100), pings: make(chan struct{}, 100), cancel: cancel}
	t.Cleanup(c.close)
	go c.read()
	return c, res
}

func (c *sseClient) close() {
	c.cancel()
	c.res.Body.Close()
}

func (c *sseClient) read() {
	defer close(c.events)
	s := bufio.NewScanner(c.res.Body)
	var ev sseEvent
	for s.Scan() {
		line := s.Text()
		switch {
		case line == "":
			if ev.Name != "" {
				c.events <- ev
			}
			ev = sseEvent{}
		case line == ": ping":
			c.pings <- struct{}{}
		case strings.HasPrefix(line, "id: "):
			ev.ID, _ = strconv.ParseInt(line[4:], 10, 64)
		case strings.HasPrefix(line, "event: "):
			ev.Name = line[7:]
		case strings.HasPrefix(line, "data: "):
			_ = json.Unmarshal([]byte(line[6:]), &ev.Data)
		}
	}
}

// next returns the next event with one of the names (others are skipped).
func (c *sseClient) next(names ...string) sseEvent {
	c.t.Helper()
	timeout := time.After(5 * time.Second)
	for {
		select {
		case ev, ok := <-c.events:
			if !ok {
				c.t.Fatalf("stream ended while waiting for %v", names)
			}
			for _, n := range names {
				if ev.Name == n {
					return ev
				}
			}
		case <-timeout:
			c.t.Fatalf("no %v event within 5s", names)
		}
	}
}

// ended reports whether the stream closes within a second (events skipped).
func (c *sseClient) ended() bool {
	timeout := time.After(time.Second)
	for {
		select {
		case _, ok := <-c.events:
			if !ok {
				return true
			}
		case <-timeout:
			return false
		}
	}
}

// quiet asserts no event with the name arrives for a moment.
func (c *sseClient) quiet(name string) {
	c.t.Helper()
	timeout := time.After(300 * time.Millisecond)
	for {
		select {
		case ev, ok := <-c.events:
			if ok && ev.Name == name {
				c.t.Fatalf("unexpected %s event: %+v", name, ev)
			}
			if !ok {
				return
			}
		case <-timeout:
			return
		}
	}
}

// serve starts a loopback server; it closes after the streams opened later
// (cleanups run last-in first-out) and after the chat server has ended
// every stream.
func serve(t *testing.T, fx *fixture) *httptest.Server {
	ts := httptest.NewServer(fx.h)
	t.Cleanup(ts.Close)
	t.Cleanup(fx.srv.Close)
	return ts
}

// bearerHeader authorizes a stream of live events only.
func bearerHeader(token string) map[string]string {
	return map[string]string{"Authorization": "Bearer " + token}
}

// resumeHeader authorizes a stream that resumes after message lastID.
func resumeHeader(token string, lastID int64) map[string]string {
	h := bearerHeader(token)
	h["Last-Event-ID"] = strconv.FormatInt(lastID, 10)
	return h
}

func TestStreamLiveAndIsolated(t *testing.T) {
	fx := newFixture(t)
	ts := serve(t, fx)
	alice, aliceID := fx.start()
	bob, bobID := fx.start()
	session := fx.login()

	as, res := openStream(t, ts.URL, "/api/v1/conversation/events", bearerHeader(alice))
	require.NotNil(t, as)
	assert.Equal(t, "text/event-stream; charset=utf-8", res.Header.Get("Content-Type"))
	assert.Equal(t, "no-store", res.Header.Get("Cache-Control"))
	assert.Empty(t, res.Header.Values("Set-Cookie"))
	bs, _ := openStream(t, ts.URL, "/api/v1/conversation/events", bearerHeader(bob))
	require.NotNil(t, bs)
	agents, _ := openStream(t, ts.URL, "/api/v1/agent/events", bearerHeader(session))
	require.NotNil(t, agents)

	// Agent → Alice: Alice sees it, Bob does not.
	id := fx.reply(session, aliceID, "r1", "hello alice")
	ev := as.next("message")
	assert.Equal(t, id, ev.ID)
	assert.Equal(t, "hello alice", ev.Data["body"])
	assert.Equal(t, "agent", ev.Data["author"])
	assert.Equal(t, "ana", ev.Data["agent"])

	// Visitor → agents, with the conversation's new unread count.
	vid := fx.send(bob, "b1", "bob asks")
	ev = agents.next("message")
	for ev.Data["body"] != "bob asks" {
		ev = agents.next("message")
	}
	assert.Equal(t, vid, ev.ID)
	assert.Equal(t, float64(bobID), ev.Data["conversation"])
	conv := agents.next("conversation")
	for conv.Data["id"] != float64(bobID) {
		conv = agents.next("conversation")
	}
	assert.Equal(t, 1.0, conv.Data["unread"])

	// Typing goes to the other side only.
	rec := fx.do(request{method: "POST", path: "/api/v1/agent/conversations/" + itoa(int(bobID)) + "/typing", token: session, body: `{"typing":true}`})
	require.Equal(t, http.StatusNoContent, rec.Code)
	ev = bs.next("typing")
	assert.Equal(t, true, ev.Data["typing"])
	assert.Equal(t, "agent", ev.Data["author"])
	as.quiet("typing")

	// The agent reads Bob's message: Bob gets a read event.
	rec = fx.do(request{method: "POST", path: "/api/v1/agent/conversations/" + itoa(int(bobID)) + "/read", token: session, body: `{"message":` + itoa(int(vid)) + `}`})
	require.Equal(t, http.StatusOK, rec.Code)
	ev = bs.next("read")
	assert.Equal(t, "agent", ev.Data["reader"])
	assert.Equal(t, float64(vid), ev.Data["message"])

	bs.quiet("message") // Bob never saw "hello alice"
}

func TestStreamResumeWithLastEventID(t *testing.T) {
	fx := newFixture(t)
	ts := serve(t, fx)
	token, conv := fx.start()
	session := fx.login()
	first := fx.reply(session, conv, "a1", "one")
	fx.send(token, "v1", "two")
	fx.reply(session, conv, "a2", "three")

	cases := []struct {
		name   string
		header map[string]string
		want   []string
	}{
		{"from zero replays all", resumeHeader(token, 0), []string{"one", "two", "three"}},
		{"from the first", resumeHeader(token, first), []string{"two", "three", "live from zero replays all"}},
		{"without the header live only", bearerHeader(token), nil},
		{"from the end", resumeHeader(token, first+100), nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, _ := openStream(t, ts.URL, "/api/v1/conversation/events", c.header)
			require.NotNil(t, s)
			for _, body := range c.want {
				assert.Equal(t, body, s.next("message").Data["body"])
			}
			if c.want == nil {
				s.quiet("message") // nothing before the live one
			}
			// Then live, without duplicates.
			fx.reply(session, conv, "live-"+strings.ReplaceAll(c.name, " ", "-"), "live "+c.name)
			assert.Equal(t, "live "+c.name, s.next("message").Data["body"])
			s.close()
		})
	}

	// The agents' stream resumes across conversations.
	other, otherID := fx.start()
	fx.send(other, "o1", "other conversation")
	a, _ := openStream(t, ts.URL, "/api/v1/agent/events", resumeHeader(session, first))
	require.NotNil(t, a)
	var got []string
	for i := 0; i < 7; i++ {
		ev := a.next("message")
		got = append(got, ev.Data["body"].(string))
		if ev.Data["conversation"] == float64(otherID) {
			break
		}
	}
	assert.Equal(t, []string{"two", "three", "live from zero replays all", "live from the first", "live without the header live only", "live from the end", "other conversation"}, got)

	rec := fx.do(request{method: "GET", path: "/api/v1/conversation/events", token: token, header: map[string]string{"Last-Event-ID": "abc"}})
	assert.Equal(t, http.StatusBadRequest, rec.Code)
}

func TestStreamHeartbeat(t *testing.T) {
	fx := newFixture(t, func(c *Config) { c.Heartbeat = 20 * time.Millisecond })
	ts := serve(t, fx)
	token, _ := fx.start()
	s, _ := openStream(t, ts.URL, "/api/v1/conversation/events", bearerHeader(token))
	require.NotNil(t, s)
	for i := 0; i < 3; i++ {
		select {
		case <-s.pings:
		case <-time.After(5 * time.Second):
			t.Fatal("no heartbeat")
		}
	}
}

// TestStreamStatesItsHeartbeat: every stream opens with the interval of its
// heartbeat (a field EventSource ignores), from which the widget tells a
// dead connection from a quiet one.
func TestStreamStatesItsHeartbeat(t *testing.T) {
	fx := newFixture(t, func(c *Config) { c.Heartbeat = 1500 * time.Millisecond })
	ts := serve(t, fx)
	token, _ := fx.start()
	for _, path := range []string{"/api/v1/conversation/events", "/api/v1/availability/events"} {
		t.Run(path, func(t *testing.T) {
			req, err := http.NewRequest("GET", ts.URL+path, nil)
			require.NoError(t, err)
			req.Header.Set("Authorization", "Bearer "+token)
			res, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			defer res.Body.Close()
			require.Equal(t, http.StatusOK, res.StatusCode)
			r := bufio.NewReader(res.Body)
			var first []string
			for {
				line, err := r.ReadString('\n')
				require.NoError(t, err)
				if line == "\n" {
					break
				}
				first = append(first, strings.TrimSuffix(line, "\n"))
			}
			assert.Equal(t, []string{"retry: 2000", "heartbeat: 1500", ": stream open"}, first)
		})
	}
}

func TestStreamCapPerVisitor(t *testing.T) {
	fx := newFixture(t, func(c *Config) { c.MaxStreams = 2 })
	ts := serve(t, fx)
	token, _ := fx.start()
	other, _ := fx.start()
	for i := 0; i < 2; i++ {
		s, _ := openStream(t, ts.URL, "/api/v1/conversation/events", bearerHeader(token))
		require.NotNil(t, s)
	}
	require.Eventually(t, func() bool { return fx.srv.hub.count(1) == 2 }, 5*time.Second, 10*time.Millisecond)
	s, res := openStream(t, ts.URL, "/api/v1/conversation/events", bearerHeader(token))
	assert.Nil(t, s)
	assert.Equal(t, http.StatusTooManyRequests, res.StatusCode)
	s, _ = openStream(t, ts.URL, "/api/v1/conversation/events", bearerHeader(other))
	assert.NotNil(t, s, "the cap is per visitor")
}

func TestStreamTicket(t *testing.T) {
	fx := newFixture(t)
	ts := serve(t, fx)
	token, conv := fx.start()
	session := fx.login()
	rec := fx.do(request{method: "POST", path: "/api/v1/conversation/tickets", token: token})
	require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
	ticket := decodeBody(t, rec)["ticket"].(string)
	assert.True(t, strings.HasPrefix(ticket, "ct_"))

	s, _ := openStream(t, ts.URL, "/api/v1/conversation/events?ticket="+ticket, nil)
	require.NotNil(t, s)
	fx.reply(session, conv, "a", "via ticket")
	assert.Equal(t, "via ticket", s.next("message").Data["body"])

	_, res := openStream(t, ts.URL, "/api/v1/conversation/events?ticket=ct_bogus", nil)
	assert.Equal(t, http.StatusUnauthorized, res.StatusCode)
	fx.advance(61 * time.Second)
	_, res = openStream(t, ts.URL, "/api/v1/conversation/events?ticket="+ticket, nil)
	assert.Equal(t, http.StatusUnauthorized, res.StatusCode, "tickets are short-lived")
	_, res = openStream(t, ts.URL, "/api/v1/conversation/events?token="+token, nil)
	assert.Equal(t, http.StatusUnauthorized, res.StatusCode, "the long-lived token is never accepted in the URL")
}

func TestStreamSlowSubscriberDropped(t *testing.T) {
	h := newHub(hubLimits{})
	slow, err := h.subscribe(7, "a")
	require.NoError(t, err)
	agent, err := h.subscribe(0, "b")
	require.NoError(t, err)
	for i := 0; i < cap(slow.ch)+1; i++ {
		h.publish(event{ID: int64(i + 1), Name: "message", Conversation: 7, ToVisitor: true})
	}
	select {
	case ev := <-agent.ch:
		t.Fatalf("agents got a visitor-only event: %+v", ev)
	default:
	}
	_, open := <-slow.ch
	for open {
		_, open = <-slow.ch
	}
	assert.Equal(t, 0, h.count(7), "the slow stream was dropped")
	total, fromA := h.open("a")
	assert.Equal(t, 1, total, "the dropped stream no longer counts")
	assert.Zero(t, fromA)
}

func TestServerCloseEndsStreams(t *testing.T) {
	fx := newFixture(t)
	ts := serve(t, fx)
	token, _ := fx.start()
	s, _ := openStream(t, ts.URL, "/api/v1/conversation/events", bearerHeader(token))
	require.NotNil(t, s)
	fx.srv.Close()
	assert.True(t, s.ended())
	rec := fx.do(request{method: "GET", path: "/api/v1/conversation/events", token: token})
	assert.Equal(t, http.StatusServiceUnavailable, rec.Code)
}
