//go:build js && wasm

package store

import (
	"strconv"
	"syscall/js"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crumbless/crumbless/internal/shared/envelope"
	"github.com/crumbless/crumbless/internal/shared/registry"
	"github.com/crumbless/crumbless/wasm/jsvalue"
)

// TestEveryDeclaredKey writes, reads and removes every key of the registry
// through an open gate, on every fixture: each lands in its declared area,
// prefixed, in an envelope expiring after its declared lifetime.
func TestEveryDeclaredKey(t *testing.T) {
	forEachFixture(t, func(t *testing.T, local, session Backend) {
		s := open(local, session, "implicit")
		s.Interact()
		for _, k := range registry.Keys {
			t.Run(k.Name, func(t *testing.T) {
				in, other := local, session
				if k.Area == registry.Session {
					in, other = session, local
				}
				value := map[string]any{"n": 1.5, "s": "é ✓", "list": []any{true, nil}}
				require.NoError(t, s.Set(k.Name, value))
				text := raw(t, in, "crumbless-"+k.Name)
				require.NotEmpty(t, text, "written to the %s area", k.Area)
				assert.Empty(t, raw(t, other, "crumbless-"+k.Name), "not written to the other area")

				exp, data, err := envelope.Decode(text)
				require.NoError(t, err)
				assert.JSONEq(t, `{"n":1.5,"s":"é ✓","list":[true,null]}`, data)
				if k.TTL > 0 {
					assert.Equal(t, t0.Add(time.Duration(k.TTL)).UnixMilli(), exp)
				} else {
					assert.Zero(t, exp, "session keys carry no expiry")
				}

				var got js.Value
				require.True(t, s.Get(k.Name, &got))
				assert.JSONEq(t, `{"n":1.5,"s":"é ✓","list":[true,null]}`, js.Global().Get("JSON").Call("stringify", got).String())

				s.Remove(k.Name)
				assert.Empty(t, raw(t, in, "crumbless-"+k.Name))
				assert.False(t, s.Get(k.Name, &got))
			})
		}
		assert.Equal(t, "local", s.Storage())
	})
}

func TestValueKinds(t *testing.T) {
	forEachFixture(t, func(t *testing.T, local, session Backend) {
		s := NewWithBackends("crumbless-", local, session)
		var str string
		require.NoError(t, s.Set("theme", "dark"))
		require.True(t, s.Get("theme", &str))
		assert.Equal(t, "dark", str)

		for _, text := range []string{"", `say "hi"`, `back\\slash`, "tab\t new\nline", "é ✓ 🙂", "\u2028"} {
			require.NoError(t, s.Set("draft", text))
			var got string
			require.True(t, s.Get("draft", &got), "%q", text)
			assert.Equal(t, text, got)
			_, data, err := envelope.Decode(raw(t, session, "crumbless-draft"))
			require.NoError(t, err)
			assert.Equal(t, jsJSON.Call("stringify", text).String(), data, "same JSON as the browser writes")
		}
		put(t, session, "crumbless-draft", env(`"\u0041\n"`, 0))
		require.True(t, s.Get("draft", &str), "escapes written by another program are read")
		assert.Equal(t, "A\n", str)

		var b bool
		require.NoError(t, s.Set("banned", true))
		require.True(t, s.Get("banned", &b))
		assert.True(t, b)

		var n int64
		require.NoError(t, s.Set("unread", t0.UnixMilli()))
		require.True(t, s.Get("unread", &n))
		assert.Equal(t, t0.UnixMilli(), n)

		var v testNav
		require.NoError(t, s.Set("nav", testNav{View: "answers/shipping", Scroll: 120}))
		require.True(t, s.Get("nav", &v))
		assert.Equal(t, testNav{View: "answers/shipping", Scroll: 120}, v)
		assert.JSONEq(t, `{"view":"answers/shipping","scroll":120}`, func() string {
			_, data, _ := envelope.Decode(raw(t, session, "crumbless-nav"))
			return data
		}())
	})
}

// testNav is a struct value as the views store them: it converts itself
// through jsvalue.
type testNav struct {
	View   string
	Scroll int
}

func (n *testNav) DecodeJS(v js.Value) error {
	var x testNav
	o := jsvalue.Object(v)
	o.Field("view", &x.View)
	o.Field("scroll", &x.Scroll)
	if err := o.Err(); err != nil {
		return err
	}
	*n = x
	return nil
}

func (n testNav) EncodeJS() js.Value {
	return jsvalue.Encode(map[string]any{"view": n.View, "scroll": n.Scroll})
}

