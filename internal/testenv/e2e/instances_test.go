//go:build e2e

package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crumbless/crumbless/internal/testenv/pgtest"
)

// TestMain stops the PostgreSQL cluster the tests started, if any (make
// test-e2e runs them next to one: internal/testenv/pgcluster).
func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// sseEvent is one Server-Sent Event of a stream read by sseStream.
type sseEvent struct {
	id   int64
	name string
	data map[string]any
}

// sseStream opens a chat event stream with a bearer token (and a
// Last-Event-ID when lastID > 0) and delivers its events on a channel.
func sseStream(t *testing.T, url, token string, lastID int64) <-chan sseEvent {
	t.Helper()
	return sseStreamWith(t, http.DefaultClient, url, token, lastID)
}

// sseStreamWith is sseStream through client c (its timeout does not apply
// to the stream).
func sseStreamWith(t *testing.T, c *http.Client, url, token string, lastID int64) <-chan sseEvent {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	if lastID > 0 {
		req.Header.Set("Last-Event-ID", strconv.FormatInt(lastID, 10))
	}
	streaming := *c
	streaming.Timeout = 0
	res, err := streaming.Do(req)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, res.StatusCode)
	t.Cleanup(func() { cancel(); res.Body.Close() })
	events := make(chan sseEvent, 100)
	go func() {
		defer close(events)
		s := bufio.NewScanner(res.Body)
		var ev sseEvent
		for s.Scan() {
			line := s.Text()
			switch {
			case line == "":
				if ev.name != "" {
					events <- ev
				}
				ev = sseEvent{}
			case strings.HasPrefix(line, "id: "):
				ev.id, _ = strconv.ParseInt(line[4:], 10, 64)
			case strings.HasPrefix(line, "event: "):
				ev.name = line[7:]
			case strings.HasPrefix(line, "data: "):
				_ = json.Unmarshal([]byte(line[6:]), &ev.data)
			}
		}
	}()
	return events
}

// nextMessage returns the next message event (others are skipped).
func nextMessage(t *testing.T, events <-chan sseEvent) sseEvent {
	t.Helper()
	timeout := time.After(15 * time.Second)
	for {
		select {
		case ev, ok := <-events:
			require.True(t, ok, "stream ended while waiting for a message")
			if ev.name == "message" {
				return ev
			}
		case <-timeout:
			t.Fatal("no message event within 15s")
		}
	}
}

// noMessage asserts that no message event arrives for a moment.
func noMessage(t *testing.T, events <-chan sseEvent) {
	t.Helper()
	timeout := time.After(500 * time.Millisecond)
	for {
		select {
		case ev, ok := <-events:
			if !ok {
				return
			}
			require.NotEqual(t, "message", ev.name, "unexpected message %v", ev.data)
		case <-timeout:
			return
		}
	}
}

// TestChatSeveralInstances runs two server processes on one PostgreSQL
// database: an agent on A and a visitor on B talk over their streams in
// real time, and the agent's inbox on A makes the team online on B; then
// B is killed (kill -9), the conversation goes on through A, B starts
// again and the visitor's stream on B resumes with Last-Event-ID: nothing
// lost, nothing twice.
func TestChatSeveralInstances(t *testing.T) {
	db := pgtest.Database(t)
	a := startChatProcess(t, t.TempDir(), "-db", db)
	b := startChatProcess(t, t.TempDir(), "-db", db)

	addAgent(t, db, "ana", "correct horse")
	agent := agentLogin(t, a.base, "ana", "correct horse")

	code, start := call(t, "POST", b.base+"/api/v1/conversations", "", `{"site":"demo"}`)
	require.Equal(t, http.StatusCreated, code)
	visitor := start["token"].(string)
	conv := int64(start["conversation"].(map[string]any)["id"].(float64))
	reply := func(p *chatProcess, id, body string) int64 {
		t.Helper()
		code, got := call(t, "POST", fmt.Sprintf("%s/api/v1/agent/conversations/%d/messages", p.base, conv), agent,
			fmt.Sprintf(`{"id":%q,"body":%q}`, id, body))
		require.Equal(t, http.StatusCreated, code, got)
		return int64(got["message"].(map[string]any)["id"].(float64))
	}
	send := func(p *chatProcess, id, body string) int64 {
		t.Helper()
		code, got := call(t, "POST", p.base+"/api/v1/conversation/messages", visitor, fmt.Sprintf(`{"id":%q,"body":%q}`, id, body))
		require.Equal(t, http.StatusCreated, code, got)
		return int64(got["message"].(map[string]any)["id"].(float64))
	}

	visitorOnB := sseStream(t, b.base+"/api/v1/conversation/events", visitor, 0)
	agentOnA := sseStream(t, a.base+"/api/v1/agent/events", agent, 0)

	// The agent's inbox stream on A makes the team online on B.
	opened := time.Now()
	for {
		code, got := call(t, "GET", b.base+"/api/v1/availability", "", "")
		require.Equal(t, http.StatusOK, code)
		if got["online"] == true {
			break
		}
		require.Less(t, time.Since(opened), 5*time.Second, "the agent online on A never showed on B")
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("agent online on A seen on B after %v", time.Since(opened))

	first := send(b, "v1", "hello, anyone?")
	ev := nextMessage(t, agentOnA)
	assert.Equal(t, first, ev.id, "the visitor's message on B reaches the agent on A")
	assert.Equal(t, "hello, anyone?", ev.data["body"])
	assert.Equal(t, first, nextMessage(t, visitorOnB).id)

	second := reply(a, "r1", "hi, how can I help?")
	ev = nextMessage(t, visitorOnB)
	assert.Equal(t, second, ev.id, "the agent's reply on A reaches the visitor on B")
	assert.Equal(t, "hi, how can I help?", ev.data["body"])
	assert.Equal(t, "ana", ev.data["agent"])
	assert.Equal(t, second, nextMessage(t, agentOnA).id)

	// B crashes; the conversation goes on through A.
	_ = b.srv.Kill()
	var during []int64
	during = append(during, reply(a, "r2", "are you still there?"))
	during = append(during, send(a, "v2", "yes, through the other instance"))
	during = append(during, reply(a, "r3", "good"))
	for _, id := range during {
		assert.Equal(t, id, nextMessage(t, agentOnA).id, "A's streams never stopped")
	}

	b = startChatProcess(t, t.TempDir(), "-db", db)
	resumed := sseStream(t, b.base+"/api/v1/conversation/events", visitor, second)
	for _, id := range during {
		assert.Equal(t, id, nextMessage(t, resumed).id, "Last-Event-ID on the restarted B: every message, in order")
	}
	noMessage(t, resumed)
	live := reply(a, "r4", "and live again")
	assert.Equal(t, live, nextMessage(t, resumed).id, "B carries A's events again")
	assert.Equal(t, live, nextMessage(t, agentOnA).id)

	code, got := call(t, "GET", b.base+"/api/v1/conversation/messages?limit=500", visitor, "")
	require.Equal(t, http.StatusOK, code)
	assert.Len(t, got["messages"], 6, "every acknowledged message is stored once")
}
