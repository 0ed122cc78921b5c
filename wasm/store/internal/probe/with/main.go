//go:build js && wasm

// Command with is the store side of the size probe: the same work as
// ../without, done through package store. make bench prints the difference.
package main

import (
	"syscall/js"

	"github.com/crumbless/crumbless/wasm/store"
)

func main() {
	st := store.Open(store.Options{})
	st.GateOn(js.Global().Get("document"))
	st.Sync()
	st.Interact()
	_ = st.Set("theme", "dark")
	var theme string
	st.Get("theme", &theme)
	js.Global().Get("console").Call("log", theme, st.Storage(), len(st.Disclosure()))
	st.SetConsent(true)
	st.Forget()
}
