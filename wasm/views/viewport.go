//go:build js && wasm

package views

import "syscall/js"

// The panel on phones. Below 480 px the loader's frame covers the viewport
// (static/crumbless.js), touch-action keeps a swipe on it from scrolling the
// page behind (static/panel.css), and views.css's phone rules place it by
// the variables set here, keep the header's and the tabs' controls out of
// env(safe-area-inset-*) while their colours reach the edges, hide the
// launcher (it would cover the composer's send button; the header has a
// close button) and give fields 16 px text (smaller makes iOS zoom in on
// focus).

// followViewport keeps, while the panel is open, its CSS variables
// --cl-vv-top and --cl-vv-height at the offset and height of the visual
// viewport; below 480 px views.css places the panel by them (100dvh
// without them). An on-screen keyboard shrinks the visual viewport while
// 100vh, 100dvh and a fixed box's inset keep the layout viewport's size:
// without them the keyboard would cover the composer.
func (p *Panel) followViewport(open bool) {
	vv := js.Global().Get("visualViewport")
	switch {
	case !vv.Truthy():
	case open && !p.following:
		p.following = true
		fit := func(js.Value) { p.fitViewport(vv) }
		p.viewport.On(vv, "resize", fit)
		p.viewport.On(vv, "scroll", fit)
		p.fitViewport(vv)
	case !open && p.following:
		p.following = false
		p.viewport.Release()
	}
}

// fitViewport sets the variables from vv, or removes them (an empty value
// does) while the visitor has zoomed in with two fingers: then the visual
// viewport is the zoomed part of the page, and the panel keeps the layout
// viewport's size.
func (p *Panel) fitViewport(vv js.Value) {
	top, height := "", ""
	if s := vv.Get("scale").Float(); s < 1.01 && s > 0.99 {
		top, height = px(vv.Get("offsetTop")), px(vv.Get("height"))
	}
	style := p.frame.Panel.Get("style")
	style.Call("setProperty", "--cl-vv-top", top)
	style.Call("setProperty", "--cl-vv-height", height)
}

// px is the JS number n as a CSS length in px, written by JS's String:
// strconv's float formatting would grow the wasm.
func px(n js.Value) string { return js.Global().Call("String", n).String() + "px" }
