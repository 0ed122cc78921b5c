//go:build js && wasm

package views

import (
	"syscall/js"

	"github.com/crumbless/crumbless/wasm/ui"
)

// eraseServer deletes the visitor's conversation on the chat backend
// (DELETE Options.API + "conversation" with the visitor's token): its
// messages, form submissions and network hash. Without a token, or with
// one the server no longer knows (401), there is nothing to delete. The
// caller then forgets the browser's keys, the token with them, which lets
// the conversation go in every tab (wasm/conversation follows the store).
func (p *Panel) eraseServer() error {
	var token string
	if p.opts.API == "" || !p.store.Get("visitor", &token) {
		return nil
	}
	_, err := ui.Send("DELETE", p.opts.API+"conversation", token, js.Undefined())
	if he, ok := err.(ui.HTTPError); ok && he.Status == 401 {
		return nil
	}
	return err
}
