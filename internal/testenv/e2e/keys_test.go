//go:build e2e

package e2e

import (
	"sort"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// recordKeys records, in window.__written, every storage key the page
// writes (on a page of pageWithoutLocks: in a browser without Web Locks and
// BroadcastChannel, so that the storage fallback's keys are written too).
const recordKeys = `window.__written = new Set(); const set = Storage.prototype.setItem;` +
	`Storage.prototype.setItem = function (k, v) { __written.add(k); return set.call(this, k, v); };`

// TestEveryDisclosedKeyIsWritten is the disclosure's behavioural check: a
// visitor session that does what each key's "written when" says (opens the
// panel from an invitation, moves between views, picks a theme and a language, types, sends,
// gets a reply while the panel is closed and reads it, forgets, is banned,
// refuses storage) writes every key crumbless('disclosure') lists, and no
// other prefixed key.
func TestEveryDisclosedKeyIsWritten(t *testing.T) {
	p, agent := startWithAgent(t, "-origins", "*")
	conversation := func(n int) string { // the agent API address of the n-th conversation, oldest first
		t.Helper()
		code, list := call(t, "GET", p.base+"/api/v1/agent/conversations", agent, "")
		require.Equal(t, 200, code)
		var ids []int
		for _, c := range list["conversations"].([]any) {
			ids = append(ids, int(c.(map[string]any)["id"].(float64)))
		}
		sort.Ints(ids)
		require.Greater(t, len(ids), n, "conversations %v", ids)
		return p.base + "/api/v1/agent/conversations/" + strconv.Itoa(ids[n])
	}

	// The page invites to the chat: the visitor opens it from the teaser
	// (the invitation's markers).
	b := newBrowser(t)
	b.do(t, chromedp.Navigate(pageWithoutLocks(t, p.base, recordKeys+
		`window.crumbless=function(){(crumbless.q=crumbless.q||[]).push(arguments)}; crumbless('invite', {text: 'Welcome'});`)))
	b.waitFor(t, teaserText+` == 'Welcome'`)
	b.click(t, teaser+`.querySelector('button')`)
	b.waitFor(t, panelReady)
	eval[any](t, b, `crumbless('theme', 'dark'), crumbless('lang', 'de'), crumbless('lang', 'en'), crumbless('navigate', 'chat'), 0`)
	b.waitFor(t, q(`#cl-composer`)+` != null`)
	b.do(t, chromedp.SendKeys(chromedp.JSPath(q(`#cl-composer`)), "Hello"))
	b.waitFor(t, `sessionStorage.getItem('crumbless-draft') != null`)
	b.click(t, q(`.composer .send`))
	b.waitFor(t, q(`.msg.visitor.sent`)+` != null`)

	// A reply while the panel is closed is counted, and read once it is open.
	eval[any](t, b, `crumbless('close'), 0`)
	code, _ := call(t, "POST", conversation(0)+"/messages", agent, `{"id":"a1","body":"Hi"}`)
	require.Equal(t, 201, code)
	b.waitFor(t, `JSON.parse(localStorage.getItem('crumbless-unread'))?.data == 1`)
	eval[any](t, b, `crumbless('open'), 0`)
	b.waitFor(t, `sessionStorage.getItem('crumbless-last-read') != null`)

	// Forget, then a new conversation that the team bans.
	eval[any](t, b, `crumbless('forget'), 0`)
	b.waitFor(t, `localStorage.getItem('crumbless-visitor') == null`)
	b.waitFor(t, q(`#cl-composer`)+` != null`)
	b.do(t, chromedp.SendKeys(chromedp.JSPath(q(`#cl-composer`)), "Again"))
	b.click(t, q(`.composer .send`))
	b.waitFor(t, q(`.msg.visitor.sent`)+` != null`)
	code, _ = call(t, "POST", conversation(1)+"/ban", agent, `{"reason":"spam"}`)
	require.Equal(t, 200, code)
	b.waitFor(t, `localStorage.getItem('crumbless-banned') != null`)

	// Refusing storage is the last record kept.
	eval[any](t, b, `crumbless('consent', false), 0`)
	b.waitFor(t, `localStorage.getItem('crumbless-consent') != null`)

	written := eval[[]string](t, b, `[...__written].filter(k => k.startsWith('crumbless-')).sort()`)
	var declared []string
	for _, e := range evalPromise[[]map[string]any](t, b, `crumbless('disclosure')`) {
		declared = append(declared, e["key"].(string))
	}
	sort.Strings(declared)
	assert.Equal(t, declared, written, "the session writes every disclosed key, and nothing else")
}
