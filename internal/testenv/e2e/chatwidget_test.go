//go:build e2e

package e2e

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// agentLogin logs in with HTTP Basic and returns the agent session token.
func agentLogin(t *testing.T, base, name, password string) string {
	t.Helper()
	return agentLoginWith(t, http.DefaultClient, base, name, password)
}

// agentLoginWith is agentLogin through client c.
func agentLoginWith(t *testing.T, c *http.Client, base, name, password string) string {
	t.Helper()
	req, err := http.NewRequest("POST", base+"/api/v1/agent/sessions", nil)
	require.NoError(t, err)
	req.SetBasicAuth(name, password)
	res, err := c.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	require.Equal(t, 201, res.StatusCode, "agent login")
	var body struct {
		Token string `json:"token"`
	}
	require.NoError(t, json.NewDecoder(res.Body).Decode(&body))
	token := body.Token
	require.True(t, strings.HasPrefix(token, "ca_"), "agent token %q", token)
	return token
}

// startWithAgent runs the server with flags on a fresh data folder that
// holds the agent account "ana", made with the CLI, and returns it and
// ana's session token.
func startWithAgent(t *testing.T, flags ...string) (*chatProcess, string) {
	t.Helper()
	data := t.TempDir()
	addAgent(t, data, "ana", "correct horse")
	p := startChatProcess(t, data, flags...)
	return p, agentLogin(t, p.base, "ana", "correct horse")
}

// onlyConversation returns the agent API address of the one conversation
// on p.
func onlyConversation(t *testing.T, p *chatProcess, agent string) string {
	t.Helper()
	code, list := call(t, "GET", p.base+"/api/v1/agent/conversations", agent, "")
	require.Equal(t, http.StatusOK, code)
	convs := list["conversations"].([]any)
	require.Len(t, convs, 1, "one conversation")
	return p.base + "/api/v1/agent/conversations/" + strconv.FormatInt(int64(convs[0].(map[string]any)["id"].(float64)), 10)
}

// sendInWidget types text into the open chat view's composer, sends it and
// waits until the server has it: the visitor's message with that text is
// marked sent (earlier messages may be sent already).
func (b *browser) sendInWidget(t *testing.T, text string) {
	t.Helper()
	b.do(t, chromedp.SendKeys(chromedp.JSPath(q(`#cl-composer`)), text))
	b.click(t, q(`.composer .send`))
	b.waitFor(t, `[...`+shadow+`.querySelectorAll('.msg.visitor')].some(m => m.querySelector('.bubble')?.textContent == `+jsString(text)+` && m.querySelector('.msg-state.sent'))`)
}

// TestChatInTheWidget: a visitor writes in the widget, the conversation is
// started on the server (token under crumbless-visitor, no cookie), an agent
// reads it and answers through the agent API, the reply appears live in the
// widget, and a reload restores the whole conversation from the server.
func TestChatInTheWidget(t *testing.T) {
	p, agent := startWithAgent(t)

	b := newBrowser(t)
	openWidget(t, b, p.base)
	assert.False(t, eval[bool](t, b, `localStorage.getItem('crumbless-visitor') != null`), "no conversation before the first message")
	b.click(t, q(`[data-go=chat]`))
	b.waitFor(t, viewName+` == 'chat'`)
	b.waitFor(t, q(`.log .empty`)+` != null`)

	// The visitor writes: the message is stored on the server.
	b.sendInWidget(t, "<b>Hello</b>, where is my parcel?")
	token := eval[string](t, b, `JSON.parse(localStorage.getItem('crumbless-visitor')).data`)
	require.True(t, strings.HasPrefix(token, "cv_"), "visitor token %q", token)
	assert.Empty(t, b.cookies(t), "no cookies")

	convURL := onlyConversation(t, p, agent)
	code, transcript := call(t, "GET", convURL, agent, "")
	require.Equal(t, 200, code)
	msgs := transcript["messages"].([]any)
	require.Len(t, msgs, 1)
	assert.Equal(t, "<b>Hello</b>, where is my parcel?", msgs[0].(map[string]any)["body"])
	assert.Equal(t, "visitor", msgs[0].(map[string]any)["author"])
	assert.NotEmpty(t, msgs[0].(map[string]any)["clientId"], "sent with a client id")

	// The agent answers: the reply appears in the open widget.
	code, _ = call(t, "POST", convURL+"/messages", agent, `{"id":"a1","body":"It left our warehouse today."}`)
	require.Equal(t, 201, code)
	b.waitFor(t, q(`.msg.agent .bubble`)+`?.textContent == 'It left our warehouse today.'`)
	assert.Equal(t, "ana", eval[string](t, b, q(`.msg.agent .author`)+`.textContent`))
	assert.Zero(t, eval[int](t, b, shadow+`.querySelectorAll('.log b').length`), "visitor text is not HTML")
	b.screenshot(t, "chat-widget-reply")

	// A reload restores the conversation from the server, in order.
	b.do(t, chromedp.Reload())
	b.waitFor(t, launcher+` != null`)
	b.waitFor(t, panel+`?.getAttribute('data-view') == 'chat'`)
	b.waitFor(t, shadow+`.querySelectorAll('.log .msg').length == 2`)
	assert.Equal(t, []string{"<b>Hello</b>, where is my parcel?", "It left our warehouse today."},
		eval[[]string](t, b, `[...`+shadow+`.querySelectorAll('.log .bubble')].map(e => e.textContent)`))

	// After the reload the stream is live again: a second reply arrives.
	code, _ = call(t, "POST", convURL+"/messages", agent, `{"id":"a2","body":"It arrives tomorrow."}`)
	require.Equal(t, 201, code)
	b.waitFor(t, shadow+`.querySelectorAll('.log .msg.agent').length == 2`)
	assert.Equal(t, token, eval[string](t, b, `JSON.parse(localStorage.getItem('crumbless-visitor')).data`), "the same conversation")

	// "Forget me" lets the conversation go: the next message starts a new one.
	eval[any](t, b, `crumbless('forget'), 0`)
	b.waitFor(t, `localStorage.getItem('crumbless-visitor') == null`)
	b.do(t, chromedp.Evaluate[chromedp.Void](`crumbless('navigate', 'chat')`))
	b.waitFor(t, q(`#cl-composer`)+` != null`)
	b.do(t, chromedp.SendKeys(chromedp.JSPath(q(`#cl-composer`)), "A new question"))
	b.click(t, q(`.composer .send`))
	b.waitFor(t, `localStorage.getItem('crumbless-visitor') != null`)
	assert.NotEqual(t, token, eval[string](t, b, `JSON.parse(localStorage.getItem('crumbless-visitor')).data`), "a new conversation")
	code, list := call(t, "GET", p.base+"/api/v1/agent/conversations", agent, "")
	require.Equal(t, 200, code)
	assert.Len(t, list["conversations"].([]any), 2)
	assert.Empty(t, b.cookies(t), "no cookies")
}
