//go:build e2e

package e2e

import (
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The home view's availability line in English.
const (
	teamOnline  = "The team is online and usually replies in a few minutes."
	teamOffline = "Find an answer right away, or write to us and we will reply by email."
	availText   = shadow + `.querySelector('.avail')?.textContent`
)

// addAgent creates an agent account with the CLI, as an operator would,
// in store: a data folder, or a PostgreSQL URL.
func addAgent(t *testing.T, store, name, password string) {
	t.Helper()
	where := "-data"
	if strings.HasPrefix(store, "postgres://") || strings.HasPrefix(store, "postgresql://") {
		where = "-db"
	}
	add := exec.Command(os.Getenv("CRUMBLESS_BIN"), "agent", "add", where, store, name)
	add.Stdin = strings.NewReader(password + "\n")
	out, err := add.CombinedOutput()
	require.NoError(t, err, string(out))
}

// inboxLogin opens /agent/ and logs in through the form.
func inboxLogin(t *testing.T, b *browser, base, name, password string) {
	t.Helper()
	b.do(t, chromedp.Navigate(base+"/agent/"))
	b.waitFor(t, `document.getElementById('login-view').hidden === false`)
	b.do(t, chromedp.SendKeys(chromedp.JSPath(`document.getElementById('login-name')`), name),
		chromedp.SendKeys(chromedp.JSPath(`document.getElementById('login-password')`), password))
	b.click(t, `document.querySelector('#login-form button')`)
	b.waitFor(t, `document.getElementById('status').textContent === 'live'`)
}

// inboxReply types a reply into the open conversation and sends it.
func inboxReply(t *testing.T, b *browser, text string) {
	t.Helper()
	n := eval[int](t, b, `document.querySelectorAll('#transcript li.agent').length`)
	b.do(t, chromedp.SendKeys(chromedp.JSPath(`document.getElementById('reply')`), text))
	b.click(t, `document.querySelector('#reply-form button')`)
	b.waitFor(t, `document.querySelectorAll('#transcript li.agent').length === `+strconv.Itoa(n+1))
}

// TestVisitorAndAgentInTheInbox is the chat end to end, both sides in a
// browser: a visitor writes in the widget; an agent, logged in to the inbox
// page (/agent/) in a second browser with an account made by
// `crumbless agent add`, sees it arrive and answers there; the reply
// appears live in the widget; with the panel closed the next reply is
// counted on the launcher's badge; opening shows it; a reload restores the
// whole conversation. The home view follows the team's presence live: it
// says the team is online once the agent opens the inbox and offline again
// after the agent left (past the -presence-grace).
func TestVisitorAndAgentInTheInbox(t *testing.T) {
	data := t.TempDir()
	addAgent(t, data, "ana", "correct horse")
	p := startChatProcess(t, data, "-presence-grace", "1s")

	visitor := newBrowser(t)
	openWidget(t, visitor, p.base)
	visitor.waitFor(t, availText+` == `+jsString(teamOffline))

	// The agent opens the inbox: the visitor's home says so, live.
	agent := newBrowser(t)
	inboxLogin(t, agent, p.base, "ana", "correct horse")
	visitor.waitFor(t, availText+` == `+jsString(teamOnline))
	assert.True(t, eval[bool](t, visitor, q(".avail")+`.classList.contains('online')`))
	visitor.screenshot(t, "inbox-widget-1-online")

	// The visitor writes.
	visitor.click(t, q(`[data-go=chat]`))
	visitor.waitFor(t, viewName+` == 'chat'`)
	visitor.sendInWidget(t, "Where is my parcel? <i>urgent</i>")

	// It arrives in the inbox with an unread badge; the agent opens it.
	agent.waitFor(t, `document.querySelector('#conversation-list .badge')?.textContent === '1'`)
	agent.click(t, `document.querySelector('#conversation-list button')`)
	agent.waitFor(t, `document.querySelector('#transcript li.visitor')?.lastChild.textContent === 'Where is my parcel? <i>urgent</i>'`)
	agent.waitFor(t, `document.querySelector('#conversation-list .badge') === null`)
	assert.Zero(t, eval[int](t, agent, `document.querySelectorAll('#transcript i').length`), "visitor text is not HTML")

	// The agent answers in the inbox: the reply appears live in the widget.
	inboxReply(t, agent, "It left our warehouse today.")
	visitor.waitFor(t, q(`.msg.agent .bubble`)+`?.textContent == 'It left our warehouse today.'`)
	assert.Equal(t, "ana", eval[string](t, visitor, q(`.msg.agent .author`)+`.textContent`))
	visitor.screenshot(t, "inbox-widget-2-reply")

	// The visitor closes the panel; the next reply is counted on the badge.
	visitor.click(t, q(`.head .close`))
	visitor.waitFor(t, panel+`.hidden`)
	inboxReply(t, agent, "It arrives tomorrow.")
	visitor.waitFor(t, q(`.launcher .badge`)+`?.textContent == '1' && !`+q(`.launcher .badge`)+`.hidden`)
	assert.Equal(t, "Open chat, 1 unread message", eval[string](t, visitor, launcher+`.getAttribute('aria-label')`))
	st := evalPromise[map[string]any](t, visitor, `crumbless('state')`)
	assert.EqualValues(t, 1, st["unread"], "crumbless('state').unread")
	visitor.screenshot(t, "inbox-widget-3-badge")

	// Opening shows the reply where the visitor left off and clears the badge.
	visitor.click(t, launcher)
	visitor.waitFor(t, shadow+`.querySelectorAll('.log .msg.agent').length == 2`)
	visitor.waitFor(t, q(`.launcher .badge`)+`.hidden`)

	// A reload restores the conversation from the server, in order.
	visitor.do(t, chromedp.Reload())
	visitor.waitFor(t, panel+`?.getAttribute('data-view') == 'chat'`)
	visitor.waitFor(t, shadow+`.querySelectorAll('.log .msg').length == 3`)
	assert.Equal(t, []string{"Where is my parcel? <i>urgent</i>", "It left our warehouse today.", "It arrives tomorrow."},
		eval[[]string](t, visitor, `[...`+shadow+`.querySelectorAll('.log .bubble')].map(e => e.textContent)`))
	assert.Zero(t, eval[int](t, visitor, shadow+`.querySelectorAll('.log i').length`), "text stays text")

	// The agent leaves the inbox: after the grace period home says offline.
	visitor.do(t, chromedp.Evaluate[chromedp.Void](`crumbless('navigate', 'home')`))
	visitor.waitFor(t, availText+` == `+jsString(teamOnline))
	agent.do(t, chromedp.Navigate("about:blank"))
	visitor.waitFor(t, availText+` == `+jsString(teamOffline))
	assert.Empty(t, visitor.cookies(t), "no cookies for the visitor")
	assert.Empty(t, agent.cookies(t), "no cookies for the agent")
}
