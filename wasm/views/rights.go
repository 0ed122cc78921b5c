//go:build js && wasm

package views

import (
	"syscall/js"

	"github.com/crumbless/crumbless/internal/shared/registry"
	"github.com/crumbless/crumbless/wasm/ui"
)

// DataRights is what a Conversation backed by a server offers for the
// visitor's rights of access and erasure; the privacy view uses it when
// Options.Chat has it.
type DataRights interface {
	// Token returns the visitor's token ("" before a first message), which
	// form submissions carry so that they belong to the conversation.
	Token() string
	// ExportServer returns everything the server holds about the
	// visitor's conversation, as the API's JSON; null when there is none.
	ExportServer() (js.Value, error)
	// EraseServer deletes the visitor's conversation on the server, with
	// its messages, form submissions and network hash; nil when there was
	// none or it is gone already.
	EraseServer() error
}

// rights returns the panel's DataRights, nil without a server.
func (p *Panel) rights() DataRights {
	r, _ := p.opts.Chat.(DataRights)
	return r
}

// myData builds the "Download my data" file: every registry key this
// browser keeps, as stored (the envelope text), and, with a server, what
// it holds about the visitor's conversation. err is the failure to fetch
// the server's part, which is then null.
func (p *Panel) myData() (text string, err error) {
	browser := ui.Object()
	for _, k := range registry.Keys {
		if v, ok := p.store.Raw(k.Name); ok {
			browser.Set(p.store.Prefix()+k.Name, ui.Object("area", k.Area, "stored", v))
		}
	}
	server := js.Null()
	if r := p.rights(); r != nil {
		server, err = r.ExportServer() // null when it failed
	}
	doc := ui.Object("exported", js.Global().Get("Date").Call("now"), "browser", browser, "server", server)
	return js.Global().Get("JSON").Call("stringify", doc, js.Null(), 2).String(), err
}

// download offers text as a JSON file named name through a Blob and a
// link clicked in root. The Blob (a few kilobytes) stays until the page
// goes: revoking it needs a timer, as the download reads it after the
// click returns.
func download(root js.Value, name, text string) {
	blob := js.Global().Get("Blob").New([]any{text}, ui.Object("type", "application/json"))
	url := js.Global().Get("URL").Call("createObjectURL", blob)
	a := ui.El("a", "href", url.String(), "download", name, "hidden", "")
	ui.Append(root, a)
	a.Call("click")
	a.Call("remove")
}
