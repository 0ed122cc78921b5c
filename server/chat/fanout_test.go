package chat

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/bcrypt"

	"github.com/crumbless/crumbless/internal/testenv/pgtest"
	"github.com/crumbless/crumbless/server/storage"
	"github.com/crumbless/crumbless/static/content"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// pgInstances starts n chat servers, each with its own PostgreSQL pool and
// data folder, on one fresh database, as n server processes would; agent
// "ana" exists.
func pgInstances(t *testing.T, n int, mutate ...func(*Config)) (string, []*fixture, []*httptest.Server) {
	t.Helper()
	url := pgtest.Database(t)
	var fxs []*fixture
	var servers []*httptest.Server
	for range n {
		st, err := storage.OpenPostgres(context.Background(), url)
		require.NoError(t, err)
		t.Cleanup(func() { st.Close() })
		a, f, err := LoadContent(t.TempDir(), content.Answers, content.Forms)
		require.NoError(t, err)
		key, err := LoadNetworkKey(context.Background(), st, filepath.Join(t.TempDir(), "network.key"))
		require.NoError(t, err)
		fx := &fixture{t: t, now: time.UnixMilli(1767225600000)}
		cfg := Config{
			Store: st, Answers: a, Forms: f, Now: fx.clock, NetworkKey: key,
			IPRate: -1, MessageRate: -1, StartRate: -1, LoginRate: -1,
			Heartbeat: time.Hour, BcryptCost: bcrypt.MinCost,
		}
		for _, m := range mutate {
			m(&cfg)
		}
		fx.srv = New(cfg)
		fx.h = fx.srv.Handler()
		if err := AddAgent(context.Background(), st, "ana", "correct horse", bcrypt.MinCost, fx.clock()); !errors.Is(err, storage.ErrConflict) {
			require.NoError(t, err)
		}
		fxs = append(fxs, fx)
		servers = append(servers, serve(t, fx))
	}
	return url, fxs, servers
}

// waitFor skips events until one named name for which match holds.
func waitFor(c *sseClient, name string, match func(sseEvent) bool) sseEvent {
	c.t.Helper()
	timeout := time.After(5 * time.Second)
	for {
		select {
		case ev, ok := <-c.events:
			if !ok {
				c.t.Fatalf("stream ended while waiting for %s", name)
			}
			if ev.Name == name && match(ev) {
				return ev
			}
		case <-timeout:
			c.t.Fatalf("no matching %s event within 5s", name)
		}
	}
}

