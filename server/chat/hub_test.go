package chat

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crumbless/crumbless/server/storage"
)

func TestHubCaps(t *testing.T) {
	for _, tc := range []struct {
		name   string
		limits hubLimits
		open   []struct {
			conv int64
			addr string
		}
		want error // for one more stream: conversation 1 from "a"
	}{
		{name: "per conversation", limits: hubLimits{perConversation: 2},
			open: []struct {
				conv int64
				addr string
			}{{1, "x"}, {1, "y"}}, want: errConversationFull},
		{name: "per address", limits: hubLimits{perAddress: 2},
			open: []struct {
				conv int64
				addr string
			}{{0, "a"}, {publicStream, "a"}}, want: errAddressFull},
		{name: "in all", limits: hubLimits{total: 3},
			open: []struct {
				conv int64
				addr string
			}{{0, "x"}, {2, "y"}, {publicStream, "z"}}, want: errHubFull},
		{name: "under every cap", limits: hubLimits{perConversation: 2, perAddress: 2, total: 3},
			open: []struct {
				conv int64
				addr string
			}{{1, "x"}, {0, "a"}}, want: nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHub(tc.limits)
			for _, o := range tc.open {
				_, err := h.subscribe(o.conv, o.addr)
				require.NoError(t, err)
			}
			s, err := h.subscribe(1, "a")
			assert.Equal(t, tc.want, err)
			if tc.want != nil {
				return
			}
			h.unsubscribe(s)
			h.unsubscribe(s) // twice is harmless
			total, fromA := h.open("a")
			assert.Equal(t, len(tc.open), total)
			assert.Equal(t, 1, fromA)
		})
	}
}

// TestHubReservesAtomically opens streams from many goroutines at once:
// exactly the cap gets through.
func TestHubReservesAtomically(t *testing.T) {
	h := newHub(hubLimits{perConversation: 4, perAddress: 10, total: 12})
	var wg sync.WaitGroup
	var mu sync.Mutex
	got := map[error]int{}
	for i := 0; i < 64; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := h.subscribe(int64(1+i%2), "a") // conversations 1 and 2, one address
			mu.Lock()
			got[err]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	assert.Equal(t, 8, got[nil], "4 per conversation × 2 conversations")
	assert.Equal(t, 56, got[errConversationFull])
	assert.Equal(t, 4, h.count(1))
	assert.Equal(t, 4, h.count(2))
}

// TestHubDeliversByConversation: an event for one conversation reaches
// its visitor streams and the agents, nobody else; presence reaches every
// visitor and availability stream.
func TestHubDeliversByConversation(t *testing.T) {
	h := newHub(hubLimits{})
	sub := func(conv int64) *subscriber {
		s, err := h.subscribe(conv, "a")
		require.NoError(t, err)
		return s
	}
	one, two, agent, public := sub(1), sub(2), sub(0), sub(publicStream)
	pending := func(s *subscriber) []string {
		var names []string
		for len(s.ch) > 0 {
			names = append(names, (<-s.ch).Name)
		}
		return names
	}
	h.deliver(event{Name: "message", Conversation: 1, ToVisitor: true, ToAgents: true})
	h.deliver(event{Name: "typing", Conversation: 2, ToVisitor: true})
	h.deliver(event{Name: "presence", ToVisitors: true, ToPublic: true})
	assert.Equal(t, []string{"message", "presence"}, pending(one))
	assert.Equal(t, []string{"typing", "presence"}, pending(two))
	assert.Equal(t, []string{"message"}, pending(agent))
	assert.Equal(t, []string{"presence"}, pending(public))
}

