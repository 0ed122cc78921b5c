//go:build js && wasm

package views

import (
	"syscall/js"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"honnef.co/go/js/dom/v2"

	"github.com/crumbless/crumbless/wasm/store"
	"github.com/crumbless/crumbless/wasm/ui"
)

// mount builds the frame the loader would have built, in a fresh shadow
// root, and renders a Panel into it.
func mount(t *testing.T, panelVisible bool) (*Panel, dom.Element) {
	t.Helper()
	host := ui.El("div")
	js.Global().Get("document").Get("body").Call("appendChild", host)
	root := host.Call("attachShadow", map[string]any{"mode": "open"})
	wrapper := ui.El("div", "class", "cl")
	launcher := ui.El("button", "class", "launcher")
	f := Frame{Root: root, Wrapper: wrapper, Launcher: launcher, Panel: js.Undefined()}
	if panelVisible {
		f.Panel = ui.El("div", "class", "panel", "role", "dialog")
		ui.Append(wrapper, f.Panel)
	}
	ui.Append(root, ui.Append(wrapper, launcher))
	p := NewPanel(f, store.New("crumbless-"), Options{Theme: "auto", Prefix: "crumbless-"})
	t.Cleanup(func() { p.Release(); host.Call("remove") })
	return p, dom.WrapElement(wrapper)
}

func click(el dom.Element) { el.Underlying().Call("click") }

func TestPanelRendersDialog(t *testing.T) {
	p, w := mount(t, true)
	dialog := w.QuerySelector("[role=dialog]")
	require.NotNil(t, dialog)
	assert.Equal(t, "cl-title", dialog.GetAttribute("aria-labelledby"))
	assert.Equal(t, "Hi there", w.QuerySelector("#cl-title").TextContent())
	assert.True(t, p.IsOpen())
	assert.Equal(t, "true", w.QuerySelector(".launcher").GetAttribute("aria-expanded"))
	assert.Len(t, w.QuerySelectorAll("input[name=cl-theme]"), 3)
}

func TestPanelStartsClosedWithoutFrame(t *testing.T) {
	p, w := mount(t, false)
	assert.False(t, p.IsOpen())
	assert.True(t, w.QuerySelector("[role=dialog]").HasAttribute("hidden"))
	p.Open()
	p.Open() // idempotent
	assert.False(t, w.QuerySelector("[role=dialog]").HasAttribute("hidden"))
	p.Toggle()
	assert.False(t, p.IsOpen())
}

func TestCloseButtonAndEscape(t *testing.T) {
	p, w := mount(t, true)
	click(w.QuerySelector("button.close"))
	assert.False(t, p.IsOpen())
	assert.True(t, w.QuerySelector("[role=dialog]").HasAttribute("hidden"))
	assert.Equal(t, "false", w.QuerySelector(".launcher").GetAttribute("aria-expanded"))

	p.Open()
	ev := js.Global().Get("KeyboardEvent").New("keydown", map[string]any{"key": "Escape", "bubbles": true})
	w.QuerySelector("#cl-title").Underlying().Call("dispatchEvent", ev)
	assert.False(t, p.IsOpen(), "Escape closes")
}

func TestChoosingThemeStoresAndApplies(t *testing.T) {
	js.Global().Get("localStorage").Call("clear")
	_, w := mount(t, true)
	assert.Equal(t, "auto", w.GetAttribute("data-theme"), "fallback before any choice")
	assert.True(t, js.Global().Get("localStorage").Call("getItem", "crumbless-theme").IsNull(), "nothing stored before a choice")

	click(w.QuerySelector("input[value=dark]"))
	assert.Equal(t, "dark", w.GetAttribute("data-theme"))
	stored := js.Global().Get("JSON").Call("parse", js.Global().Get("localStorage").Call("getItem", "crumbless-theme"))
	assert.Equal(t, "dark", stored.Get("data").String())

	// A new panel, as after a reload, starts with the stored theme.
	p2, w2 := mount(t, true)
	assert.Equal(t, "dark", p2.Theme())
	assert.Equal(t, "dark", w2.GetAttribute("data-theme"))
	assert.True(t, w2.QuerySelector("input[value=dark]").Underlying().Get("checked").Bool())
}

func TestSetThemeRejectsUnknown(t *testing.T) {
	p, w := mount(t, true)
	before := w.GetAttribute("data-theme")
	assert.False(t, p.SetTheme("purple"))
	assert.Equal(t, before, w.GetAttribute("data-theme"))
}
