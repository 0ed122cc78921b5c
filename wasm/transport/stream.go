//go:build js && wasm

package transport

import (
	"strconv"
	"strings"
	"sync"
	"syscall/js"

	"github.com/crumbless/crumbless/internal/shared/decimal"
)

// Event is one Server-Sent Event. ID is the message id for "message"
// events, 0 otherwise. Data is the parsed JSON.
//
// Two names come from the transport itself: "open" each time the stream
// (re)connects, and "closed" (Data: the error body, with "status") when the
// server refuses the stream for good (401, 403 banned, 404): the stream
// then stops.
type Event struct {
	ID   int64
	Name string
	Data js.Value
}

// Live is the lastID of a stream that wants live events only, no replay.
const Live = -1

// Stream is a live event stream that reconnects by itself. A stream that
// stays silent for twice the heartbeat interval the server states at its
// start (a "heartbeat:" field, in ms), plus 2 s, is taken for dead (a
// connection the browser still thinks open) and reconnected.
type Stream struct {
	mu     sync.Mutex
	closed bool
	abort  js.Value // the AbortController of the current request
	lastID int64
	silent int // ms without a byte after which the connection counts as dead
	done   chan struct{}
}

// Backoff bounds between reconnections, in milliseconds.
const (
	minBackoff = 500
	maxBackoff = 15_000
)

// Stream opens path (e.g. /api/v1/conversation/events) and calls on for
// every event, from a goroutine of its own, in order. After a drop it
// reconnects with backoff and sends Last-Event-ID, so messages are neither
// lost nor repeated; lastID is where to start: the id of the last message
// the caller has (0: none, replay them all), or Live for live events only.
func (c *Client) Stream(path string, lastID int64, on func(Event)) *Stream {
	s := &Stream{lastID: lastID, silent: 2*15_000 + 2000, done: make(chan struct{})}
	go s.run(c.base+path, c.token, on)
	return s
}

// LastID is the id of the last message event delivered.
func (s *Stream) LastID() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lastID
}

// Close stops the stream: the request is aborted and no further event is
// delivered (one being delivered at that moment finishes). It may be called
// from the callback.
func (s *Stream) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	abort := s.abort
	s.mu.Unlock()
	if !abort.IsUndefined() && !abort.IsNull() {
		abort.Call("abort")
	}
}

// Done is closed when the stream has stopped for good.
func (s *Stream) Done() <-chan struct{} { return s.done }

func (s *Stream) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

func (s *Stream) run(url, token string, on func(Event)) {
	defer close(s.done)
	backoff := minBackoff
	for !s.isClosed() {
		status, body, opened := s.once(url, token, on)
		if s.isClosed() {
			return
		}
		if status == 401 || status == 403 || status == 404 {
			if body.Type() == js.TypeObject {
				body.Set("status", status)
			}
			on(Event{Name: "closed", Data: body})
			return
		}
		if opened {
			backoff = minBackoff
		}
		// Up to half the delay is taken off at random, so that the streams of
		// many visitors do not come back in step after a server restart;
		// the browser coming back online ends the wait.
		wait(backoff - int(js.Global().Get("Math").Call("random").Float()*float64(backoff/2)))
		backoff = min(backoff*2, maxBackoff)
	}
}

// once makes one request and reads it to its end. It returns the refusing
// status and body when the server did not open the stream.
func (s *Stream) once(url, token string, on func(Event)) (status int, body js.Value, opened bool) {
	ctrl := js.Global().Get("AbortController").New()
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return 0, js.Undefined(), false
	}
	s.abort = ctrl
	last := s.lastID
	s.mu.Unlock()

	init := fetchInit("GET", "text/event-stream", token)
	if last >= 0 {
		init.Get("headers").Set("Last-Event-ID", strconv.FormatInt(last, 10))
	}
	init.Set("signal", ctrl.Get("signal"))
	res, err := await(js.Global().Call("fetch", url, init))
	if err != nil {
		return 0, js.Undefined(), false
	}
	status = res.Get("status").Int()
	if status != 200 {
		text, err := await(res.Call("text"))
		if err != nil {
			return status, js.Undefined(), false
		}
		return status, parseJSON(text.String()), false
	}
	on(Event{Name: "open", Data: js.Undefined()})
	dead := js.FuncOf(func(js.Value, []js.Value) any {
		ctrl.Call("abort")
		return nil
	})
	defer dead.Release()
	reader := res.Get("body").Call("getReader")
	decoder := js.Global().Get("TextDecoder").New()
	var buf strings.Builder
	pending := ""
	for {
		s.mu.Lock()
		silent := s.silent
		s.mu.Unlock()
		watchdog := js.Global().Call("setTimeout", dead, silent)
		chunk, err := await(reader.Call("read"))
		js.Global().Call("clearTimeout", watchdog)
		if err != nil || chunk.Get("done").Bool() {
			return 200, js.Undefined(), true
		}
		buf.Reset()
		buf.WriteString(pending)
		buf.WriteString(decoder.Call("decode", chunk.Get("value"), map[string]any{"stream": true}).String())
		text := buf.String()
		for {
			cut := strings.Index(text, "\n\n")
			if cut < 0 {
				break
			}
			ev, ok, beat := parseEvent(text[:cut])
			if beat > 0 {
				s.mu.Lock()
				s.silent = int(min(beat, 600_000))*2 + 2000
				s.mu.Unlock()
			}
			if ok && !s.isClosed() {
				if ev.ID != 0 {
					s.mu.Lock()
					skip := ev.ID <= s.lastID
					if !skip {
						s.lastID = ev.ID
					}
					s.mu.Unlock()
					if skip {
						text = text[cut+2:]
						continue
					}
				}
				on(ev)
			}
			text = text[cut+2:]
		}
		pending = text
	}
}

// parseEvent reads one SSE block; comments (heartbeats) yield nothing. beat
// is the block's "heartbeat" field (ms; 0 when absent).
func parseEvent(block string) (ev Event, ok bool, beat int64) {
	ev = Event{Name: "message"}
	var data []string
	for _, line := range strings.Split(block, "\n") {
		line = strings.TrimSuffix(line, "\r")
		field, value, _ := strings.Cut(line, ":")
		value = strings.TrimPrefix(value, " ")
		switch field {
		case "id":
			ev.ID, _ = decimal.ParseInt(value)
		case "event":
			ev.Name = value
		case "data":
			data = append(data, value)
		case "heartbeat":
			beat, _ = decimal.ParseInt(value)
		}
	}
	if len(data) == 0 {
		return ev, false, beat
	}
	ev.Data = parseJSON(strings.Join(data, "\n"))
	return ev, true, beat
}

// wait blocks the calling goroutine for ms milliseconds on the browser's
// setTimeout, or until the browser's "online" event. The package does not
// import time: importing it at all costs the wasm about 38 KB brotli.
func wait(ms int) {
	done := make(chan struct{}, 1)
	wake := js.FuncOf(func(js.Value, []js.Value) any {
		select {
		case done <- struct{}{}:
		default:
		}
		return nil
	})
	defer wake.Release()
	win := js.Global()
	timer := win.Call("setTimeout", wake, ms)
	win.Call("addEventListener", "online", wake)
	<-done
	win.Call("clearTimeout", timer)
	win.Call("removeEventListener", "online", wake)
}
