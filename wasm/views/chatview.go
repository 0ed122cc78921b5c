//go:build js && wasm

package views

import (
	"strings"
	"syscall/js"
	"unicode/utf8"

	"github.com/crumbless/crumbless/wasm/ui"
)

// MaxMessage is the longest message the composer sends, in characters.
const MaxMessage = 5000

// warnFrom is how close to MaxMessage the composer starts counting down.
const warnFrom = MaxMessage - 500

// chatView is the conversation: the message log, a "new messages" divider
// at the last-read position and the composer.
type chatView struct {
	p        *Panel
	c        *chatState
	el       js.Value
	log      js.Value
	rows     []js.Value
	input    js.Value
	counter  js.Value
	pre      *formView // the pre-chat fields, while the site asks for them (prechat.go)
	typing   js.Value  // "Anna is typing…" (announced once per burst through the panel's live region)
	sendBtn  js.Value
	form     js.Value
	rate     js.Value // the rating prompt, made when first shown
	divider  string   // id of the last message read when the view opened
	timeFmt  js.Value
	on       ui.Listeners
	rowFuncs ui.Listeners // retry buttons, released with the rows
}

func newChatView(p *Panel) *chatView {
	T := p.T
	c := p.chat
	v := &chatView{p: p, c: c, divider: c.lastRead}
	if newer(c.msgs, c.read, v.divider) { // read in another tab: nothing new here
		v.divider = c.read
	}
	v.timeFmt = js.Global().Get("Intl").Get("DateTimeFormat").New(T.Lang, map[string]any{"hour": "numeric", "minute": "2-digit"})
	v.log = ui.El("div", "class", "log", "role", "log", "aria-label", T.T("chat.log"))
	v.input = ui.El("textarea", "id", "cl-composer", "rows", "1", "class", "composer-input", "dir", "auto",
		"placeholder", T.T("chat.composer"), "aria-describedby", "cl-composer-hint cl-composer-count")
	v.input.Set("value", p.drafts().Chat)
	v.typing = ui.TextEl("p", c.typer, "class", "typing")
	v.counter = ui.El("p", "id", "cl-composer-count", "class", "counter", "aria-live", "polite")
	v.sendBtn = ui.Append(ui.El("button", "type", "submit", "class", "send", "aria-label", T.T("chat.send")), icon("send"))
	v.form = ui.Append(ui.El("form", "class", "composer"),
		ui.TextEl("label", T.T("chat.composer"), "for", "cl-composer", "class", "sr"),
		ui.Append(ui.El("div", "class", "composer-row"), v.input, v.sendBtn),
		v.counter,
		ui.TextEl("p", T.T("chat.hint"), "id", "cl-composer-hint", "class", "sr"))
	v.el = ui.Append(ui.El("section", "class", "view chat", "aria-labelledby", "cl-chat-h"),
		ui.TextEl("h3", T.T("chat.title"), "id", "cl-chat-h", "class", "sr"), v.log, v.typing, v.form)
	v.renderRate()
	v.on.On(v.form, "submit", func(ev js.Value) {
		ev.Call("preventDefault")
		v.submit()
	})
	v.on.On(v.input, "keydown", func(ev js.Value) {
		if ev.Get("key").String() == "Enter" && !ev.Get("shiftKey").Bool() && !ev.Get("isComposing").Bool() {
			ev.Call("preventDefault")
			v.submit()
		}
	})
	v.on.On(v.input, "input", func(js.Value) {
		v.count()
		d := p.drafts()
		d.Chat = v.input.Get("value").String()
		p.saveDrafts(d)
	})
	c.view = v
	v.count()
	v.renderAll()
	if !c.banned { // a banned visitor asks the chat API nothing
		v.offerMail()
	}
	return v
}

// focusTarget puts the caret in the composer, when there is one.
func (v *chatView) focusTarget() js.Value {
	if v.c.banned {
		return js.Undefined()
	}
	return v.input
}

