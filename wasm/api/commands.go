//go:build js && wasm

package api

import (
	"syscall/js"

	"github.com/crumbless/crumbless/wasm/events"
)

// The commands the loader helper owns: panel visibility, theme, state,
// events and destroy. Other files add their own (consent, forget,
// disclosure; navigate, lang) the same way.
func init() {
	register("open", Command{Run: func(a *API, _ []js.Value) (any, error) { a.panel.Open(); return nil, nil }})
	register("close", Command{Run: func(a *API, _ []js.Value) (any, error) { a.panel.Close(); return nil, nil }})
	register("toggle", Command{Run: func(a *API, _ []js.Value) (any, error) { a.panel.Toggle(); return nil, nil }})
	register("theme", Command{
		Args: []Arg{OneOf("light", "dark", "auto")},
		Run: func(a *API, args []js.Value) (any, error) {
			a.panel.Settings().SetTheme(args[0].String())
			return nil, nil
		},
	})
	register("state", Command{Run: func(a *API, _ []js.Value) (any, error) {
		return resolved(a.state()), nil
	}})
	eventName := OneOf(events.Names...)
	register("on", Command{
		Args: []Arg{eventName, Function},
		Run: func(a *API, args []js.Value) (any, error) {
			name, fn := args[0].String(), args[1]
			a.events.On(name, fn)
			if name == "ready" && a.ready { // late listeners still hear that the widget is ready
				js.Global().Call("queueMicrotask", fn.Call("bind", js.Null(), js.ValueOf(a.state())))
			}
			return nil, nil
		},
	})
	register("off", Command{
		Args: []Arg{eventName, Function},
		Run: func(a *API, args []js.Value) (any, error) {
			a.events.Off(args[0].String(), args[1])
			return nil, nil
		},
	})
	// invite shows a teaser on the loader's side (static/invite.js) while
	// the runtime does not run; once it runs, the visitor has the widget in
	// hand and there is nobody to invite.
	register("invite", Command{
		Args: []Arg{{"an object with text", func(v js.Value) bool { return v.Type() == js.TypeObject && v.Get("text").Type() == js.TypeString }}},
		Run:  func(*API, []js.Value) (any, error) { return nil, nil },
	})
	register("destroy", Command{Run: func(a *API, _ []js.Value) (any, error) {
		a.destroy()
		return nil, nil
	}})
}

// state is the answer to crumbless('state') and the detail of "ready".
// Other parts of the runtime fill their fields here as they land.
func (a *API) state() map[string]any {
	return map[string]any{
		"open":    a.panel.IsOpen(),
		"view":    a.panel.Route(),
		"theme":   a.panel.Settings().Theme(),
		"lang":    a.panel.Lang(),
		"unread":  a.panel.Unread(),
		"consent": a.store.Consent(),
		"storage": a.store.Storage(),
		"ready":   a.ready,
		"tab":     a.tabs.ID(),
		"leader":  a.tabs.Leader(),
		"version": a.configString("version", "dev"),
	}
}

// configString returns the loader's config[name], or fallback when it is
// absent or empty.
func (a *API) configString(name, fallback string) string {
	if a.config.Type() != js.TypeObject {
		return fallback
	}
	v := a.config.Get(name)
	if v.Type() != js.TypeString || v.String() == "" {
		return fallback
	}
	return v.String()
}
