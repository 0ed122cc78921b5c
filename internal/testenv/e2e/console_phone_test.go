//go:build e2e

package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestConsoleOnAPhone signs in to the console on a 375×667 phone: the list
// fills the screen, an open conversation takes the whole screen with a way
// back that keeps the draft and the keyboard focus in place, and no view is
// wider than the screen. On a desktop the list stays beside the
// conversation and the way back is not shown.
func TestConsoleOnAPhone(t *testing.T) {
	data := t.TempDir()
	addAgent(t, data, "ana", "correct horse")
	p := startChatProcess(t, data)
	for i, body := range []string{"Do you ship to Norway?", "Is the shop open on Sunday?"} {
		code, start := call(t, "POST", p.base+"/api/v1/conversations", "", `{"site":"demo"}`)
		require.Equal(t, 201, code)
		code, _ = call(t, "POST", p.base+"/api/v1/conversation/messages", start["token"].(string), `{"id":"v`+string(rune('1'+i))+`","body":"`+body+`"}`)
		require.Equal(t, 201, code)
	}
	const (
		shown      = `(id => getComputedStyle(document.getElementById(id)).display !== 'none' && document.getElementById(id).offsetParent !== null)`
		fitsScreen = `document.documentElement.scrollWidth <= innerWidth`
		// cutOff lists what in a view reaches past the screen's right edge
		// where the visitor cannot scroll to it: outside every
		// horizontally scrollable box.
		cutOff = `(id => [...document.getElementById(id).querySelectorAll('*')].filter(e => {
			if (e.getBoundingClientRect().right <= innerWidth + 0.5) return false
			for (let a = e.parentElement; a && a.id !== id; a = a.parentElement) {
				if (/auto|scroll/.test(getComputedStyle(a).overflowX) && a.getBoundingClientRect().right <= innerWidth + 0.5) return false
			}
			return true
		}).map(e => e.tagName + (e.id ? '#' + e.id : '') + ' ' + e.textContent.slice(0, 30)))`
	)

	b := newBrowser(t)
	phone(t, b, 375, 667)
	inboxLogin(t, b, p.base, "ana", "correct horse")
	b.waitFor(t, `document.querySelectorAll('#conversation-list button').length === 2`)
	assert.True(t, eval[bool](t, b, shown+`('list-panel')`), "the list shows before a conversation is open")
	assert.True(t, eval[bool](t, b, fitsScreen), "the list fits the screen")

	b.click(t, `document.querySelector('#conversation-list button[data-id="2"]')`)
	b.waitFor(t, `document.querySelectorAll('#transcript li').length === 1`)
	assert.False(t, eval[bool](t, b, shown+`('list-panel')`), "an open conversation takes the whole screen")
	assert.True(t, eval[bool](t, b, shown+`('back')`), "with a way back to the list")
	assert.True(t, eval[bool](t, b, `document.getElementById('reply').getBoundingClientRect().right <= innerWidth`), "the reply field fits the screen")
	assert.True(t, eval[bool](t, b, fitsScreen), "the conversation fits the screen")
	assert.Empty(t, eval[[]string](t, b, cutOff+`('conversations-pane')`), "cut off at the screen's edge in the conversation")
	b.do(t, chromedp.SendKeys(chromedp.JSPath(`document.getElementById('reply')`), "Yes, we do"))
	b.screenshot(t, "console-phone-conversation")

	b.click(t, `document.getElementById('back')`)
	b.waitFor(t, `document.getElementById('conversation').hidden && `+shown+`('list-panel')`)
	assert.Equal(t, "2", eval[string](t, b, `document.activeElement.dataset.id`), "the focus is on the conversation's entry")
	b.click(t, `document.querySelector('#conversation-list button[data-id="2"]')`)
	b.waitFor(t, `document.getElementById('reply').value === 'Yes, we do'`)

	for _, view := range []string{"submissions", "stats", "settings"} {
		b.click(t, `document.getElementById('tab-`+view+`')`)
		b.waitFor(t, `document.getElementById('`+view+`-pane').hidden === false`)
		if view == "stats" {
			b.waitFor(t, `document.querySelector('#stats-body svg') !== null && document.getElementById('stats-status').textContent === ''`)
		}
		assert.True(t, eval[bool](t, b, fitsScreen), "the %s view fits the screen", view)
		assert.Empty(t, eval[[]string](t, b, cutOff+`('`+view+`-pane')`), "cut off at the screen's edge in the %s view", view)
	}
	b.screenshot(t, "console-phone-settings")

	desk := newBrowser(t)
	inboxLogin(t, desk, p.base, "ana", "correct horse")
	desk.click(t, `document.querySelector('#conversation-list button[data-id="1"]')`)
	desk.waitFor(t, `document.querySelectorAll('#transcript li').length === 1`)
	assert.True(t, eval[bool](t, desk, shown+`('list-panel')`), "on a desktop the list stays beside the conversation")
	assert.False(t, eval[bool](t, desk, shown+`('back')`), "and there is no way back to show")
}
