//go:build js && wasm

package app

import (
	"syscall/js"

	"honnef.co/go/js/dom/v2"
)

// page is the console's document, through dom/v2.
var page = dom.GetWindow().Document()

// byID returns the page's element id; a missing one is a programmer error
// (the page and the code go together).
func byID(id string) dom.HTMLElement {
	el := page.GetElementByID(id)
	if el == nil {
		panic("crumbless: console: no element #" + id)
	}
	return el.(dom.HTMLElement)
}

// create makes an element of tag with class cls (none when "") and text.
func create(tag, cls, text string) dom.HTMLElement {
	el := page.CreateElement(tag).(dom.HTMLElement)
	if cls != "" {
		el.SetAttribute("class", cls)
	}
	if text != "" {
		el.SetTextContent(text)
	}
	return el
}

// content makes an element for text from visitors, agents or forms: set
// as text, in its own direction (dir="auto"), never as markup.
func content(tag, cls, text string) dom.HTMLElement {
	el := create(tag, cls, text)
	el.SetDir("auto")
	return el
}

func setHidden(el dom.Element, hidden bool) { el.Underlying().Set("hidden", hidden) }

func value(el dom.Element) string { return el.Underlying().Get("value").String() }

func setValue(el dom.Element, v string) { el.Underlying().Set("value", v) }

func checked(el dom.Element) bool { return el.Underlying().Get("checked").Bool() }

func setChecked(el dom.Element, v bool) { el.Underlying().Set("checked", v) }

// on listens for typ on el; fn runs in its own goroutine (so that it may
// wait on the network), after the default action is prevented when
// prevent is set.
func on(el dom.Element, typ string, prevent bool, fn func(dom.Event)) {
	el.AddEventListener(typ, false, func(ev dom.Event) {
		if prevent {
			ev.PreventDefault()
		}
		go fn(ev)
	})
}

func call(el dom.Element, method string, args ...any) js.Value {
	return el.Underlying().Call(method, args...)
}

// formatTime shows a unix ms time in the console's language.
func formatTime(ms int64, lang string) string {
	return js.Global().Get("Date").New(float64(ms)).Call("toLocaleString", lang).String()
}
