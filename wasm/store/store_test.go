//go:build js && wasm

package store

import (
	"errors"
	"syscall/js"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var localStorage = js.Global().Get("localStorage")

func rawLocal(key string) js.Value { return localStorage.Call("getItem", key) }

func TestBackendContract(t *testing.T) {
	backends := map[string]func() Backend{
		"memory":         func() Backend { return Memory{} },
		"localStorage":   func() Backend { return NewWebStorage("localStorage") },
		"sessionStorage": func() Backend { return NewWebStorage("sessionStorage") },
	}
	for name, mk := range backends {
		t.Run(name, func(t *testing.T) {
			b := mk()
			_ = b.Remove("contract-a")
			_, ok, err := b.Get("contract-a")
			require.NoError(t, err)
			assert.False(t, ok, "absent before set")

			require.NoError(t, b.Set("contract-a", "1"))
			v, ok, err := b.Get("contract-a")
			require.NoError(t, err)
			assert.True(t, ok)
			assert.Equal(t, "1", v)

			keys, err := b.Keys()
			require.NoError(t, err)
			assert.Contains(t, keys, "contract-a")

			require.NoError(t, b.Remove("contract-a"))
			_, ok, _ = b.Get("contract-a")
			assert.False(t, ok, "absent after remove")
		})
	}
}

func TestMissingStorageIsAnError(t *testing.T) {
	_, _, err := NewWebStorage("noSuchStorage").Get("x")
	assert.Error(t, err)
}

func TestThemePersistsInLocalStorage(t *testing.T) {
	localStorage.Call("clear")
	now := time.UnixMilli(1_800_000_000_000)
	s := New("crumbless-")
	s.Now = func() time.Time { return now }

	require.NoError(t, s.Set("theme", "dark"))

	env := js.Global().Get("JSON").Call("parse", rawLocal("crumbless-theme"))
	assert.Equal(t, 1, env.Get("v").Int())
	assert.Equal(t, "dark", env.Get("data").String())
	assert.Equal(t, float64(now.Add(365*24*time.Hour).UnixMilli()), env.Get("exp").Float())

	// A fresh Store (as after a reload) reads it back.
	again := New("crumbless-")
	again.Now = s.Now
	var got string
	require.True(t, again.Get("theme", &got))
	assert.Equal(t, "dark", got)
	assert.Equal(t, "local", again.Storage())
}

func TestPrefixIsApplied(t *testing.T) {
	localStorage.Call("clear")
	require.NoError(t, New("acme-").Set("theme", "light"))
	assert.False(t, rawLocal("acme-theme").IsNull())
	assert.True(t, rawLocal("crumbless-theme").IsNull())
}

func TestBadStoredValuesAreRemoved(t *testing.T) {
	now := time.UnixMilli(1_800_000_000_000)
	cases := []struct{ name, raw string }{
		{"not JSON", `{"v":1,`},
		{"not an object", `"dark"`},
		{"null", `null`},
		{"other version", `{"v":2,"exp":0,"data":"dark"}`},
		{"no version", `{"exp":0,"data":"dark"}`},
		{"expiry not a number", `{"v":1,"exp":"soon","data":"dark"}`},
		{"expired", `{"v":1,"exp":1799999999999,"data":"dark"}`},
		{"no data", `{"v":1,"exp":0}`},
		{"wrong shape", `{"v":1,"exp":0,"data":{"a":1}}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			localStorage.Call("setItem", "crumbless-theme", c.raw)
			s := New("crumbless-")
			s.Now = func() time.Time { return now }
			var got string
			assert.False(t, s.Get("theme", &got))
			assert.True(t, rawLocal("crumbless-theme").IsNull(), "bad value must be removed")
		})
	}
}

func TestUndeclaredKeyPanics(t *testing.T) {
	s := New("crumbless-")
	assert.PanicsWithValue(t, "crumbless: store: undeclared key nope", func() { _ = s.Set("nope", "x") })
	assert.Panics(t, func() { var v string; s.Get("nope", &v) })
}

// failing is a Backend whose every call throws, like Safari's blocked storage.
type failing struct{}

var errBlocked = errors.New("SecurityError: blocked")

func (failing) Get(string) (string, bool, error) { return "", false, errBlocked }
func (failing) Set(string, string) error         { return errBlocked }
func (failing) Remove(string) error              { return errBlocked }
func (failing) Keys() ([]string, error)          { return nil, errBlocked }

func TestBlockedStorageFallsBackToMemory(t *testing.T) {
	s := NewWithBackends("crumbless-", failing{}, failing{})
	assert.Equal(t, "local", s.Storage(), "nothing has failed yet")
	require.NoError(t, s.Set("theme", "dark"))
	assert.Equal(t, "memory", s.Storage())
	var got string
	require.True(t, s.Get("theme", &got), "value kept in memory")
	assert.Equal(t, "dark", got)
}
