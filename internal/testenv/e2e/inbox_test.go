//go:build e2e

package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const inboxContactForm = `{"id":"s1","fields":{"name":"Ana","email":"ana@example.com","topic":"Order","message":"Where is my parcel? <img src=x onerror=alert(1)>","consent":"true"}}`

// TestAgentInbox drives the agent inbox page in Chromium against the real
// binary while a visitor uses the API: log in (HTTP Basic → bearer token in
// sessionStorage, no cookie), a new conversation and message appear live
// with an unread badge, the agent opens it (unread goes to 0 for the
// agents, the visitor's read event), replies (the visitor reads the reply),
// sees form submissions, bans through the dialog with the visitor's network
// (the visitor gets 403 banned, and so does a new conversation from the same
// address), a reload keeps the session, and lifting the ban frees both. Visitor text is shown as text, never as HTML, and the
// page runs under its CSP without a violation.
func TestAgentInbox(t *testing.T) {
	data := t.TempDir()
	addAgent(t, data, "ana", "correct horse")
	p := startChatProcess(t, data)

	b := newBrowser(t)
	collectCSPViolations(t, b)
	b.do(t, chromedp.Navigate(p.base+"/agent/"))
	b.waitFor(t, `document.getElementById('login-view').hidden === false`)
	b.do(t, chromedp.SendKeys(chromedp.JSPath(`document.getElementById('login-name')`), "ana"), chromedp.SendKeys(chromedp.JSPath(`document.getElementById('login-password')`), "correct horse"))
	b.click(t, `document.querySelector('#login-form button')`)
	b.waitFor(t, `document.getElementById('status').textContent === 'live'`)
	assert.Equal(t, "ana", eval[string](t, b, `document.getElementById('agent-name').textContent`))
	session := eval[string](t, b, `sessionStorage.getItem('crumbless-console-session')`)
	assert.Contains(t, session, `"token":"ca_`)
	assert.Empty(t, b.cookies(t), "no cookies")

	// A visitor starts a conversation and writes: it appears live with a badge.
	code, start := call(t, "POST", p.base+"/api/v1/conversations", "", `{"site":"demo"}`)
	require.Equal(t, 201, code)
	visitor := start["token"].(string)
	code, _ = call(t, "POST", p.base+"/api/v1/conversation/messages", visitor, `{"id":"v1","body":"<b>Hello</b> is anyone there?"}`)
	require.Equal(t, 201, code)
	b.waitFor(t, `document.querySelector('#conversation-list .badge')?.textContent === '1'`)
	assert.Contains(t, eval[string](t, b, `document.querySelector('#conversation-list .preview').textContent`), "<b>Hello</b>")
	assert.Zero(t, eval[int](t, b, `document.querySelectorAll('#conversation-list b').length`), "visitor text is not HTML")
	b.screenshot(t, "inbox-1-unread")

	// Open it: the transcript shows the message and the badge goes away.
	b.click(t, `document.querySelector('#conversation-list button')`)
	b.waitFor(t, `document.querySelectorAll('#transcript li').length === 1`)
	b.waitFor(t, `document.querySelector('#conversation-list .badge') === null`)
	code, conv := call(t, "GET", p.base+"/api/v1/conversation", visitor, "")
	require.Equal(t, 200, code)
	assert.NotZero(t, conv["conversation"].(map[string]any)["agentRead"], "the visitor sees the agent read it")

	// A second visitor message arrives live in the open transcript.
	code, _ = call(t, "POST", p.base+"/api/v1/conversation/messages", visitor, `{"id":"v2","body":"I need help with my order"}`)
	require.Equal(t, 201, code)
	b.waitFor(t, `document.querySelectorAll('#transcript li').length === 2`)

	// Reply.
	b.do(t, chromedp.SendKeys(chromedp.JSPath(`document.getElementById('reply')`), "Hi! Happy to help."))
	b.click(t, `document.querySelector('#reply-form button')`)
	b.waitFor(t, `document.querySelectorAll('#transcript li.agent').length === 1`)
	b.waitFor(t, `document.getElementById('reply').value === ''`) // cleared once the 201 is in
	code, msgs := call(t, "GET", p.base+"/api/v1/conversation/messages", visitor, "")
	require.Equal(t, 200, code)
	list := msgs["messages"].([]any)
	require.Len(t, list, 3)
	last := list[2].(map[string]any)
	assert.Equal(t, "Hi! Happy to help.", last["body"])
	assert.Equal(t, "agent", last["author"])
	assert.Equal(t, "ana", last["agent"])
	assert.EqualValues(t, 1, msgs["conversation"].(map[string]any)["unread"], "the visitor has one unread reply")
	b.screenshot(t, "inbox-2-reply")

	// A form submission shows up in the submissions tab, as text.
	code, _ = call(t, "POST", p.base+"/api/v1/forms/contact/submissions", visitor, inboxContactForm)
	require.Equal(t, 201, code)
	b.waitFor(t, `document.getElementById('tab-submissions').textContent.includes('(1)')`)
	b.click(t, `document.getElementById('tab-submissions')`)
	b.waitFor(t, `document.querySelectorAll('#submission-list li').length === 1`)
	assert.Contains(t, eval[string](t, b, `document.querySelector('#submission-list').textContent`), "Where is my parcel? <img src=x onerror=alert(1)>")
	assert.Zero(t, eval[int](t, b, `document.querySelectorAll('#submission-list img').length`), "submission text is not HTML")
	b.screenshot(t, "inbox-3-submissions")
	b.click(t, `document.getElementById('tab-conversations')`)

	// Ban through the dialog, with the visitor's network for 7 days: the
	// visitor is refused with the reason, and so is a fresh start (a visitor
	// who cleared their storage) from the same address.
	b.click(t, `document.getElementById('ban-open')`)
	b.waitFor(t, `document.getElementById('ban-dialog').open`)
	assert.True(t, eval[bool](t, b, `document.getElementById('ban-days').disabled`), "days only for a network ban")
	b.do(t, chromedp.SetValue(chromedp.JSPath(`document.getElementById('ban-reason')`), "abuse"))
	b.click(t, `document.getElementById('ban-scope-network')`)
	b.do(t, chromedp.SetValue(chromedp.JSPath(`document.getElementById('ban-days')`), "7"))
	b.screenshot(t, "inbox-4-ban-dialog")
	b.click(t, `document.getElementById('ban')`)
	b.waitFor(t, `!document.getElementById('ban-dialog').open`)
	b.waitFor(t, `document.getElementById('banned-note').textContent.startsWith('Banned (abuse); network blocked until ')`)
	code, refused := call(t, "POST", p.base+"/api/v1/conversation/messages", visitor, `{"id":"v3","body":"let me back"}`)
	assert.Equal(t, 403, code)
	assert.Equal(t, "banned", refused["code"])
	assert.Equal(t, "abuse", refused["reason"])
	code, refused = call(t, "POST", p.base+"/api/v1/conversations", "", `{}`)
	assert.Equal(t, 403, code, "a new conversation from the blocked network")
	assert.Equal(t, "banned", refused["code"])
	assert.Equal(t, "abuse", refused["reason"])
	b.waitFor(t, `document.querySelector('#conversation-list .banned') !== null`)

	// A reload keeps the session (sessionStorage) and the conversation list.
	b.do(t, chromedp.Reload())
	b.waitFor(t, `document.getElementById('status').textContent === 'live'`)
	b.waitFor(t, `document.querySelectorAll('#conversation-list li').length === 1`)
	assert.Empty(t, eval[[]string](t, b, `window.__csp`), "CSP violations in the inbox")
	assert.Empty(t, b.cookies(t), "no cookies")

	// Lifting the ban frees the visitor and the network.
	b.click(t, `document.querySelector('#conversation-list button')`)
	b.waitFor(t, `document.getElementById('banned-note').textContent.includes('network blocked')`)
	b.click(t, `document.getElementById('unban')`)
	b.waitFor(t, `document.getElementById('banned-note').textContent === ''`)
	code, _ = call(t, "GET", p.base+"/api/v1/conversation", visitor, "")
	assert.Equal(t, 200, code)
	code, _ = call(t, "POST", p.base+"/api/v1/conversations", "", `{}`)
	assert.Equal(t, 201, code)

	// Log out: the token is gone and no longer accepted.
	token := eval[string](t, b, `JSON.parse(sessionStorage.getItem('crumbless-console-session')).data.token`)
	b.click(t, `document.getElementById('logout')`)
	b.waitFor(t, `document.getElementById('login-view').hidden === false`)
	assert.False(t, eval[bool](t, b, `sessionStorage.getItem('crumbless-console-session') !== null`))
	require.Eventually(t, func() bool {
		code, _ := call(t, "GET", p.base+"/api/v1/agent/conversations", token, "")
		return code == 401
	}, 5e9, 1e8)
}

