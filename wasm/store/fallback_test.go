//go:build js && wasm

package store

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// blockLocalStorage makes window.localStorage throw a SecurityError on
// access, as a browser that blocks third-party storage does, until the test
// ends.
func blockLocalStorage(t *testing.T) {
	t.Helper()
	restore := script(`
		var owner = Object.getOwnPropertyDescriptor(window, "localStorage") ? window : Window.prototype;
		var saved = Object.getOwnPropertyDescriptor(owner, "localStorage");
		Object.defineProperty(window, "localStorage", {configurable: true, get: function () {
			throw new DOMException("The operation is insecure.", "SecurityError");
		}});
		return function () {
			if (owner === window) Object.defineProperty(window, "localStorage", saved);
			else delete window.localStorage;
		};`).Invoke()
	t.Cleanup(func() { restore.Invoke() })
	require.True(t, script(`try { window.localStorage; return false } catch (e) { return e.name === "SecurityError" }`).Invoke().Bool(),
		"window.localStorage must throw now")
}

// fillLocalStorage writes foreign junk until localStorage refuses even one
// more character, and removes it when the test ends.
func fillLocalStorage(t *testing.T) {
	t.Helper()
	n := script(`
		var i = 0;
		for (var size of [1 << 20, 1 << 16, 1 << 10, 1 << 4, 1]) {
			var chunk = "x".repeat(size);
			for (;;) {
				try { localStorage.setItem("junk-" + i, chunk); i++; } catch (e) {
					if (e.name !== "QuotaExceededError") throw e;
					break;
				}
			}
		}
		return i;`).Invoke().Int()
	require.Positive(t, n)
	t.Cleanup(func() {
		for i := 0; i < n; i++ {
			localStorage.Call("removeItem", "junk-"+strconv.Itoa(i))
		}
	})
}

// TestFallbackToMemory: whatever way the storage fails, the Store keeps
// working in memory and says so.
func TestFallbackToMemory(t *testing.T) {
	cases := []struct {
		name  string
		setup func(t *testing.T) (local, session Backend)
		// atOpen: the failure shows on reading, so Open already knows.
		atOpen bool
	}{
		{"every call throws", func(*testing.T) (Backend, Backend) { return failing{}, failing{} }, true},
		{"local throws, session works", func(*testing.T) (Backend, Backend) { return failing{}, Memory{} }, true},
		{"storage missing", func(*testing.T) (Backend, Backend) {
			return NewWebStorage("noSuchStorage"), NewWebStorage("noSuchStorageEither")
		}, true},
		{"window.localStorage getter throws", func(t *testing.T) (Backend, Backend) {
			clearStorage(t)
			blockLocalStorage(t)
			return NewWebStorage("localStorage"), NewWebStorage("sessionStorage")
		}, true},
		{"writes refused (quota)", func(*testing.T) (Backend, Backend) {
			return full{Memory{"crumbless-lang": env(`"fr"`, 0)}}, Memory{}
		}, false},
		{"real localStorage filled to its quota", func(t *testing.T) (Backend, Backend) {
			clearStorage(t)
			localStorage.Call("setItem", "crumbless-lang", env(`"fr"`, 0))
			fillLocalStorage(t)
			return NewWebStorage("localStorage"), NewWebStorage("sessionStorage")
		}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			local, session := c.setup(t)
			s := open(local, session, "implicit")
			if c.atOpen {
				assert.Equal(t, "memory", s.Storage(), "known at open")
			}
			s.Interact()
			require.NoError(t, s.Set("theme", "dark"))
			require.NoError(t, s.Set("nav", "chat"))
			assert.Equal(t, "memory", s.Storage())

			var theme, nav string
			require.True(t, s.Get("theme", &theme), "kept in memory")
			assert.Equal(t, "dark", theme)
			require.True(t, s.Get("nav", &nav))
			assert.Equal(t, "chat", nav)
			if !c.atOpen {
				var lang string
				assert.True(t, s.Get("lang", &lang), "values stored before the failure are still read")
				assert.Equal(t, "fr", lang)
			}

			s.Remove("theme")
			assert.False(t, s.Get("theme", &theme))
			s.Forget() // nothing thrown into the page
			assert.False(t, s.Get("nav", &nav))
		})
	}
}

func TestQuotaFallbackKeepsOtherArea(t *testing.T) {
	clearStorage(t)
	fillLocalStorage(t)
	s := open(NewWebStorage("localStorage"), NewWebStorage("sessionStorage"), "implicit")
	s.Interact()
	require.NoError(t, s.Set("theme", "dark"))
	require.NoError(t, s.Set("nav", "chat"))
	assert.True(t, localStorage.Call("getItem", "crumbless-theme").IsNull(), "full: not written")
	assert.False(t, sessionStorage.Call("getItem", "crumbless-nav").IsNull(), "sessionStorage has its own quota and still works")
	assert.Equal(t, "memory", s.Storage())
}
