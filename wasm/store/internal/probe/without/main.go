//go:build js && wasm

// Command without is the baseline of the store's size probe: a program that
// touches localStorage through syscall/js alone. make bench compares it with
// ../with.
package main

import "syscall/js"

func main() {
	ls := js.Global().Get("localStorage")
	ls.Call("setItem", "crumbless-theme", `{"v":1,"exp":0,"data":"dark"}`)
	js.Global().Get("console").Call("log", ls.Call("getItem", "crumbless-theme"))
}
