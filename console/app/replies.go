//go:build js && wasm

package app

import (
	"errors"
	"strconv"
	"strings"

	"honnef.co/go/js/dom/v2"

	"github.com/crumbless/crumbless/console/web"
)

// Saved replies: the picker that "/" at the start of the reply box opens,
// and their management in Settings.

type savedReply struct {
	ID   int64  `js:"id"`
	Name string `js:"name"`
	Body string `js:"body"`
}

// picker is the state of the saved-reply list under the reply box.
type picker struct {
	all     []savedReply
	shown   []savedReply
	active  int // index in shown
	open    bool
	editing int64 // the reply the management form edits; 0 adds one
}

func (a *App) wireReplies() {
	box := byID("reply")
	on(box, "input", false, func(dom.Event) { a.syncPicker() })
	// Capture on the form runs before the reply box's own keydown (which
	// sends on Enter), so that Enter picks a reply while the list is open.
	byID("reply-form").AddEventListener("keydown", true, func(ev dom.Event) {
		if !a.pick.open {
			return
		}
		switch ev.Underlying().Get("key").String() {
		case "ArrowDown":
			a.movePick(1)
		case "ArrowUp":
			a.movePick(-1)
		case "Enter", "Tab":
			if len(a.pick.shown) == 0 {
				return
			}
			a.insertReply(a.pick.shown[a.pick.active])
		case "Escape":
			a.closePicker()
		default:
			return
		}
		ev.PreventDefault()
		ev.StopPropagation()
	})
	box.AddEventListener("blur", false, func(dom.Event) { a.closePicker() })
	on(byID("reply-manage-form"), "submit", true, func(dom.Event) { a.saveReply() })
	on(byID("reply-manage-cancel"), "click", false, func(dom.Event) { a.editReply(savedReply{}) })
	on(byID("tab-settings"), "click", false, func(dom.Event) { a.loadReplies() })
}

// loadReplies fetches the saved replies and redraws their management list.
func (a *App) loadReplies() bool {
	var out struct {
		Replies []savedReply `js:"replies"`
	}
	if err := a.client.Do("GET", "/api/v1/agent/replies", nil, &out); err != nil {
		if errors.Is(err, web.ErrExpired) {
			a.expired()
		}
		byID("reply-manage-error").SetTextContent(err.Error())
		return false
	}
	a.pick.all = out.Replies
	a.renderReplies()
	return true
}

// syncPicker opens, filters or closes the list from the reply box: open
// while the box holds "/" and a filter without spaces.
func (a *App) syncPicker() {
	text := value(byID("reply"))
	if !strings.HasPrefix(text, "/") || strings.ContainsAny(text, " \n\t") {
		a.closePicker()
		return
	}
	if !a.pick.open {
		a.pick.open = true
		if !a.loadReplies() {
			a.closePicker()
			return
		}
		if value(byID("reply")) != text { // typed on meanwhile
			a.syncPicker()
			return
		}
	}
	// The reply the agent moved to stays chosen while the filter keeps it:
	// the list is filtered again when the replies arrive, which may be after
	// an arrow key.
	var chosen int64
	if a.pick.active < len(a.pick.shown) {
		chosen = a.pick.shown[a.pick.active].ID
	}
	filter := strings.ToLower(text[1:])
	a.pick.shown = a.pick.shown[:0]
	a.pick.active = 0
	for _, r := range a.pick.all {
		if strings.Contains(strings.ToLower(r.Name), filter) {
			if r.ID == chosen {
				a.pick.active = len(a.pick.shown)
			}
			a.pick.shown = append(a.pick.shown, r)
		}
	}
	a.renderPicker()
}

func (a *App) renderPicker() {
	list := byID("reply-picker")
	box := byID("reply")
	list.SetTextContent("")
	for i, r := range a.pick.shown {
		opt := create("li", "", "")
		opt.SetAttribute("role", "option")
		opt.SetAttribute("id", "reply-option-"+strconv.Itoa(i))
		opt.SetAttribute("aria-selected", strconv.FormatBool(i == a.pick.active))
		opt.AppendChild(content("strong", "", r.Name))
		opt.AppendChild(content("span", "preview", r.Body))
		reply := r
		// mousedown, not click: the box keeps focus (its blur closes the list).
		opt.AddEventListener("mousedown", false, func(ev dom.Event) {
			ev.PreventDefault()
			go a.insertReply(reply)
		})
		list.AppendChild(opt)
	}
	status := byID("reply-picker-status")
	if len(a.pick.shown) == 0 {
		status.SetTextContent(a.loc.T("replies.none"))
		box.RemoveAttribute("aria-activedescendant")
	} else {
		status.SetTextContent(a.loc.N("replies.count", len(a.pick.shown)))
		box.SetAttribute("aria-activedescendant", "reply-option-"+strconv.Itoa(a.pick.active))
	}
	setHidden(list, len(a.pick.shown) == 0)
}

