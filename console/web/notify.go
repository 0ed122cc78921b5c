//go:build js && wasm

package web

import (
	"syscall/js"

	"github.com/norunners/vert"
)

// Permission is the Notification permission: "granted", "denied",
// "default", or "unsupported" without the API.
func Permission() string {
	n := js.Global().Get("Notification")
	if n.IsUndefined() {
		return "unsupported"
	}
	return n.Get("permission").String()
}

// AskPermission asks for the permission; call it from a click only.
func AskPermission() string {
	n := js.Global().Get("Notification")
	if n.IsUndefined() {
		return "unsupported"
	}
	v, err := Await(n.Call("requestPermission"))
	if err != nil || v.Type() != js.TypeString {
		return Permission()
	}
	return v.String()
}

// Notification options, converted with vert: tag makes a repeated
// notification of one message replace the first.
type notificationOptions struct {
	Body string `js:"body"`
	Tag  string `js:"tag"`
	Lang string `js:"lang"`
	Dir  string `js:"dir"`
}

// Show shows a notification; clicking it focuses the tab and calls onClick.
func Show(title, body, tag, lang, dir string, onClick func()) bool {
	if Permission() != "granted" {
		return false
	}
	var n js.Value
	err := Catch(func() {
		n = js.Global().Get("Notification").New(title, vert.ValueOf(notificationOptions{Body: body, Tag: tag, Lang: lang, Dir: dir}).Value)
	})
	if err != nil {
		return false
	}
	var click js.Func
	click = js.FuncOf(func(js.Value, []js.Value) any {
		js.Global().Call("focus")
		n.Call("close")
		go onClick()
		return nil
	})
	n.Set("onclick", click)
	return true
}

// Beep plays a short tone through Web Audio (no media file, nothing for
// the CSP to allow).
func Beep() {
	_ = Catch(func() {
		ctxClass := js.Global().Get("AudioContext")
		if ctxClass.IsUndefined() {
			return
		}
		ctx := ctxClass.New()
		osc := ctx.Call("createOscillator")
		gain := ctx.Call("createGain")
		osc.Get("frequency").Set("value", 880)
		gain.Get("gain").Set("value", 0.08)
		osc.Call("connect", gain)
		gain.Call("connect", ctx.Get("destination"))
		t := ctx.Get("currentTime").Float()
		osc.Call("start", t)
		osc.Call("stop", t+0.18)
	})
}

// Hidden reports whether the page is not visible.
func Hidden() bool { return js.Global().Get("document").Get("hidden").Bool() }

// Leader runs onLead once this tab holds the console's leader lock (Web
// Locks): one tab of the agent's leads, and the next takes over when it
// closes. Without the API every tab leads.
func Leader(onLead func()) {
	locks := js.Global().Get("navigator").Get("locks")
	if locks.IsUndefined() {
		onLead()
		return
	}
	locks.Call("request", "crumbless-console-leader", js.FuncOf(func(js.Value, []js.Value) any {
		go onLead()
		// Held until the tab goes: a promise that never settles.
		return js.Global().Get("Promise").New(js.FuncOf(func(js.Value, []js.Value) any { return nil }))
	}))
}
