//go:build e2e

package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// chatBanned is the banned state's text, as a JS string.
const chatBanned = `'This chat is not available.'`

var bannedState = q(`.log .state.banned`) + `?.textContent`

// chatRequests counts the browser's requests to the chat API: the
// conversation (create, history, messages, stream) and the availability.
func (b *browser) chatRequests() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := 0
	for _, u := range b.requests {
		if strings.Contains(u, "/api/v1/conversation") || strings.Contains(u, "/api/v1/availability") {
			n++
		}
	}
	return n
}

// banAfterHello starts the server with an agent, has a visitor write
// "Hello" in the widget and bans them through the agent API with ban (the
// request's body); it returns the visitor's browser, the agent's token and
// the conversation's agent API address.
func banAfterHello(t *testing.T, ban string) (*browser, string, string) {
	t.Helper()
	p, agent := startWithAgent(t)
	b := newBrowser(t)
	openWidget(t, b, p.base)
	b.click(t, q(`[data-go=chat]`))
	b.waitFor(t, q(`#cl-composer`)+` != null`)
	b.sendInWidget(t, "Hello")
	convURL := onlyConversation(t, p, agent)
	code, _ := call(t, "POST", convURL+"/ban", agent, ban)
	require.Equal(t, 200, code)
	return b, agent, convURL
}

// TestBannedVisitorInTheWidget: an agent bans a visitor (and their network)
// through the agent API. The open widget says "This chat is not available"
// instead of a composer, and keeps the flag crumbless-banned for a day.
// A reload keeps the state and makes no chat request (counted through CDP);
// answers and forms still work. Forget removes the flag and offers the chat
// again, but the server refuses a new conversation from the blocked network
// and the widget is banned again.
func TestBannedVisitorInTheWidget(t *testing.T) {
	b, _, _ := banAfterHello(t, `{"reason":"abuse","network":true,"days":7}`)

	// The open widget hears the ban on its stream.
	b.waitFor(t, bannedState+` == `+chatBanned)
	assert.True(t, eval[bool](t, b, q(`form.composer`)+`.hidden`), "no composer")
	assert.Zero(t, eval[int](t, b, shadow+`.querySelectorAll('.log .msg, .msg-state.failed').length`), "no messages, nothing 'Not sent'")
	b.waitFor(t, `localStorage.getItem('crumbless-banned') != null`)
	flag := eval[map[string]any](t, b, `JSON.parse(localStorage.getItem('crumbless-banned'))`)
	assert.Equal(t, true, flag["data"])
	now := float64(time.Now().UnixMilli())
	assert.InDelta(t, now+24*3600*1000, flag["exp"].(float64), 60_000, "the flag lives a day")
	b.screenshot(t, "chat-banned")

	// A reload keeps the state and asks the chat API nothing.
	before := b.chatRequests()
	b.do(t, chromedp.Reload())
	b.waitFor(t, launcher+` != null`)
	b.waitFor(t, panel+`?.getAttribute('data-view') == 'chat'`)
	b.waitFor(t, bannedState+` == `+chatBanned)
	b.do(t, chromedp.Evaluate[chromedp.Void](`crumbless('navigate', 'home')`))
	b.waitFor(t, availText+` == `+chatBanned)

	// Answers and forms still work.
	b.do(t, chromedp.Evaluate[chromedp.Void](`crumbless('navigate', 'answers')`))
	b.waitFor(t, shadow+`.querySelectorAll('.results .row').length > 0`)
	b.click(t, q(`.results .row`))
	b.waitFor(t, q(`article.article #cl-article-h`)+` != null`)
	b.do(t, chromedp.Evaluate[chromedp.Void](`crumbless('navigate', 'forms/contact')`))
	b.waitFor(t, q(`#cl-f-name`)+` != null`)
	time.Sleep(500 * time.Millisecond) // a stream or fetch would have started by now
	assert.Equal(t, before, b.chatRequests(), "no chat request after the reload")

	// Forget removes the flag and offers the chat again; the blocked network
	// cannot start a new conversation, and the widget is banned again.
	eval[any](t, b, `crumbless('forget'), 0`)
	b.waitFor(t, `localStorage.getItem('crumbless-banned') == null`)
	b.do(t, chromedp.Evaluate[chromedp.Void](`crumbless('navigate', 'chat')`))
	b.waitFor(t, q(`#cl-composer`)+` != null && !`+q(`form.composer`)+`.hidden`)
	b.do(t, chromedp.SendKeys(chromedp.JSPath(q(`#cl-composer`)), "let me back"))
	b.click(t, q(`.composer .send`))
	b.waitFor(t, bannedState+` == `+chatBanned)
	b.waitFor(t, `localStorage.getItem('crumbless-banned') != null`)
	assert.True(t, eval[bool](t, b, `localStorage.getItem('crumbless-visitor') == null`), "no conversation was started")
	assert.Empty(t, b.cookies(t), "no cookies")
}

