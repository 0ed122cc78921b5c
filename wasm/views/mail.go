//go:build js && wasm

package views

import (
	"strings"
	"syscall/js"

	"github.com/crumbless/crumbless/wasm/store"
	"github.com/crumbless/crumbless/wasm/ui"
)

// Replies by mail and the way back to a conversation (server/restore):
// the chat's "Email me the replies", the Privacy view's restore code and
// what the server holds, and the exchange of a continue link's code.

// restoreParam is the query parameter of a continue link.
const restoreParam = "crumbless-restore"

// offerMail adds "Email me the replies" under the composer when the server
// sends mail (GET conversation says so); a visitor without a conversation
// yet is offered it the next time the chat opens.
func (v *chatView) offerMail() {
	p := v.p
	T := p.T
	ui.Go(func() {
		got, err := p.serverJSON("GET", "conversation", js.Undefined())
		if err != nil || !got.Truthy() || !got.Get("mail").Truthy() {
			return
		}
		input := ui.El("input", "type", "email", "id", "cl-mail", "required", "", "autocomplete", "email", "dir", "auto")
		status := ui.El("p", "class", "form-status", "role", "status")
		form := ui.Append(ui.El("form", "class", "field"),
			ui.TextEl("label", T.T("mail.label"), "for", "cl-mail"), input, status,
			ui.TextEl("button", T.T("mail.save"), "type", "submit", "class", "btn ghost block"))
		box := ui.Append(ui.El("details", "class", "mailme"), ui.TextEl("summary", T.T("mail.offer")), form)
		if e := email(got); e != "" {
			input.Set("value", e)
			ui.SetText(status, T.T("mail.on"))
		}
		v.on.On(form, "submit", func(ev js.Value) {
			ev.Call("preventDefault")
			ui.Go(func() {
				key := "mail.on"
				if _, err := p.serverJSON("POST", "conversation/email", ui.Object("email", input.Get("value"), "lang", T.Lang)); err != nil {
					key = "mail.failed"
				}
				ui.SetText(status, T.T(key))
			})
		})
		ui.Append(v.el, box)
	})
}

// restorePart adds to the Privacy view what the server holds beyond the
// messages (the mail address for replies) and a restore code to write
// down, which brings the conversation to another browser.
func (v *privacyView) restorePart() {
	p := v.p
	T := p.T
	held := ui.El("p", "class", "fine")
	code := ui.El("p", "class", "form-status", "role", "status")
	get := ui.TextEl("button", T.T("restore.get"), "type", "button", "class", "btn ghost block")
	box := ui.Append(ui.El("div", "class", "restore"), held, ui.TextEl("p", T.T("restore.lead"), "class", "fine"), get, code)
	v.on.On(get, "click", func(js.Value) {
		ui.Go(func() {
			got, err := p.serverJSON("POST", "conversation/restore-codes", js.Undefined())
			if err != nil || !got.Truthy() {
				ui.SetText(code, T.T("restore.none"))
				return
			}
			c := got.Get("code").String()
			loc := js.Global().Get("location")
			ui.SetText(code, c+" · "+loc.Get("origin").String()+loc.Get("pathname").String()+"?"+restoreParam+"="+c)
		})
	})
	ui.Append(v.el, box)
	v.codeForm()
	ui.Go(func() {
		got, _ := p.serverJSON("GET", "conversation", js.Undefined())
		if e := email(got); e != "" {
			ui.SetText(held, T.T("restore.email", "email", e))
		}
	})
}

// email is the address in the server's answer to GET conversation.
func email(got js.Value) string {
	if got.Type() == js.TypeObject {
		if c := got.Get("conversation"); c.Type() == js.TypeObject && c.Get("email").Type() == js.TypeString {
			return c.Get("email").String()
		}
	}
	return ""
}

// codeForm adds "Have a restore code?": a written-down code, typed here,
// is exchanged as a continue link's is and the chat shows the restored
// conversation. A browser with a conversation of its own says first that
// the restored one replaces it, and restores on a second press.
func (v *privacyView) codeForm() {
	p := v.p
	T := p.T
	input := ui.El("input", "id", "cl-code", "dir", "auto", "aria-describedby", "cl-code-msg")
	msg := ui.El("p", "id", "cl-code-msg", "class", "form-status", "role", "alert")
	btn := ui.TextEl("button", T.T("restore.use"), "class", "btn ghost block") // submits
	form := ui.Append(ui.El("form", "class", "field restore"),
		ui.TextEl("label", T.T("restore.have"), "for", "cl-code"), input, msg, btn)
	say := func(key string) {
		ui.SetText(msg, T.T(key))
		msg.Set("className", "form-status error")
		input.Call("setAttribute", "aria-invalid", "true")
	}
	sure := false
	var had string
	v.on.On(form, "submit", func(ev js.Value) {
		ev.Call("preventDefault")
		code := input.Get("value").String()
		switch {
		case strings.TrimSpace(code) == "":
			say("restore.empty")
		case !sure && p.store.Get("visitor", &had):
			sure = true
			ui.SetText(msg, T.T("restore.replace"))
			msg.Set("className", "form-status")
			input.Call("removeAttribute", "aria-invalid")
			ui.SetText(btn, T.T("restore.confirm"))
		default:
			ui.Go(func() {
				token, err := exchange(p.opts.API, code)
				if err != nil {
					say(failure(err, "restore.wrong"))
					return
				}
				p.restored(token)
			})
		}
	})
	ui.Append(v.el, form)
}

// restored makes the conversation token opens this browser's and shows it.
func (p *Panel) restored(token string) {
	p.set("visitor", token)
	p.opts.LinkErr = nil
	if p.chat != nil {
		p.chat.replace(token)
	}
	p.Navigate("chat")
}

// exchange trades a restore code for a visitor token at api (POST restore):
// the continue link's way and the Privacy view's. The server answers every
// code that does not work with one 401 (ui.HTTPError) and too many tries
// with 429.
func exchange(api string, code any) (string, error) {
	res, err := ui.Send("POST", api+"restore", "", ui.Object("code", code))
	if err == nil {
		res, err = ui.Await(res.Call("json"))
	}
	if err != nil {
		return "", err
	}
	return res.Get("token").String(), nil
}

// failure is the key of the message that says why exchange failed: wrong
// for a code that does not work, "restore.limited" after too many tries,
// "chat.unavailable" when the server could not be asked.
func failure(err error, wrong string) string {
	he, ok := err.(ui.HTTPError)
	switch {
	case ok && he.Status == 429:
		return "restore.limited"
	case ok && he.Status < 500:
		return wrong
	}
	return "chat.unavailable"
}

// RestoreFromLink takes a continue link's restore code out of the address
// bar (history.replaceState) and exchanges it at api (POST restore) for a
// visitor token, which it keeps in st. It runs when the runtime starts:
// after the visitor's first click, so a page opened from the link stores
// and fetches nothing before that either. linked reports that the page
// came from a link; err is why its code did not work, nil when it did
// (the chat then says so, and the token this browser had stays).
func RestoreFromLink(api string, st *store.Store) (linked bool, err error) {
	g := js.Global()
	u := g.Get("URL").New(g.Get("location").Get("href"))
	q := u.Get("searchParams")
	c := q.Call("get", restoreParam)
	if c.IsNull() {
		return false, nil
	}
	q.Call("delete", restoreParam)
	g.Get("history").Call("replaceState", g.Get("history").Get("state"), "", u.Call("toString"))
	token, err := exchange(api, c)
	if err != nil {
		g.Get("console").Call("warn", "crumbless: restore: "+err.Error())
		return true, err
	}
	st.Set("visitor", token)
	return true, nil
}
