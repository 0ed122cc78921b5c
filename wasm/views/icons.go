//go:build js && wasm

package views

import (
	"syscall/js"

	"github.com/crumbless/crumbless/wasm/ui"
)

// icons are 24×24 outline paths (stroke="currentColor").
var icons = map[string]string{
	"back":    "M15 18l-6-6 6-6",
	"close":   "M18 6L6 18M6 6l12 12",
	"gear":    "M12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM19.4 15a1.7 1.7 0 0 0 .3 1.8l.1.1a2 2 0 1 1-2.8 2.8l-.1-.1a1.7 1.7 0 0 0-1.8-.3 1.7 1.7 0 0 0-1 1.5V21a2 2 0 1 1-4 0v-.1a1.7 1.7 0 0 0-1.1-1.5 1.7 1.7 0 0 0-1.8.3l-.1.1a2 2 0 1 1-2.8-2.8l.1-.1a1.7 1.7 0 0 0 .3-1.8 1.7 1.7 0 0 0-1.5-1H3a2 2 0 1 1 0-4h.1a1.7 1.7 0 0 0 1.5-1.1 1.7 1.7 0 0 0-.3-1.8l-.1-.1a2 2 0 1 1 2.8-2.8l.1.1a1.7 1.7 0 0 0 1.8.3H9a1.7 1.7 0 0 0 1-1.5V3a2 2 0 1 1 4 0v.1a1.7 1.7 0 0 0 1 1.5 1.7 1.7 0 0 0 1.8-.3l.1-.1a2 2 0 1 1 2.8 2.8l-.1.1a1.7 1.7 0 0 0-.3 1.8V9a1.7 1.7 0 0 0 1.5 1H21a2 2 0 1 1 0 4h-.1a1.7 1.7 0 0 0-1.5 1z",
	"home":    "M3 10.5L12 3l9 7.5V20a1 1 0 0 1-1 1h-5v-6h-6v6H4a1 1 0 0 1-1-1z",
	"chat":    "M21 12a8 8 0 0 1-11.6 7.1L4 20.5l1.4-4.9A8 8 0 1 1 21 12z",
	"help":    "M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18zM9.1 9a3 3 0 0 1 5.8 1c0 2-3 3-3 3M12 17h.01",
	"mail":    "M4 5h16a1 1 0 0 1 1 1v12a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V6a1 1 0 0 1 1-1zM3 7l9 6 9-6",
	"search":  "M11 18a7 7 0 1 0 0-14 7 7 0 0 0 0 14zM21 21l-4.35-4.35",
	"next":    "M9 18l6-6-6-6",
	"send":    "M4 12l16-8-6 16-2.5-6.5z",
	"check":   "M20 6L9 17l-5-5",
	"shield":  "M12 22s8-4 8-10V5l-8-3-8 3v7c0 6 8 10 8 10z",
	"doc":     "M14 3H6a1 1 0 0 0-1 1v16a1 1 0 0 0 1 1h12a1 1 0 0 0 1-1V8zM14 3v5h5M9 13h6M9 17h6",
	"alert":   "M12 9v4M12 17h.01M10.3 3.9L1.8 18a2 2 0 0 0 1.7 3h17a2 2 0 0 0 1.7-3L13.7 3.9a2 2 0 0 0-3.4 0z",
	"storage": "M4 6c0-1.7 3.6-3 8-3s8 1.3 8 3-3.6 3-8 3-8-1.3-8-3zM4 6v12c0 1.7 3.6 3 8 3s8-1.3 8-3V6M4 12c0 1.7 3.6 3 8 3s8-1.3 8-3",
}

const svgNS = "http://www.w3.org/2000/svg"

// icon returns an inline SVG for name, hidden from assistive technology
// (every icon sits next to a text or an aria-label). Icons are copies of
// one template built at the first: a copy is three calls into the page
// instead of a dozen.
func icon(name string) js.Value {
	d, ok := icons[name]
	if !ok {
		panic("crumbless: views: unknown icon " + name)
	}
	if iconTemplate.IsUndefined() {
		doc := js.Global().Get("document")
		iconTemplate = doc.Call("createElementNS", svgNS, "svg")
		for _, kv := range [][2]string{{"viewBox", "0 0 24 24"}, {"aria-hidden", "true"}, {"focusable", "false"},
			{"fill", "none"}, {"stroke", "currentColor"}, {"stroke-width", "2"}, {"stroke-linecap", "round"},
			{"stroke-linejoin", "round"}} {
			iconTemplate.Call("setAttribute", kv[0], kv[1])
		}
		iconTemplate.Call("appendChild", doc.Call("createElementNS", svgNS, "path"))
	}
	svg := iconTemplate.Call("cloneNode", true)
	svg.Call("setAttribute", "class", "i i-"+name)
	svg.Get("firstChild").Call("setAttribute", "d", d)
	return svg
}

var iconTemplate js.Value // the svg every icon copies, made at the first

// iconButton is a button showing only an icon; its accessible name is set
// with aria-label by the caller (it changes with the language).
func iconButton(name, class string) js.Value {
	return ui.Append(ui.El("button", "type", "button", "class", "icon-btn "+class), icon(name))
}
