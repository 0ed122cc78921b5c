//go:build js && wasm

package views

import (
	"syscall/js"
)

// audio is the page's AudioContext for the chime, made on the first one.
var audio js.Value

// chime plays a short soft tone for a new agent message. Browsers allow it
// once the visitor has interacted with the page; where they refuse, or have
// no Web Audio, it stays silent.
func chime() {
	defer func() { recover() }() // a browser that refuses audio throws: silence is fine
	if audio.IsUndefined() {
		audio = js.Global().Get("AudioContext").New()
	}
	osc, gain := audio.Call("createOscillator"), audio.Call("createGain")
	at := audio.Get("currentTime").Float()
	osc.Get("frequency").Set("value", 880)
	gain.Get("gain").Call("setValueAtTime", 0.08, at)
	gain.Get("gain").Call("exponentialRampToValueAtTime", 0.001, at+0.3)
	osc.Call("connect", gain).Call("connect", audio.Get("destination"))
	osc.Call("start", at)
	osc.Call("stop", at+0.3)
}
