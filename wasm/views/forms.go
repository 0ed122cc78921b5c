//go:build js && wasm

package views

import (
	"strconv"
	"syscall/js"

	"github.com/crumbless/crumbless/internal/shared/forms"
	"github.com/crumbless/crumbless/wasm/ui"
)

// The browser checks field patterns, as the HTML pattern attribute does
// (anchored, Unicode mode); the server checks the same patterns with RE2.
func init() { forms.MatchPattern = browserPattern }

func browserPattern(pattern, value string) (ok bool, err error) {
	defer func() {
		if r := recover(); r != nil { // SyntaxError from new RegExp
			ok, err = false, contentError("crumbless: invalid pattern "+pattern)
		}
	}()
	re := js.Global().Get("RegExp").New("^(?:"+pattern+")$", "u")
	return re.Call("test", value).Bool(), nil
}

// formsList lets the visitor pick one of the deployment's forms.
type formsList struct {
	p    *Panel
	el   js.Value
	list js.Value
	on   ui.Listeners
	gone bool
}

func newFormsList(p *Panel) *formsList {
	v := &formsList{p: p, list: ui.El("div")}
	v.el = ui.Append(ui.El("section", "class", "view forms", "aria-labelledby", "cl-forms-h"),
		ui.TextEl("h3", p.T.T("forms.lead"), "id", "cl-forms-h", "class", "view-lead"), v.list)
	p.content.forms.get(v.render)
	return v
}

func (v *formsList) render() {
	src := &v.p.content.forms
	if v.gone || !loadState(v.p, &v.on, v.list, src, v.render) {
		return
	}
	rows := ui.El("ul", "class", "rows")
	for _, f := range src.value.Forms {
		route := "forms/" + f.ID
		btn := ui.Append(ui.El("button", "type", "button", "class", "row", "data-go", route),
			ui.Append(ui.El("span", "class", "row-icon"), icon("mail")),
			inLang(ui.Append(ui.El("span", "class", "row-text"),
				ui.Content("span", f.Title, "class", "row-title"), ui.Content("span", f.Intro, "class", "row-sub")), f.Lang),
			icon("next"))
		v.on.On(btn, "click", func(js.Value) { v.p.Navigate(route) })
		ui.Append(rows, ui.Append(ui.El("li"), btn))
	}
	ui.Append(v.list, rows)
	v.p.contentArrived()
}

func (v *formsList) element() js.Value { return v.el }

func (v *formsList) release() {
	v.gone = true
	v.on.Release()
}

// formView renders one form from its JSON definition, validates it in the
// browser with the same rules the server applies (internal/shared/forms), keeps a
// draft in the tab's session storage and posts it to the deployment.
type formView struct {
	p       *Panel
	id      string
	def     forms.Form
	el      js.Value
	form    js.Value
	summary js.Value
	status  js.Value
	submit  js.Value
	fields  []*fieldUI
	on      ui.Listeners
	gone    bool
	sending bool
	// clientID names this submission to the server, the same on every
	// retry, so that a retry after a lost answer is not stored twice.
	clientID string
}

// fieldUI is one rendered field.
type fieldUI struct {
	def     forms.Field
	input   js.Value
	err     js.Value
	counter js.Value
	touched bool
}

func newFormView(p *Panel, id string) *formView {
	v := &formView{p: p, id: id, el: ui.El("section", "class", "view form-view", "aria-labelledby", "cl-form-h")}
	p.content.forms.get(v.render)
	return v
}

