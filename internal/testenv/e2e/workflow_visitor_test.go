//go:build e2e

package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const visitorFacts = `[...document.querySelectorAll('#visitor-facts dt, #visitor-facts dd')].map(e => e.textContent)`

// TestAgentTypingAndVisitorContext: the agent typing in the console shows
// in the widget as "ana is typing…" (and in the live region) and goes when
// the reply arrives; the widget sends no visitor context before the
// visitor wrote, then the console shows where the chat started, language,
// zone and version beside the conversation, and where the visitor is now
// after they moved to another page with the chat open.
func TestAgentTypingAndVisitorContext(t *testing.T) {
	data := t.TempDir()
	addAgent(t, data, "ana", "correct horse")
	p := startChatProcess(t, data)

	agent := newBrowser(t)
	inboxLogin(t, agent, p.base, "ana", "correct horse")

	visitor := newBrowser(t)
	openWidget(t, visitor, p.base)
	visitor.click(t, q(`[data-go=chat]`))
	visitor.waitFor(t, viewName+` == 'chat'`)
	assert.Zero(t, visitor.requestsEndingIn("/api/v1/conversation/context"), "no context before the visitor wrote")
	assert.Zero(t, visitor.requestsEndingIn("/api/v1/conversations"), "no conversation either")

	visitor.sendInWidget(t, "Is the atlas in stock?")
	agent.waitFor(t, `document.querySelector('#conversation-list button') != null`)
	agent.click(t, `document.querySelector('#conversation-list button')`)
	agent.waitFor(t, `!document.getElementById('visitor-info').hidden && document.getElementById('visitor-facts').textContent.includes('Widget version')`)
	facts := eval[[]string](t, agent, visitorFacts)
	require.Len(t, facts, 10, "%q", facts)
	assert.Equal(t, []string{"Chat started on", "Crumbless demo — Fernhill Books /", "Now on", "Crumbless demo — Fernhill Books /", "Language", "en"}, facts[:6])
	assert.Equal(t, "Time zone", facts[6])
	assert.NotEmpty(t, facts[7])
	assert.Equal(t, "Widget version", facts[8])
	assert.NotEmpty(t, facts[9])
	agent.screenshot(t, "workflow-visitor-context")

	// The agent types: the widget says so, once in the live region.
	agent.do(t, chromedp.SendKeys(chromedp.JSPath(`document.getElementById('reply')`), "Yes, two"))
	visitor.waitFor(t, q(`.chat .typing`)+`?.textContent == "\u2068ana\u2069 is typing…"`)
	visitor.waitFor(t, shadow+`.querySelector('[aria-live=polite].sr')?.textContent == "\u2068ana\u2069 is typing…"`)
	visitor.screenshot(t, "workflow-typing")
	agent.click(t, `document.querySelector('#reply-form button')`)
	visitor.waitFor(t, q(`.msg.agent .bubble`)+`?.textContent == 'Yes, two'`)
	assert.Equal(t, "", eval[string](t, visitor, q(`.chat .typing`)+`.textContent`), "the reply ends the typing")

	// The visitor goes to another page of the site with the chat open: the
	// console shows where they are now; the start stays.
	openPanel(t, visitor, p.base+"/strict.html?order=123#top")
	agent.waitFor(t, `document.getElementById('visitor-facts').textContent.includes('/strict.html')`)
	facts = eval[[]string](t, agent, visitorFacts)
	assert.Equal(t, "Crumbless demo — Fernhill Books /", facts[1], "where the chat started")
	assert.Equal(t, "Crumbless under a strict Content-Security-Policy /strict.html", facts[3], "where the visitor is now, no query string")
	assert.NotContains(t, eval[string](t, agent, `document.getElementById('visitor-facts').textContent`), "order=123")
}

