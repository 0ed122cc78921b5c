//go:build js && wasm

// Command wasm is the Crumbless widget runtime. The loader (static/crumbless.js)
// starts it after the visitor's first click; it takes over the shadow root and
// the command queue the loader prepared in crumbless._b.
package main

import (
	"syscall/js"

	"github.com/crumbless/crumbless/wasm/api"
	"github.com/crumbless/crumbless/wasm/events"
	"github.com/crumbless/crumbless/wasm/store"
	"github.com/crumbless/crumbless/wasm/views"
)

func main() {
	boot := js.Global().Get("crumbless").Get("_b")
	if boot.IsUndefined() {
		js.Global().Get("console").Call("error", "crumbless: the runtime must be started by crumbless.js")
		return
	}
	config := boot.Get("config")
	st := store.Open(store.Options{Prefix: config.Get("prefix").String(), Consent: config.Get("consent").String()})
	hub := events.NewHub()
	panel := views.NewPanel(views.Frame{
		Root:     boot.Get("root"),
		Wrapper:  boot.Get("wrapper"),
		Launcher: boot.Get("launcher"),
		Panel:    boot.Get("panel"),
		Events:   hub,
	}, st, config.Get("theme").String())
	st.GateOn(boot.Get("root"))
	st.Sync()
	if panel.IsOpen() {
		st.Interact() // the click (or open call) that started the runtime
	}
	a := api.New(panel, st, hub, config)
	a.Attach(boot)
	<-a.Done() // keep the callbacks alive until crumbless('destroy')
	st.Release()
}
