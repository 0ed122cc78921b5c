// Package sseproxy is a loopback HTTP proxy for tests of the widget on bad
// networks. It fronts the real server on one fixed origin, so that a browser
// loads pages and API through it, and it:
//
//   - counts the live Server-Sent Event streams by path (what the server
//     sees: one per open stream, however many tabs ask);
//   - stalls the open streams on demand: their TCP connections stay open and
//     nothing more is forwarded (a dead connection the browser thinks is
//     open);
//   - loses a share of the requests: closes the connection before the
//     request reaches the server or after the server answered, and cuts
//     streams after a moment (a flaky network);
//   - can be pointed at another server process (a restart on a new port)
//     while the browser keeps the same origin; when the server is down the
//     connection is closed without an answer, as a refused connection would
//     be.
package sseproxy

import (
	"context"
	"errors"
	"io"
	"log"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Proxy is a running proxy. Its methods are safe for concurrent use.
type Proxy struct {
	srv    *http.Server
	ln     net.Listener
	target atomic.Pointer[url.URL]
	closed chan struct{}

	mu      sync.Mutex
	live    map[*liveBody]struct{}
	opened  map[string]int // streams opened so far, by path
	loss    float64
	rnd     *rand.Rand
	dropped int
	lose    map[string]int // "METHOD /path": answers still to lose
}

// New starts a proxy on a free loopback port in front of target (a base URL
// such as http://127.0.0.1:8080). seed makes the losses repeatable.
func New(target string, seed uint64) (*Proxy, error) {
	p := &Proxy{
		closed: make(chan struct{}),
		live:   map[*liveBody]struct{}{},
		opened: map[string]int{},
		lose:   map[string]int{},
		rnd:    rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
	}
	if err := p.SetTarget(target); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p.ln = ln
	rp := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(p.target.Load())
			r.Out.Host = r.In.Host // the server sees the origin the browser uses
		},
		FlushInterval:  -1,
		ModifyResponse: p.modifyResponse,
		ErrorHandler:   func(w http.ResponseWriter, r *http.Request, err error) { hangUp(w) },
		ErrorLog:       log.New(io.Discard, "", 0), // cut and stalled streams are the point
	}
	p.srv = &http.Server{Handler: p.handler(rp), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = p.srv.Serve(ln) }()
	return p, nil
}

// URL is the proxy's base URL (http://127.0.0.1:port), the origin to load
// pages from.
func (p *Proxy) URL() string { return "http://" + p.ln.Addr().String() }

// SetTarget points the proxy at another server from the next request on.
// Streams already open stay with the old one until it closes them.
func (p *Proxy) SetTarget(target string) error {
	u, err := url.Parse(target)
	if err != nil || u.Scheme != "http" || u.Host == "" {
		return errors.New("sseproxy: target must be an http:// base URL, got " + target)
	}
	p.target.Store(u)
	return nil
}

// Live is the number of streams on path open right now (path without
// query, e.g. /api/v1/conversation/events).
func (p *Proxy) Live(path string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for b := range p.live {
		if b.path == path {
			n++
		}
	}
	return n
}

// Opened is the number of streams on path opened since the proxy started.
func (p *Proxy) Opened(path string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.opened[path]
}

// Stall freezes every stream open now: the connection stays open on both
// sides and nothing more is forwarded, until the browser gives up on it.
// Streams opened later flow normally. It returns how many were stalled.
func (p *Proxy) Stall() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	for b := range p.live {
		b.stalled.Store(true)
	}
	return len(p.live)
}

// SetLoss makes the proxy lose a share (0..1) of the requests from now on:
// half of the lost ones never reach the server, the other half reach it and
// lose their answer (for a stream: it is cut within two seconds).
func (p *Proxy) SetLoss(share float64) {
	p.mu.Lock()
	p.loss = share
	p.mu.Unlock()
}

// LoseAnswers makes the next n requests to route ("POST /api/v1/...")
// reach the server and lose their answers: the client sees the connection
// close after the server did the work (the case a retry must not turn into
// a duplicate).
func (p *Proxy) LoseAnswers(route string, n int) {
	p.mu.Lock()
	p.lose[route] += n
	p.mu.Unlock()
}

// Dropped is the number of requests lost so far.
func (p *Proxy) Dropped() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.dropped
}