func (v *formView) render() {
	src := &v.p.content.forms
	if v.gone || !loadState(v.p, &v.on, v.el, src, v.render) {
		return
	}
	T := v.p.T
	def, ok := src.value.Find(v.id)
	if !ok {
		missing(v.p, v.el, "forms.missing", "cl-form-h")
		return
	}
	v.def = def
	v.p.retitle()
	draft := v.p.drafts().Forms[v.id]

	v.summary = ui.El("div", "class", "summary", "role", "alert", "tabindex", "-1", "hidden", "")
	v.form = ui.El("form", "novalidate", "", "aria-labelledby", "cl-form-h")
	ui.Append(v.form, v.summary)
	for _, fd := range def.Fields {
		f := v.renderField(fd, draft[fd.Name])
		v.fields = append(v.fields, f)
	}
	v.status = ui.El("div", "class", "form-status", "role", "status")
	v.submit = ui.Append(ui.El("button", "type", "submit", "class", "btn block"), icon("send"), inLang(ui.Content("span", def.Submit), def.Lang))
	ui.Append(v.form, v.status, v.submit, ui.TextEl("p", T.T("forms.draft"), "class", "fine"))
	ui.Append(v.el, inLang(ui.Content("h3", def.Title, "id", "cl-form-h", "class", "sr"), def.Lang))
	if def.Intro != "" {
		ui.Append(v.el, inLang(ui.Content("p", def.Intro, "class", "intro"), def.Lang))
	}
	ui.Append(v.el, v.form)
	v.on.On(v.form, "submit", func(ev js.Value) {
		ev.Call("preventDefault")
		v.send()
	})
	v.p.contentArrived()
}

func (v *formView) renderField(fd forms.Field, value string) *fieldUI {
	T := v.p.T
	f := &fieldUI{def: fd}
	id := "cl-f-" + fd.Name
	described := ""
	help := js.Undefined()
	if fd.Help != "" {
		help = inLang(ui.Content("p", fd.Help, "id", id+"-help", "class", "help"), v.def.Lang)
		described = id + "-help "
	}
	f.err = ui.El("p", "id", id+"-err", "class", "err", "hidden", "")
	described += id + "-err"
	wrap := ui.El("div", "class", "field field-"+fd.Type)
	switch fd.Type {
	case forms.TypeTextarea:
		f.input = ui.El("textarea", "rows", "5")
	case forms.TypeSelect:
		f.input = ui.El("select")
		ui.Append(f.input, ui.TextEl("option", T.T("forms.choose"), "value", ""))
		for _, o := range fd.Options {
			ui.Append(f.input, inLang(ui.Content("option", o, "value", o), v.def.Lang))
		}
	default:
		f.input = ui.El("input", "type", fd.Type)
		switch fd.Type {
		case forms.TypeEmail:
			f.input.Call("setAttribute", "autocomplete", "email")
			f.input.Call("setAttribute", "inputmode", "email")
		case forms.TypeTel:
			f.input.Call("setAttribute", "autocomplete", "tel")
		}
	}
	f.input.Call("setAttribute", "id", id)
	f.input.Call("setAttribute", "name", fd.Name)
	f.input.Call("setAttribute", "aria-describedby", described)
	if fd.Required {
		f.input.Call("setAttribute", "aria-required", "true")
	}
	if fd.Type != forms.TypeCheckbox && fd.Type != forms.TypeSelect {
		// What the visitor types takes its own direction.
		f.input.Call("setAttribute", "dir", "auto")
		if fd.MaxLength > 0 {
			f.input.Call("setAttribute", "maxlength", strconv.Itoa(fd.MaxLength))
		}
	}
	label := ui.El("label", "for", id, "class", "label")
	ui.Append(label, inLang(ui.Content("span", fd.Label), v.def.Lang))
	if fd.Required {
		ui.Append(label, ui.TextEl("span", T.T("forms.required"), "class", "req"))
	}
	if fd.Type == forms.TypeCheckbox {
		f.input.Set("checked", value == forms.Checked)
		ui.Append(wrap, ui.Append(ui.El("div", "class", "check"), f.input, label))
	} else {
		f.input.Set("value", value)
		ui.Append(wrap, label, f.input)
	}
	if help.Truthy() {
		ui.Append(wrap, help)
	}
	if fd.Type == forms.TypeTextarea {
		f.counter = ui.El("p", "class", "counter", "aria-hidden", "true")
		ui.Append(wrap, f.counter)
		v.count(f)
	}
	ui.Append(wrap, f.err)
	ui.Append(v.form, wrap)

	event := "input"
	if fd.Type == forms.TypeCheckbox || fd.Type == forms.TypeSelect {
		event = "change"
	}
	v.on.On(f.input, event, func(js.Value) {
		v.saveDraft()
		if f.counter.Truthy() {
			v.count(f)
		}
		if f.touched {
			v.check(f)
		}
	})
	v.on.On(f.input, "blur", func(js.Value) {
		if v.value(f) != "" || f.touched {
			f.touched = true
			v.check(f)
		}
	})
	return f
}

