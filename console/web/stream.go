//go:build js && wasm

package web

import (
	"strconv"
	"syscall/js"
	"time"

	"github.com/crumbless/crumbless/console/sse"
)

// Stream reads the agent event stream, resuming after lastID() on every
// reconnect (backing off 1 s … 15 s), until stop is closed (nil) or the
// session ends (ErrExpired). live reports each connect (true) and loss
// (false).
func (c *Client) Stream(lastID func() int64, live func(bool), onEvent func(sse.Event), stop <-chan struct{}) error {
	delay := time.Second
	for {
		select {
		case <-stop:
			return nil
		default:
		}
		err := c.streamOnce(lastID(), live, onEvent, stop, &delay)
		if err == ErrExpired {
			return err
		}
		live(false)
		select {
		case <-stop:
			return nil
		case <-time.After(delay):
		}
		delay = min(delay*2, 15*time.Second)
	}
}

func (c *Client) streamOnce(lastID int64, live func(bool), onEvent func(sse.Event), stop <-chan struct{}, delay *time.Duration) error {
	abort := js.Global().Get("AbortController").New()
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-stop:
			abort.Call("abort")
		case <-done:
		}
	}()
	headers := map[string]any{
		"Authorization": "Bearer " + c.Token,
		"Accept":        "text/event-stream",
		"Last-Event-ID": strconv.FormatInt(lastID, 10),
	}
	res, err := Await(js.Global().Call("fetch", "/api/v1/agent/events",
		map[string]any{"headers": headers, "signal": abort.Get("signal"), "cache": "no-store"}))
	if err != nil {
		return err
	}
	if status := res.Get("status").Int(); status == 401 {
		return ErrExpired
	} else if status != 200 || res.Get("body").IsNull() {
		return &APIError{Status: status}
	}
	live(true)
	*delay = time.Second
	reader := res.Get("body").Call("getReader")
	decoder := js.Global().Get("TextDecoder").New()
	var p sse.Parser
	for {
		chunk, err := Await(reader.Call("read"))
		if err != nil {
			return err
		}
		if chunk.Get("done").Bool() {
			return nil
		}
		text := decoder.Call("decode", chunk.Get("value"), map[string]any{"stream": true}).String()
		for _, ev := range p.Feed(text) {
			onEvent(ev)
		}
	}
}
