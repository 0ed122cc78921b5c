//go:build js && wasm

package web

import (
	"errors"
	"strconv"
	"syscall/js"

	"github.com/norunners/vert"
)

// ErrExpired is the answer to a request whose session has ended (401).
var ErrExpired = errors.New("the session has ended")

// APIError is an error answer of the API: {"error": message, "code": code}.
type APIError struct {
	Status  int
	Message string `js:"error"`
	Code    string `js:"code"`
}

func (e *APIError) Error() string {
	if e.Message != "" {
		return e.Message
	}
	return "HTTP " + strconv.Itoa(e.Status)
}

// Client calls the agent API of the console's own origin with a session.
type Client struct {
	Token string
}

// Do sends method path with body (a struct, converted with vert; nil for
// none) and assigns the JSON answer to out (nil to ignore it; a *js.Value
// takes it as it is). A 401 is
// ErrExpired; another error status is an *APIError.
func (c *Client) Do(method, path string, body, out any) error {
	headers := map[string]any{}
	if c.Token != "" {
		headers["Authorization"] = "Bearer " + c.Token
	}
	opts := map[string]any{"method": method, "headers": headers, "cache": "no-store"}
	if body != nil {
		headers["Content-Type"] = "application/json"
		opts["body"] = js.Global().Get("JSON").Call("stringify", vert.ValueOf(body).Value)
	}
	return c.send(path, opts, out)
}

// Login signs in with HTTP Basic and returns the session and the agent's name.
func Login(name, password string) (token, agent string, err error) {
	// btoa takes Latin-1: the UTF-8 bytes go through as such.
	creds := js.Global().Call("unescape", js.Global().Call("encodeURIComponent", name+":"+password))
	auth := "Basic " + js.Global().Call("btoa", creds).String()
	var out struct {
		Token string `js:"token"`
		Agent string `js:"agent"`
	}
	c := &Client{}
	err = c.send("/api/v1/agent/sessions", map[string]any{"method": "POST", "headers": map[string]any{"Authorization": auth}}, &out)
	if err == nil && out.Token == "" {
		err = errors.New("the server sent no session")
	}
	return out.Token, out.Agent, err
}

func (c *Client) send(path string, opts map[string]any, out any) error {
	res, err := Await(js.Global().Call("fetch", path, opts))
	if err != nil {
		return err
	}
	status := res.Get("status").Int()
	if status == 401 && c.Token != "" {
		return ErrExpired
	}
	var data js.Value
	if status != 204 {
		if data, err = Await(res.Call("json")); err != nil {
			data = js.Undefined()
		}
	}
	if status >= 400 {
		e := &APIError{Status: status}
		if data.Type() == js.TypeObject {
			_ = vert.Value{Value: data}.AssignTo(e)
			e.Status = status
		}
		return e
	}
	if raw, ok := out.(*js.Value); ok {
		*raw = data
		return nil
	}
	if out != nil && data.Type() == js.TypeObject {
		if err := (vert.Value{Value: data}).AssignTo(out); err != nil {
			return errors.New("unexpected answer from " + path + ": " + err.Error())
		}
	}
	return nil
}

// Download offers text as a file named name.
func Download(name, mime, text string) {
	blob := js.Global().Get("Blob").New([]any{text}, map[string]any{"type": mime})
	url := js.Global().Get("URL").Call("createObjectURL", blob)
	doc := js.Global().Get("document")
	a := doc.Call("createElement", "a")
	a.Set("href", url)
	a.Set("download", name)
	doc.Get("body").Call("append", a)
	a.Call("click")
	a.Call("remove")
	var release js.Func
	release = js.FuncOf(func(js.Value, []js.Value) any {
		js.Global().Get("URL").Call("revokeObjectURL", url)
		release.Release()
		return nil
	})
	js.Global().Call("setTimeout", release, 10000)
}

// Pretty re-indents JSON text.
func Pretty(v js.Value) string {
	return js.Global().Get("JSON").Call("stringify", v, nil, 2).String()
}

// RandomID returns 32 hex digits from crypto.getRandomValues: a client id
// that makes a send idempotent.
func RandomID() string {
	b := js.Global().Get("Uint8Array").New(16)
	js.Global().Get("crypto").Call("getRandomValues", b)
	const hex = "0123456789abcdef"
	out := make([]byte, 32)
	for i := 0; i < 16; i++ {
		x := b.Index(i).Int()
		out[2*i], out[2*i+1] = hex[x>>4], hex[x&15]
	}
	return string(out)
}

// Decode converts a JSON text into out through JSON.parse and vert.
func Decode(text string, out any) error {
	var v js.Value
	if err := Catch(func() { v = js.Global().Get("JSON").Call("parse", text) }); err != nil {
		return err
	}
	return vert.Value{Value: v}.AssignTo(out)
}
