//go:build js && wasm

// Package web is the operator console's seam over the browser: promises,
// the agent API over fetch (values converted with vert), the agent event
// stream, Web Storage through the prefs registry, notifications, the
// leader tab and the sound. Code above it holds no syscall/js.
package web

import (
	"errors"
	"syscall/js"
)

// Await blocks the calling goroutine until p settles and returns its value,
// or its rejection as an error. Never call it from a JS callback's own
// goroutine (event handlers start a goroutine first).
func Await(p js.Value) (js.Value, error) {
	done := make(chan struct{})
	var val js.Value
	var err error
	ok := js.FuncOf(func(_ js.Value, args []js.Value) any {
		if len(args) > 0 {
			val = args[0]
		}
		close(done)
		return nil
	})
	fail := js.FuncOf(func(_ js.Value, args []js.Value) any {
		msg := "rejected"
		if len(args) > 0 {
			if m := args[0].Get("message"); m.Type() == js.TypeString {
				msg = m.String()
			} else {
				msg = args[0].Call("toString").String()
			}
		}
		err = errors.New(msg)
		close(done)
		return nil
	})
	defer ok.Release()
	defer fail.Release()
	p.Call("then", ok, fail)
	<-done
	return val, err
}

// Catch runs fn, turning a JS exception (a panic with a js.Error) into an
// error.
func Catch(fn func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			if e, ok := r.(js.Error); ok {
				err = e
				return
			}
			panic(r)
		}
	}()
	fn()
	return nil
}
