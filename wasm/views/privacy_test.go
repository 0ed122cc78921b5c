//go:build js && wasm

package views

import (
	"syscall/js"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crumbless/crumbless/internal/shared/registry"
)

func jsSession() js.Value { return js.Global().Get("sessionStorage") }

func TestPrivacyListsEveryKeyWithItsStateAndForgets(t *testing.T) {
	clearStorage(t)
	js.Global().Get("localStorage").Call("setItem", "unrelated", "page's own")
	t.Cleanup(func() { js.Global().Get("localStorage").Call("removeItem", "unrelated") })
	f := mount(t, true, Options{Theme: "auto"})
	require.True(t, f.p.SetTheme("dark"))
	require.True(t, f.p.Navigate("privacy"))

	keys := f.all(".keys .key")
	require.Len(t, keys, len(registry.Keys), "every declared key is listed")
	var names []string
	for _, k := range registry.Keys {
		names = append(names, "crumbless-"+k.Name)
	}
	assert.Equal(t, names, f.texts(".keys code"))
	assert.Equal(t, "Stored now", f.text(`.key[data-key=theme] .key-state`))
	assert.Equal(t, "Not stored", f.text(`.key[data-key=lang] .key-state`))
	assert.Equal(t, "Stored now", f.text(`.key[data-key=nav] .key-state`), "the view itself is remembered")
	assert.Equal(t, "Kept: This browser, 365 days · Functional", f.text(`.key[data-key=theme] .key-meta`))
	assert.Equal(t, "Kept: This tab, until the tab closes · Functional", f.text(`.key[data-key=nav] .key-meta`))
	assert.Equal(t, "3 items are stored right now.", f.text(".now"), "theme, open and nav")

	f.click(t, ".forget button")
	for _, k := range registry.Keys {
		assert.True(t, rawLocal("crumbless-"+k.Name).IsNull(), k.Name)
		assert.True(t, rawSession("crumbless-"+k.Name).IsNull(), k.Name)
	}
	assert.Equal(t, "page's own", js.Global().Get("localStorage").Call("getItem", "unrelated").String(), "other keys untouched")
	assert.Equal(t, "auto", f.wrap.Call("getAttribute", "data-theme").String(), "back to the page's theme")
	assert.Equal(t, "Nothing is stored right now.", f.text(".now"))
	assert.Equal(t, "Done. Nothing from this chat is stored in your browser any more.", f.text(".forget [role=status]"))
}
