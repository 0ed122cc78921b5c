//go:build e2e

package e2e

import (
	"net/http"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestConsoleMailAndWebhooks: in the console's Settings an agent sets
// their own address and "mail me", adds a webhook endpoint with chosen
// events (its secret shown once), sees it listed with its delivery log,
// and removes it; the agent API agrees at each step.
func TestConsoleMailAndWebhooks(t *testing.T) {
	p, agent := startWithAgent(t)
	b := newBrowser(t)
	inboxLogin(t, b, p.base, "ana", "correct horse")
	b.click(t, `document.getElementById('tab-settings')`)
	b.waitFor(t, `document.querySelectorAll('#hook-events input').length === 4`)
	assert.Equal(t, "This server sends no mail (it runs without -smtp).", eval[string](t, b, `document.getElementById('mail-status').textContent`))

	b.do(t, chromedp.SendKeys(chromedp.JSPath(`document.getElementById('mail-address')`), "ana@shop.example"))
	b.click(t, `document.getElementById('mail-me')`) // on by default: off
	b.click(t, `document.querySelector('#mail-form button')`)
	b.waitFor(t, `document.getElementById('mail-status').textContent === 'Saved.'`)
	code, me := call(t, "GET", p.base+"/api/v1/agent/me", agent, "")
	require.Equal(t, http.StatusOK, code)
	assert.Equal(t, "ana@shop.example", me["email"])
	assert.Equal(t, false, me["mailMe"])

	b.do(t, chromedp.SendKeys(chromedp.JSPath(`document.getElementById('hook-url')`), "https://hooks.example/crumbless"))
	b.click(t, `document.querySelector('#hook-events input[value="form.submitted"]')`) // not these two
	b.click(t, `document.querySelector('#hook-events input[value="conversation.resolved"]')`)
	b.click(t, `document.querySelector('#hook-form button')`)
	b.waitFor(t, `document.getElementById('hook-status').textContent.includes('whsec_')`)
	b.waitFor(t, `document.querySelectorAll('#hook-list li').length === 1`)
	assert.Contains(t, eval[string](t, b, `document.querySelector('#hook-list li').textContent`), "https://hooks.example/crumbless")
	code, list := call(t, "GET", p.base+"/api/v1/agent/webhooks", agent, "")
	require.Equal(t, http.StatusOK, code)
	hooks := list["webhooks"].([]any)
	require.Len(t, hooks, 1)
	assert.Equal(t, []any{"conversation.created", "message.created"}, hooks[0].(map[string]any)["events"])

	b.click(t, `document.querySelector('#hook-list li button')`) // the log
	b.waitFor(t, `!document.getElementById('hook-log-box').hidden`)
	assert.False(t, eval[bool](t, b, `document.getElementById('no-hook-log').hidden`), "no attempts yet")
	b.click(t, `document.querySelector('#hook-list li button.danger')`)
	b.waitFor(t, `document.querySelectorAll('#hook-list li').length === 0`)
	_, list = call(t, "GET", p.base+"/api/v1/agent/webhooks", agent, "")
	assert.Empty(t, list["webhooks"])
}