// Close stops the proxy and ends its streams.
func (p *Proxy) Close() error {
	close(p.closed)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	err := p.srv.Shutdown(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		err = p.srv.Close()
	}
	return err
}

// fate is what the loss setting decides for one request.
type fate int

const (
	deliver fate = iota
	loseRequest
	loseAnswer
)

func (p *Proxy) decide(r *http.Request) fate {
	p.mu.Lock()
	defer p.mu.Unlock()
	if route := r.Method + " " + r.URL.Path; p.lose[route] > 0 {
		p.lose[route]--
		p.dropped++
		return loseAnswer
	}
	if p.loss <= 0 || p.rnd.Float64() >= p.loss {
		return deliver
	}
	p.dropped++
	if p.rnd.IntN(2) == 0 {
		return loseRequest
	}
	return loseAnswer
}

type fateKey struct{}

func (p *Proxy) handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f := p.decide(r)
		if f == loseRequest {
			hangUp(w)
			return
		}
		if f == loseAnswer && !isStreamPath(r.URL.Path) {
			// The server handles the request; its answer is thrown away.
			next.ServeHTTP(discard{header: http.Header{}}, r)
			hangUp(w)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), fateKey{}, f)))
	})
}

// isStreamPath tells event streams (answers that never end) from the rest.
func isStreamPath(path string) bool { return strings.HasSuffix(path, "/events") }

// hangUp closes the client's connection without an answer.
func hangUp(w http.ResponseWriter) {
	if _, ok := w.(discard); ok {
		return
	}
	if c, _, err := http.NewResponseController(w).Hijack(); err == nil {
		_ = c.Close()
		return
	}
	panic(http.ErrAbortHandler) // HTTP/2 or a written header: abort the stream
}

// modifyResponse wraps the body of a live event stream so that it is
// counted, can be stalled and can be cut.
func (p *Proxy) modifyResponse(res *http.Response) error {
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
		return nil
	}
	ctx := res.Request.Context()
	b := &liveBody{p: p, body: res.Body, path: res.Request.URL.Path, ctx: ctx}
	if f, _ := ctx.Value(fateKey{}).(fate); f == loseAnswer {
		p.mu.Lock()
		b.cutAt = time.Now().Add(time.Duration(p.rnd.Int64N(int64(2 * time.Second))))
		p.mu.Unlock()
	}
	p.mu.Lock()
	p.live[b] = struct{}{}
	p.opened[b.path]++
	p.mu.Unlock()
	res.Body = b
	return nil
}

// liveBody is the body of one open stream.
type liveBody struct {
	p       *Proxy
	body    io.ReadCloser
	path    string
	ctx     context.Context // the request's: done when the browser leaves
	stalled atomic.Bool
	cutAt   time.Time // zero: never cut
	once    sync.Once
}

var errCut = errors.New("sseproxy: stream cut")

func (b *liveBody) Read(buf []byte) (int, error) {
	if b.stalled.Load() {
		return 0, b.hold()
	}
	if !b.cutAt.IsZero() {
		d := time.Until(b.cutAt)
		if d <= 0 {
			return 0, errCut
		}
		// Read on in the background so that the cut is on time even when
		// the server sends nothing.
		type result struct {
			n   int
			err error
		}
		done := make(chan result, 1)
		go func() { n, err := b.body.Read(buf); done <- result{n, err} }()
		select {
		case r := <-done:
			return r.n, r.err
		case <-time.After(d):
			_ = b.body.Close() // ends the pending read
			<-done
			return 0, errCut
		}
	}
	n, err := b.body.Read(buf)
	if b.stalled.Load() {
		return 0, b.hold() // what came in after the stall is lost
	}
	return n, err
}

// hold blocks a stalled stream until the browser or the proxy ends it.
func (b *liveBody) hold() error {
	select {
	case <-b.ctx.Done():
		return b.ctx.Err()
	case <-b.p.closed:
		return errCut
	}
}

func (b *liveBody) Close() error {
	b.once.Do(func() {
		b.p.mu.Lock()
		delete(b.p.live, b)
		b.p.mu.Unlock()
	})
	return b.body.Close()
}

// discard is a ResponseWriter that drops the answer.
type discard struct{ header http.Header }

func (d discard) Header() http.Header         { return d.header }
func (d discard) Write(p []byte) (int, error) { return len(p), nil }
func (d discard) WriteHeader(int)             {}
