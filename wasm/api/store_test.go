//go:build js && wasm

package api

import (
	"encoding/json"
	"syscall/js"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crumbless/crumbless/internal/shared/envelope"
	"github.com/crumbless/crumbless/internal/shared/registry"
	"github.com/crumbless/crumbless/wasm/events"
	"github.com/crumbless/crumbless/wasm/store"
	"github.com/crumbless/crumbless/wasm/tabs"
	"github.com/crumbless/crumbless/wasm/ui"
	"github.com/crumbless/crumbless/wasm/views"
)

// newGatedHarness wires the runtime as wasm/main.go does, over a gated store
// (store.Open) with the given data-consent and data-theme, after the
// visitor's click opened the panel frame.
func newGatedHarness(t *testing.T, consent, theme string) *harness {
	t.Helper()
	ls, ss := js.Global().Get("localStorage"), js.Global().Get("sessionStorage")
	ls.Call("clear")
	ss.Call("clear")
	ls.Call("setItem", "foreign", "kept")
	host := ui.El("div")
	js.Global().Get("document").Get("body").Call("appendChild", host)
	root := host.Call("attachShadow", map[string]any{"mode": "open"})
	wrapper := ui.El("div", "class", "cl")
	launcher := ui.El("button", "class", "launcher")
	frame := ui.El("div", "class", "panel", "role", "dialog")
	ui.Append(root, ui.Append(wrapper, frame, launcher))

	st := store.Open(store.Options{Prefix: "crumbless-", Consent: consent})
	hub := events.NewHub()
	panel := views.NewPanel(views.Frame{Root: root, Wrapper: wrapper, Launcher: launcher, Panel: frame, Events: hub}, st, views.Options{Theme: theme, Prefix: "crumbless-"})
	st.GateOn(root)
	st.Sync()
	if panel.IsOpen() {
		st.Interact()
	}
	h := &harness{panel: panel, warns: newArray(), log: newArray()}
	console := js.Global().Get("console")
	origWarn := console.Get("warn")
	console.Set("warn", js.Global().Get("Function").New("w", "...a", "w.push(a.join(' '))").Call("bind", js.Null(), h.warns))
	js.Global().Set("__log", h.log)
	h.boot = js.ValueOf(map[string]any{"queue": newArray(), "config": map[string]any{"consent": consent, "theme": theme, "prefix": "crumbless-"}})
	h.api = New(panel, st, hub, tabs.Join("crumbless-", false), h.boot.Get("config"))
	h.api.Attach(h.boot)
	t.Cleanup(func() {
		console.Set("warn", origWarn)
		h.api.destroy()
		st.Release()
		host.Call("remove")
		ls.Call("clear")
		ss.Call("clear")
	})
	return h
}

// storedKeys lists the prefixed keys in both storages.
func storedKeys() []string {
	return strings(js.Global().Get("Function").New(`return [localStorage, sessionStorage].flatMap(s => Object.keys(s)).filter(k => k.startsWith("crumbless-")).sort()`).Invoke())
}

func TestDisclosureCommand(t *testing.T) {
	h := newGatedHarness(t, "implicit", "auto")
	p := h.call("disclosure")
	require.True(t, p.InstanceOf(js.Global().Get("Promise")), "a query returns a Promise")
	list := await(p)
	require.Equal(t, len(registry.Keys), list.Length())
	for i, want := range registry.Disclosure("crumbless-") {
		got := list.Index(i)
		assert.Equal(t, want.Key, got.Get("key").String())
		assert.Equal(t, want.Area, got.Get("area").String())
		assert.Equal(t, want.Purpose, got.Get("purpose").String())
		assert.Equal(t, want.Category, got.Get("category").String())
		assert.Equal(t, float64(want.TTL), got.Get("ttl").Float())
		assert.Equal(t, want.Lifetime, got.Get("lifetime").String())
	}
	same, err := json.Marshal(registry.Disclosure("crumbless-"))
	require.NoError(t, err)
	assert.JSONEq(t, string(same), js.Global().Get("JSON").Call("stringify", list).String(), "every field, as GET /disclosure.json has it")
	assert.Equal(t, []string{"crumbless-open"}, storedKeys(), "asking writes nothing (open: the click that started the runtime)")
	assert.Zero(t, h.warns.Length())
}