// count updates a textarea's character counter.
func (v *formView) count(f *fieldUI) {
	max := f.def.MaxLength
	if max == 0 {
		max = forms.MaxTextarea
	}
	n := len([]rune(v.value(f)))
	ui.SetText(f.counter, v.p.T.T("forms.counter", "n", v.p.T.Number(n), "max", v.p.T.Number(max)))
}

// value is what the field holds, as the rules and the server see it.
func (v *formView) value(f *fieldUI) string {
	if f.def.Type == forms.TypeCheckbox {
		if f.input.Get("checked").Bool() {
			return forms.Checked
		}
		return ""
	}
	return f.input.Get("value").String()
}

func (v *formView) values() map[string]string {
	out := make(map[string]string, len(v.fields))
	for _, f := range v.fields {
		out[f.def.Name] = v.value(f)
	}
	return out
}

// check validates one field and shows or clears its error; it reports
// whether the field is valid.
func (v *formView) check(f *fieldUI) bool {
	single := forms.Form{Fields: []forms.Field{f.def}}
	problems := single.Check(map[string]string{f.def.Name: v.value(f)})
	if len(problems) == 0 {
		f.input.Call("removeAttribute", "aria-invalid")
		ui.SetText(f.err, "")
		ui.Show(f.err, false)
		return true
	}
	f.input.Call("setAttribute", "aria-invalid", "true")
	ui.Clear(f.err)
	ui.Append(f.err, icon("alert"), ui.TextEl("span", v.message(f.def, problems[0])))
	ui.Show(f.err, true)
	return false
}

// message translates a problem code of internal/shared/forms.
func (v *formView) message(fd forms.Field, p forms.Problem) string {
	T := v.p.T
	switch p.Code {
	case forms.CodeRequired:
		if fd.Type == forms.TypeCheckbox {
			return T.T("forms.invalid.checkbox")
		}
		return T.T("forms.invalid.required")
	case forms.CodeTooShort:
		return T.N("forms.invalid.min", fd.MinLength)
	case forms.CodeTooLong:
		max := fd.MaxLength
		if max == 0 {
			max = forms.MaxText
			if fd.Type == forms.TypeTextarea {
				max = forms.MaxTextarea
			}
		}
		return T.N("forms.invalid.max", max)
	case forms.CodeEmail:
		return T.T("forms.invalid.email")
	case forms.CodeTel:
		return T.T("forms.invalid.tel")
	case forms.CodePattern:
		return T.T("forms.invalid.pattern")
	case forms.CodeOption:
		return T.T("forms.invalid.option")
	}
	return p.Message
}

// send validates every field; when all are valid it posts the form.
func (v *formView) send() {
	if v.sending {
		return
	}
	var bad []*fieldUI
	for _, f := range v.fields {
		f.touched = true
		if !v.check(f) {
			bad = append(bad, f)
		}
	}
	ui.Clear(v.status)
	v.status.Set("className", "form-status")
	if len(bad) > 0 {
		v.showSummary(bad)
		bad[0].input.Call("focus")
		return
	}
	ui.Show(v.summary, false)
	if v.p.opts.SubmitURL == "" {
		v.fail(v.p.T.T("forms.unavailable"))
		return
	}
	v.sending = true
	v.submit.Set("disabled", true)
	v.submit.Call("setAttribute", "aria-busy", "true")
	ui.SetText(v.status, v.p.T.T("forms.sending"))
	if v.clientID == "" {
		v.clientID = newClientID()
	}
	body := js.Global().Get("Object").New()
	vals := js.Global().Get("Object").New()
	for name, val := range v.def.Clean(v.values()) {
		vals.Set(name, val)
	}
	body.Set("id", v.clientID)
	body.Set("fields", vals)
	body.Set("lang", v.def.Lang) // the server checks the options of the language shown
	url := v.p.opts.SubmitURL + v.id + "/submissions"
	// With the visitor's token the submission belongs to their
	// conversation, exported and erased with it; a banned visitor's goes
	// without (the server refuses the token, forms stay open to them).
	var token string
	if v.p.chat != nil && !v.p.chat.banned {
		v.p.store.Get("visitor", &token)
	}
	ui.Go(func() {
		res, err := ui.Send("POST", url, token, body)
		v.sending = false
		if v.gone {
			return
		}
		v.submit.Set("disabled", false)
		v.submit.Call("removeAttribute", "aria-busy")
		if err != nil {
			msg := v.p.T.T("forms.failed")
			if he, ok := err.(ui.HTTPError); ok && (he.Status == 404 || he.Status == 405 || he.Status == 501) {
				msg = v.p.T.T("forms.unavailable")
			} else if ok && he.Status >= 400 && he.Status < 500 {
				v.showServerProblems(res)
			}
			v.fail(msg)
			return
		}
		v.succeed()
	})
}