// TestStreamCapsOverHTTP: concurrent opens for one visitor get exactly
// MaxStreams streams and 429s; the process-wide cap answers 503 "busy"
// with Retry-After.
func TestStreamCapsOverHTTP(t *testing.T) {
	t.Run("per visitor, concurrent", func(t *testing.T) {
		fx := newFixture(t, func(c *Config) { c.MaxStreams = 3 })
		ts := serve(t, fx)
		token, _ := fx.start()
		var wg sync.WaitGroup
		codes := make(chan int, 12)
		for i := 0; i < 12; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, res := openStream(t, ts.URL, "/api/v1/conversation/events", bearerHeader(token))
				codes <- res.StatusCode
			}()
		}
		wg.Wait()
		close(codes)
		got := map[int]int{}
		for c := range codes {
			got[c]++
		}
		assert.Equal(t, map[int]int{200: 3, 429: 9}, got)
	})
	t.Run("per address", func(t *testing.T) {
		fx := newFixture(t, func(c *Config) { c.MaxAddressStreams = 2 })
		ts := serve(t, fx)
		for i := 0; i < 2; i++ {
			token, _ := fx.start()
			s, _ := openStream(t, ts.URL, "/api/v1/conversation/events", bearerHeader(token))
			require.NotNil(t, s, "stream "+strconv.Itoa(i))
		}
		token, _ := fx.start()
		_, res := openStream(t, ts.URL, "/api/v1/conversation/events", bearerHeader(token))
		assert.Equal(t, http.StatusTooManyRequests, res.StatusCode)
		assert.Equal(t, CodeTooMany, errorCode(t, res))
	})
	t.Run("in all", func(t *testing.T) {
		fx := newFixture(t, func(c *Config) { c.MaxTotalStreams = 2 })
		ts := serve(t, fx)
		for i := 0; i < 2; i++ {
			s, _ := openStream(t, ts.URL, "/api/v1/availability/events", nil)
			require.NotNil(t, s)
		}
		_, res := openStream(t, ts.URL, "/api/v1/availability/events", nil)
		assert.Equal(t, http.StatusServiceUnavailable, res.StatusCode)
		assert.Equal(t, "5", res.Header.Get("Retry-After"))
		assert.Equal(t, CodeBusy, errorCode(t, res))
	})
}

func errorCode(t *testing.T, res *http.Response) string {
	t.Helper()
	defer res.Body.Close()
	var body struct {
		Code string `json:"code"`
	}
	require.NoError(t, json.NewDecoder(res.Body).Decode(&body))
	return body.Code
}

// BenchmarkHubDeliver delivers one conversation's event with many other
// conversations' streams open: the cost follows that conversation's
// streams (and the agents'), not the number of streams in all.
func BenchmarkHubDeliver(b *testing.B) {
	for _, others := range []int{10, 10000} {
		b.Run("others="+strconv.Itoa(others), func(b *testing.B) {
			h := newHub(hubLimits{})
			for i := 0; i < others; i++ {
				if _, err := h.subscribe(int64(2+i), "o"); err != nil {
					b.Fatal(err)
				}
			}
			s, err := h.subscribe(1, "v")
			if err != nil {
				b.Fatal(err)
			}
			ev := event{Name: "message", Conversation: 1, ToVisitor: true}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				h.deliver(ev)
				<-s.ch
			}
		})
	}
}

// TestRefusedAgentStreamLeavesPresence: an agent stream refused by a cap
// does not show the team online.
func TestRefusedAgentStreamLeavesPresence(t *testing.T) {
	fx := newFixture(t, func(c *Config) { c.MaxTotalStreams = 1 })
	ts := serve(t, fx)
	s, _ := openStream(t, ts.URL, "/api/v1/availability/events", nil)
	require.NotNil(t, s)
	_, res := openStream(t, ts.URL, "/api/v1/agent/events", bearerHeader(fx.login()))
	assert.Equal(t, http.StatusServiceUnavailable, res.StatusCode)
	assert.False(t, fx.srv.presence.Online(), "the team is not online")
}

// TestStreamCapAcrossInstances: with two instances on one PostgreSQL
// database the cap of streams per visitor counts both instances' streams;
// a closed stream frees its place on either, and the leases of an instance
// that stopped refreshing them (it died) lapse.
func TestStreamCapAcrossInstances(t *testing.T) {
	url, fx, ts := pgInstances(t, 2, func(c *Config) { c.MaxStreams, c.PresenceBeat = 3, 100*time.Millisecond })
	visitor, conv := fx[0].start()
	path := "/api/v1/conversation/events"
	var open []*sseClient
	for i, s := range []*httptest.Server{ts[0], ts[1], ts[0]} {
		c, res := openStream(t, s.URL, path, bearerHeader(visitor))
		require.Equal(t, http.StatusOK, res.StatusCode, "stream %d", i)
		open = append(open, c)
	}
	for _, s := range ts {
		c, res := openStream(t, s.URL, path, bearerHeader(visitor))
		assert.Nil(t, c)
		assert.Equal(t, http.StatusTooManyRequests, res.StatusCode, "the cap of 3 counts both instances")
	}
	open[1].close() // a place frees up: B's stream ends, A may open one
	deadline := time.Now().Add(5 * time.Second)
	for {
		c, res := openStream(t, ts[0].URL, path, bearerHeader(visitor))
		if res.StatusCode == http.StatusOK {
			open[1] = c
			break
		}
		require.True(t, time.Now().Before(deadline), "the closed stream's place never freed")
		time.Sleep(20 * time.Millisecond)
	}

	// A lease nobody refreshes (its instance died) stops counting.
	st, err := storage.OpenPostgres(context.Background(), url)
	require.NoError(t, err)
	defer st.Close()
	open[2].close() // its instance releases the lease once it sees the stream end
	deadline = time.Now().Add(5 * time.Second)
	for {
		refused, err := st.LeaseStream(context.Background(), storage.StreamLease{ID: "dead-1", Instance: "dead", Conversation: conv},
			storage.StreamCaps{PerConversation: 3}, time.Hour)
		require.NoError(t, err)
		if refused == storage.LeaseGranted { // the third place, taken by a dying instance
			break
		}
		require.True(t, time.Now().Before(deadline), "the closed stream's lease was never released")
		time.Sleep(20 * time.Millisecond)
	}
	deadline = time.Now().Add(5 * time.Second)
	for {
		c, res := openStream(t, ts[1].URL, path, bearerHeader(visitor))
		if res.StatusCode == http.StatusOK {
			c.close()
			break
		}
		require.True(t, time.Now().Before(deadline), "the dead instance's lease never lapsed")
		time.Sleep(50 * time.Millisecond)
	}
}

