//go:build js && wasm

// Package store is the widget's cookieless state: every value lives under a
// prefixed key in localStorage or sessionStorage, wrapped in a versioned
// envelope with an expiry (internal/shared/envelope), and only keys declared in
// internal/shared/registry can be read or written.
//
// A Store made by Open is gated: nothing is written before the visitor's
// first deliberate interaction (and, with data-consent="explicit", before
// consent); until then state lives in memory and is flushed when the gate
// opens. When the browser refuses storage (blocked, SecurityError, full) the
// area falls back to memory and the widget keeps working. Other tabs are
// followed through storage events (sync.go) and Forget wipes every prefixed
// key in every tab (forget.go).
package store

import (
	"errors"
	"strconv"
	"strings"
	"syscall/js"
	"unicode/utf8"

	"github.com/crumbless/crumbless/internal/shared/envelope"
	"github.com/crumbless/crumbless/internal/shared/registry"
	"github.com/crumbless/crumbless/wasm/jsvalue"
)

// Store reads and writes declared keys.
type Store struct {
	prefix   string
	explicit bool // data-consent="explicit": nothing is written before consent
	local    *area
	session  *area
	// now is the clock used for expiry, in unix milliseconds. The store does
	// not import time: importing it at all costs the wasm about 38 KB brotli.
	now func() int64

	interacted bool         // the visitor has acted deliberately on this page
	consent    consentState // the visitor's decision on this page
	suppress   string       // key whose Set is dropped while a change is applied; "*" = all

	listeners []func(name string)
	release   []func()
}

type consentState int

const (
	consentUnknown consentState = iota
	consentGranted
	consentDenied
)

type area struct {
	backend Backend
	memory  bool   // true once the browser storage failed and memory took over
	pending Memory // values kept in memory until writing is allowed
}

// Options configure Open.
type Options struct {
	// Prefix is put in front of every key; empty means registry.DefaultPrefix.
	Prefix string
	// Consent is "explicit" (nothing is written until SetConsent(true)) or
	// anything else for implicit (written from the first interaction on).
	Consent string
	// Local and Session default to window.localStorage and sessionStorage.
	Local, Session Backend
	// Now returns the time in unix milliseconds; it defaults to the
	// browser's Date.now.
	Now func() int64
}

// Open returns the Store the widget runs on: expired and corrupt prefixed
// values are swept away at once, and nothing is written until Interact (and,
// in explicit mode, SetConsent(true) now or in an earlier visit).
func Open(o Options) *Store {
	if o.Local == nil {
		o.Local = NewWebStorage("localStorage")
	}
	if o.Session == nil {
		o.Session = NewWebStorage("sessionStorage")
	}
	s := NewWithBackends(o.Prefix, o.Local, o.Session)
	if o.Now != nil {
		s.now = o.Now
	}
	s.explicit = o.Consent == "explicit"
	s.interacted = false
	s.sweep()
	var granted bool
	switch {
	case !s.Get("consent", &granted):
	case !granted: // a refusal, remembered in either mode
		s.consent = consentDenied
	case s.explicit:
		s.consent = consentGranted
	}
	return s
}

// New returns an ungated Store over the browser's storage with the given key
// prefix: it writes at once, as if the visitor had already interacted. The
// runtime uses Open; New is for tests and tools.
func New(prefix string) *Store {
	return NewWithBackends(prefix, NewWebStorage("localStorage"), NewWebStorage("sessionStorage"))
}

// NewWithBackends returns an ungated Store over the given local and session
// backends.
func NewWithBackends(prefix string, local, session Backend) *Store {
	if prefix == "" {
		prefix = registry.DefaultPrefix
	}
	return &Store{
		prefix:     prefix,
		local:      &area{backend: local, pending: Memory{}},
		session:    &area{backend: session, pending: Memory{}},
		now:        dateNow,
		interacted: true,
	}
}

// Prefix returns the prefix of every key this Store touches.
func (s *Store) Prefix() string { return s.prefix }

// Disclosure describes every key this Store can ever write, with its prefix.
func (s *Store) Disclosure() []registry.Entry { return registry.Disclosure(s.prefix) }

// declared returns the registry entry for name and panics when there is none:
// using an undeclared key is a programming error.
func declared(name string) registry.Key {
	k, ok := registry.Lookup(name)
	if !ok {
		panic("crumbless: store: undeclared key " + name)
	}
	return k
}

func (s *Store) area(k registry.Key) *area {
	if k.Area == registry.Session {
		return s.session
	}
	return s.local
}