// TestFanoutAcrossInstances: what happens on one instance reaches the
// streams of the other — messages both ways, typing, read cursors, form
// submissions, conversation counts, bans — and tokens, sessions and
// tickets made on one are good on the other.
func TestFanoutAcrossInstances(t *testing.T) {
	_, fx, ts := pgInstances(t, 2)
	a, b := fx[0], fx[1]
	visitor, conv := a.start()
	session := a.login()
	cpath := "/api/v1/agent/conversations/" + itoa(int(conv))

	onB, res := openStream(t, ts[1].URL, "/api/v1/conversation/events", bearerHeader(visitor))
	require.Equal(t, http.StatusOK, res.StatusCode, "a token made on A is good on B")
	agentsOnA, res := openStream(t, ts[0].URL, "/api/v1/agent/events", bearerHeader(session))
	require.Equal(t, http.StatusOK, res.StatusCode)
	agentsOnB, res := openStream(t, ts[1].URL, "/api/v1/agent/events", bearerHeader(session))
	require.Equal(t, http.StatusOK, res.StatusCode, "a session made on A is good on B")

	t.Run("agent message on A reaches the visitor on B", func(t *testing.T) {
		id := a.reply(session, conv, "r1", "hello from A")
		ev := onB.next("message")
		assert.Equal(t, id, ev.ID)
		assert.Equal(t, "hello from A", ev.Data["body"])
		assert.Equal(t, "ana", ev.Data["agent"])
		assert.Equal(t, id, agentsOnB.next("message").ID, "and the agents on B")
		assert.Equal(t, id, agentsOnA.next("message").ID, "and on A")
	})
	t.Run("visitor message on B reaches the agents on A, with counts", func(t *testing.T) {
		id := b.send(visitor, "v1", "hello from B")
		// A hears the conversation's counts and the message on two paths
		// (a notice, then the read-back in id order), in either order.
		var ev, c sseEvent
		for ev.Name == "" || c.Name == "" {
			e := agentsOnA.next("message", "conversation")
			last, _ := e.Data["last"].(map[string]any)
			switch {
			case e.Name == "message":
				ev = e
			case last != nil && last["body"] == "hello from B":
				c = e
			}
		}
		assert.Equal(t, id, ev.ID)
		assert.Equal(t, "hello from B", ev.Data["body"])
		assert.Equal(t, float64(conv), c.Data["id"])
		assert.Equal(t, float64(1), c.Data["unread"])
		assert.Equal(t, id, onB.next("message").ID, "the visitor's own stream too")
	})
	t.Run("typing both ways", func(t *testing.T) {
		rec := a.do(request{method: "POST", path: cpath + "/typing", token: session, body: `{"typing":true}`})
		require.Equal(t, http.StatusNoContent, rec.Code)
		ev := onB.next("typing")
		assert.Equal(t, map[string]any{"conversation": float64(conv), "author": "agent", "agent": "ana", "typing": true}, ev.Data)
		rec = b.do(request{method: "POST", path: "/api/v1/conversation/typing", token: visitor, body: `{"typing":true}`})
		require.Equal(t, http.StatusNoContent, rec.Code)
		assert.Equal(t, "visitor", agentsOnA.next("typing").Data["author"])
	})
	t.Run("read cursors both ways", func(t *testing.T) {
		last := b.send(visitor, "v2", "are you there?")
		rec := a.do(request{method: "POST", path: cpath + "/read", token: session, body: fmt.Sprintf(`{"message":%d}`, last)})
		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
		ev := onB.next("read")
		assert.Equal(t, "agent", ev.Data["reader"])
		assert.Equal(t, float64(last), ev.Data["message"])
		answer := a.reply(session, conv, "r-read", "yes")
		rec = b.do(request{method: "POST", path: "/api/v1/conversation/read", token: visitor, body: fmt.Sprintf(`{"message":%d}`, answer)})
		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
		ev = waitFor(agentsOnA, "read", func(ev sseEvent) bool { return ev.Data["reader"] == "visitor" })
		assert.Equal(t, float64(answer), ev.Data["message"])
		waitFor(agentsOnA, "conversation", func(ev sseEvent) bool { return ev.Data["visitorRead"] == float64(answer) })
	})
	t.Run("a form sent on B shows on A", func(t *testing.T) {
		rec := b.do(request{method: "POST", path: "/api/v1/forms/contact/submissions", token: visitor,
			body: `{"id":"s1","fields":{"name":"Ana","email":"ana@example.com","topic":"Order","message":"Where is my parcel?","consent":"true"}}`})
		require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
		ev := agentsOnA.next("submission")
		assert.Equal(t, "contact", ev.Data["form"])
		assert.Equal(t, "ana@example.com", ev.Data["fields"].(map[string]any)["email"])
	})
	t.Run("a ticket made on A opens a stream on B", func(t *testing.T) {
		rec := a.do(request{method: "POST", path: "/api/v1/conversation/tickets", token: visitor})
		require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
		tk := decodeBody(t, rec)["ticket"].(string)
		s, res := openStream(t, ts[1].URL, "/api/v1/conversation/events?ticket="+tk, nil)
		require.Equal(t, http.StatusOK, res.StatusCode)
		id := a.reply(session, conv, "r2", "through the ticket")
		// B may still be delivering an earlier message it heard of late; the
		// new stream gets that one too (the widget keeps messages by id).
		waitFor(s, "message", func(ev sseEvent) bool { return ev.ID == id })
		s.close()
	})
	t.Run("a ban on A ends the visitor's stream on B", func(t *testing.T) {
		rec := a.do(request{method: "POST", path: cpath + "/ban", token: session, body: `{"reason":"spam"}`})
		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
		assert.Equal(t, "spam", onB.next("banned").Data["reason"])
		assert.True(t, onB.ended())
		waitFor(agentsOnB, "conversation", func(ev sseEvent) bool { return ev.Data["banned"] == "spam" })
		rec = b.do(request{method: "POST", path: "/api/v1/conversation/messages", token: visitor, body: `{"id":"v9","body":"x"}`})
		assert.Equal(t, http.StatusForbidden, rec.Code)
	})
}

