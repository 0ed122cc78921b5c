//go:build js && wasm

// Command hello is the floor the widget's size budget is measured against:
// the smallest useful Go program in a browser, writing one DOM node through
// syscall/js. internal/testenv/wasmsize builds it with the widget's flags.
package main

import "syscall/js"

func main() {
	doc := js.Global().Get("document")
	p := doc.Call("createElement", "p")
	p.Set("textContent", "Hello, world")
	doc.Get("body").Call("appendChild", p)
}
