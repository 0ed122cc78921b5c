//go:build js && wasm

// Package views renders what the visitor sees inside the widget's shadow
// root: the panel frame and, one file each, the views inside it.
package views

import (
	_ "embed"
	"syscall/js"

	"github.com/crumbless/crumbless/wasm/events"
	"github.com/crumbless/crumbless/wasm/store"
	"github.com/crumbless/crumbless/wasm/ui"
)

//go:embed views.css
var css string

// Frame holds the elements the loader created before the runtime started.
type Frame struct {
	Root     js.Value    // the open ShadowRoot of #crumbless-root
	Wrapper  js.Value    // div.cl: carries data-theme
	Launcher js.Value    // the launcher button
	Panel    js.Value    // div.panel, role="dialog"
	Events   *events.Hub // where the panel reports open, close, theme…; may be nil
}

// Panel is the open/close logic and the content of the dialog.
type Panel struct {
	frame    Frame
	store    *store.Store
	settings *Settings
	on       ui.Listeners
	open     bool
}

// NewPanel renders the panel content into f.Panel, replacing the loader's
// loading state, and applies the stored theme. fallbackTheme is used when
// nothing is stored (the page's data-theme or "auto").
func NewPanel(f Frame, s *store.Store, fallbackTheme string) *Panel {
	ui.Adopt(f.Root, css)
	p := &Panel{frame: f, store: s}
	visible := !f.Panel.IsUndefined() && !f.Panel.IsNull() && !f.Panel.Get("hidden").Bool()
	if f.Panel.IsUndefined() || f.Panel.IsNull() {
		p.frame.Panel = ui.El("div", "class", "panel", "role", "dialog", "hidden", "")
		f.Wrapper.Call("insertBefore", p.frame.Panel, f.Launcher)
	}
	panel := p.frame.Panel
	panel.Set("textContent", "")
	panel.Call("removeAttribute", "aria-busy")
	panel.Call("setAttribute", "id", "cl-panel")
	panel.Call("setAttribute", "aria-labelledby", "cl-title")
	f.Launcher.Call("setAttribute", "aria-controls", "cl-panel")

	closeBtn := ui.TextEl("button", "×", "type", "button", "class", "close", "aria-label", "Close chat")
	head := ui.Append(ui.El("header", "class", "head"),
		ui.TextEl("h2", "Hi there", "id", "cl-title"),
		closeBtn,
	)
	p.settings = NewSettings(s, f.Wrapper, fallbackTheme)
	p.settings.events = f.Events
	body := ui.Append(ui.El("div", "class", "body"), p.settings.Element)
	ui.Append(panel, head, body)

	p.on.On(closeBtn, "click", func(js.Value) { p.Close() })
	p.on.On(panel, "keydown", func(ev js.Value) {
		if ev.Get("key").String() == "Escape" {
			p.Close()
		}
	})
	if visible {
		p.Open()
	}
	return p
}

// IsOpen reports whether the panel is shown.
func (p *Panel) IsOpen() bool { return p.open }

// Settings returns the settings view.
func (p *Panel) Settings() *Settings { return p.settings }

// Open shows the panel and moves focus into it. It is idempotent.
func (p *Panel) Open() {
	p.frame.Panel.Call("removeAttribute", "hidden")
	p.frame.Launcher.Call("setAttribute", "aria-expanded", "true")
	p.frame.Launcher.Call("setAttribute", "aria-label", "Close chat")
	if !p.open {
		p.frame.Panel.Call("querySelector", "h2").Call("setAttribute", "tabindex", "-1")
		p.frame.Panel.Call("querySelector", "h2").Call("focus")
		p.open = true
		p.frame.Events.Emit("open", nil)
	}
}

// Close hides the panel and gives focus back to the launcher. It is idempotent.
func (p *Panel) Close() {
	p.frame.Panel.Call("setAttribute", "hidden", "")
	p.frame.Launcher.Call("setAttribute", "aria-expanded", "false")
	p.frame.Launcher.Call("setAttribute", "aria-label", "Open chat")
	if p.open {
		p.frame.Launcher.Call("focus")
		p.open = false
		p.frame.Events.Emit("close", nil)
	}
}

// Toggle opens a closed panel and closes an open one.
func (p *Panel) Toggle() {
	if p.open {
		p.Close()
	} else {
		p.Open()
	}
}

// Release removes every listener the panel and its views added.
func (p *Panel) Release() {
	p.on.Release()
	p.settings.Release()
}
