//go:build js && wasm

package store

import (
	"syscall/js"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// storageEvent dispatches on window the StorageEvent another tab's write
// would cause here. key or newValue may be nil for null.
func storageEvent(area js.Value, key, newValue any) {
	init := map[string]any{"key": key, "newValue": newValue, "storageArea": area, "url": "http://other.tab/"}
	js.Global().Call("dispatchEvent", js.Global().Get("StorageEvent").New("storage", init))
}

// syncedStore opens a Store over the real storages that follows other tabs.
func syncedStore(t *testing.T, consent string) (*Store, *[]string) {
	t.Helper()
	clearStorage(t)
	s := open(NewWebStorage("localStorage"), NewWebStorage("sessionStorage"), consent)
	s.Sync()
	t.Cleanup(s.Release)
	heard := &[]string{}
	s.OnChange(func(name string) { *heard = append(*heard, name) })
	return s, heard
}

func TestSyncThemeFromAnotherTab(t *testing.T) {
	s, heard := syncedStore(t, "implicit")
	require.NoError(t, s.Set("theme", "light")) // waits in memory: no interaction here yet
	var echoed []string
	s.OnChange(func(name string) {
		var th string
		if s.Get("theme", &th) {
			echoed = append(echoed, th)
			_ = s.Set("theme", th) // applying it must not write it back
		}
	})

	text := env(`"dark"`, t0.Add(time.Hour).UnixMilli())
	localStorage.Call("setItem", "crumbless-theme", text) // what the other tab wrote
	storageEvent(localStorage, "crumbless-theme", text)

	assert.Equal(t, []string{"theme"}, *heard)
	assert.Equal(t, []string{"dark"}, echoed, "the other tab's value wins over this tab's memory")
	s.Interact()
	assert.Equal(t, text, localStorage.Call("getItem", "crumbless-theme").String(), "not echoed, not overwritten")
}

func TestSyncIgnores(t *testing.T) {
	cases := []struct {
		name          string
		area          js.Value
		key, newValue any
	}{
		{"foreign key", localStorage, "theme", `x`},
		{"other prefix", localStorage, "acme-theme", env(`"dark"`, 0)},
		{"undeclared prefixed key", localStorage, "crumbless-nope", env(`1`, 0)},
		{"no storage area", js.Null(), "crumbless-theme", env(`"dark"`, 0)},
		{"implicit-mode consent", localStorage, "crumbless-consent", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, heard := syncedStore(t, "implicit")
			s.Interact()
			require.NoError(t, s.Set("theme", "light"))
			sessionStorage.Call("setItem", "crumbless-nav", env(`"home"`, 0))
			storageEvent(c.area, c.key, c.newValue)
			assert.Empty(t, *heard)
			assert.Equal(t, []string{"crumbless-theme"}, prefixed(t, NewWebStorage("localStorage"), "crumbless-"))
			assert.Equal(t, []string{"crumbless-nav"}, prefixed(t, NewWebStorage("sessionStorage"), "crumbless-"))
		})
	}
}

// TestSyncForgetFromAnotherTab: the other tab's forget signal, or a
// storage.clear() there, wipes this tab's keys too (its sessionStorage is
// its own) and resets it.
func TestSyncForgetFromAnotherTab(t *testing.T) {
	cases := []struct {
		name          string
		area          js.Value
		key, newValue any
	}{
		{"forget signal", localStorage, "crumbless-forget", env("1", 0)},
		{"localStorage.clear()", localStorage, nil, nil},
		{"sessionStorage.clear() in a same-tab frame", sessionStorage, nil, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, heard := syncedStore(t, "explicit")
			s.SetConsent(true)
			require.NoError(t, s.Set("theme", "dark"))
			require.NoError(t, s.Set("nav", "answers"))
			localStorage.Call("setItem", "foreign", "kept")
			*heard = nil

			storageEvent(c.area, c.key, c.newValue)

			assert.Equal(t, []string{""}, *heard)
			assert.Empty(t, prefixed(t, NewWebStorage("localStorage"), "crumbless-"))
			assert.Empty(t, prefixed(t, NewWebStorage("sessionStorage"), "crumbless-"))
			assert.Equal(t, "kept", localStorage.Call("getItem", "foreign").String())
			assert.False(t, s.Consent(), "consent asked again")
			require.NoError(t, s.Set("theme", "light"))
			assert.Empty(t, prefixed(t, NewWebStorage("localStorage"), "crumbless-"), "gate closed again")
		})
	}

	t.Run("the signal's own removal is not a forget", func(t *testing.T) {
		s, heard := syncedStore(t, "implicit")
		s.Interact()
		require.NoError(t, s.Set("theme", "dark"))
		storageEvent(localStorage, "crumbless-forget", nil)
		assert.Empty(t, *heard)
		assert.Equal(t, []string{"crumbless-theme"}, prefixed(t, NewWebStorage("localStorage"), "crumbless-"))
	})
}

func TestSyncConsentFromAnotherTab(t *testing.T) {
	granted := env("true", t0.Add(time.Hour).UnixMilli())

	t.Run("granted there: written here from the next interaction", func(t *testing.T) {
		s, heard := syncedStore(t, "explicit")
		s.Interact()
		require.NoError(t, s.Set("nav", "forms"))
		assert.Empty(t, prefixed(t, NewWebStorage("sessionStorage"), "crumbless-"))
		localStorage.Call("setItem", "crumbless-consent", granted)
		storageEvent(localStorage, "crumbless-consent", granted)
		assert.Equal(t, []string{"consent"}, *heard)
		assert.True(t, s.Consent())
		assert.Equal(t, []string{"crumbless-nav"}, prefixed(t, NewWebStorage("sessionStorage"), "crumbless-"), "flushed: this tab had interacted")
	})

	t.Run("withdrawn there: wiped here, kept in memory", func(t *testing.T) {
		s, heard := syncedStore(t, "explicit")
		s.SetConsent(true)
		require.NoError(t, s.Set("nav", "forms"))
		require.NoError(t, s.Set("theme", "dark"))
		*heard = nil
		themeText := localStorage.Call("getItem", "crumbless-theme").String()
		localStorage.Call("clear") // the other tab wiped localStorage: consent first, then the rest
		storageEvent(localStorage, "crumbless-consent", nil)
		js.Global().Call("dispatchEvent", js.Global().Get("StorageEvent").New("storage", map[string]any{
			"key": "crumbless-theme", "oldValue": themeText, "newValue": nil, "storageArea": localStorage}))
		assert.Equal(t, []string{"consent"}, *heard, "the theme did not change for this tab")
		var theme string
		assert.True(t, s.Get("theme", &theme), "a value wiped after the withdrawal stays in memory")
		assert.Equal(t, "dark", theme)
		assert.Empty(t, prefixed(t, NewWebStorage("localStorage"), "crumbless-"), "and is not written back")
		assert.False(t, s.Consent())
		assert.Empty(t, prefixed(t, NewWebStorage("sessionStorage"), "crumbless-"), "this tab's session keys wiped")
		var nav string
		assert.True(t, s.Get("nav", &nav), "still known in memory")
		assert.Equal(t, "forms", nav)
		assert.Equal(t, "memory", s.Storage())
	})
}

func TestReleaseStopsSync(t *testing.T) {
	s, heard := syncedStore(t, "implicit")
	s.Release()
	storageEvent(localStorage, "crumbless-theme", env(`"dark"`, 0))
	assert.Empty(t, *heard)
}
