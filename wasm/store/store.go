//go:build js && wasm

// Package store is the widget's cookieless state: every value lives under a
// prefixed key in localStorage or sessionStorage, wrapped in a versioned
// envelope with an expiry, and only keys declared in internal/registry can be
// read or written. When the browser refuses storage the area falls back to
// memory and the widget keeps working.
package store

import (
	"syscall/js"
	"time"

	"github.com/crumbless/crumbless/internal/registry"
	"github.com/norunners/vert"
)

// Store reads and writes declared keys.
type Store struct {
	prefix string
	areas  map[string]*area // by registry area name
	// Now is the clock used for expiry; tests replace it.
	Now func() time.Time
}

type area struct {
	backend Backend
	memory  bool // true once the browser storage failed and memory took over
}

// New returns a Store over the browser's storage with the given key prefix.
func New(prefix string) *Store {
	return NewWithBackends(prefix, NewWebStorage("localStorage"), NewWebStorage("sessionStorage"))
}

// NewWithBackends returns a Store over the given local and session backends.
func NewWithBackends(prefix string, local, session Backend) *Store {
	return &Store{
		prefix: prefix,
		areas: map[string]*area{
			registry.Local:   {backend: local},
			registry.Session: {backend: session},
		},
		Now: time.Now,
	}
}

// declared returns the registry entry for name and panics when there is none:
// using an undeclared key is a programming error.
func declared(name string) registry.Key {
	k, ok := registry.Lookup(name)
	if !ok {
		panic("crumbless: store: undeclared key " + name)
	}
	return k
}

// Get reads the value of key name into dst (a pointer, filled through vert).
// It reports false when the value is absent, expired, corrupt or of the wrong
// shape; such a value is removed.
func (s *Store) Get(name string, dst any) bool {
	k := declared(name)
	a := s.areas[k.Area]
	text, ok, err := a.backend.Get(s.prefix + name)
	if err != nil {
		s.fallBack(a)
		return false
	}
	if !ok {
		return false
	}
	data, ok := decode(text, s.Now().UnixMilli())
	if ok && vert.ValueOf(data).AssignTo(dst) == nil {
		return true
	}
	_ = a.backend.Remove(s.prefix + name)
	return false
}

// Set stores v under key name with the key's declared lifetime. When the
// browser storage throws, the area switches to memory and the value is kept
// there; the error is only returned when even that fails.
func (s *Store) Set(name string, v any) error {
	k := declared(name)
	var exp int64
	if k.TTL > 0 {
		exp = s.Now().Add(k.TTL).UnixMilli()
	}
	text, err := encode(toJS(v), exp)
	if err != nil {
		return err
	}
	a := s.areas[k.Area]
	if err := a.backend.Set(s.prefix+name, text); err != nil {
		s.fallBack(a)
		return a.backend.Set(s.prefix+name, text)
	}
	return nil
}

// Remove deletes key name.
func (s *Store) Remove(name string) {
	k := declared(name)
	a := s.areas[k.Area]
	if err := a.backend.Remove(s.prefix + name); err != nil {
		s.fallBack(a)
	}
}

// Storage reports "local" while both areas use the browser's storage and
// "memory" once either had to fall back.
func (s *Store) Storage() string {
	for _, a := range s.areas {
		if a.memory {
			return "memory"
		}
	}
	return "local"
}

func (s *Store) fallBack(a *area) {
	if !a.memory {
		a.backend, a.memory = Memory{}, true
	}
}

func toJS(v any) js.Value {
	if s, ok := v.(string); ok {
		return js.ValueOf(s)
	}
	return vert.ValueOf(v).JSValue()
}