func TestConsentCommandExplicitMode(t *testing.T) {
	h := newGatedHarness(t, "explicit", "auto")
	h.call("on", "consent", listener("consent"))
	h.call("theme", "dark")
	assert.Empty(t, storedKeys(), "explicit: a choice waits in memory")
	assert.Equal(t, "memory", await(h.call("state")).Get("storage").String())
	assert.False(t, await(h.call("state")).Get("consent").Bool())

	h.call("consent", true)
	settle()
	assert.Equal(t, []string{"crumbless-consent", "crumbless-open", "crumbless-theme"}, storedKeys(), "what waited in memory, the open panel included")
	st := await(h.call("state"))
	assert.True(t, st.Get("consent").Bool())
	assert.Equal(t, "local", st.Get("storage").String())

	h.call("consent", false)
	settle()
	assert.Empty(t, storedKeys(), "withdrawal wipes every prefixed key")
	assert.Equal(t, "kept", js.Global().Get("localStorage").Call("getItem", "foreign").String())
	assert.Equal(t, "dark", h.panel.Settings().Theme(), "the widget keeps working")
	h.call("theme", "light")
	assert.Empty(t, storedKeys())
	assert.Equal(t, "memory", await(h.call("state")).Get("storage").String())
	assert.Equal(t, []string{`consent:{"consent":true}`, `consent:{"consent":false}`}, strings(h.log))
	assert.Zero(t, h.warns.Length())
}

func TestConsentCommandRefusesNonBooleans(t *testing.T) {
	for _, arg := range []any{"true", 1, nil} {
		h := newGatedHarness(t, "explicit", "auto")
		h.call("consent", arg)
		assert.Len(t, strings(h.warns), 1)
		assert.Contains(t, strings(h.warns)[0], "crumbless: consent: argument 1 must be true or false")
		assert.False(t, await(h.call("state")).Get("consent").Bool())
	}
}

func TestForgetCommand(t *testing.T) {
	h := newGatedHarness(t, "implicit", "light")
	h.call("theme", "dark")
	js.Global().Get("sessionStorage").Call("setItem", "crumbless-nav", envelope.Encode(`"chat"`, 0))
	require.Equal(t, []string{"crumbless-nav", "crumbless-open", "crumbless-theme"}, storedKeys(), "open: the click that started the runtime")

	h.call("forget")
	assert.Empty(t, storedKeys())
	assert.Equal(t, "kept", js.Global().Get("localStorage").Call("getItem", "foreign").String())
	assert.Equal(t, "light", h.panel.Settings().Theme(), "back to the page's data-theme")
	assert.Empty(t, storedKeys(), "the reset itself stores nothing")

	h.call("theme", "dark") // a new deliberate act stores again
	assert.Equal(t, []string{"crumbless-theme"}, storedKeys())
}

func TestThemeFromAnotherTab(t *testing.T) {
	h := newGatedHarness(t, "implicit", "auto")
	h.call("on", "theme", listener("theme"))
	text := envelope.Encode(`"dark"`, 4102444800000)
	ls := js.Global().Get("localStorage")
	ls.Call("setItem", "crumbless-theme", text)
	js.Global().Call("dispatchEvent", js.Global().Get("StorageEvent").New("storage",
		map[string]any{"key": "crumbless-theme", "newValue": text, "storageArea": ls}))
	settle()
	assert.Equal(t, "dark", h.panel.Settings().Theme())
	assert.Equal(t, []string{`theme:{"theme":"dark"}`}, strings(h.log))
	assert.Equal(t, text, ls.Call("getItem", "crumbless-theme").String(), "applied, not written back")
}

// TestQueriesAreNotInteraction: a runtime started without the visitor's
// click (the panel frame not shown) stores nothing until a deliberate
// command.
func TestQueriesAreNotInteraction(t *testing.T) {
	h := newHarness(t)
	h.api.store = store.Open(store.Options{})
	h.api.Attach(h.boot)
	require.NoError(t, h.api.store.Set("theme", "dark"))
	for _, q := range [][]any{{"state"}, {"disclosure"}, {"on", "open", listener("open")}} {
		h.call(q...)
		assert.Empty(t, storedKeys(), "%v", q[0])
	}
	h.call("close")
	assert.Equal(t, []string{"crumbless-theme"}, storedKeys(), "a deliberate command opens the gate")
}
