//go:build js && wasm

package api

import (
	"errors"
	"syscall/js"
)

// The views' commands: navigate and lang.
func init() {
	register("navigate", Command{
		Args: []Arg{{`a view: "home", "chat", "answers", "answers/<id>", "forms", "forms/<id>", "privacy" or "settings"`, isString}},
		Run: func(a *API, args []js.Value) (any, error) {
			if !a.panel.Navigate(args[0].String()) {
				return nil, errors.New("no view " + quote(args[0].String()) + " here (chat only when the site has a chat backend)")
			}
			return nil, nil
		},
	})
	register("lang", Command{
		Args: []Arg{{`a language tag with a catalog: "en", "de", "nl", "sv" or "ar"`, isString}},
		Run: func(a *API, args []js.Value) (any, error) {
			if !a.panel.SetLang(args[0].String()) {
				return nil, errors.New("no catalog for " + quote(args[0].String()))
			}
			return nil, nil
		},
	})
}

func isString(v js.Value) bool { return v.Type() == js.TypeString }
