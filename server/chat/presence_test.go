package chat

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crumbless/crumbless/server/storage"
)

// testGrace is long enough that a loaded machine does not reach it by accident.
const testGrace = 2 * time.Second

func withGrace(cfg *Config) { cfg.PresenceGrace = testGrace }

// online asks GET /api/v1/availability.
func (fx *fixture) online() bool {
	fx.t.Helper()
	rec := fx.do(request{method: "GET", path: "/api/v1/availability"})
	require.Equal(fx.t, http.StatusOK, rec.Code, rec.Body.String())
	assert.Equal(fx.t, "no-store", rec.Header().Get("Cache-Control"))
	return decodeBody(fx.t, rec)["online"].(bool)
}

// TestPresenceFollowsAgentStreams: the team is online while an agent holds
// the inbox stream open, stays online for the grace period after the last
// one closes, and every visitor stream and availability stream hears each
// change once.
func TestPresenceFollowsAgentStreams(t *testing.T) {
	fx := newFixture(t, withGrace)
	ts := serve(t, fx)
	visitor, convID := fx.start()
	session := fx.login()

	assert.False(t, fx.online(), "no agent yet")
	rec := fx.do(request{method: "GET", path: "/api/v1/conversation", token: visitor})
	require.Equal(t, http.StatusOK, rec.Code)
	assert.Equal(t, false, decodeBody(t, rec)["online"])

	public, res := openStream(t, ts.URL, "/api/v1/availability/events", nil)
	require.NotNil(t, public, "availability stream needs no token: %d", res.StatusCode)
	assert.Equal(t, "text/event-stream; charset=utf-8", res.Header.Get("Content-Type"))
	assert.Equal(t, false, public.next("presence").Data["online"], "the stream starts with the current state")
	conv, _ := openStream(t, ts.URL, "/api/v1/conversation/events", bearerHeader(visitor))
	require.NotNil(t, conv)
	assert.Equal(t, false, conv.next("presence").Data["online"], "a visitor's stream starts with the current state too")

	// An agent opens the inbox: online, everywhere.
	agent1, _ := openStream(t, ts.URL, "/api/v1/agent/events", bearerHeader(session))
	require.NotNil(t, agent1)
	assert.Equal(t, true, public.next("presence").Data["online"])
	assert.Equal(t, true, conv.next("presence").Data["online"])
	assert.True(t, fx.online())
	rec = fx.do(request{method: "GET", path: "/api/v1/conversation", token: visitor})
	assert.Equal(t, true, decodeBody(t, rec)["online"])

	// A second inbox tab changes nothing; closing one of two changes nothing.
	agent2, _ := openStream(t, ts.URL, "/api/v1/agent/events", bearerHeader(session))
	require.NotNil(t, agent2)
	public.quiet("presence")
	agent1.close()
	public.quiet("presence")
	assert.True(t, fx.online())

	// The last one closes: still online during the grace period, then offline.
	closed := time.Now()
	agent2.close()
	assert.True(t, fx.online(), "online during the grace period")
	assert.Equal(t, false, public.next("presence").Data["online"])
	assert.GreaterOrEqual(t, time.Since(closed), testGrace-50*time.Millisecond, "not before the grace period ended")
	assert.Equal(t, false, conv.next("presence").Data["online"])
	assert.False(t, fx.online())

	// Back within the grace period (an inbox reload): no offline flicker.
	agent3, _ := openStream(t, ts.URL, "/api/v1/agent/events", bearerHeader(session))
	require.NotNil(t, agent3)
	assert.Equal(t, true, public.next("presence").Data["online"])
	agent3.close()
	time.Sleep(testGrace / 4)
	agent4, _ := openStream(t, ts.URL, "/api/v1/agent/events", bearerHeader(session))
	require.NotNil(t, agent4)
	time.Sleep(testGrace)
	public.quiet("presence")
	assert.True(t, fx.online(), "reconnected within the grace period")

	// The availability stream carries presence only: no messages.
	fx.reply(session, convID, "r1", "hello")
	conv.next("message")
	public.quiet("message")
}

// TestPresenceNeedsAnAuthenticatedStream: a failed agent stream (bad session)
// does not make the team online.
func TestPresenceNeedsAnAuthenticatedStream(t *testing.T) {
	fx := newFixture(t, withGrace)
	ts := serve(t, fx)
	s, res := openStream(t, ts.URL, "/api/v1/agent/events", bearerHeader("ca_"+strings.Repeat("x", 43)))
	assert.Nil(t, s)
	assert.Equal(t, http.StatusUnauthorized, res.StatusCode)
	assert.False(t, fx.online())
}