// inboxDirections walks the inbox page: every text node holding the marker
// (text from a visitor, an agent or a form) must sit in an element with
// dir="auto" or in a <bdi>, and every field an agent types into must have
// dir="auto". It returns the texts found and the elements that break it.
const inboxDirections = `(() => {
  const marker = 'Zulu', found = [], bad = [];
  const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n; (n = w.nextNode());) {
    if (!n.data.includes(marker)) continue;
    found.push(n.data);
    const el = n.parentElement;
    if (el.getAttribute('dir') !== 'auto' && el.localName !== 'bdi') bad.push('no dir=auto on <' + el.localName + '> holding ' + JSON.stringify(n.data));
  }
  for (const el of document.querySelectorAll('textarea, input:not([type=checkbox]):not([type=radio]):not([type=password])')) {
    if (el.getAttribute('dir') !== 'auto') bad.push('no dir=auto on the field #' + el.id);
  }
  return {found, bad};
})()`

type directions struct {
	Found []string `json:"found"`
	Bad   []string `json:"bad"`
}

// TestInboxContentTakesItsOwnDirection: in the (English) inbox, a visitor's
// Arabic message reads right to left and an English one left to right, each
// in its own element with dir="auto"; the agent's name and reply, the
// conversation list's preview and the form submissions' values likewise.
func TestInboxContentTakesItsOwnDirection(t *testing.T) {
	data := t.TempDir()
	addAgent(t, data, "Zulu_ana", "correct horse")
	p := startChatProcess(t, data)
	b := newBrowser(t)
	inboxLogin(t, b, p.base, "Zulu_ana", "correct horse")

	code, start := call(t, "POST", p.base+"/api/v1/conversations", "", `{"site":"demo"}`)
	require.Equal(t, 201, code)
	visitor := start["token"].(string)
	const english, arabic = "Zulu, where is my parcel?", "مرحبا Zulu، أين طردي؟"
	code, _ = call(t, "POST", p.base+"/api/v1/conversation/messages", visitor, `{"id":"v1","body":"`+english+`"}`)
	require.Equal(t, 201, code)
	code, _ = call(t, "POST", p.base+"/api/v1/conversation/messages", visitor, `{"id":"v2","body":"`+arabic+`"}`)
	require.Equal(t, 201, code)
	code, _ = call(t, "POST", p.base+"/api/v1/forms/contact/submissions", visitor,
		`{"id":"s1","fields":{"name":"Zulu Ada","email":"ada@example.com","topic":"Order","message":"Zulu أين طردي؟","consent":"true"}}`)
	require.Equal(t, 201, code)

	b.waitFor(t, `document.querySelector('#conversation-list .preview')?.textContent.includes('مرحبا')`)
	b.click(t, `document.querySelector('#conversation-list button')`)
	b.waitFor(t, `document.querySelectorAll('#transcript li.visitor').length === 2`)
	inboxReply(t, b, "Zulu: on its way!")

	got := eval[directions](t, b, inboxDirections)
	for _, want := range []string{english, arabic, "Zulu: on its way!", "Zulu_ana"} {
		assert.Contains(t, got.Found, want)
	}
	assert.Empty(t, got.Bad)
	assert.True(t, eval[bool](t, b, `document.querySelector('#transcript li.visitor:nth-child(1) .body').matches(':dir(ltr)')`), "the English message reads left to right")
	assert.True(t, eval[bool](t, b, `document.querySelector('#transcript li.visitor:nth-child(2) .body').matches(':dir(rtl)')`), "the Arabic message reads right to left")

	b.click(t, `document.getElementById('tab-submissions')`)
	b.waitFor(t, `document.querySelectorAll('#submission-list li').length === 1`)
	got = eval[directions](t, b, inboxDirections)
	for _, want := range []string{"Zulu Ada", "Zulu أين طردي؟"} {
		assert.Contains(t, got.Found, want)
	}
	assert.Empty(t, got.Bad)
	b.screenshot(t, "inbox-directions")
}