func (v *formView) fail(msg string) {
	ui.Clear(v.status)
	v.status.Set("className", "form-status error")
	ui.Append(v.status, icon("alert"), ui.TextEl("span", msg))
}

// showServerProblems shows the server's per-field messages (an "invalid"
// answer: {"fields": {name: message}}) under the fields they name.
func (v *formView) showServerProblems(res js.Value) {
	body, err := ui.Await(res.Call("json"))
	if err != nil || body.Type() != js.TypeObject || body.Get("fields").Type() != js.TypeObject {
		return
	}
	fields := body.Get("fields")
	for _, f := range v.fields {
		if msg := fields.Get(f.def.Name); msg.Type() == js.TypeString {
			f.input.Call("setAttribute", "aria-invalid", "true")
			ui.Clear(f.err)
			ui.Append(f.err, icon("alert"), ui.Content("span", msg.String()))
			ui.Show(f.err, true)
		}
	}
}

// showSummary lists the fields that need attention, each a link to its field.
func (v *formView) showSummary(bad []*fieldUI) {
	ui.Clear(v.summary)
	list := ui.El("ul")
	for _, f := range bad {
		f := f
		link := inLang(ui.Content("a", f.def.Label, "href", "#cl-f-"+f.def.Name), v.def.Lang)
		v.on.On(link, "click", func(ev js.Value) {
			ev.Call("preventDefault")
			f.input.Call("focus")
		})
		ui.Append(list, ui.Append(ui.El("li"), link))
	}
	ui.Append(v.summary, ui.TextEl("p", v.p.T.N("forms.summary", len(bad)), "class", "summary-h"), list)
	ui.Show(v.summary, true)
}

// succeed replaces the form with the confirmation and drops the draft.
func (v *formView) succeed() {
	d := v.p.drafts()
	delete(d.Forms, v.id)
	v.p.saveDrafts(d)
	T := v.p.T
	again := ui.Append(ui.El("button", "type", "button", "class", "btn"), ui.TextEl("span", T.T("forms.again")))
	home := ui.TextEl("button", T.T("forms.home"), "type", "button", "class", "btn ghost")
	v.on.On(again, "click", func(js.Value) { v.p.Navigate("forms") })
	v.on.On(home, "click", func(js.Value) { v.p.Navigate("home") })
	done := ui.Append(ui.El("div", "class", "success", "role", "status", "tabindex", "-1"),
		ui.Append(ui.El("span", "class", "success-icon"), icon("check")),
		ui.TextEl("h3", T.T("forms.done"), "id", "cl-form-h"),
		inLang(ui.Content("p", v.def.Success), v.def.Lang),
		ui.Append(ui.El("div", "class", "still-actions"), again, home))
	ui.Clear(v.el)
	ui.Append(v.el, done)
	done.Call("focus")
}

// saveDraft keeps what the visitor typed in this tab's session storage.
func (v *formView) saveDraft() {
	d := v.p.drafts()
	if d.Forms == nil {
		d.Forms = map[string]map[string]string{}
	}
	d.Forms[v.id] = v.values()
	v.p.saveDrafts(d)
}

func (v *formView) element() js.Value { return v.el }

func (v *formView) release() {
	v.gone = true
	v.on.Release()
}