func (a *App) movePick(by int) {
	n := len(a.pick.shown)
	if n == 0 {
		return
	}
	a.pick.active = (a.pick.active + by + n) % n
	a.renderPicker()
	if el := page.GetElementByID("reply-option-" + strconv.Itoa(a.pick.active)); el != nil {
		el.Underlying().Call("scrollIntoView", map[string]any{"block": "nearest"})
	}
}

func (a *App) closePicker() {
	if !a.pick.open {
		return
	}
	a.pick.open = false
	a.pick.shown = nil
	byID("reply-picker").SetTextContent("")
	setHidden(byID("reply-picker"), true)
	byID("reply-picker-status").SetTextContent("")
	byID("reply").RemoveAttribute("aria-activedescendant")
}

// insertReply puts a saved reply's text in the reply box in place of the
// "/filter" typed, for the agent to edit and send.
func (a *App) insertReply(r savedReply) {
	a.closePicker()
	box := byID("reply")
	setValue(box, r.Body)
	box.Focus()
	end := box.Underlying().Get("textLength").Int() // UTF-16 units, as the selection counts
	box.Underlying().Call("setSelectionRange", end, end)
	a.saveDraft()
}

// renderReplies draws the management list in Settings.
func (a *App) renderReplies() {
	list := byID("reply-manage-list")
	list.SetTextContent("")
	for _, r := range a.pick.all {
		li := create("li", "", "")
		li.AppendChild(content("strong", "", r.Name))
		li.AppendChild(content("p", "", r.Body))
		edit := create("button", "secondary", a.loc.T("replies.edit"))
		edit.SetAttribute("type", "button")
		edit.SetAttribute("aria-label", a.loc.T("replies.edit")+" "+r.Name)
		del := create("button", "secondary", a.loc.T("replies.delete"))
		del.SetAttribute("type", "button")
		del.SetAttribute("aria-label", a.loc.T("replies.delete")+" "+r.Name)
		reply := r
		on(edit, "click", false, func(dom.Event) { a.editReply(reply) })
		on(del, "click", false, func(dom.Event) { a.deleteReply(reply) })
		li.AppendChild(edit)
		li.AppendChild(del)
		list.AppendChild(li)
	}
	setHidden(byID("reply-manage-empty"), len(a.pick.all) > 0)
}

// editReply fills the form with r to edit it, or empties it (r.ID 0) to add one.
func (a *App) editReply(r savedReply) {
	a.pick.editing = r.ID
	setValue(byID("reply-manage-name"), r.Name)
	setValue(byID("reply-manage-body"), r.Body)
	byID("reply-manage-error").SetTextContent("")
	setHidden(byID("reply-manage-cancel"), r.ID == 0)
	if r.ID != 0 {
		byID("reply-manage-name").Focus()
	}
}

func (a *App) saveReply() {
	req := struct {
		Name string `js:"name"`
		Body string `js:"body"`
	}{value(byID("reply-manage-name")), value(byID("reply-manage-body"))}
	method, path := "POST", "/api/v1/agent/replies"
	if a.pick.editing != 0 {
		method, path = "PUT", path+"/"+id(a.pick.editing)
	}
	if err := a.client.Do(method, path, req, nil); err != nil {
		if errors.Is(err, web.ErrExpired) {
			a.expired()
			return
		}
		byID("reply-manage-error").SetTextContent(err.Error())
		return
	}
	a.editReply(savedReply{})
	if a.loadReplies() {
		byID("reply-manage-status").SetTextContent(a.loc.T("replies.saved", "name", req.Name))
	}
}

func (a *App) deleteReply(r savedReply) {
	if err := a.client.Do("DELETE", "/api/v1/agent/replies/"+id(r.ID), nil, nil); err != nil {
		if errors.Is(err, web.ErrExpired) {
			a.expired()
			return
		}
		byID("reply-manage-error").SetTextContent(err.Error())
		return
	}
	if a.pick.editing == r.ID {
		a.editReply(savedReply{})
	}
	if a.loadReplies() {
		byID("reply-manage-status").SetTextContent(a.loc.T("replies.deleted", "name", r.Name))
	}
}