// count shows the characters left once the text nears MaxMessage.
func (v *chatView) count() {
	n := utf8.RuneCountInString(v.input.Get("value").String())
	T := v.p.T
	switch {
	case n > MaxMessage:
		ui.SetText(v.counter, T.N("chat.over", n-MaxMessage))
		v.counter.Set("className", "counter over")
		v.input.Call("setAttribute", "aria-invalid", "true")
	case n >= warnFrom:
		ui.SetText(v.counter, T.N("chat.left", MaxMessage-n))
		v.counter.Set("className", "counter")
		v.input.Call("removeAttribute", "aria-invalid")
	default:
		ui.SetText(v.counter, "")
		v.input.Call("removeAttribute", "aria-invalid")
	}
	v.sendBtn.Set("disabled", n > MaxMessage)
}

func (v *chatView) submit() {
	text := strings.TrimSpace(v.input.Get("value").String())
	if text == "" || utf8.RuneCountInString(text) > MaxMessage || !v.details() {
		return
	}
	v.input.Set("value", "")
	v.p.opts.LinkErr = nil // the visitor wrote to us, as the message about the link said
	v.count()
	d := v.p.drafts()
	d.Chat = ""
	v.p.saveDrafts(d)
	v.c.send(newClientID(), text)
}

// renderAll draws every message, with the divider before the first unread
// agent message.
func (v *chatView) renderAll() {
	ui.Clear(v.log)
	v.rowFuncs.Release()
	v.rows = v.rows[:0]
	ui.Show(v.form, !v.c.banned)
	if v.c.banned {
		ui.Append(v.log, ui.Append(ui.El("div", "class", "state banned", "role", "status"), ui.TextEl("p", v.p.T.T("chat.banned"))))
		return
	}
	if !v.c.loaded {
		ui.Append(v.log, ui.Append(ui.El("div", "class", "state", "role", "status"), ui.El("span", "class", "spinner", "aria-hidden", "true")))
		return
	}
	alert := ""
	if v.c.err != nil { // and below it what is waiting to be sent
		alert = "chat.unavailable"
	}
	if err := v.p.opts.LinkErr; err != nil { // the continue link the page came from did not work
		alert = failure(err, "restore.link")
	}
	if alert != "" {
		ui.Append(v.log, ui.Append(ui.El("div", "class", "state", "role", "alert"), ui.TextEl("p", v.p.T.T(alert))))
	} else if inv := v.p.opts.Invite; inv.Text != "" && (len(v.c.msgs) == 0 || v.c.msgs[0].From != "invite") {
		// The invitation the visitor saw opens the conversation, as the
		// agent's message it was, until the server holds it (sent with the
		// visitor's first message).
		ui.Append(v.log, v.row(Message{From: "agent", Author: inv.Name, Text: inv.Text, At: inv.At}))
		if !v.p.firstShown {
			v.p.firstShown = true
			v.p.mark("first")
		}
	} else if len(v.c.msgs) == 0 {
		ui.Append(v.log, ui.Append(ui.El("div", "class", "empty"), ui.Append(ui.El("span", "class", "card-icon"), icon("chat")), ui.TextEl("p", v.p.T.T("chat.empty"))))
	}
	dividerAt := v.dividerIndex()
	for i := range v.c.msgs {
		if i == dividerAt {
			ui.Append(v.log, ui.Append(ui.El("div", "class", "divider", "role", "separator"), ui.TextEl("span", v.p.T.T("chat.new"))))
		}
		row := v.row(v.c.msgs[i])
		v.rows = append(v.rows, row)
		ui.Append(v.log, row)
	}
	if v.p.restore == 0 {
		v.scrollToEnd()
	}
	v.p.contentArrived()
}

// dividerIndex is the index of the first agent message after the divider
// position, or -1 when nothing was unread when the view opened.
func (v *chatView) dividerIndex() int {
	start := 0
	if v.divider != "" {
		start = len(v.c.msgs)
		for i, m := range v.c.msgs {
			if m.ID == v.divider {
				start = i + 1
				break
			}
		}
	}
	for i := start; i < len(v.c.msgs); i++ {
		if v.c.msgs[i].From == "agent" {
			return i
		}
	}
	return -1
}

// add appends message i (a new one).
func (v *chatView) add(i int) {
	if len(v.rows) != i || v.c.msgs[i].From == "invite" { // the stored invitation replaces the page's
		v.renderAll()
		return
	}
	if i == 0 && v.p.opts.Invite.Text == "" {
		ui.Clear(v.log) // the empty state
	}
	row := v.row(v.c.msgs[i])
	v.rows = append(v.rows, row)
	ui.Append(v.log, row)
	v.scrollToEnd()
}

