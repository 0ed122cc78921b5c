//go:build js && wasm

// Package ui is the widget's small view layer over syscall/js: creating
// elements, setting text safely, listening to events with a matching release,
// and adopting constructable stylesheets into a shadow root.
//
// It talks to syscall/js directly rather than through dom/v2 because element
// creation through dom/v2 wrappers costs 60–120 µs each against ≈ 4 µs here.
package ui

import (
	"strconv"
	"sync/atomic"
	"syscall/js"
)

var document = js.Global().Get("document")

// El creates an element with attributes given as name, value pairs.
// It panics on an odd number of attribute arguments (a programming error).
func El(tag string, attrs ...string) js.Value {
	if len(attrs)%2 != 0 {
		panic("crumbless: ui.El: odd attribute list for <" + tag + ">")
	}
	el := document.Call("createElement", tag)
	for i := 0; i < len(attrs); i += 2 {
		el.Call("setAttribute", attrs[i], attrs[i+1])
	}
	return el
}

// TextEl creates an element whose text is s. Text is always set through
// textContent, so markup in s is shown, never parsed.
func TextEl(tag, s string, attrs ...string) js.Value {
	el := El(tag, attrs...)
	el.Set("textContent", s)
	return el
}

// Content creates an element holding text that comes from content (answers,
// forms), agents or visitors rather than from the widget's catalogs. Besides
// textContent it gets dir="auto": the browser takes the text's direction
// from its first strong character, so an English answer in an Arabic panel
// keeps its punctuation at the end of the sentence, and an Arabic message in
// an English panel reads right to left.
func Content(tag, s string, attrs ...string) js.Value {
	el := TextEl(tag, s, attrs...)
	el.Call("setAttribute", "dir", "auto")
	return el
}

// Isolate wraps s, text from content, agents or visitors placed inside a
// catalog string, in FIRST STRONG ISOLATE … POP DIRECTIONAL ISOLATE (the
// text form of <bdi>), so that its direction neither takes nor gives to
// the sentence around it.
func Isolate(s string) string { return "\u2068" + s + "\u2069" }

// Sleep blocks the calling goroutine (never the event loop's) for ms
// milliseconds on the browser's setTimeout: the widget does not import
// time, which costs the wasm about 25 KB brotli.
func Sleep(ms int) {
	done := make(chan struct{})
	var wake js.Func
	wake = js.FuncOf(func(js.Value, []js.Value) any {
		wake.Release()
		close(done)
		return nil
	})
	js.Global().Call("setTimeout", wake, ms)
	<-done
}

// Object makes a JavaScript object from name, value pairs (values as
// js.ValueOf takes them). It costs the wasm less than a map literal.
func Object(kv ...any) js.Value {
	o := js.Global().Get("Object").New()
	for i := 0; i+1 < len(kv); i += 2 {
		o.Set(kv[i].(string), kv[i+1])
	}
	return o
}

// Append adds children to parent in order and returns parent.
func Append(parent js.Value, children ...js.Value) js.Value {
	for _, c := range children {
		parent.Call("appendChild", c)
	}
	return parent
}

// Listeners collects event handlers so that a view can release all of them
// when it goes away.
type Listeners struct {
	funcs []js.Func
	undo  []func()
}

// On calls fn for each event of type typ on target until Release.
func (l *Listeners) On(target js.Value, typ string, fn func(ev js.Value)) {
	f := js.FuncOf(func(this js.Value, args []js.Value) any {
		fn(args[0])
		return nil
	})
	target.Call("addEventListener", typ, f)
	l.funcs = append(l.funcs, f)
	l.undo = append(l.undo, func() { target.Call("removeEventListener", typ, f) })
}

// Release removes every listener added through l and frees its Go callback.
func (l *Listeners) Release() {
	for _, u := range l.undo {
		u()
	}
	for _, f := range l.funcs {
		f.Release()
	}
	l.funcs, l.undo = nil, nil
}

// Adopt appends a constructable stylesheet with the given CSS to the
// adoptedStyleSheets of root (a ShadowRoot). Constructable sheets work under
// a Content-Security-Policy without 'unsafe-inline'.
func Adopt(root js.Value, css string) js.Value {
	sheet := js.Global().Get("CSSStyleSheet").New()
	sheet.Call("replaceSync", css)
	sheets := js.Global().Get("Array").Call("from", root.Get("adoptedStyleSheets"))
	sheets.Call("push", sheet)
	root.Set("adoptedStyleSheets", sheets)
	return sheet
}

