//go:build js && wasm

package views

import (
	"syscall/js"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// zulu marks every text of the content, agents and visitors in this file's
// fixtures, so that a walk over the panel's DOM can tell them from the
// catalogs' Arabic.
const zulu = "Zulu"

const zuluAnswers = `{"articles":[
 {"id":"ship","title":"Zulu shipping times?","headings":["Zulu standard delivery."],"body":"Zulu orders leave the same day.\n\nZulu standard delivery.\n\nZulu parcels take 2 to 4 days.","updated":1767225600000}
]}`

const zuluForms = `{"forms":[
 {"id":"contact","title":"Zulu contact form.","intro":"Zulu answers by email within one day.","submit":"Zulu send!","success":"Zulu thanks, we have it.","fields":[
  {"name":"name","label":"Zulu name:","type":"text","required":true,"minLength":2,"maxLength":100,"pattern":"","options":[],"help":"Zulu help, as printed."},
  {"name":"email","label":"Zulu email:","type":"email","required":true,"minLength":0,"maxLength":200,"pattern":"","options":[],"help":""},
  {"name":"topic","label":"Zulu topic:","type":"select","required":true,"minLength":0,"maxLength":0,"pattern":"","options":["Zulu order.","Zulu return."],"help":""},
  {"name":"message","label":"Zulu message:","type":"textarea","required":true,"minLength":2,"maxLength":2000,"pattern":"","options":[],"help":""},
  {"name":"consent","label":"Zulu I agree.","type":"checkbox","required":true,"minLength":0,"maxLength":0,"pattern":"","options":[],"help":""}
 ]}
]}`

// directionWalk walks a shadow root and reports what breaks the rule that
// text from content, agents and visitors takes its own direction while the
// catalogs' text follows the panel's:
//   - a text node holding the marker whose parent element has neither
//     dir="auto" nor is a <bdi>, unless every marker in it sits inside
//     U+2068 … U+2069 (content placed inside a catalog sentence);
//   - an element with dir="auto" whose text holds no marker (a catalog
//     string taken out of the panel's direction), the initials avatar
//     excepted (its letters come from the agent's name, without the marker);
//   - a text field the visitor types into without dir="auto".
//
// It returns {found: [texts holding the marker], bad: [descriptions]}.
var directionWalk = js.Global().Get("Function").New("root", "marker", `
  const found = [], bad = [];
  const where = (el) => el.localName + (el.className ? '.' + String(el.className).split(' ').join('.') : '');
  const w = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let n; (n = w.nextNode());) {
    const s = n.data;
    if (!s.includes(marker)) continue;
    found.push(s);
    const el = n.parentElement;
    if (el.getAttribute('dir') === 'auto' || el.localName === 'bdi') continue;
    if (s.replace(/\u2068[^\u2069]*\u2069/g, '').includes(marker)) bad.push('no dir=auto on <' + where(el) + '> holding ' + JSON.stringify(s));
  }
  for (const el of root.querySelectorAll('[dir=auto]')) {
    if (el.localName === 'input' || el.localName === 'textarea' || el.classList.contains('avatar')) continue;
    if (!el.textContent.includes(marker)) bad.push('dir=auto on catalog text <' + where(el) + '> ' + JSON.stringify(el.textContent));
  }
  for (const el of root.querySelectorAll('textarea, input:not([type=checkbox]):not([type=radio])')) {
    if (el.getAttribute('dir') !== 'auto') bad.push('no dir=auto on the field <' + where(el) + (el.id ? '#' + el.id : '') + '>');
  }
  return {found, bad};
`)

// checkDirections asserts the walk's rules on the mounted panel and that
// every text in want was found (so that the walk saw the content at all).
func checkDirections(t *testing.T, f *fixture, want ...string) {
	t.Helper()
	res := directionWalk.Invoke(f.root, zulu)
	var found []string
	for i := 0; i < res.Get("found").Length(); i++ {
		found = append(found, res.Get("found").Index(i).String())
	}
	for _, w := range want {
		assert.Contains(t, found, w, "content text on the page")
	}
	for i := 0; i < res.Get("bad").Length(); i++ {
		t.Error(res.Get("bad").Index(i).String())
	}
}

// standInFetch replaces window.fetch for the test: POSTs get status and
// body, everything else (the content's blob: URLs) goes to the real fetch.
func standInFetch(t *testing.T, status int, body string) {
	t.Helper()
	real := js.Global().Get("fetch")
	stand := js.Global().Get("Function").New("real", "status", "body",
		`return (url, init) => init && init.method === 'POST' ? Promise.resolve(new Response(body, {status})) : real(url, init)`).
		Invoke(real, status, body)
	js.Global().Set("fetch", stand)
	t.Cleanup(func() { js.Global().Set("fetch", real) })
}

// TestContentTakesItsOwnDirection renders every view with English content,
// an agent and a visitor in an Arabic panel: each element holding their
// text has dir="auto" (so "… within one day." keeps its full stop at the
// end), the catalogs' text follows the panel (rtl), and the fields the
// visitor types into take the direction of what is typed.
func TestContentTakesItsOwnDirection(t *testing.T) {
	clearStorage(t)
	conv := newFake(
		Message{ID: "1", From: "agent", Author: "Zulu Ben", Text: "Zulu hello, how can we help?", At: nowMs()},
		Message{ID: "2", ClientID: "c2", From: "visitor", Text: "Zulu my parcel, please!", At: nowMs(), State: Sent},
	)
	opts := Options{Lang: "ar", AnswersURL: blobURL(t, zuluAnswers), FormsURL: blobURL(t, zuluForms), SubmitURL: "/api/v1/forms/", Chat: conv}
	f := mount(t, true, opts)
	require.Equal(t, "rtl", f.wrap.Call("getAttribute", "dir").String(), "an Arabic panel")

	t.Run("home", func(t *testing.T) {
		eventually(t, func() bool { return len(f.all(".home .row-title")) == 2 }, "answers and forms on home")
		checkDirections(t, f, "Zulu shipping times?", "Zulu contact form.", "Zulu answers by email within one day.")
		assert.True(t, f.q("#cl-title").Call("getAttribute", "dir").IsNull(), "a catalog title: the panel's direction")
	})
	t.Run("announced agent message", func(t *testing.T) {
		conv.agentSays("3", "Zulu Ben", "Zulu it ships today.")
		assert.Contains(t, f.text("[aria-live=polite].sr"), "\u2068Zulu it ships today.\u2069")
		checkDirections(t, f)
	})
	t.Run("answers", func(t *testing.T) {
		require.True(t, f.p.Navigate("answers"))
		eventually(t, func() bool { return len(f.all(".results .row")) == 1 }, "the article listed")
		checkDirections(t, f, "Zulu shipping times?")
		f.typeInto(t, "#cl-search", "Zulu parcels")
		eventually(t, func() bool { return len(f.all(".results .row-sub")) == 1 }, "a snippet")
		checkDirections(t, f, "Zulu shipping times?")
		f.typeInto(t, "#cl-search", "Zulu zebra")
		eventually(t, func() bool { return len(f.all(".results .row")) == 0 }, "no match")
		assert.Contains(t, f.text("#cl-count"), "\u2068Zulu zebra\u2069", "the query isolated inside the sentence")
		checkDirections(t, f)
	})
	t.Run("article", func(t *testing.T) {
		require.True(t, f.p.Navigate("answers/ship"))
		eventually(t, func() bool { return !f.q(".article-h").IsNull() }, "the article")
		eventually(t, func() bool { return len(f.all(".still .btn")) == 2 }, "the ways on")
		checkDirections(t, f, "Zulu shipping times?", "Zulu standard delivery.", "Zulu orders leave the same day.",
			"Zulu parcels take 2 to 4 days.", "Zulu contact form.")
		assert.Equal(t, "auto", f.q("#cl-title").Call("getAttribute", "dir").String(), "an article's title in the header")
		assert.True(t, f.q(".article-h").Call("matches", ":dir(ltr)").Bool(), "English content reads left to right")
		assert.True(t, f.q(".still h3").Call("matches", ":dir(rtl)").Bool(), "the catalog's Arabic reads right to left")
	})
	t.Run("forms", func(t *testing.T) {
		require.True(t, f.p.Navigate("forms"))
		eventually(t, func() bool { return len(f.all(".forms .row")) == 1 }, "the form listed")
		checkDirections(t, f, "Zulu contact form.", "Zulu answers by email within one day.")
		assert.True(t, f.q("#cl-title").Call("getAttribute", "dir").IsNull(), "back to a catalog title")
	})
	t.Run("form", func(t *testing.T) {
		require.True(t, f.p.Navigate("forms/contact"))
		eventually(t, func() bool { return !f.q("form").IsNull() }, "the form")
		checkDirections(t, f, "Zulu contact form.", "Zulu answers by email within one day.", "Zulu name:",
			"Zulu help, as printed.", "Zulu order.", "Zulu return.", "Zulu I agree.", "Zulu send!")
		f.click(t, "form button[type=submit]")
		require.False(t, f.q(".summary").Get("hidden").Bool(), "the summary of problems")
		checkDirections(t, f, "Zulu name:", "Zulu message:")
	})
	t.Run("server's field messages", func(t *testing.T) {
		standInFetch(t, 400, `{"error":"invalid","code":"invalid","fields":{"name":"Zulu name refused."}}`)
		f.typeInto(t, "#cl-f-name", "Zulu Ada")
		f.typeInto(t, "#cl-f-email", "ada@example.com")
		sel := f.q("#cl-f-topic")
		sel.Set("value", "Zulu order.")
		sel.Call("dispatchEvent", js.Global().Get("Event").New("change"))
		f.typeInto(t, "#cl-f-message", "Zulu where is it?")
		f.click(t, "#cl-f-consent")
		f.click(t, "form button[type=submit]")
		eventually(t, func() bool { return f.text("#cl-f-name-err") == "Zulu name refused." }, "the server's message under its field")
		checkDirections(t, f, "Zulu name refused.")
	})
	t.Run("success", func(t *testing.T) {
		standInFetch(t, 201, `{"submission":{"id":"s1"}}`)
		f.click(t, "form button[type=submit]")
		eventually(t, func() bool { return !f.q(".success").IsNull() }, "the success state")
		checkDirections(t, f, "Zulu thanks, we have it.")
	})
	t.Run("chat", func(t *testing.T) {
		require.True(t, f.p.Navigate("chat"))
		eventually(t, func() bool { return len(f.all(".msg")) == 3 }, "the conversation")
		checkDirections(t, f, "Zulu Ben", "Zulu hello, how can we help?", "Zulu my parcel, please!", "Zulu it ships today.")
		f.typeInto(t, "#cl-composer", "Zulu one more thing.")
		f.key(t, "#cl-composer", "Enter", false)
		eventually(t, func() bool { return len(f.all(".msg.visitor")) == 2 }, "the visitor's message shown")
		checkDirections(t, f, "Zulu one more thing.")
	})
}
