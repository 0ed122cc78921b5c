//go:build js && wasm

// Package transport talks to the chat backend from the wasm runtime through
// the browser's fetch, never net/http (+580 KB brotli) or encoding/json
// (JSON goes through the browser's JSON.parse and JSON.stringify).
//
// Every call blocks the calling goroutine until the browser answers, so it
// must not run on the goroutine of a js.FuncOf callback (that would
// deadlock the event loop): call it from a goroutine of its own.
//
// The visitor token travels only in the Authorization header; Stream reads
// Server-Sent Events from a fetch response body, so the token never goes
// into a URL (EventSource cannot send headers).
package transport

import (
	"errors"
	"syscall/js"

	"github.com/crumbless/crumbless/internal/shared/decimal"
)

// Client calls one backend. Base is the API origin (data-api), e.g.
// "https://chat.example"; paths start with /api/v1/.
type Client struct {
	base  string
	token string
}

// New returns a client for the backend at base.
func New(base string) *Client { return &Client{base: base} }

// SetToken sets the bearer token sent with every later call ("" for none).
func (c *Client) SetToken(token string) { c.token = token }

// Token returns the bearer token.
func (c *Client) Token() string { return c.token }

// Response is a decoded answer: its status, its JSON body (undefined when
// empty or not JSON) and, for 429, the seconds to wait.
type Response struct {
	Status     int
	Body       js.Value
	RetryAfter int
}

// Code is the API error code of a failed call ("" when the body has none).
func (r Response) Code() string { return stringField(r.Body, "code") }

// ErrNetwork wraps failures where no HTTP answer arrived (offline, DNS,
// CORS refused, aborted).
var ErrNetwork = errors.New("transport: network error")

// Do sends method path with body (any JS value, sent as JSON; pass
// js.Undefined() for none) and returns the answer. An HTTP error status is
// not an error: look at Response.Status and Code.
func (c *Client) Do(method, path string, body js.Value) (Response, error) {
	init := fetchInit(method, "application/json", c.token)
	if !body.IsUndefined() {
		init.Get("headers").Set("Content-Type", "application/json")
		init.Set("body", js.Global().Get("JSON").Call("stringify", body))
	}
	res, err := await(js.Global().Call("fetch", c.base+path, init))
	if err != nil {
		return Response{}, errors.Join(ErrNetwork, err)
	}
	out := Response{Status: res.Get("status").Int(), Body: js.Undefined()}
	if ra := res.Get("headers").Call("get", "Retry-After"); ra.Type() == js.TypeString {
		if n, ok := decimal.ParseInt(ra.String()); ok && n >= 0 && n <= 1<<31-1 {
			out.RetryAfter = int(n)
		}
	}
	text, err := await(res.Call("text"))
	if err != nil {
		return out, errors.Join(ErrNetwork, err)
	}
	if s := text.String(); s != "" {
		out.Body = parseJSON(s)
	}
	return out, nil
}

// fetchInit is the init object of a fetch: never a cookie (credentials
// omit) or a cached answer, the token only in the Authorization header.
func fetchInit(method, accept, token string) js.Value {
	object := js.Global().Get("Object")
	headers := object.New()
	headers.Set("Accept", accept)
	if token != "" {
		headers.Set("Authorization", "Bearer "+token)
	}
	init := object.New()
	init.Set("method", method)
	init.Set("headers", headers)
	init.Set("cache", "no-store")
	init.Set("credentials", "omit")
	return init
}

// result is a settled promise.
type result struct {
	v   js.Value
	err error
}

// await blocks until p settles.
func await(p js.Value) (js.Value, error) {
	ch := make(chan result, 1)
	then := js.FuncOf(func(_ js.Value, args []js.Value) any {
		ch <- result{v: arg0(args)}
		return nil
	})
	catch := js.FuncOf(func(_ js.Value, args []js.Value) any {
		ch <- result{err: jsError(arg0(args))}
		return nil
	})
	defer then.Release()
	defer catch.Release()
	p.Call("then", then, catch)
	r := <-ch
	return r.v, r.err
}

func arg0(args []js.Value) js.Value {
	if len(args) == 0 {
		return js.Undefined()
	}
	return args[0]
}

func jsError(v js.Value) error {
	if v.Type() == js.TypeObject {
		if m := v.Get("message"); m.Type() == js.TypeString {
			return errors.New(m.String())
		}
	}
	return errors.New(v.Call("toString").String())
}

// parseJSON returns the parsed value, or undefined when s is not JSON.
func parseJSON(s string) (v js.Value) {
	defer func() {
		if recover() != nil {
			v = js.Undefined()
		}
	}()
	return js.Global().Get("JSON").Call("parse", s)
}

func stringField(v js.Value, name string) string {
	if v.Type() != js.TypeObject {
		return ""
	}
	if f := v.Get(name); f.Type() == js.TypeString {
		return f.String()
	}
	return ""
}