// Get reads the value of key name into dst (a pointer, filled through jsvalue.Decode).
// It reports false when the value is absent, expired, corrupt or of the wrong
// shape; such a value is removed.
func (s *Store) Get(name string, dst any) bool {
	k := declared(name)
	text, ok := s.raw(k)
	if !ok {
		return false
	}
	exp, data, ok := unwrap(text)
	if ok && !envelope.Expired(exp, s.now()) && jsvalue.Decode(data, dst) == nil {
		return true
	}
	s.Remove(name)
	return false
}

// raw returns the stored text of k: what waits in memory first, then the
// backend.
func (s *Store) raw(k registry.Key) (string, bool) {
	a, key := s.area(k), s.prefix+k.Name
	if v, ok := a.pending[key]; ok {
		return v, true
	}
	v, ok, err := a.backend.Get(key)
	if err != nil {
		s.fallBack(a)
		v, ok, _ = a.backend.Get(key)
	}
	return v, ok
}

// Set stores v under key name with the key's declared lifetime. Before the
// gate opens the value is kept in memory and written when it does. When the
// browser storage throws, the area switches to memory and the value is kept
// there; an error is only returned when v cannot be turned into JSON.
func (s *Store) Set(name string, v any) error {
	k := declared(name)
	if s.suppress == name || s.suppress == "*" {
		return nil // the change being applied was written elsewhere, or is a reset
	}
	data, err := stringify(v)
	if err != nil {
		return errors.New("crumbless: store: " + name + ": " + err.Error())
	}
	var exp int64
	if k.TTL > 0 {
		exp = s.now() + k.TTL.Milliseconds()
	}
	a, key, text := s.area(k), s.prefix+k.Name, envelope.Encode(data, exp)
	if !s.Allowed() {
		a.pending[key] = text
		return nil
	}
	s.write(a, key, text)
	return nil
}

// Remove deletes key name, from memory and from the browser storage.
// Removing is allowed before the gate opens: it never adds anything.
func (s *Store) Remove(name string) {
	k := declared(name)
	s.removeKey(s.area(k), s.prefix+k.Name)
}

func (s *Store) removeKey(a *area, key string) {
	delete(a.pending, key)
	if err := a.backend.Remove(key); err != nil {
		s.fallBack(a)
		_ = a.backend.Remove(key)
	}
}

// write puts text under key in a's backend, falling back to memory when the
// browser refuses (QuotaExceededError, SecurityError, no storage).
func (s *Store) write(a *area, key, text string) {
	if err := a.backend.Set(key, text); err != nil {
		s.fallBack(a)
		_ = a.backend.Set(key, text) // Memory never fails
	}
}

// Storage reports where state lives now: "local" while both areas use the
// browser's storage and writing is allowed, "memory" when either had to fall
// back or when the gate (interaction, consent) keeps state in memory.
func (s *Store) Storage() string {
	if s.local.memory || s.session.memory || !s.Allowed() {
		return "memory"
	}
	return "local"
}

// fallBack switches a to memory, keeping a copy of the prefixed values the
// failing storage still lets us read (a full storage usually does).
func (s *Store) fallBack(a *area) {
	if a.memory {
		return
	}
	mem := Memory{}
	if keys, err := a.backend.Keys(); err == nil {
		for _, key := range keys {
			if strings.HasPrefix(key, s.prefix) {
				if v, ok, err := a.backend.Get(key); err == nil && ok {
					mem[key] = v
				}
			}
		}
	}
	a.backend, a.memory = mem, true
}

// prefixedKeys lists the keys of a's backend that carry the prefix.
func (s *Store) prefixedKeys(a *area) []string {
	keys, err := a.backend.Keys()
	if err != nil {
		s.fallBack(a)
		keys, _ = a.backend.Keys()
	}
	out := keys[:0]
	for _, key := range keys {
		if strings.HasPrefix(key, s.prefix) {
			out = append(out, key)
		}
	}
	return out
}

var jsonObject = js.Global().Get("JSON")

// dateNow is the browser's Date.now(): unix milliseconds.
func dateNow() int64 { return int64(js.Global().Get("Date").Call("now").Float()) }

// stringify returns the JSON text of v, as the browser's JSON.stringify
// writes it. Plain strings and booleans, the common values, skip the trip
// through JavaScript.
func stringify(v any) (text string, err error) {
	switch x := v.(type) {
	case string:
		if plain(x) {
			return `"` + x + `"`, nil
		}
	case bool:
		return strconv.FormatBool(x), nil
	}
	defer catch(&err)
	out := jsonObject.Call("stringify", toJS(v))
	if out.Type() != js.TypeString {
		return "", errors.New("value has no JSON form")
	}
	return out.String(), nil
}

// plain reports whether s can stand between JSON quotes as it is: valid
// UTF-8 without quotes, backslashes or control characters.
func plain(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' {
			return false
		}
	}
	return utf8.ValidString(s)
}

func toJS(v any) js.Value {
	return jsvalue.Encode(v)
}