// Clear removes every child of el.
func Clear(el js.Value) { el.Set("textContent", "") }

// SetText replaces the text of el with s (as text, never markup).
func SetText(el js.Value, s string) { el.Set("textContent", s) }

// Show removes the hidden attribute of el when show is true and sets it
// otherwise.
func Show(el js.Value, show bool) { el.Set("hidden", !show) }

// focusable matches what the keyboard can reach inside the panel.
const focusable = `a[href],button:not([disabled]),input:not([disabled]),select:not([disabled]),textarea:not([disabled]),[tabindex]:not([tabindex="-1"])`

// Focusables returns the visible elements inside root that Tab reaches, in
// document order.
func Focusables(root js.Value) []js.Value {
	list := root.Call("querySelectorAll", focusable)
	out := make([]js.Value, 0, list.Length())
	for i := 0; i < list.Length(); i++ {
		el := list.Index(i)
		if el.Call("getClientRects").Length() > 0 {
			out = append(out, el)
		}
	}
	return out
}

// running counts the goroutines started with Go; the last one to return
// leaves a token in settled. A counter and a channel rather than a
// sync.WaitGroup, which (with the synctest bubble checks it carries) costs
// the wasm about 2.5 KB brotli.
var (
	running atomic.Int32
	settled = make(chan struct{}, 1)
)

// Go runs fn in a goroutine that Settle waits for: work that waits on the
// browser (fetches) must finish before the Go program exits, or the
// browser's answer would call into a program that is gone.
func Go(fn func()) {
	running.Add(1)
	go func() {
		defer func() {
			if running.Add(-1) == 0 {
				select {
				case settled <- struct{}{}:
				default: // a token is there already
				}
			}
		}()
		fn()
	}()
}

// Settle blocks until every goroutine started with Go has returned. A
// token left by an earlier return to zero only makes it look again.
func Settle() {
	for running.Load() != 0 {
		<-settled
	}
}

// Await blocks the calling goroutine until promise settles and returns its
// value or its rejection as an error. It must not be called from inside a
// js.FuncOf callback (the callback would wait for itself): start a goroutine.
func Await(promise js.Value) (js.Value, error) {
	type result struct {
		v   js.Value
		err error
	}
	done := make(chan result, 1)
	ok := js.FuncOf(func(this js.Value, args []js.Value) any {
		done <- result{v: arg0(args)}
		return nil
	})
	fail := js.FuncOf(func(this js.Value, args []js.Value) any {
		done <- result{err: js.Error{Value: arg0(args)}}
		return nil
	})
	promise.Call("then", ok, fail)
	r := <-done
	ok.Release()
	fail.Release()
	return r.v, r.err
}

func arg0(args []js.Value) js.Value {
	if len(args) == 0 {
		return js.Undefined()
	}
	return args[0]
}

// HTTPError is a response with a status outside 200–299.
type HTTPError struct{ Status int }

func (e HTTPError) Error() string { return "crumbless: HTTP status " + strconv.Itoa(e.Status) }

// Fetch performs a fetch(url, init) (init may be js.Undefined()) and returns
// the response when its status is 2xx; other statuses are an HTTPError and
// network failures the browser's error.
func Fetch(url string, init js.Value) (js.Value, error) {
	res, err := Await(js.Global().Call("fetch", url, init))
	if err != nil {
		return js.Value{}, err
	}
	if !res.Get("ok").Bool() {
		return res, HTTPError{Status: res.Get("status").Int()}
	}
	return res, nil
}

// FetchJSON GETs url and returns the parsed JSON body (parsed by the
// browser: encoding/json would add ≈ 100 KB to the wasm).
func FetchJSON(url string) (js.Value, error) {
	res, err := Fetch(url, js.Undefined())
	if err != nil {
		return js.Value{}, err
	}
	return Await(res.Call("json"))
}

// Send fetches url with method, "Authorization: Bearer token" unless
// token is empty, and body serialised by JSON.stringify unless it is
// undefined; like Fetch, a status outside 2xx is an HTTPError.
func Send(method, url, token string, body js.Value) (js.Value, error) {
	init := js.Global().Get("Object").New()
	init.Set("method", method)
	headers := js.Global().Get("Object").New()
	if token != "" {
		headers.Set("Authorization", "Bearer "+token)
	}
	if !body.IsUndefined() {
		headers.Set("Content-Type", "application/json")
		init.Set("body", js.Global().Get("JSON").Call("stringify", body))
	}
	init.Set("headers", headers)
	return Fetch(url, init)
}
