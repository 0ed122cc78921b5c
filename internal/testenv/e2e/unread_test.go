//go:build e2e

package e2e

import (
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	badge       = shadow + `.querySelector('button.launcher .badge')`
	badgeShows  = badge + `?.hidden === false && ` + badge + `.textContent`
	storedCount = `JSON.parse(localStorage.getItem('crumbless-unread') || 'null')?.data`
)

// TestUnreadBadgeAcrossTabs: two tabs of one browser. The visitor writes in
// tab A and closes the panel; tab B has the widget loaded and closed. An
// agent replies through the agent API: the badge appears on both closed
// launchers (the stream stays connected while closed), state and the
// unread event say 1. Opening the chat in tab A reads the reply: the
// badge goes in both tabs, and the agent sees the visitor's read cursor on
// the reply.
func TestUnreadBadgeAcrossTabs(t *testing.T) {
	p, agent := startWithAgent(t)

	a := newBrowser(t)
	openWidget(t, a, p.base)
	a.click(t, q(`[data-go=chat]`))
	a.waitFor(t, q(`#cl-composer`)+` != null`)
	a.sendInWidget(t, "Is my order on its way?")
	a.click(t, q(`button.close`))
	a.waitFor(t, panel+`.hidden`)
	eval[any](t, a, `window.__unread = []; crumbless('on', 'unread', d => __unread.push(d.unread)), 0`)

	b := a.newTab(t) // a second tab of the same browser
	b.do(t, chromedp.Navigate(p.base+"/"))
	b.waitFor(t, launcher+` != null`)
	b.click(t, launcher) // loads the runtime in tab B too
	b.waitFor(t, panelReady)
	b.click(t, q(`button.close`))
	b.waitFor(t, panel+`.hidden`)

	convURL := onlyConversation(t, p, agent)
	code, reply := call(t, "POST", convURL+"/messages", agent, `{"id":"a1","body":"Yes, it arrives tomorrow."}`)
	require.Equal(t, 201, code)
	replyID := reply["message"].(map[string]any)["id"].(float64)

	for name, tab := range map[string]*browser{"A": a, "B": b} {
		tab.waitFor(t, badgeShows+` == '1'`)
		assert.Equal(t, "Open chat, 1 unread message", eval[string](t, tab, launcher+`.getAttribute('aria-label')`), "tab "+name)
		assert.Equal(t, float64(1), evalPromise[map[string]any](t, tab, `crumbless('state')`)["unread"], "tab "+name)
		assert.False(t, eval[bool](t, tab, `!`+panel+`.hidden`), "tab %s: the panel stayed closed", name)
	}
	assert.Equal(t, 1, eval[int](t, a, storedCount), "stored for the loader and the other tabs")
	assert.Equal(t, []int{1}, eval[[]int](t, a, `__unread`), "the unread event")
	code, view := call(t, "GET", convURL, agent, "")
	require.Equal(t, 200, code)
	assert.Less(t, view["conversation"].(map[string]any)["visitorRead"].(float64), replyID, "not read while the panel is closed")
	a.screenshot(t, "unread-badge-closed")

	// Opening the chat in tab A (the tab in front) reads the reply.
	_, err := chromedp.Call(a.ctx, page.BringToFront, cdp.Empty{})
	require.NoError(t, err)
	a.click(t, launcher)
	a.waitFor(t, viewName+` == 'chat'`)
	a.waitFor(t, q(`.msg.agent .bubble`)+`?.textContent == 'Yes, it arrives tomorrow.'`)
	a.waitFor(t, badge+`.hidden`)
	b.waitFor(t, badge+`.hidden`)
	assert.Equal(t, "Open chat", eval[string](t, b, launcher+`.getAttribute('aria-label')`))
	assert.Equal(t, float64(0), evalPromise[map[string]any](t, b, `crumbless('state')`)["unread"])
	assert.Equal(t, 0, eval[int](t, b, storedCount))
	assert.Equal(t, []int{1, 0}, eval[[]int](t, a, `__unread`))
	eventually(t, func() bool {
		_, view := call(t, "GET", convURL, agent, "")
		return view["conversation"].(map[string]any)["visitorRead"].(float64) == replyID
	}, "the agent sees the visitor's read cursor on the reply")
	assert.Empty(t, a.cookies(t), "no cookies")
}
