// Package registry declares every key the widget can ever write to the
// visitor's browser storage: its name, area, purpose, category and lifetime.
//
// It is plain Go so that both the wasm runtime (which enforces it) and the
// server (which publishes it as /disclosure.json) read the same list. A key
// that is not declared here cannot be written by the store.
package registry

import "time"

// Areas name the Web Storage object a key lives in.
const (
	Local   = "local"   // localStorage: outlives the tab
	Session = "session" // sessionStorage: belongs to the tab
)

// Categories say why a key may be written.
const (
	StrictlyNecessary = "strictly-necessary"
	Functional        = "functional"
)

// DefaultPrefix is put in front of every key name unless the embedding page
// sets data-prefix.
const DefaultPrefix = "crumbless-"

// Key declares one piece of visitor state.
type Key struct {
	Name     string        // without prefix, e.g. "theme"
	Area     string        // Local or Session
	Purpose  string        // one sentence a visitor understands
	Category string        // StrictlyNecessary or Functional
	TTL      time.Duration // 0 means "until the tab closes" for Session keys
}

// Keys is the registry. Order is the order of the disclosure.
var Keys = []Key{
	{
		Name:     "theme",
		Area:     Local,
		Purpose:  "Remembers the colour theme you chose for the chat panel (light, dark or automatic).",
		Category: Functional,
		TTL:      365 * 24 * time.Hour,
	},
}

// Lookup returns the declaration of the key called name.
func Lookup(name string) (Key, bool) {
	for _, k := range Keys {
		if k.Name == name {
			return k, true
		}
	}
	return Key{}, false
}
