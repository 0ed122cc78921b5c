//go:build e2e

package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
)

// TestWorkflowTwoAgents: two agents in two consoles and a visitor in the
// widget. The visitor writes; both consoles list it under "Unassigned";
// ana takes it and bo's console sees it leave "Unassigned" live. Ana
// resolves it: the widget shows the rating prompt; the visitor writes a
// comment and rates it good; ana's console shows the rating on the conversation and
// in the totals.
func TestWorkflowTwoAgents(t *testing.T) {
	data := t.TempDir()
	addAgent(t, data, "ana", "correct horse")
	addAgent(t, data, "bo", "battery staple")
	p := startChatProcess(t, data)

	visitor := newBrowser(t)
	openWidget(t, visitor, p.base)
	visitor.click(t, q(`[data-go=chat]`))
	visitor.waitFor(t, viewName+` == 'chat'`)
	visitor.sendInWidget(t, "Can I change my order?")

	ana := newBrowser(t)
	inboxLogin(t, ana, p.base, "ana", "correct horse")
	bo := newBrowser(t)
	inboxLogin(t, bo, p.base, "bo", "battery staple")
	for _, b := range []*browser{ana, bo} {
		b.click(t, `document.getElementById('assigned-unassigned')`)
		b.waitFor(t, `document.getElementById('assigned-unassigned').getAttribute('aria-pressed') === 'true'`)
		b.waitFor(t, `document.querySelectorAll('#conversation-list li').length === 1`)
		b.waitFor(t, `document.getElementById('state-open').textContent === 'Open (1)'`)
	}

	// Ana takes it: bo's "Unassigned" loses it, live.
	ana.click(t, `document.querySelector('#conversation-list button')`)
	ana.waitFor(t, `document.querySelectorAll('#transcript li.visitor').length === 1`)
	ana.click(t, `document.getElementById('take')`)
	ana.waitFor(t, `document.getElementById('assign').value === 'ana'`)
	bo.waitFor(t, `document.querySelectorAll('#conversation-list li').length === 0`)
	bo.waitFor(t, `document.getElementById('state-open').textContent === 'Open (0)'`)
	bo.click(t, `document.getElementById('assigned-all')`)
	bo.waitFor(t, `document.querySelector('#conversation-list .assignee')?.textContent === 'Assigned: ana'`)
	bo.screenshot(t, "workflow-1-taken")

	// Ana resolves it: the visitor is asked for a rating.
	ana.click(t, `document.getElementById('resolve')`)
	ana.waitFor(t, `document.getElementById('state-note').textContent === 'Resolved'`)
	ana.waitFor(t, `document.getElementById('reopen').hidden === false`)
	bo.waitFor(t, `document.getElementById('state-resolved').textContent === 'Resolved (1)'`)
	rate := `form[aria-labelledby="cl-rate-h"]`
	visitor.waitFor(t, q(rate)+` && !`+q(rate)+`.hidden`)
	visitor.do(t, chromedp.SendKeys(chromedp.JSPath(q(rate+` textarea`)), "Quick <b>and</b> kind"))
	visitor.screenshot(t, "workflow-2-prompt")
	assert.Equal(t, "Good", eval[string](t, visitor, q(rate+` button[value=good]`)+`.textContent`))
	visitor.click(t, q(rate+` button[value=good]`))
	visitor.waitFor(t, `getComputedStyle(`+q(rate+` [role=status]`)+`).display !== 'none'`)
	assert.Equal(t, "Thank you for your rating.", eval[string](t, visitor, q(rate+` [role=status]`)+`.textContent`))
	visitor.screenshot(t, "workflow-3-rated")

	// Ana's console shows the rating, as text.
	ana.waitFor(t, `document.getElementById('rating-note').textContent === 'Rated good Quick <b>and</b> kind'`)
	assert.Zero(t, eval[int](t, ana, `document.querySelectorAll('#rating-note b').length`), "visitor text is not HTML")
	ana.waitFor(t, `document.getElementById('rating-totals').textContent === 'Ratings: 1 good, 0 bad'`)
	ana.screenshot(t, "workflow-4-rating")
}
