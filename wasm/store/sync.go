//go:build js && wasm

package store

import (
	"strconv"
	"strings"
	"syscall/js"

	"github.com/crumbless/crumbless/internal/shared/envelope"
	"github.com/crumbless/crumbless/internal/shared/registry"
)

// OnChange registers fn to hear about changes this tab did not make through
// Set: a declared key changed or removed in another tab of the same origin
// (name is the key without prefix), a consent decision here or elsewhere
// ("consent"), and a forget here or elsewhere (""). While fn runs, Set of
// that key (of every key for "") is dropped: the value is already stored, or
// was just wiped, and writing it back would echo between tabs.
func (s *Store) OnChange(fn func(name string)) {
	s.listeners = append(s.listeners, fn)
}

func (s *Store) notify(name string) {
	prev := s.suppress
	s.suppress = name
	if name == "" {
		s.suppress = "*"
	}
	defer func() { s.suppress = prev }()
	for _, fn := range s.listeners {
		fn(name)
	}
}

// Sync listens to the storage events other tabs of this origin cause, until
// Release.
func (s *Store) Sync() {
	fn := js.FuncOf(func(this js.Value, args []js.Value) any {
		if len(args) > 0 {
			s.handleStorageEvent(args[0])
		}
		return nil
	})
	window := js.Global()
	window.Call("addEventListener", "storage", fn)
	s.release = append(s.release, func() {
		window.Call("removeEventListener", "storage", fn)
		fn.Release()
	})
}

// Release removes every listener Sync and GateOn added.
func (s *Store) Release() {
	for _, r := range s.release {
		r()
	}
	s.release = nil
}

// handleStorageEvent applies what another tab did: a cleared storage or the
// "forget" signal wipes and resets this tab too; a consent key follows the
// decision; any other declared key drops its memory copy and is announced,
// except a removal after consent was withdrawn, whose old value this tab
// keeps in memory.
func (s *Store) handleStorageEvent(ev js.Value) {
	a := s.eventArea(ev)
	if a == nil || a.memory {
		return // not a storage this Store uses
	}
	key := ev.Get("key")
	if key.IsNull() || key.IsUndefined() { // storage.clear() in another tab
		s.wipe()
		s.reset()
		s.notify("")
		return
	}
	name, ok := strings.CutPrefix(key.String(), s.prefix)
	if !ok {
		return
	}
	if _, declared := registry.Lookup(name); !declared {
		return
	}
	newValue := ev.Get("newValue")
	switch name {
	case "forget":
		if newValue.Type() == js.TypeString {
			s.wipe()
			s.reset()
			s.notify("")
		}
	case "consent":
		if !s.explicit {
			// Implicit mode: a stored false is a refusal; its removal lifts it.
			refused := decisionIn(newValue, s.now()) == "false"
			switch {
			case refused && s.consent != consentDenied:
				s.consent = consentDenied
				s.keepInMemory()
			case !refused && s.consent == consentDenied:
				s.consent = consentUnknown
				if s.interacted {
					s.flush()
				}
			default:
				return
			}
			s.notify("consent")
			return
		}
		if consentIn(newValue, s.now()) {
			s.consent = consentGranted
			if s.interacted {
				s.flush()
			}
		} else if s.consent == consentGranted {
			s.consent = consentDenied
			s.keepInMemory()
		} else {
			return
		}
		s.notify("consent")
	default:
		if newValue.IsNull() && s.consent == consentDenied {
			// Consent was withdrawn (here or in the tab whose wipe this is):
			// the value leaves storage but this tab keeps it in memory.
			if old := ev.Get("oldValue"); old.Type() == js.TypeString {
				if _, ok := a.pending[key.String()]; !ok {
					a.pending[key.String()] = old.String()
				}
			}
			return
		}
		delete(a.pending, key.String())
		s.notify(name)
	}
}

// eventArea returns the area whose browser storage ev is about.
func (s *Store) eventArea(ev js.Value) (a *area) {
	var err error
	defer catch(&err) // reading window.localStorage throws where it is blocked
	storageArea := ev.Get("storageArea")
	switch {
	case storageArea.IsNull() || storageArea.IsUndefined():
		return nil
	case storageArea.Equal(window("localStorage")):
		return s.local
	case storageArea.Equal(window("sessionStorage")):
		return s.session
	}
	return nil
}

// consentIn reports whether the JSON text v (a storage event's newValue) is
// a live envelope holding true.
func consentIn(v js.Value, nowMs int64) bool { return decisionIn(v, nowMs) == "true" }

// decisionIn returns the data of the live envelope v (a storage event's
// newValue) when it is a boolean: "true", "false", or "" when there is none.
func decisionIn(v js.Value, nowMs int64) string {
	if v.Type() != js.TypeString {
		return ""
	}
	exp, data, ok := unwrap(v.String())
	if !ok || envelope.Expired(exp, nowMs) || data.Type() != js.TypeBoolean {
		return ""
	}
	return strconv.FormatBool(data.Bool())
}
