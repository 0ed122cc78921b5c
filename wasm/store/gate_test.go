//go:build js && wasm

package store

import (
	"syscall/js"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestGate walks each consent mode through a sequence of acts and checks,
// after each, which prefixed keys the browser holds, that the widget still
// reads its own state, and what Storage reports.
func TestGate(t *testing.T) {
	type step struct {
		act     string   // "set", "interact", "consent", "refuse"
		local   []string // prefixed keys expected in local after the act
		session []string
		storage string
	}
	cases := []struct {
		name    string
		consent string
		stored  bool // a consent true from an earlier visit is in localStorage
		steps   []step
	}{
		{"implicit: memory until the first interaction", "implicit", false, []step{
			{"set", nil, nil, "memory"},
			{"interact", []string{"crumbless-theme"}, []string{"crumbless-nav"}, "local"},
			{"set", []string{"crumbless-theme"}, []string{"crumbless-nav"}, "local"},
		}},
		{"implicit: refusal wipes all but itself and stays in memory", "implicit", false, []step{
			{"interact", nil, nil, "local"},
			{"set", []string{"crumbless-theme"}, []string{"crumbless-nav"}, "local"},
			{"refuse", []string{"crumbless-consent"}, nil, "memory"},
			{"set", []string{"crumbless-consent"}, nil, "memory"},
			{"interact", []string{"crumbless-consent"}, nil, "memory"},
			{"consent", []string{"crumbless-theme"}, []string{"crumbless-nav"}, "local"},
		}},
		{"explicit: interaction alone writes nothing", "explicit", false, []step{
			{"set", nil, nil, "memory"},
			{"interact", nil, nil, "memory"},
			{"set", nil, nil, "memory"},
			{"consent", []string{"crumbless-consent", "crumbless-theme"}, []string{"crumbless-nav"}, "local"},
		}},
		{"explicit: withdrawal wipes every prefixed key", "explicit", false, []step{
			{"consent", []string{"crumbless-consent"}, nil, "local"},
			{"set", []string{"crumbless-consent", "crumbless-theme"}, []string{"crumbless-nav"}, "local"},
			{"refuse", nil, nil, "memory"},
			{"set", nil, nil, "memory"},
			{"consent", []string{"crumbless-consent", "crumbless-theme"}, []string{"crumbless-nav"}, "local"},
		}},
		{"explicit: consent from an earlier visit still waits for interaction", "explicit", true, []step{
			{"set", []string{"crumbless-consent"}, nil, "memory"},
			{"interact", []string{"crumbless-consent", "crumbless-theme"}, []string{"crumbless-nav"}, "local"},
		}},
	}
	forEachFixture(t, func(t *testing.T, local, session Backend) {
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				for _, b := range []Backend{local, session} {
					for _, k := range keys(t, b) {
						require.NoError(t, b.Remove(k))
					}
				}
				put(t, local, "foreign", "kept")
				put(t, session, "foreign", "kept")
				if c.stored {
					put(t, local, "crumbless-consent", env("true", t0.Add(time.Hour).UnixMilli()))
				}
				s := open(local, session, c.consent)
				var heard []string
				s.OnChange(func(name string) { heard = append(heard, name) })
				n := 0
				for i, st := range c.steps {
					switch st.act {
					case "set":
						n++
						theme := []string{"light", "dark"}[n%2]
						require.NoError(t, s.Set("theme", theme))
						require.NoError(t, s.Set("nav", "home"))
						var got string
						require.True(t, s.Get("theme", &got), "step %d: the widget reads its own state", i)
						assert.Equal(t, theme, got)
					case "interact":
						s.Interact()
					case "consent":
						s.SetConsent(true)
					case "refuse":
						s.SetConsent(false)
					}
					assert.Equal(t, st.local, prefixed(t, local, "crumbless-"), "step %d (%s): local", i, st.act)
					assert.Equal(t, st.session, prefixed(t, session, "crumbless-"), "step %d (%s): session", i, st.act)
					assert.Equal(t, st.storage, s.Storage(), "step %d (%s): Storage()", i, st.act)
					if n > 0 {
						var got string
						assert.True(t, s.Get("theme", &got), "step %d (%s): state survives", i, st.act)
					}
				}
				assert.Equal(t, "kept", raw(t, local, "foreign"))
				assert.Equal(t, "kept", raw(t, session, "foreign"))
				for _, st := range c.steps {
					if st.act == "consent" || st.act == "refuse" {
						assert.Contains(t, heard, "consent", "listeners hear consent decisions")
					}
				}
			})
		}
	})
}

func TestConsentAccessors(t *testing.T) {
	cases := []struct {
		mode     string
		act      func(s *Store)
		consent  bool
		explicit bool
	}{
		{"implicit", func(*Store) {}, true, false},
		{"implicit", func(s *Store) { s.SetConsent(false) }, false, false},
		{"explicit", func(*Store) {}, false, true},
		{"explicit", func(s *Store) { s.SetConsent(true) }, true, true},
		{"explicit", func(s *Store) { s.SetConsent(true); s.SetConsent(false) }, false, true},
	}
	for i, c := range cases {
		s := open(Memory{}, Memory{}, c.mode)
		c.act(s)
		assert.Equal(t, c.consent, s.Consent(), "case %d", i)
		assert.Equal(t, c.explicit, s.Explicit(), "case %d", i)
	}
}

