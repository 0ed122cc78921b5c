//go:build js && wasm

package api

import (
	"syscall/js"

	"github.com/crumbless/crumbless/wasm/jsvalue"
	"github.com/crumbless/crumbless/wasm/views"
)

// The storage commands: consent, forget and disclosure (CONTRACT §4, §6).
func init() {
	register("consent", Command{
		Args: []Arg{Boolean},
		Run: func(a *API, args []js.Value) (any, error) {
			a.store.SetConsent(args[0].Bool()) // the "consent" event follows through followStore
			return nil, nil
		},
	})
	register("forget", Command{Run: func(a *API, _ []js.Value) (any, error) {
		a.store.Forget()
		return nil, nil
	}})
	register("disclosure", Command{Run: func(a *API, _ []js.Value) (any, error) {
		entries := a.store.Disclosure()
		list := make([]any, len(entries))
		for i, e := range entries {
			list[i] = map[string]any{"key": e.Key, "area": e.Area, "purpose": e.Purpose, "category": e.Category,
				"ttl": e.TTL, "renewed": e.Renewed, "lifetime": e.Lifetime, "written": e.Written}
		}
		return resolved(jsvalue.Encode(list)), nil
	}})
}

// interact tells the store's gate that the command name was a deliberate act
// of the visitor or the page: showing the widget or choosing something in
// it. Queries (state, disclosure, on, off) are not; consent and forget manage
// the gate themselves.
func (a *API) interact(name string) {
	switch name {
	case "open", "close", "toggle", "theme", "lang", "navigate":
		a.store.Interact()
	}
}

// followStore keeps the runtime in step with changes the store did not make
// through Set: the theme chosen in another tab, a forget here or elsewhere
// (back to the page's data-theme), and consent decisions (the "consent"
// event, detail {consent: bool}).
func (a *API) followStore() {
	a.store.OnChange(func(name string) {
		switch name {
		case "theme", "":
			theme := a.configString("theme", "auto")
			var stored string
			if a.store.Get("theme", &stored) && views.ValidTheme(stored) {
				theme = stored
			}
			if !views.ValidTheme(theme) {
				theme = "auto"
			}
			a.panel.Settings().SetTheme(theme) // not written again: the store drops it during OnChange
		case "consent":
			a.events.Emit("consent", map[string]any{"consent": a.store.Consent()})
		}
	})
}
