//go:build js && wasm

// Package ui is the widget's small view layer over syscall/js: creating
// elements, setting text safely, listening to events with a matching release,
// and adopting constructable stylesheets into a shadow root.
//
// It talks to syscall/js directly rather than through dom/v2 because element
// creation through dom/v2 wrappers costs 60–120 µs each against ≈ 4 µs here.
package ui

import "syscall/js"

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
