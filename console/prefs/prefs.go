// Package prefs declares every key the operator console writes to the
// agent's browser storage, with its area, purpose (a catalog key) and
// lifetime, and wraps values in the widget's envelope
// (internal/shared/envelope) with the same expiry rules. The "What this
// console stores" view is made from Keys; a key not declared here cannot
// be written. Plain Go: its tests run on the host.
package prefs

import (
	"github.com/crumbless/crumbless/internal/shared/envelope"
	"github.com/crumbless/crumbless/internal/shared/registry"
)

// Prefix begins every key the console writes.
const Prefix = registry.DefaultPrefix + "console-"

// Key declares one stored value.
type Key struct {
	Name    string // without Prefix
	Area    string // registry.Local or registry.Session
	Purpose string // catalog key of its purpose (console/locale)
	Days    int    // lifetime; 0 with registry.Session: until the tab closes
}

// Names of the keys.
const (
	Session   = "session"
	Drafts    = "drafts"
	Theme     = "theme"
	Lang      = "lang"
	Density   = "density"
	Collapsed = "collapsed"
	Sound     = "sound"
	Notify    = "notify"
)

// Keys is the registry, in the order the view lists it.
var Keys = []Key{
	{Session, registry.Session, "key.session", 0},
	{Drafts, registry.Session, "key.drafts", 0},
	{Theme, registry.Local, "key.theme", 365},
	{Lang, registry.Local, "key.lang", 365},
	{Density, registry.Local, "key.density", 365},
	{Collapsed, registry.Local, "key.collapsed", 365},
	{Sound, registry.Local, "key.sound", 365},
	{Notify, registry.Local, "key.notify", 365},
}

// Lookup returns the key named name.
func Lookup(name string) (Key, bool) {
	for _, k := range Keys {
		if k.Name == name {
			return k, true
		}
	}
	return Key{}, false
}

// Full is the key's name in storage.
func (k Key) Full() string { return Prefix + k.Name }

// Wrap wraps the JSON text data in an envelope that expires after the
// key's lifetime from nowMs (never, for a tab's keys).
func (k Key) Wrap(data string, nowMs int64) string {
	var exp int64
	if k.Days > 0 {
		exp = nowMs + int64(k.Days)*int64(registry.Day.Milliseconds())
	}
	return envelope.Encode(data, exp)
}

// Unwrap returns the JSON text of a stored envelope, ok false when it is
// corrupt, of another version or expired at nowMs (the caller removes it).
func Unwrap(text string, nowMs int64) (data string, ok bool) {
	exp, data, err := envelope.Decode(text)
	if err != nil || envelope.Expired(exp, nowMs) {
		return "", false
	}
	return data, true
}
