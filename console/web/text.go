//go:build js && wasm

package web

import (
	"syscall/js"

	"github.com/norunners/vert"
)

// Text fetches path with the session and returns the answer as text (a
// download: a transcript). A 401 is ErrExpired; another error status is
// an *APIError with the server's message.
func (c *Client) Text(path string) (string, error) {
	headers := map[string]any{}
	if c.Token != "" {
		headers["Authorization"] = "Bearer " + c.Token
	}
	res, err := Await(js.Global().Call("fetch", path, map[string]any{"headers": headers, "cache": "no-store"}))
	if err != nil {
		return "", err
	}
	status := res.Get("status").Int()
	if status == 401 && c.Token != "" {
		return "", ErrExpired
	}
	if status >= 400 {
		e := &APIError{Status: status}
		if data, err := Await(res.Call("json")); err == nil && data.Type() == js.TypeObject {
			_ = vert.Value{Value: data}.AssignTo(e)
			e.Status = status
		}
		return "", e
	}
	text, err := Await(res.Call("text"))
	if err != nil {
		return "", err
	}
	return text.String(), nil
}
