//go:build js && wasm

package store

import (
	"syscall/js"

	"github.com/crumbless/crumbless/internal/shared/envelope"
	"github.com/crumbless/crumbless/internal/shared/registry"
)

// renewEvery is how stale a renewed key's lifetime may get before activity
// writes it again: renewing on every click would write on every click.
const renewEvery = registry.Hour

// Allowed reports whether writes reach the browser's storage now: after the
// first deliberate interaction, and in explicit mode only with consent. A
// refusal (SetConsent(false)) closes the gate in either mode.
func (s *Store) Allowed() bool {
	if !s.interacted {
		return false
	}
	if s.explicit {
		return s.consent == consentGranted
	}
	return s.consent != consentDenied
}

// Interacted reports whether the visitor has acted deliberately on this
// page (Interact, or consent given). Whatever follows from the visitor's
// attention, such as reporting messages as read, waits for it.
func (s *Store) Interacted() bool { return s.interacted }

// Explicit reports whether the page asked for consent before storage
// (data-consent="explicit").
func (s *Store) Explicit() bool { return s.explicit }

// Consent reports whether the visitor's decision lets the widget store: in
// explicit mode only after consent, in implicit mode unless refused.
func (s *Store) Consent() bool {
	if s.explicit {
		return s.consent == consentGranted
	}
	return s.consent != consentDenied
}

// Interact records a deliberate act of the visitor (a click in the widget,
// an API call such as open or theme). The first one opens the gate, so what
// waited in memory is written; every one renews the lifetime of keys
// declared Renewed (at most once per renewEvery).
func (s *Store) Interact() {
	s.interacted = true
	if !s.Allowed() {
		return
	}
	s.flush()
	s.renew()
}

// SetConsent records the visitor's decision. true counts as an interaction,
// opens the gate, stores the decision (explicit mode) or lifts a stored
// refusal (implicit mode), and writes what waited in memory. false moves
// every prefixed value into memory, wipes every prefixed key from both
// storages and keeps the widget working in memory; nothing is written again
// until SetConsent(true). In implicit mode, where storing is the default,
// the refusal itself is stored under "consent" (false, the one record kept),
// so that it holds on every page and in every tab; in explicit mode not
// storing is the default and the key is simply removed.
func (s *Store) SetConsent(granted bool) {
	if granted {
		s.consent = consentGranted
		s.interacted = true
		if s.explicit {
			_ = s.Set("consent", true)
		} else {
			s.Remove("consent")
		}
		s.flush()
		s.renew()
	} else {
		s.consent = consentDenied
		// The consent key goes first: other tabs hear the withdrawal before
		// the removals that follow, and keep those values in memory.
		if s.explicit {
			s.Remove("consent")
		} else {
			s.storeRefusal()
		}
		s.keepInMemory()
	}
	s.notify("consent")
}

// storeRefusal writes consent=false past the gate (which is closed now):
// the one record a refusal leaves.
func (s *Store) storeRefusal() {
	k := declared("consent")
	key := s.prefix + k.Name
	delete(s.local.pending, key)
	s.write(s.local, key, envelope.Encode("false", s.now()+k.TTL.Milliseconds()))
}

// refusalKey reports whether key is the stored refusal, which a withdrawal
// and a forget leave in place.
func (s *Store) refusalKey(key string) bool {
	return key == s.prefix+"consent" && s.consent == consentDenied && !s.explicit
}

// flush writes every value that waited in memory.
func (s *Store) flush() {
	for _, a := range []*area{s.local, s.session} {
		for key, text := range a.pending {
			s.write(a, key, text)
		}
		clear(a.pending)
	}
}

// renew restarts the lifetime of the keys declared Renewed.
func (s *Store) renew() {
	now := s.now()
	for _, k := range registry.Keys {
		if !k.Renewed || k.TTL <= 0 {
			continue
		}
		a, key := s.area(k), s.prefix+k.Name
		text, ok, err := a.backend.Get(key)
		if err != nil || !ok {
			continue
		}
		exp, data, ok := unwrapText(text)
		if !ok || envelope.Expired(exp, now) {
			continue
		}
		if exp > now+(k.TTL-renewEvery).Milliseconds() {
			continue // renewed recently
		}
		s.write(a, key, envelope.Encode(data, now+k.TTL.Milliseconds()))
	}
}

// keepInMemory copies every prefixed value into memory and removes it from
// the browser's storage, so that the widget keeps its state on this page
// without leaving anything behind.
func (s *Store) keepInMemory() {
	for _, a := range []*area{s.local, s.session} {
		for _, key := range s.prefixedKeys(a) {
			if s.refusalKey(key) {
				continue
			}
			if _, ok := a.pending[key]; !ok {
				if v, ok, err := a.backend.Get(key); err == nil && ok {
					a.pending[key] = v
				}
			}
			if err := a.backend.Remove(key); err != nil {
				s.fallBack(a)
			}
		}
	}
}

// GateOn counts clicks, key presses and text input inside target (the
// widget's shadow root) as deliberate interaction. The listeners capture, so
// the gate is open before the widget's own handlers store anything. Release
// removes them.
func (s *Store) GateOn(target js.Value) {
	fn := js.FuncOf(func(this js.Value, args []js.Value) any {
		if len(args) > 0 && args[0].Get("type").String() == "keydown" && !deliberateKey(args[0].Get("key").String()) {
			return nil
		}
		s.Interact()
		return nil
	})
	for _, typ := range []string{"click", "keydown", "input"} {
		target.Call("addEventListener", typ, fn, true)
	}
	s.release = append(s.release, func() {
		for _, typ := range []string{"click", "keydown", "input"} {
			target.Call("removeEventListener", typ, fn, true)
		}
		fn.Release()
	})
}

// deliberateKey reports whether pressing key is an act, not moving focus
// through the page.
func deliberateKey(key string) bool {
	switch key {
	case "Tab", "Shift", "Control", "Alt", "Meta", "CapsLock":
		return false
	}
	return true
}