// update redraws message i in place (its state changed).
func (v *chatView) update(i int) {
	if i >= len(v.rows) {
		v.renderAll()
		return
	}
	row := v.row(v.c.msgs[i])
	v.rows[i].Call("replaceWith", row)
	v.rows[i] = row
}

func (v *chatView) row(m Message) js.Value {
	T := v.p.T
	at := ui.TextEl("time", v.timeFmt.Call("format", js.Global().Get("Date").New(float64(m.At))).String())
	at.Call("setAttribute", "datetime", js.Global().Get("Date").New(float64(m.At)).Call("toISOString").String())
	bubble := ui.Content("p", m.Text, "class", "bubble")
	if m.From != "visitor" { // an agent's, or the invitation shown as one
		name := m.Author
		if name == "" {
			name = T.T("chat.agent")
		}
		return ui.Append(ui.El("div", "class", "msg agent", "data-id", m.ID),
			ui.Content("span", initials(name), "class", "avatar", "aria-hidden", "true"),
			ui.Append(ui.El("div", "class", "msg-body"),
				ui.Append(ui.El("p", "class", "msg-meta"), ui.Content("span", name, "class", "author"), at),
				bubble))
	}
	meta := ui.Append(ui.El("p", "class", "msg-meta"), ui.TextEl("span", T.T("chat.you"), "class", "sr"), at)
	state := ui.TextEl("span", T.T("chat."+m.State), "class", "msg-state "+m.State)
	ui.Append(meta, state)
	if m.State == Failed {
		retry := ui.TextEl("button", T.T("chat.retry"), "type", "button", "class", "link retry")
		clientID, text := m.ClientID, m.Text
		v.rowFuncs.On(retry, "click", func(js.Value) { v.c.send(clientID, text) })
		ui.Append(meta, retry)
	}
	return ui.Append(ui.El("div", "class", "msg visitor "+m.State, "data-client-id", m.ClientID), bubble, meta)
}

// renderRate shows, below the messages, the rating prompt of a resolved
// conversation the visitor has not rated, or the thanks once they have.
// The prompt is an optional comment and two buttons, good and bad, each of
// which sends; it is made once, when first shown.
func (v *chatView) renderRate() {
	c := v.c
	if !v.rate.Truthy() {
		if !c.resolved {
			return
		}
		T := v.p.T
		v.rate = ui.Append(ui.El("form", "class", "rate", "aria-labelledby", "cl-rate-h"),
			ui.TextEl("p", T.T("chat.rate"), "id", "cl-rate-h"),
			ui.El("textarea", "maxlength", "500", "dir", "auto", "aria-label", T.T("chat.comment"), "placeholder", T.T("chat.comment")),
			ui.TextEl("button", T.T("chat.good"), "value", "good", "class", "link"),
			ui.TextEl("button", T.T("chat.bad"), "value", "bad", "class", "link"),
			ui.TextEl("p", T.T("chat.rated"), "role", "status"))
		v.el.Call("insertBefore", v.rate, v.form)
		v.on.On(v.rate, "submit", func(ev js.Value) {
			ev.Call("preventDefault")
			score, comment := ev.Get("submitter").Get("value").String(), v.rate.Get("elements").Index(0).Get("value").String()
			ui.Go(func() {
				if c.conv.Rate(score, comment) == nil {
					c.stateChanged(true, true)
				}
			})
		})
	}
	ui.Show(v.rate, c.resolved && !c.banned)
	v.rate.Get("classList").Call("toggle", "rated", c.rated)
}

func (v *chatView) scrollToEnd() {
	body := v.p.body
	body.Set("scrollTop", body.Get("scrollHeight"))
}

func (v *chatView) element() js.Value { return v.el }

func (v *chatView) release() {
	v.on.Release()
	if v.pre != nil {
		v.pre.release()
	}
	v.rowFuncs.Release()
	if v.c.view == v {
		v.c.view = nil
	}
}

// initials gives up to two letters for an avatar: "Ana Lima" → "AL".
func initials(name string) string {
	var out []rune
	for _, w := range strings.Fields(name) {
		r, _ := utf8.DecodeRuneInString(w)
		out = append(out, r)
		if len(out) == 2 {
			break
		}
	}
	return js.Global().Get("String").New(string(out)).Call("toUpperCase").String() // the browser's: strings.ToUpper costs bytes
}