// TestAvailabilityStreamsAreCapped: streams without a token are capped per
// client address (429 too_many_streams), and a closed one frees its place.
func TestAvailabilityStreamsAreCapped(t *testing.T) {
	fx := newFixture(t, func(c *Config) { c.MaxPublicStreams = 2 })
	ts := serve(t, fx)
	first, _ := openStream(t, ts.URL, "/api/v1/availability/events", nil)
	require.NotNil(t, first)
	second, _ := openStream(t, ts.URL, "/api/v1/availability/events", nil)
	require.NotNil(t, second)
	third, res := openStream(t, ts.URL, "/api/v1/availability/events", nil)
	require.Nil(t, third)
	assert.Equal(t, http.StatusTooManyRequests, res.StatusCode)
	res.Body.Close()
	first.close()
	require.Eventually(t, func() bool {
		s, res := openStream(t, ts.URL, "/api/v1/availability/events", nil)
		if s == nil {
			res.Body.Close()
			return false
		}
		s.close()
		return true
	}, 5*time.Second, 20*time.Millisecond)
}

// TestPresenceTransitions drives presence directly: each sequence of
// connects (+), disconnects (-) and waits (w, longer than the grace) gives
// the listed notifications.
func TestPresenceTransitions(t *testing.T) {
	const grace = 40 * time.Millisecond
	tests := []struct {
		name  string
		steps string
		want  []bool
		final bool
	}{
		{"nobody", "w", nil, false},
		{"one agent", "+", []bool{true}, true},
		{"one agent leaves", "+-w", []bool{true, false}, false},
		{"leaves and comes back within the grace", "+-+w", []bool{true}, true},
		{"two agents, one leaves", "++-w", []bool{true}, true},
		{"two agents leave", "++--w", []bool{true, false}, false},
		{"online again after going offline", "+-w+", []bool{true, false, true}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var mu sync.Mutex
			var got []bool
			p := newPresence(grace, func(online bool) { mu.Lock(); got = append(got, online); mu.Unlock() })
			defer p.stop()
			for _, step := range tt.steps {
				switch step {
				case '+':
					p.connect()
				case '-':
					p.disconnect()
				case 'w': // past the grace, and until a pending timer has fired
					time.Sleep(3 * grace)
					require.Eventually(t, func() bool {
						p.mu.Lock()
						defer p.mu.Unlock()
						return p.timer == nil
					}, 10*time.Second, grace)
				}
			}
			mu.Lock()
			defer mu.Unlock()
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.final, p.Online())
		})
	}
}

// TestPresenceAcrossInstances: with two instances on one PostgreSQL
// database, an agent's inbox on A makes the team online for visitors on B,
// told by a notice (the beat is too slow to do it), the grace period holds
// on B too, and a stopped instance's agents stop counting at once.
func TestPresenceAcrossInstances(t *testing.T) {
	_, fx, ts := pgInstances(t, 2, withGrace, func(c *Config) { c.PresenceBeat = time.Hour })
	a, b := fx[0], fx[1]
	session := a.login()
	visitor, _ := b.start()
	public, _ := openStream(t, ts[1].URL, "/api/v1/availability/events", nil)
	require.NotNil(t, public)
	assert.Equal(t, false, public.next("presence").Data["online"])

	agent, _ := openStream(t, ts[0].URL, "/api/v1/agent/events", bearerHeader(session))
	require.NotNil(t, agent)
	assert.Equal(t, true, public.next("presence").Data["online"], "the agent on A shows on B")
	assert.True(t, b.online())
	rec := b.do(request{method: "GET", path: "/api/v1/conversation", token: visitor})
	assert.Equal(t, true, decodeBody(t, rec)["online"])

	closed := time.Now()
	agent.close()
	assert.Equal(t, false, public.next("presence").Data["online"])
	assert.GreaterOrEqual(t, time.Since(closed), testGrace-50*time.Millisecond, "not before A's grace period ended")
	assert.False(t, b.online())

	agent, _ = openStream(t, ts[0].URL, "/api/v1/agent/events", bearerHeader(session))
	require.NotNil(t, agent)
	assert.Equal(t, true, public.next("presence").Data["online"])
	a.srv.Close() // A shuts down: its agents no longer count, no grace
	assert.Equal(t, false, public.next("presence").Data["online"])
}

// TestPresenceLapses: an instance that stops refreshing its presence (it
// died) stops counting after three beats, with no notice.
func TestPresenceLapses(t *testing.T) {
	url, fx, ts := pgInstances(t, 1, func(c *Config) { c.PresenceBeat = 100 * time.Millisecond })
	public, _ := openStream(t, ts[0].URL, "/api/v1/availability/events", nil)
	require.NotNil(t, public)
	assert.Equal(t, false, public.next("presence").Data["online"])

	st, err := storage.OpenPostgres(context.Background(), url)
	require.NoError(t, err)
	defer st.Close()
	// An instance that beat once and died: its row counts for the lapse
	// after seen_at. Dated a second ahead, so that it still counts when a
	// loaded machine delays the next beat; it lapses 1.3 s from now.
	_, err = st.Pool().Exec(context.Background(), `INSERT INTO presence (instance, seen_at) VALUES ('dead', now() + interval '1 second')`)
	require.NoError(t, err)
	assert.Equal(t, true, public.next("presence").Data["online"], "seen on the next beat")
	assert.Equal(t, false, public.next("presence").Data["online"], "and gone once it lapsed")
	assert.False(t, fx[0].online())
}