// TestStreamNetworkAndTotalCapsAcrossInstances: with two instances on one
// PostgreSQL database the caps of streams per client network and in all
// count both instances' streams of every kind (a visitor's, an agent's,
// availability); a closed stream frees its place.
func TestStreamNetworkAndTotalCapsAcrossInstances(t *testing.T) {
	_, fx, ts := pgInstances(t, 2, func(c *Config) { c.MaxAddressStreams, c.MaxTotalStreams = 3, 5 })
	visitor, _ := fx[0].start()
	session := fx[0].login()
	const (
		visitorPath = "/api/v1/conversation/events"
		agentPath   = "/api/v1/agent/events"
		publicPath  = "/api/v1/availability/events"
	)
	var open []*sseClient
	for i, s := range []struct {
		base, path string
		header     map[string]string
	}{{ts[0].URL, visitorPath, bearerHeader(visitor)}, {ts[1].URL, agentPath, bearerHeader(session)}, {ts[0].URL, publicPath, nil}} {
		c, res := openStreamFrom(t, "127.0.0.1", s.base, s.path, s.header)
		require.Equal(t, http.StatusOK, res.StatusCode, "stream %d", i)
		open = append(open, c)
	}
	for i, s := range ts {
		c, res := openStreamFrom(t, "127.0.0.1", s.URL, publicPath, nil)
		assert.Nil(t, c)
		assert.Equal(t, http.StatusTooManyRequests, res.StatusCode, "instance %d: the network's cap of 3 counts both instances", i)
	}
	for i, ip := range []string{"127.0.0.2", "127.0.0.3"} {
		c, res := openStreamFrom(t, ip, ts[i].URL, publicPath, nil)
		require.Equal(t, http.StatusOK, res.StatusCode, "another network, %s", ip)
		open = append(open, c)
	}
	for i, s := range ts {
		c, res := openStreamFrom(t, "127.0.0.4", s.URL, publicPath, nil)
		assert.Nil(t, c)
		assert.Equal(t, http.StatusServiceUnavailable, res.StatusCode, "instance %d: the cap of 5 in all counts both instances", i)
	}

	open[1].close() // the agent's stream on B: a place in all and on 127.0.0.1
	for i, ip := range []string{"127.0.0.1", "127.0.0.4"} {
		deadline := time.Now().Add(5 * time.Second)
		for {
			c, res := openStreamFrom(t, ip, ts[0].URL, publicPath, nil)
			if res.StatusCode == http.StatusOK {
				if i == 0 {
					c.close() // for 127.0.0.4 next
				}
				break
			}
			require.True(t, time.Now().Before(deadline), "%s: the closed stream's place never freed (%d)", ip, res.StatusCode)
			time.Sleep(20 * time.Millisecond)
		}
	}
}

// openStreamFrom is openStream from the loopback address ip, another
// client network to the server.
func openStreamFrom(t *testing.T, ip, base, path string, header map[string]string) (*sseClient, *http.Response) {
	t.Helper()
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
	client := &http.Client{Transport: &http.Transport{DialContext: d.DialContext}}
	t.Cleanup(client.CloseIdleConnections)
	return openStreamWith(t, client, base, path, header)
}