// TestBanReachesEveryTab: of two tabs of a banned visitor, the one holding
// the stream hears the ban and the other follows (tab bus, storage event);
// a tab opened later starts banned.
func TestBanReachesEveryTab(t *testing.T) {
	r, anchor, a, b := twoTabsAfter(t, "Hello from A")
	b.openChat(t, r.base())
	b.waitFor(t, q(`.msg.visitor .bubble`)+`?.textContent == 'Hello from A'`)

	code, _ := call(t, "POST", r.conversationURL(t)+"/ban", r.agent, `{"reason":"spam"}`)
	require.Equal(t, 200, code)
	for _, tb := range []*tab{a, b} {
		tb.waitFor(t, bannedState+` == `+chatBanned)
		tb.waitFor(t, q(`form.composer`)+`.hidden`)
	}
	assert.NotNil(t, eval[any](t, b.browser, `localStorage.getItem('crumbless-banned')`))

	c := openTab(t, anchor, "C")
	openWidget(t, c.browser, r.base())
	c.waitFor(t, availText+` == `+chatBanned)
	c.do(t, chromedp.Evaluate[chromedp.Void](`crumbless('navigate', 'chat')`))
	c.waitFor(t, bannedState+` == `+chatBanned)
}

// TestBanFlagRunsOutAndAsksAgain: the widget's banned flag lives a day.
// Run out while the ban holds, the widget asks the server again when it
// loads the conversation, is refused and is flagged for another day; run
// out after an agent lifted the ban, the visitor chats again and the agent
// gets the message.
func TestBanFlagRunsOutAndAsksAgain(t *testing.T) {
	b, agent, convURL := banAfterHello(t, `{"reason":"spam"}`)
	b.waitFor(t, `localStorage.getItem('crumbless-banned') != null`)

	// runOut moves the flag's expiry into the past and reloads the page on
	// the chat view, as a visitor coming back a day later.
	runOut := func() {
		t.Helper()
		eval[any](t, b, `(() => { const k = 'crumbless-banned', e = JSON.parse(localStorage.getItem(k));
			e.exp = Date.now() - 1000; localStorage.setItem(k, JSON.stringify(e)); return 0 })()`)
		b.do(t, chromedp.Reload())
		b.waitFor(t, launcher+` != null`)
		b.waitFor(t, panel+`?.getAttribute('data-view') == 'chat'`)
	}

	// The ban holds: refused again, and flagged for another day.
	runOut()
	b.waitFor(t, bannedState+` == `+chatBanned)
	b.waitFor(t, `JSON.parse(localStorage.getItem('crumbless-banned') || '{}').exp > Date.now()`)
	flag := eval[map[string]any](t, b, `JSON.parse(localStorage.getItem('crumbless-banned'))`)
	assert.InDelta(t, float64(time.Now().UnixMilli())+24*3600*1000, flag["exp"].(float64), 60_000, "flagged for another day")

	// The agent lifts the ban; once the flag has run out the visitor chats again.
	code, _ := call(t, "DELETE", convURL+"/ban", agent, "")
	require.Equal(t, 200, code)
	runOut()
	b.waitFor(t, q(`.msg.visitor .bubble`)+`?.textContent == 'Hello'`)
	b.waitFor(t, q(`#cl-composer`)+` != null && !`+q(`form.composer`)+`.hidden`)
	assert.Nil(t, eval[any](t, b, q(`.log .state.banned`)), "no banned state")
	assert.Nil(t, eval[any](t, b, `localStorage.getItem('crumbless-banned')`), "the run-out flag is gone")
	b.sendInWidget(t, "Back again")
	code, conv := call(t, "GET", convURL, agent, "")
	require.Equal(t, 200, code)
	var bodies []string
	for _, m := range conv["messages"].([]any) {
		bodies = append(bodies, m.(map[string]any)["body"].(string))
	}
	assert.Equal(t, []string{"Hello", "Back again"}, bodies, "the agent has the message")
	assert.Empty(t, b.cookies(t), "no cookies")
}
