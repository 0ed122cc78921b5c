//go:build js && wasm

package conversation

import (
	"syscall/js"

	"github.com/crumbless/crumbless/wasm/ui"
)

// Ask lists the details the site asks for before the first message
// ("name", "email"), as the last presence said; none once there is a
// conversation.
func (r *Remote) Ask() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.client.Token() != "" {
		return nil
	}
	return r.ask
}

// SetDetails keeps the visitor's pre-chat name and email for the start of
// the conversation.
func (r *Remote) SetDetails(name, email string) {
	r.mu.Lock()
	r.details = ui.Object("name", name, "email", email)
	r.mu.Unlock()
}

// SendContext tells the server where the visitor is: the page's path (no
// query string) and title, lang, the browser's time zone and the widget's
// version. It does nothing before there is a conversation (before the
// visitor wrote) and when nothing changed since the last one it sent.
func (r *Remote) SendContext(lang string) {
	if r.client.Token() == "" || r.banned.Load() {
		return
	}
	path := js.Global().Get("location").Get("pathname").String()
	if len(path) > 512 {
		path = "/"
	}
	zone := js.Global().Get("Intl").Get("DateTimeFormat").New().Call("resolvedOptions").Get("timeZone")
	if zone.Type() != js.TypeString {
		zone = js.ValueOf("UTC")
	}
	title, n := js.Global().Get("document").Get("title").String(), 0
	for i := range title { // at most 200 characters, the server's limit
		if n == 200 {
			title = title[:i]
			break
		}
		n++
	}
	ctx := ui.Object("path", path, "title", title,
		"lang", lang, "zone", zone, "version", r.Version)
	key := js.Global().Get("JSON").Call("stringify", ctx).String()
	r.mu.Lock()
	same := key == r.sentContext
	r.sentContext = key
	r.mu.Unlock()
	if same {
		return
	}
	if res, err := r.client.Do("PUT", "/api/v1/conversation/context", ctx); err != nil || res.Status != 204 {
		r.mu.Lock()
		r.sentContext = "" // tried again on the next occasion
		r.mu.Unlock()
	}
}