// TestUnsupportedValues: a value jsvalue cannot convert is an error of Set
// that says what to do, and a Get into such a type reports false.
func TestUnsupportedValues(t *testing.T) {
	s := NewWithBackends("crumbless-", Memory{}, Memory{})
	err := s.Set("nav", struct{ View string }{"home"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "crumbless: store: nav: ")
	assert.Contains(t, err.Error(), "implement jsvalue.Encoder")

	require.NoError(t, s.Set("nav", map[string]any{"view": "home"}))
	var dst struct{ View string }
	assert.False(t, s.Get("nav", &dst))
}

func TestPrefixIsApplied(t *testing.T) {
	cases := []struct{ prefix, want string }{
		{"acme-", "acme-theme"},
		{"", "crumbless-theme"}, // an empty prefix would make every key "ours"
		{"crumbless-", "crumbless-theme"},
	}
	for _, c := range cases {
		t.Run(c.prefix, func(t *testing.T) {
			local := Memory{}
			s := NewWithBackends(c.prefix, local, Memory{})
			require.NoError(t, s.Set("theme", "light"))
			assert.Equal(t, []string{c.want}, keys(t, local))
			assert.Equal(t, c.want[:len(c.want)-len("theme")], s.Prefix())
		})
	}
}

func TestBadStoredValuesAreRemoved(t *testing.T) {
	now := t0.UnixMilli()
	cases := []struct{ name, raw string }{
		{"not JSON", `{"v":1,`},
		{"not an object", `"dark"`},
		{"null", `null`},
		{"other version", `{"v":2,"exp":0,"data":"dark"}`},
		{"no version", `{"exp":0,"data":"dark"}`},
		{"expiry not a number", `{"v":1,"exp":"soon","data":"dark"}`},
		{"expired", env(`"dark"`, now-1)},
		{"expires now", env(`"dark"`, now)},
		{"no data", `{"v":1,"exp":0}`},
		{"wrong shape", `{"v":1,"exp":0,"data":{"a":1}}`},
		{"number for a string", `{"v":1,"exp":0,"data":5}`},
		{"empty", ``},
	}
	forEachFixture(t, func(t *testing.T, local, session Backend) {
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				put(t, local, "crumbless-theme", c.raw)
				put(t, session, "crumbless-draft", c.raw)
				put(t, local, "foreign", c.raw)
				s := NewWithBackends("crumbless-", local, session)
				s.now = func() int64 { return t0.UnixMilli() }
				var got string
				assert.False(t, s.Get("theme", &got))
				assert.False(t, s.Get("draft", &got))
				assert.Empty(t, raw(t, local, "crumbless-theme"), "bad value must be removed")
				assert.Empty(t, raw(t, session, "crumbless-draft"), "bad value must be removed")
				assert.Equal(t, c.raw, raw(t, local, "foreign"), "foreign key untouched")
				require.NoError(t, local.Remove("foreign"))
			})
		}
	})
}

func TestLiveValuesAreRead(t *testing.T) {
	now := t0.UnixMilli()
	cases := []struct {
		name string
		exp  int64
	}{
		{"no expiry", 0},
		{"expires in a millisecond", now + 1},
		{"expires in a year", now + 365*24*3600*1000},
	}
	forEachFixture(t, func(t *testing.T, local, session Backend) {
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				put(t, local, "crumbless-theme", env(`"dark"`, c.exp))
				s := open(local, session, "implicit")
				var got string
				require.True(t, s.Get("theme", &got))
				assert.Equal(t, "dark", got)
			})
		}
	})
}

// TestSweepOnOpen: opening removes expired prefixed values (declared or not)
// and unreadable values of declared keys, and nothing else.
func TestSweepOnOpen(t *testing.T) {
	now := t0.UnixMilli()
	forEachFixture(t, func(t *testing.T, local, session Backend) {
		put(t, local, "crumbless-theme", env(`"dark"`, now-1))           // expired: removed
		put(t, local, "crumbless-lang", env(`"fr"`, now+1000))           // live: kept
		put(t, local, "crumbless-visitor", `{"v":1,`)                    // corrupt declared: removed
		put(t, local, "crumbless-old-key", env(`1`, now-1))              // expired undeclared: removed
		put(t, local, "crumbless-unknown", `not ours?`)                  // corrupt undeclared: kept
		put(t, local, "theme", env(`"dark"`, now-1))                     // foreign: kept
		put(t, local, "other-crumbless-theme", env(`"dark"`, now-1))     // foreign: kept
		put(t, session, "crumbless-nav", env(`"home"`, 0))               // live: kept
		put(t, session, "crumbless-draft", env(`"hi"`, now-5))           // expired: removed
		put(t, session, "crumbless-open", `{"v":2,"exp":0,"data":true}`) // other version: removed
		open(local, session, "implicit")
		assert.Equal(t, []string{"crumbless-lang", "crumbless-unknown", "other-crumbless-theme", "theme"}, keys(t, local))
		assert.Equal(t, []string{"crumbless-nav"}, keys(t, session))
	})
}

func TestUndeclaredKeyPanics(t *testing.T) {
	s := NewWithBackends("crumbless-", Memory{}, Memory{})
	var v string
	cases := map[string]func(){
		"Set":             func() { _ = s.Set("nope", "x") },
		"Get":             func() { s.Get("nope", &v) },
		"Remove":          func() { s.Remove("nope") },
		"prefixed name":   func() { _ = s.Set("crumbless-theme", "x") },
		"different case":  func() { _ = s.Set("Theme", "x") },
		"trailing spaces": func() { _ = s.Set("theme ", "x") },
	}
	for name, fn := range cases {
		t.Run(name, func(t *testing.T) {
			assert.PanicsWithValue(t, "crumbless: store: undeclared key "+map[string]string{
				"Set": "nope", "Get": "nope", "Remove": "nope", "prefixed name": "crumbless-theme",
				"different case": "Theme", "trailing spaces": "theme ",
			}[name], fn)
		})
	}
}

func TestUnencodableValueIsAnError(t *testing.T) {
	s := NewWithBackends("crumbless-", Memory{}, Memory{})
	err := s.Set("theme", func() {})
	assert.Error(t, err)
	var got string
	assert.False(t, s.Get("theme", &got))
}

func TestDisclosureCarriesPrefix(t *testing.T) {
	d := NewWithBackends("acme-", Memory{}, Memory{}).Disclosure()
	require.Len(t, d, len(registry.Keys))
	for i, e := range d {
		assert.Equal(t, "acme-"+registry.Keys[i].Name, e.Key, strconv.Itoa(i))
	}
}
