//go:build js && wasm

package views

import (
	"strings"

	"github.com/crumbless/crumbless/internal/shared/forms"
	"github.com/crumbless/crumbless/wasm/ui"
)

// visitorSide is a Conversation that asks for pre-chat details and sends
// the visitor context, as wasm/conversation does.
type visitorSide interface {
	// Ask lists the details the site asks for before the first message
	// ("name", "email"); none once there is a conversation.
	Ask() []string
	// SetDetails keeps the details for the start of the conversation.
	SetDetails(name, email string)
	// SendContext tells the server where the visitor is, once there is a
	// conversation (the visitor wrote).
	SendContext(lang string)
}

// sendContext sends the visitor context while the chat is open: when the
// panel opens and after each message the visitor sends. The backend sends
// nothing before there is a conversation.
func (p *Panel) sendContext() {
	if s, ok := p.opts.Chat.(visitorSide); ok && p.open {
		ui.Go(func() { s.SendContext(p.T.Lang) })
	}
}

// details asks for the pre-chat details the site wants before the first
// message, with the forms' fields and rules: the first call shows the
// fields above the composer, later ones check them. It reports whether the
// message may go (nothing asked, or valid details handed to the backend).
func (v *chatView) details() bool {
	s, ok := v.p.opts.Chat.(visitorSide)
	if !ok || len(s.Ask()) == 0 {
		return true
	}
	T := v.p.T
	if v.pre == nil {
		v.pre = &formView{p: v.p, id: "prechat", form: ui.El("div", "class", "prechat")}
		ui.Append(v.pre.form, ui.TextEl("p", T.T("prechat.lead"), "class", "help"))
		saved := v.p.drafts().Forms["prechat"]
		for _, name := range s.Ask() {
			fd := forms.Field{Name: name, Type: forms.TypeText, Label: T.T("prechat." + name), Required: true, MaxLength: 100}
			if name == "email" {
				fd.Type, fd.MaxLength = forms.TypeEmail, 254
			}
			v.pre.fields = append(v.pre.fields, v.pre.renderField(fd, saved[name]))
		}
		v.form.Call("prepend", v.pre.form)
		v.pre.fields[0].input.Call("focus")
		return false
	}
	valid := true
	for _, f := range v.pre.fields {
		f.touched = true
		if !v.pre.check(f) && valid {
			valid = false
			f.input.Call("focus")
		}
	}
	if valid {
		vals := v.pre.values()
		s.SetDetails(strings.TrimSpace(vals["name"]), vals["email"])
		v.pre.form.Call("remove")
		d := v.p.drafts() // handed over: no longer a draft to keep
		delete(d.Forms, "prechat")
		v.p.saveDrafts(d)
	}
	return valid
}
