//go:build js && wasm

package views

import (
	"syscall/js"

	"github.com/crumbless/crumbless/internal/shared/registry"
	"github.com/crumbless/crumbless/wasm/ui"
)

// eraseServer deletes the visitor's conversation on the chat backend
// (DELETE Options.API + "conversation" with the visitor's token): its
// messages, form submissions and network hash. Without a token, or with
// one the server no longer knows, there is nothing to delete. The caller
// then forgets the browser's keys, the token with them, which lets the
// conversation go in every tab (wasm/conversation follows the store).
func (p *Panel) eraseServer() error {
	_, err := p.onServer("DELETE", "conversation", js.Undefined())
	return err
}

// onServer sends method to Options.API + path with the visitor's token and
// body (undefined for none) and returns the response. It is undefined, with no error, when there is
// nothing on the server: no backend, no token, or a token the server no
// longer knows (401).
func (p *Panel) onServer(method, path string, body js.Value) (js.Value, error) {
	var token string
	if p.opts.API == "" || !p.store.Get("visitor", &token) {
		return js.Undefined(), nil
	}
	res, err := ui.Send(method, p.opts.API+path, token, body)
	if he, ok := err.(ui.HTTPError); ok && he.Status == 401 {
		return js.Undefined(), nil
	}
	return res, err
}

// myData builds the "Download my data" document: the value of every
// registry key this browser keeps, out of its envelope, by storage area
// (never another key of the page), and everything the server holds about
// the visitor's conversation (GET Options.API + "conversation/export"),
// null without one. err is the failure to fetch the server's part, which
// is then null: the browser's part is never lost with it.
func (p *Panel) myData() (doc js.Value, err error) {
	local, session := ui.Object(), ui.Object()
	for _, k := range registry.Keys {
		var v js.Value
		if p.store.Get(k.Name, &v) {
			area := local
			if k.Area == registry.Session {
				area = session
			}
			area.Set(p.store.Prefix()+k.Name, v)
		}
	}
	server, err := p.serverJSON("GET", "conversation/export", js.Undefined())
	if err != nil || server.IsUndefined() {
		server = js.Null()
	}
	return ui.Object("browser", ui.Object("localStorage", local, "sessionStorage", session), "server", server), err
}

// serverJSON is onServer's answer as JSON: undefined when there is
// nothing on the server.
func (p *Panel) serverJSON(method, path string, body js.Value) (js.Value, error) {
	res, err := p.onServer(method, path, body)
	if err == nil && !res.IsUndefined() {
		res, err = ui.Await(res.Call("json"))
	}
	return res, err
}

// revokeAfter is how long, in milliseconds, a saved file's object URL
// lives: the browser reads it after the click returns, some browsers well
// after (FileSaver.js waits as long for the same reason).
var revokeAfter = 40000

// saveMyData saves myData as crumbless-data-<site>-<yyyy-mm-dd>.json: a
// Blob behind an object URL, taken through an <a download> that is clicked
// and never attached. That needs no inline script and no fetch, so a
// strict Content-Security-Policy allows it. The URL is revoked after
// revokeAfter. The error is myData's; the file is saved with it.
func (p *Panel) saveMyData() error {
	doc, err := p.myData()
	g := js.Global()
	name := "crumbless-data-"
	if p.opts.Site != "" {
		name += p.opts.Site + "-"
	}
	url := g.Get("URL")
	href := url.Call("createObjectURL", g.Get("Blob").New([]any{g.Get("JSON").Call("stringify", doc, nil, 2)}))
	a := ui.El("a", "download", name+g.Get("Date").New().Call("toISOString").String()[:10]+".json")
	a.Set("href", href)
	a.Call("click")
	g.Call("setTimeout", url.Get("revokeObjectURL"), revokeAfter, href)
	return err
}