// TestFanoutOrderAndResume: messages written on both instances at once
// reach the streams of both in id order, each once; a stream opened on
// either instance with Last-Event-ID gets exactly the rest.
func TestFanoutOrderAndResume(t *testing.T) {
	_, fx, ts := pgInstances(t, 2)
	visitor, conv := fx[0].start()
	session := fx[0].login()
	streams := []*sseClient{}
	for _, s := range ts {
		c, res := openStream(t, s.URL, "/api/v1/conversation/events", bearerHeader(visitor))
		require.Equal(t, http.StatusOK, res.StatusCode)
		streams = append(streams, c)
		c, res = openStream(t, s.URL, "/api/v1/agent/events", bearerHeader(session))
		require.Equal(t, http.StatusOK, res.StatusCode)
		streams = append(streams, c)
	}
	const perWriter = 5
	var wg sync.WaitGroup
	for w := range 4 { // two writers per instance, agents and the visitor
		wg.Add(1)
		go func() {
			defer wg.Done()
			f := fx[w%2]
			for i := range perWriter {
				path, token := "/api/v1/conversation/messages", visitor
				if w >= 2 {
					path, token = "/api/v1/agent/conversations/"+itoa(int(conv))+"/messages", session
				}
				rec := f.do(request{method: "POST", path: path, token: token, body: fmt.Sprintf(`{"id":"w%d-%d","body":"m"}`, w, i)})
				assert.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
			}
		}()
	}
	wg.Wait()
	stored, err := fx[0].srv.store.Messages(context.Background(), conv, 0, 500)
	require.NoError(t, err)
	require.Len(t, stored, 4*perWriter)
	var want []int64
	for _, m := range stored {
		want = append(want, m.ID)
	}
	for i, s := range streams {
		var got []int64
		for range want {
			got = append(got, s.next("message").ID)
		}
		assert.Equal(t, want, got, "stream %d: every message once, in id order", i)
		s.quiet("message")
	}
	for i, s := range ts {
		mid := want[len(want)/2]
		c, res := openStream(t, s.URL, "/api/v1/conversation/events", resumeHeader(visitor, mid))
		require.Equal(t, http.StatusOK, res.StatusCode)
		var got []int64
		for range want[len(want)/2+1:] {
			got = append(got, c.next("message").ID)
		}
		assert.Equal(t, want[len(want)/2+1:], got, "resume on instance %d", i)
		c.quiet("message")
	}
}

// TestFanoutListenerReconnects cuts the instances' LISTEN connections
// from the database side: they reconnect, catch up on what was written
// meanwhile, and carry live events again.
func TestFanoutListenerReconnects(t *testing.T) {
	url, fx, ts := pgInstances(t, 2)
	visitor, conv := fx[0].start()
	session := fx[0].login()
	onB, res := openStream(t, ts[1].URL, "/api/v1/conversation/events", bearerHeader(visitor))
	require.Equal(t, http.StatusOK, res.StatusCode)
	first := fx[0].reply(session, conv, "r0", "before")
	assert.Equal(t, first, onB.next("message").ID)

	ctx := context.Background()
	admin, err := pgx.Connect(ctx, url)
	require.NoError(t, err)
	defer admin.Close(ctx)
	var cut int
	require.NoError(t, admin.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE datname = current_database() AND query LIKE 'LISTEN %' AND pid <> pg_backend_pid()`).Scan(&cut))
	require.Equal(t, 2, cut, "one LISTEN connection per instance")

	during := fx[0].reply(session, conv, "r1", "while B was not listening")
	assert.Equal(t, during, onB.next("message").ID, "caught up after reconnecting")
	require.Eventually(t, func() bool {
		var n int
		err := admin.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND query LIKE 'LISTEN %'`).Scan(&n)
		return err == nil && n == 2
	}, 10*time.Second, 50*time.Millisecond, "both instances listen again")
	rec := fx[0].do(request{method: "POST", path: "/api/v1/agent/conversations/" + itoa(int(conv)) + "/typing", token: session, body: `{"typing":true}`})
	require.Equal(t, http.StatusNoContent, rec.Code)
	assert.Equal(t, "agent", onB.next("typing").Data["author"], "live events again")
	after := fx[0].reply(session, conv, "r2", "after")
	assert.Equal(t, after, onB.next("message").ID)
	onB.quiet("message")
}
