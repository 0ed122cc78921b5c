package sseproxy

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const events = "/api/v1/conversation/events"

// upstream is a test server: events streams "data: <name> <n>" every 20 ms,
// anything else answers its name and counts the request.
type upstream struct {
	*httptest.Server
	name    string
	handled atomic.Int64
}

func newUpstream(t *testing.T, name string) *upstream {
	u := &upstream{name: name}
	u.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == events {
			w.Header().Set("Content-Type", "text/event-stream")
			w.WriteHeader(http.StatusOK)
			rc := http.NewResponseController(w)
			for i := 0; ; i++ {
				if _, err := io.WriteString(w, "data: "+name+" "+strconv.Itoa(i)+"\n\n"); err != nil {
					return
				}
				_ = rc.Flush()
				select {
				case <-r.Context().Done():
					return
				case <-time.After(20 * time.Millisecond):
				}
			}
		}
		u.handled.Add(1)
		io.WriteString(w, name+" "+r.Host)
	}))
	t.Cleanup(u.Close)
	return u
}

func newProxy(t *testing.T, target string) *Proxy {
	p, err := New(target, 1)
	require.NoError(t, err)
	t.Cleanup(func() { p.Close() })
	return p
}

// openStream starts a stream through the proxy and returns its lines.
func openStream(t *testing.T, url string) (lines <-chan string, cancel func()) {
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, "GET", url+events, nil)
	require.NoError(t, err)
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, res.StatusCode)
	ch := make(chan string, 1000)
	go func() {
		defer res.Body.Close()
		defer close(ch)
		s := bufio.NewScanner(res.Body)
		for s.Scan() {
			if s.Text() != "" {
				ch <- s.Text()
			}
		}
	}()
	t.Cleanup(cancel)
	return ch, cancel
}

// fresh makes one connection per request: Go's client would retry a GET
// whose reused connection closed, hiding a loss.
var oneShot = &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}

func get(url string) (string, error) {
	res, err := oneShot.Get(url)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return string(b), err
}

func TestCountsLiveStreams(t *testing.T) {
	up := newUpstream(t, "one")
	p := newProxy(t, up.URL)
	_, cancel1 := openStream(t, p.URL())
	lines2, cancel2 := openStream(t, p.URL())
	<-lines2
	assert.Equal(t, 2, p.Live(events))
	assert.Equal(t, 0, p.Live("/api/v1/availability/events"))
	body, err := get(p.URL() + "/page")
	require.NoError(t, err)
	assert.Equal(t, "one "+strings.TrimPrefix(p.URL(), "http://"), body, "forwarded with the proxy's Host")
	assert.Equal(t, 2, p.Live(events), "plain requests are not streams")

	cancel1()
	require.Eventually(t, func() bool { return p.Live(events) == 1 }, 5*time.Second, 10*time.Millisecond)
	cancel2()
	require.Eventually(t, func() bool { return p.Live(events) == 0 }, 5*time.Second, 10*time.Millisecond)
	assert.Equal(t, 2, p.Opened(events))
}

func TestStallKeepsTheConnectionAndForwardsNothing(t *testing.T) {
	up := newUpstream(t, "one")
	p := newProxy(t, up.URL)
	stalled, cancel := openStream(t, p.URL())
	<-stalled
	assert.Equal(t, 1, p.Stall())
	for len(stalled) > 0 { // what was forwarded before the stall
		<-stalled
	}
	select {
	case line, ok := <-stalled:
		t.Fatalf("a stalled stream forwarded %q (open %v)", line, ok)
	case <-time.After(300 * time.Millisecond):
	}
	assert.Equal(t, 1, p.Live(events), "the stalled stream is still open")

	fresh, _ := openStream(t, p.URL())
	for i := 0; i < 3; i++ {
		assert.Contains(t, <-fresh, "data: one", "a stream opened after the stall flows")
	}
	assert.Equal(t, 2, p.Live(events))
	cancel() // the client gives up on the stalled one
	require.Eventually(t, func() bool { return p.Live(events) == 1 }, 5*time.Second, 10*time.Millisecond)
}

func TestSetTargetAndServerDown(t *testing.T) {
	one := newUpstream(t, "one")
	two := newUpstream(t, "two")
	p := newProxy(t, one.URL)
	old, _ := openStream(t, p.URL())
	<-old

	require.NoError(t, p.SetTarget(two.URL))
	body, err := get(p.URL() + "/x")
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(body, "two "), body)
	fresh, _ := openStream(t, p.URL())
	assert.Contains(t, <-fresh, "data: two")

	// The old server goes away: its stream ends; with the target down a
	// request gets no answer at all, as from a refused connection.
	one.CloseClientConnections()
	one.Close()
	for range old {
	}
	require.NoError(t, p.SetTarget(one.URL))
	_, err = get(p.URL() + "/x")
	require.Error(t, err, "no answer while the target is down")
	_, err = oneShot.Get(p.URL() + events)
	require.Error(t, err, "no stream either")
	require.Eventually(t, func() bool { return p.Live(events) == 1 }, 5*time.Second, 10*time.Millisecond)
	assert.Error(t, p.SetTarget("ftp://x"))
}

func TestLoss(t *testing.T) {
	up := newUpstream(t, "one")
	p := newProxy(t, up.URL)
	p.SetLoss(0.5)
	const n = 200
	failed := 0
	for i := 0; i < n; i++ {
		if _, err := get(p.URL() + "/x"); err != nil {
			failed++
		}
	}
	assert.Equal(t, p.Dropped(), failed, "every lost request fails at the client")
	assert.InDelta(t, n/2, failed, n/5, "about half lost")
	handled := int(up.handled.Load())
	assert.Greater(t, handled, n-failed, "some lost requests reached the server: their answers were lost")
	assert.Less(t, handled, n, "some never reached it")

	p.SetLoss(1)
	for p.Dropped() < 1000 { // until a stream's answer is lost rather than its request
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		req, _ := http.NewRequestWithContext(ctx, "GET", p.URL()+events, nil)
		res, err := oneShot.Do(req)
		if err != nil {
			cancel()
			continue
		}
		began := time.Now()
		_, err = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		cancel()
		assert.Error(t, err, "a lost stream is cut")
		assert.Less(t, time.Since(began), 3*time.Second, "within two seconds")
		break
	}
	p.SetLoss(0)
	_, err := get(p.URL() + "/x")
	assert.NoError(t, err)
}

func TestLoseAnswers(t *testing.T) {
	up := newUpstream(t, "one")
	p := newProxy(t, up.URL)
	p.LoseAnswers("POST /send", 2)
	post := func() error {
		res, err := oneShot.Post(p.URL()+"/send", "text/plain", strings.NewReader("x"))
		if err == nil {
			res.Body.Close()
		}
		return err
	}
	_, err := get(p.URL() + "/send")
	require.NoError(t, err, "another method is another route")
	require.Error(t, post())
	require.Error(t, post())
	require.NoError(t, post(), "only the next two")
	assert.Equal(t, int64(4), up.handled.Load(), "the lost ones reached the server")
	assert.Equal(t, 2, p.Dropped())
}
