//go:build js && wasm

package store

import (
	"strconv"
	"strings"

	"github.com/crumbless/crumbless/internal/shared/envelope"
	"github.com/crumbless/crumbless/internal/shared/registry"
)

// Forget wipes every prefixed key from localStorage and sessionStorage (keys
// without the prefix are never touched), drops what waited in memory, tells
// the other tabs of this origin to do the same and resets the Store: the gate
// closes again until the next interaction and an explicit-mode consent must
// be given again. Listeners are told with the name "".
func (s *Store) Forget() {
	// The other tabs hear a momentary "forget" key (set, then removed at
	// once). It goes first, so that they do not mistake the removals that
	// follow for a consent withdrawal. No signal when writing is refused.
	if !s.local.memory && s.Consent() {
		key := s.prefix + "forget"
		now := s.now()
		k := declared("forget")
		text := envelope.Encode(strconv.FormatInt(now, 10), now+k.TTL.Milliseconds())
		if s.local.backend.Set(key, text) == nil {
			_ = s.local.backend.Remove(key)
		}
	}
	s.wipe()
	s.reset()
	s.notify("")
}

// wipe removes every prefixed key from both areas and from memory, except
// a stored refusal (implicit mode): forgetting is no reason to start storing
// again.
func (s *Store) wipe() {
	for _, a := range []*area{s.local, s.session} {
		for _, key := range s.prefixedKeys(a) {
			if s.refusalKey(key) {
				continue
			}
			if err := a.backend.Remove(key); err != nil {
				s.fallBack(a)
				_ = a.backend.Remove(key)
			}
		}
		clear(a.pending)
	}
}

// reset returns the Store to how Open left it on a fresh page. A refusal
// stays: forgetting is no reason to start storing again.
func (s *Store) reset() {
	s.interacted = false
	if s.consent == consentGranted {
		s.consent = consentUnknown
	}
}

// sweep removes prefixed values that have expired, and values of declared
// keys that are not a readable envelope. It runs when the Store opens.
func (s *Store) sweep() {
	now := s.now()
	for _, a := range []*area{s.local, s.session} {
		for _, key := range s.prefixedKeys(a) {
			text, ok, err := a.backend.Get(key)
			if err != nil || !ok {
				continue
			}
			exp, _, ok := unwrap(text)
			_, isDeclared := registry.Lookup(strings.TrimPrefix(key, s.prefix))
			if (ok && envelope.Expired(exp, now)) || (!ok && isDeclared) {
				s.removeKey(a, key)
			}
		}
	}
}
