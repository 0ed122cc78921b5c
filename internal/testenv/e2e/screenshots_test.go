//go:build e2e

package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReadmeScreenshots takes the README's pictures of the demo page
// (out/e2e/readme-*.png; make screenshots copies them to docs/images/):
// Home in the light theme once its answers and the team's presence are in,
// then a conversation with an agent's reply in the dark theme. It checks
// what each picture is meant to show before taking it.
func TestReadmeScreenshots(t *testing.T) {
	data := t.TempDir()
	addAgent(t, data, "Ana", "correct horse")
	p := startChatProcess(t, data)
	agent := agentLogin(t, p.base, "Ana", "correct horse")

	b := newBrowser(t)
	setScheme(t, b, "light")
	openWidget(t, b, p.base)
	b.waitFor(t, shadow+`.querySelectorAll('.home .row').length >= 3`)
	b.waitFor(t, q(`.avail`)+`?.textContent.includes('email')`)
	assert.Equal(t, "How can we help?", eval[string](t, b, q(`#cl-home-h`)+`.textContent`))
	b.screenshot(t, "readme-home")

	b.do(t, chromedp.Evaluate[chromedp.Void](`crumbless('theme', 'dark')`))
	b.click(t, q(`[data-go=chat]`))
	b.waitFor(t, viewName+` == 'chat'`)
	b.sendInWidget(t, "Do you have Piranesi in paperback?")
	code, _ := call(t, "POST", onlyConversation(t, p, agent)+"/messages", agent,
		`{"id":"a1","body":"Yes, two copies. Shall I put one aside for you?"}`)
	require.Equal(t, 201, code)
	b.waitFor(t, q(`.msg.agent .bubble`)+`?.textContent == 'Yes, two copies. Shall I put one aside for you?'`)
	assert.Equal(t, "dark", evalPromise[string](t, b, `crumbless('state').then(s => s.theme)`))
	b.screenshot(t, "readme-chat")
}