// TestBusinessHoursAndPreChat: with -hours the closed team's Home says when
// it is back; with -prechat name,email the first message asks for them,
// and the console shows them beside the conversation.
func TestBusinessHoursAndPreChat(t *testing.T) {
	data := t.TempDir()
	addAgent(t, data, "ana", "correct horse")
	hours := filepath.Join(t.TempDir(), "hours.json")
	// Open on one day a week, two days from now: closed now.
	day := time.Now().UTC().AddDate(0, 0, 2).Weekday()
	require.NoError(t, os.WriteFile(hours, []byte(`{"zone":"UTC","week":{"`+strings.ToLower(day.String()[:3])+`":["12:00-13:00"]}}`), 0o600))
	p := startChatProcess(t, data, "-hours", hours, "-prechat", "name,email")

	visitor := newBrowser(t)
	openWidget(t, visitor, p.base)
	visitor.waitFor(t, availText+`?.startsWith('Back ')`)
	text := eval[string](t, visitor, availText)
	assert.Regexp(t, `^Back `+day.String()+` \d{1,2}:00 (AM|PM)$`, text, "in the browser's zone (UTC here) and language")
	visitor.screenshot(t, "workflow-back")

	visitor.click(t, q(`[data-go=chat]`))
	visitor.waitFor(t, viewName+` == 'chat'`)
	visitor.do(t, chromedp.SendKeys(chromedp.JSPath(q(`#cl-composer`)), "Hello"))
	visitor.click(t, q(`.composer .send`))
	visitor.waitFor(t, q(`#cl-f-name`)+` != null`)
	assert.Zero(t, visitor.requestsEndingIn("/api/v1/conversations"), "nothing sent before the details")
	visitor.do(t, chromedp.SendKeys(chromedp.JSPath(q(`#cl-f-name`)), "Ana Lind"),
		chromedp.SendKeys(chromedp.JSPath(q(`#cl-f-email`)), "ana@example.com"))
	visitor.screenshot(t, "workflow-prechat")
	visitor.click(t, q(`.composer .send`))
	visitor.waitFor(t, q(`.msg.visitor .msg-state.sent`)+` != null`)
	assert.True(t, eval[bool](t, visitor, q(`.prechat`)+` == null`))

	agent := newBrowser(t)
	inboxLogin(t, agent, p.base, "ana", "correct horse")
	agent.click(t, `document.querySelector('#conversation-list button')`)
	agent.waitFor(t, `document.getElementById('visitor-facts').textContent.includes('ana@example.com')`)
	facts := eval[[]string](t, agent, visitorFacts)
	assert.Equal(t, []string{"Name", "Ana Lind", "Email", "ana@example.com"}, facts[:4])
}

// TestPreChatFromASecondTab: the visitor types the pre-chat details and
// the first message in a tab that does not lead (another tab of theirs
// holds the stream and starts the conversation): the details reach the
// start, the message is sent, and the agent sees the name and address;
// the details are kept in no storage.
func TestPreChatFromASecondTab(t *testing.T) {
	r := newRig(t, "-prechat", "name,email")
	_, tabs := newTabs(t, 2)
	for _, tb := range tabs {
		tb.openChat(t, r.base())
	}
	lead := leaderOf(t, tabs)
	follower := without(tabs, lead)[0]

	follower.send(t, "Hello from my second tab")
	follower.waitFor(t, q(`#cl-f-name`)+` != null`)
	follower.do(t, chromedp.SendKeys(chromedp.JSPath(q(`#cl-f-name`)), "Bo Berg"),
		chromedp.SendKeys(chromedp.JSPath(q(`#cl-f-email`)), "bo@example.com"))
	follower.click(t, q(`.composer .send`))
	follower.waitFor(t, q(`.msg.visitor .msg-state.sent`)+` != null`)
	assert.Equal(t, []string{lead.name}, leaders(t, tabs), "sent through the leading tab")
	for _, tb := range tabs {
		assert.NotContains(t, eval[string](t, tb.browser, `JSON.stringify([localStorage, sessionStorage].map(s => Object.values(s)))`), "bo@example.com",
			"tab %s: the details are in no storage once sent", tb.name)
	}

	agent := newBrowser(t)
	inboxLogin(t, agent, r.base(), "ana", "correct horse")
	agent.click(t, `document.querySelector('#conversation-list button')`)
	agent.waitFor(t, `document.getElementById('visitor-facts').textContent.includes('bo@example.com')`)
	assert.Equal(t, []string{"Name", "Bo Berg", "Email", "bo@example.com"}, eval[[]string](t, agent, visitorFacts)[:4])
}
