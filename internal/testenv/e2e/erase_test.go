//go:build e2e

package e2e

import (
	"net/http"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// acceptDialogs answers yes to every JavaScript dialog the page opens (the
// widget's confirmation) and returns what they asked.
func acceptDialogs(t *testing.T, b *browser) func() []string {
	t.Helper()
	var mu sync.Mutex
	var asked []string
	require.NoError(t, chromedp.Listen(b.ctx, func(ev any) {
		if e, ok := ev.(*page.EventJavascriptDialogOpening); ok {
			mu.Lock()
			asked = append(asked, e.Message)
			mu.Unlock()
			go chromedp.Call(b.ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
		}
	}))
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), asked...)
	}
}

// TestVisitorErasesFromThePrivacyView: a visitor chats and sends the
// contact form in the widget, both reach the inbox; then the visitor
// deletes everything from the Privacy view, after a confirmation that
// says what goes: the inbox drops the conversation and its submission
// live, the server answers the old token with 401, and the browser keeps
// no key of the widget.
func TestVisitorErasesFromThePrivacyView(t *testing.T) {
	data := t.TempDir()
	addAgent(t, data, "ana", "correct horse")
	p := startChatProcess(t, data)

	visitor := newBrowser(t)
	asked := acceptDialogs(t, visitor)
	openWidget(t, visitor, p.base)
	visitor.click(t, q(`[data-go=chat]`))
	visitor.waitFor(t, q(`#cl-composer`)+` != null`)
	visitor.do(t, chromedp.SendKeys(chromedp.JSPath(q(`#cl-composer`)), "Please call me about order AB123456"))
	visitor.click(t, q(`.composer .send`))
	visitor.waitFor(t, q(`.msg.visitor .msg-state.sent`)+` != null`)
	token := eval[string](t, visitor, `JSON.parse(localStorage.getItem('crumbless-visitor')).data`)
	require.NotEmpty(t, token)

	// The contact form, sent from the same widget.
	visitor.do(t, chromedp.Evaluate[chromedp.Void](`crumbless('navigate', 'forms/contact')`))
	visitor.waitFor(t, q(`#cl-f-name`)+` != null`)
	visitor.do(t, chromedp.SendKeys(chromedp.JSPath(q(`#cl-f-name`)), "Ada Lovelace"))
	visitor.do(t, chromedp.SendKeys(chromedp.JSPath(q(`#cl-f-email`)), "ada@example.com"))
	visitor.do(t, chromedp.Evaluate[chromedp.Void](`(() => { const s = `+q(`#cl-f-topic`)+`; s.value = 'Order'; s.dispatchEvent(new Event('change')) })()`))
	visitor.do(t, chromedp.SendKeys(chromedp.JSPath(q(`#cl-f-message`)), "Call me on +31 6 1234 5678, please."))
	visitor.click(t, q(`#cl-f-consent`))
	visitor.click(t, q(`form button[type=submit]`))
	visitor.waitFor(t, q(`.success`)+` != null`)

	// Both are in the inbox, the submission linked to the conversation.
	agent := newBrowser(t)
	inboxLogin(t, agent, p.base, "ana", "correct horse")
	agent.waitFor(t, `document.querySelectorAll('#conversation-list li').length === 1`)
	agent.waitFor(t, `document.querySelectorAll('#submission-list li').length === 1`)
	assert.Contains(t, eval[string](t, agent, `document.querySelector('#submission-list li small').textContent`), "visitor #")
	code, exported := call(t, "GET", p.base+"/api/v1/conversation/export", token, "")
	require.Equal(t, http.StatusOK, code)
	require.Len(t, exported["submissions"], 1, "the form belongs to the conversation")

	// The Privacy view: "Forget me", with the server too.
	visitor.do(t, chromedp.Evaluate[chromedp.Void](`crumbless('navigate', 'privacy')`))
	visitor.waitFor(t, q(`.forget input[type=checkbox]`)+` != null`)
	visitor.click(t, q(`.forget input[type=checkbox]`))
	visitor.click(t, q(`.forget button`))
	visitor.waitFor(t, q(`.forget [role=status]`)+`.textContent == 'Done. Deleted from the server and from this browser.'`)
	require.Len(t, asked(), 1, "one confirmation")
	assert.Contains(t, asked()[0], "the forms you sent from this chat", "the confirmation says what goes")

	// The inbox drops both live; a reload finds nothing either.
	agent.waitFor(t, `document.querySelectorAll('#conversation-list li').length === 0`)
	agent.waitFor(t, `document.querySelectorAll('#submission-list li').length === 0`)
	agent.do(t, chromedp.Reload())
	agent.waitFor(t, `document.getElementById('status').textContent === 'live'`)
	assert.Zero(t, eval[int](t, agent, `document.querySelectorAll('#conversation-list li').length`))
	assert.Zero(t, eval[int](t, agent, `document.querySelectorAll('#submission-list li').length`))

	// The old token is refused; the browser keeps nothing of the widget's.
	for _, path := range []string{"/api/v1/conversation", "/api/v1/conversation/messages", "/api/v1/conversation/export"} {
		code, _ := call(t, "GET", p.base+path, token, "")
		assert.Equal(t, http.StatusUnauthorized, code, path)
	}
	visitor.waitFor(t, `localStorage.getItem('crumbless-visitor') == null`)
	assert.Empty(t, eval[[]string](t, visitor, `Object.keys(localStorage).filter(k => k.startsWith('crumbless-'))`))
	assert.Empty(t, visitor.cookies(t))
}