func TestStoredConsentIsRead(t *testing.T) {
	cases := []struct {
		name, stored string
		want         bool
	}{
		{"true", env("true", t0.Add(time.Hour).UnixMilli()), true},
		{"false", env("false", t0.Add(time.Hour).UnixMilli()), false},
		{"expired", env("true", t0.UnixMilli()-1), false},
		{"corrupt", `{"v":1,"exp":0,"data":tru}`, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			local := Memory{"crumbless-consent": c.stored}
			s := open(local, Memory{}, "explicit")
			assert.Equal(t, c.want, s.Consent())
		})
	}
}

// TestVisitorRenewedOnActivity: the visitor token's 30 days start again when
// the visitor acts, at most once an hour; other keys keep their expiry.
func TestVisitorRenewedOnActivity(t *testing.T) {
	day := 24 * time.Hour
	cases := []struct {
		name    string
		age     time.Duration // how long ago the token was written
		renewed bool
	}{
		{"written a minute ago", time.Minute, false},
		{"written 59 minutes ago", 59 * time.Minute, false},
		{"written two hours ago", 2 * time.Hour, true},
		{"written 29 days ago", 29 * day, true},
	}
	forEachFixture(t, func(t *testing.T, local, session Backend) {
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				written := t0.Add(-c.age)
				put(t, local, "crumbless-visitor", env(`"tok"`, written.Add(30*day).UnixMilli()))
				put(t, local, "crumbless-theme", env(`"dark"`, written.Add(365*day).UnixMilli()))
				s := open(local, session, "implicit")
				s.Interact()
				want := written.Add(30 * day).UnixMilli()
				if c.renewed {
					want = t0.Add(30 * day).UnixMilli()
				}
				assert.Equal(t, env(`"tok"`, want), raw(t, local, "crumbless-visitor"))
				assert.Equal(t, env(`"dark"`, written.Add(365*day).UnixMilli()), raw(t, local, "crumbless-theme"))
			})
		}
	})
}

func TestNoRenewalBehindTheGate(t *testing.T) {
	exp := t0.Add(time.Hour).UnixMilli()
	local := Memory{"crumbless-visitor": env(`"tok"`, exp)}
	s := open(local, Memory{}, "explicit")
	s.Interact()
	assert.Equal(t, env(`"tok"`, exp), local["crumbless-visitor"], "no consent: nothing written, not even a renewal")
}

// TestGateOnCountsDeliberateActs dispatches real DOM events inside a shadow
// root, as the widget's own elements would receive them.
func TestGateOnCountsDeliberateActs(t *testing.T) {
	cases := []struct {
		name  string
		event string // JS expression creating the event
		opens bool
	}{
		{"click", `new MouseEvent('click', {bubbles: true, composed: true})`, true},
		{"typing", `new KeyboardEvent('keydown', {key: 'a', bubbles: true, composed: true})`, true},
		{"Enter", `new KeyboardEvent('keydown', {key: 'Enter', bubbles: true, composed: true})`, true},
		{"input", `new InputEvent('input', {bubbles: true, composed: true})`, true},
		{"Tab moves focus", `new KeyboardEvent('keydown', {key: 'Tab', bubbles: true, composed: true})`, false},
		{"Shift alone", `new KeyboardEvent('keydown', {key: 'Shift', bubbles: true, composed: true})`, false},
		{"hover", `new MouseEvent('mouseover', {bubbles: true, composed: true})`, false},
		{"focus", `new FocusEvent('focusin', {bubbles: true, composed: true})`, false},
	}
	doc := js.Global().Get("document")
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			host := doc.Call("createElement", "div")
			doc.Get("body").Call("appendChild", host)
			root := host.Call("attachShadow", map[string]any{"mode": "open"})
			button := doc.Call("createElement", "button")
			root.Call("appendChild", button)
			local := Memory{}
			s := open(local, Memory{}, "implicit")
			s.GateOn(root)
			t.Cleanup(func() { s.Release(); host.Call("remove") })

			// The widget's own handler stores on the same event: the gate,
			// listening in the capture phase, must already be open then.
			var storedDuringHandler []string
			handler := js.FuncOf(func(js.Value, []js.Value) any {
				_ = s.Set("theme", "dark")
				storedDuringHandler = keys(t, local)
				return nil
			})
			defer handler.Release()
			button.Call("addEventListener", js.Global().Get("eval").Invoke("("+c.event+").type").String(), handler)

			button.Call("dispatchEvent", js.Global().Get("eval").Invoke(c.event))
			if c.opens {
				assert.True(t, s.Allowed())
				assert.Equal(t, []string{"crumbless-theme"}, storedDuringHandler)
			} else {
				assert.False(t, s.Allowed())
				assert.Empty(t, storedDuringHandler)
				assert.Empty(t, local)
			}
		})
	}
}

func TestReleaseRemovesGateListeners(t *testing.T) {
	doc := js.Global().Get("document")
	host := doc.Call("createElement", "div")
	doc.Get("body").Call("appendChild", host)
	defer host.Call("remove")
	s := open(Memory{}, Memory{}, "implicit")
	s.GateOn(host)
	s.Release()
	host.Call("click")
	assert.False(t, s.Allowed(), "a released gate hears nothing")
}
