//go:build e2e

package e2e

import (
	"context"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// consoleProbe runs in a console tab before the page's scripts: it counts
// every Notification constructed (window.__notes), and lets the test
// emulate a hidden tab (window.__hidden) through document.hidden and
// visibilityState, which the console reads.
const consoleProbe = `
window.__notes = [];
window.__hidden = false;
(() => {
  const N = window.Notification;
  if (N) window.Notification = class extends N {
    constructor(title, opts) { super(title, opts); window.__notes.push({title, body: opts && opts.body}); }
  };
  Object.defineProperty(Document.prototype, 'hidden', {configurable: true, get() { return window.__hidden; }});
  Object.defineProperty(Document.prototype, 'visibilityState', {configurable: true, get() { return window.__hidden ? 'hidden' : 'visible'; }});
})();`

// probeConsole installs consoleProbe in b's tab for every page it loads.
func probeConsole(t *testing.T, b *browser) {
	t.Helper()
	_, err := chromedp.Call(b.ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: consoleProbe})
	require.NoError(t, err)
}

// setHidden emulates the tab going to the background or coming back.
func setHidden(t *testing.T, b *browser, hidden bool) {
	t.Helper()
	b.do(t, chromedp.Evaluate[chromedp.Void](`window.__hidden = `+strconv.FormatBool(hidden)+`; document.dispatchEvent(new Event('visibilitychange'))`))
}

// signIn fills in the console's sign-in form, which must be showing.
func signIn(t *testing.T, b *browser, name, password string) {
	t.Helper()
	b.waitFor(t, `document.getElementById('login-view').hidden === false`)
	b.do(t, chromedp.Evaluate[chromedp.Void](`document.getElementById('login-name').value = ''`),
		chromedp.SendKeys(chromedp.JSPath(`document.getElementById('login-name')`), name),
		chromedp.SendKeys(chromedp.JSPath(`document.getElementById('login-password')`), password))
	b.click(t, `document.querySelector('#login-form button[type=submit]')`)
}

// pressEnter presses Enter (with Shift when shift) as a keyboard does: one
// keyDown carrying the text, which the page may prevent, then keyUp.
func pressEnter(shift bool) chromedp.Action[chromedp.Void] {
	var mods int64
	if shift {
		mods = 8
	}
	return chromedp.Func(func(ctx context.Context, target *chromedp.Target) error {
		for _, typ := range []input.DispatchKeyEventType{input.DispatchKeyEventTypeKeyDown, input.DispatchKeyEventTypeKeyUp} {
			p := input.DispatchKeyEventParams{Type: typ, Modifiers: mods, Key: "Enter", Code: "Enter", WindowsVirtualKeyCode: 13, NativeVirtualKeyCode: 13}
			if typ == input.DispatchKeyEventTypeKeyDown {
				p.Text, p.UnmodifiedText = "\r", "\r"
			}
			if _, err := cdp.Call(ctx, target, input.DispatchKeyEvent, p); err != nil {
				return err
			}
		}
		return nil
	})
}

// agentCLI runs `crumbless agent ARGS…` on the data folder, as an operator would.
func agentCLI(t *testing.T, data, stdin string, args ...string) string {
	t.Helper()
	cmd := exec.Command(os.Getenv("CRUMBLESS_BIN"), append([]string{"agent", args[0], "-data", data}, args[1:]...)...)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, string(out))
	return string(out)
}

// TestConsoleNotifiesOnceAcrossTabs: an agent has two console tabs open,
// both in the background; a visitor writes from the widget in another
// browser. Exactly one notification is shown (one tab leads), both titles
// count the unread message, and the visitor's markup stays text. The agent
// answers with Shift+Enter for a new line and Enter to send; the visitor
// sees the reply live; reading the message clears the titles.
func TestConsoleNotifiesOnceAcrossTabs(t *testing.T) {
	data := t.TempDir()
	addAgent(t, data, "ana", "correct horse")
	p := startChatProcess(t, data)

	agent := newBrowser(t)
	_, err := chromedp.Call(agent.ctx, cdpbrowser.SetPermission, cdpbrowser.SetPermissionParams{
		Permission: &cdpbrowser.PermissionDescriptor{Name: "notifications"}, Setting: cdpbrowser.PermissionSettingGranted, Origin: p.base})
	require.NoError(t, err)
	probeConsole(t, agent)
	collectCSPViolations(t, agent)
	inboxLogin(t, agent, p.base, "ana", "correct horse")
	second := agent.newTab(t)
	probeConsole(t, second)
	inboxLogin(t, second, p.base, "ana", "correct horse")
	for _, tab := range []*browser{agent, second} {
		assert.Equal(t, "Crumbless", eval[string](t, tab, `document.title`))
		assert.True(t, eval[bool](t, tab, `document.getElementById('notify-enable').hidden`), "permission granted: nothing to ask")
		setHidden(t, tab, true)
	}

	const xss = `Where is my order? <img src=x onerror="window.__xss=1"><script>window.__xss=2</script>`
	visitor := newBrowser(t)
	openWidget(t, visitor, p.base)
	visitor.click(t, q(`[data-go=chat]`))
	visitor.waitFor(t, viewName+` == 'chat'`)
	visitor.sendInWidget(t, xss)

	// Both tabs count it in their titles once the conversation's event is
	// in, which follows the message's: by then each tab has decided.
	for _, tab := range []*browser{agent, second} {
		tab.waitFor(t, `document.title === '(1) Crumbless'`)
		tab.waitFor(t, `document.querySelector('#conversation-list .preview')?.textContent === `+jsString(xss))
		assert.Zero(t, eval[int](t, tab, `document.querySelectorAll('#conversation-list img, #conversation-list script').length`), "visitor text is not markup")
		assert.False(t, eval[bool](t, tab, `'__xss' in window`))
	}
	type note struct {
		Title string `json:"title"`
		Body  string `json:"body"`
	}
	notes := append(eval[[]note](t, agent, `window.__notes`), eval[[]note](t, second, `window.__notes`)...)
	require.Len(t, notes, 1, "one notification across the agent's tabs")
	assert.Equal(t, xss, notes[0].Body)
	assert.Regexp(t, `^(New conversation: v|V)isitor #1$`, notes[0].Title)
	agent.screenshot(t, "console-1-notified")

	// The agent comes back to the first tab and answers: Shift+Enter is a
	// new line, Enter sends.
	setHidden(t, agent, false)
	agent.click(t, `document.querySelector('#conversation-list button')`)
	agent.waitFor(t, `document.querySelector('#transcript li.visitor .body')?.textContent === `+jsString(xss))
	agent.waitFor(t, `document.title === 'Crumbless'`)
	second.waitFor(t, `document.title === 'Crumbless'`)
	reply := `document.getElementById('reply')`
	agent.do(t, chromedp.SendKeys(chromedp.JSPath(reply), "It left today."),
		pressEnter(true), chromedp.KeyEvent("Tracking follows."))
	assert.Equal(t, "It left today.\nTracking follows.", eval[string](t, agent, reply+`.value`), "Shift+Enter adds a line")
	agent.do(t, pressEnter(false))
	agent.waitFor(t, `document.querySelectorAll('#transcript li.agent').length === 1`)
	agent.waitFor(t, reply+`.value === ''`)
	visitor.waitFor(t, q(`.msg.agent .bubble`)+`?.textContent == 'It left today.\nTracking follows.'`)
	assert.Empty(t, eval[[]string](t, agent, `window.__csp`), "CSP violations in the console")
	assert.Empty(t, agent.cookies(t), "no cookies")
	agent.screenshot(t, "console-2-replied")
}

// TestConsoleSessionEnds: an agent's sessions ended from the CLI return
// the open console to sign-in with a message, keeping the reply being
// typed; a new password works; a removed agent's console goes to sign-in
// and cannot sign in again.
func TestConsoleSessionEnds(t *testing.T) {
	data := t.TempDir()
	addAgent(t, data, "ana", "correct horse")
	p := startChatProcess(t, data)
	code, start := call(t, "POST", p.base+"/api/v1/conversations", "", `{"site":"demo"}`)
	require.Equal(t, 201, code)
	code, _ = call(t, "POST", p.base+"/api/v1/conversation/messages", start["token"].(string), `{"id":"v1","body":"Hello?"}`)
	require.Equal(t, 201, code)

	b := newBrowser(t)
	inboxLogin(t, b, p.base, "ana", "correct horse")
	b.click(t, `document.querySelector('#conversation-list button')`)
	b.waitFor(t, `document.querySelectorAll('#transcript li').length === 1`)
	b.do(t, chromedp.SendKeys(chromedp.JSPath(`document.getElementById('reply')`), "Half a thought"))

	cases := []struct {
		name     string
		stdin    string
		args     []string
		password string // to sign in with afterwards
	}{
		{"logout-all", "", []string{"logout-all", "ana"}, "correct horse"},
		{"passwd", "battery staple\n", []string{"passwd", "ana"}, "battery staple"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			agentCLI(t, data, c.stdin, c.args...)
			b.waitFor(t, `document.getElementById('login-view').hidden === false`)
			assert.Equal(t, "Your session has ended. Sign in again: what you were typing is kept.",
				eval[string](t, b, `document.getElementById('login-message').textContent`))
			assert.False(t, eval[bool](t, b, `sessionStorage.getItem('crumbless-console-session') !== null`), "the ended session is forgotten")
			signIn(t, b, "ana", c.password)
			b.waitFor(t, `document.getElementById('status').textContent === 'live'`)
			b.click(t, `document.querySelector('#conversation-list button')`)
			b.waitFor(t, `document.querySelectorAll('#transcript li').length === 1`)
			assert.Equal(t, "Half a thought", eval[string](t, b, `document.getElementById('reply').value`), "the draft is kept")
		})
	}

	agentCLI(t, data, "", "remove", "ana")
	b.waitFor(t, `document.getElementById('login-view').hidden === false`)
	signIn(t, b, "ana", "battery staple")
	b.waitFor(t, `document.getElementById('login-error').textContent !== ''`)
	assert.True(t, eval[bool](t, b, `document.getElementById('inbox-view').hidden`))
}

// TestConsolePreferencesAndAccessibility: preferences chosen in one console
// tab (theme, language, density, a collapsed panel) reach another open tab
// at once and survive a reload, in declared crumbless-console- keys shown
// in "What this console stores"; Arabic turns the page right to left; and
// axe-core finds no WCAG 2.2 A/AA violation in any view, in both themes,
// in English and Arabic.
func TestConsolePreferencesAndAccessibility(t *testing.T) {
	axe := readAxe(t)
	data := t.TempDir()
	addAgent(t, data, "ana", "correct horse")
	p := startChatProcess(t, data)
	code, start := call(t, "POST", p.base+"/api/v1/conversations", "", `{"site":"demo"}`)
	require.Equal(t, 201, code)
	code, _ = call(t, "POST", p.base+"/api/v1/conversation/messages", start["token"].(string), `{"id":"v1","body":"مرحبا، أين طردي؟"}`)
	require.Equal(t, 201, code)
	code, _ = call(t, "POST", p.base+"/api/v1/forms/contact/submissions", start["token"].(string), inboxContactForm)
	require.Equal(t, 201, code)

	b := newBrowserFor(t, 6*time.Minute) // 13 scans
	collectCSPViolations(t, b)
	b.do(t, chromedp.Navigate(p.base+"/agent/"))
	b.waitFor(t, `document.getElementById('login-view').hidden === false`)
	scan := func(t *testing.T, b *browser) {
		t.Helper()
		b.do(t, chromedp.Evaluate[chromedp.Void](axe))
		assertAccessible(t, b, `document`)
	}
	t.Run("sign-in", func(t *testing.T) { scan(t, b) })
	signIn(t, b, "ana", "correct horse")
	b.waitFor(t, `document.getElementById('status').textContent === 'live'`)
	other := b.newTab(t)
	inboxLogin(t, other, p.base, "ana", "correct horse")

	choose := func(id, v string) {
		t.Helper()
		b.do(t, chromedp.Evaluate[chromedp.Void](`(() => { const s = document.getElementById('`+id+`'); s.value = '`+v+`'; s.dispatchEvent(new Event('change')) })()`))
	}
	b.click(t, `document.getElementById('tab-settings')`)
	b.waitFor(t, `document.getElementById('settings-pane').hidden === false`)
	choose("pref-theme", "dark")
	choose("pref-lang", "ar")
	choose("pref-density", "compact")
	b.click(t, `document.getElementById('tab-conversations')`)
	b.click(t, `document.getElementById('list-toggle')`)
	for _, tab := range []*browser{b, other} {
		tab.waitFor(t, `document.documentElement.dataset.theme === 'dark' && document.documentElement.lang === 'ar' && document.documentElement.dir === 'rtl'`)
		tab.waitFor(t, `document.documentElement.dataset.density === 'compact' && document.getElementById('list-body').hidden`)
		assert.Equal(t, "تسجيل الخروج", eval[string](t, tab, `document.querySelector('#logout [data-t]').textContent`))
	}
	keys := eval[[]string](t, b, `Object.keys(localStorage).sort()`)
	assert.Equal(t, []string{"crumbless-console-collapsed", "crumbless-console-density", "crumbless-console-lang", "crumbless-console-theme"}, keys)
	shown := eval[[]string](t, b, `[...document.querySelectorAll('#stores-rows code')].map(c => c.textContent)`)
	for _, k := range append(keys, "crumbless-console-session") {
		assert.Contains(t, shown, k, "declared in What this console stores")
	}
	assert.Contains(t, eval[string](t, b, `localStorage.getItem('crumbless-console-theme')`), `"data":"dark"`, "in the widget's envelope")
	b.do(t, chromedp.Reload())
	b.waitFor(t, `document.getElementById('status').textContent === 'مباشر'`)
	assert.Equal(t, "dark", eval[string](t, b, `document.documentElement.dataset.theme`), "kept over a reload")
	b.screenshot(t, "console-3-arabic-dark")
	b.click(t, `document.getElementById('list-toggle')`)
	b.waitFor(t, `!document.getElementById('list-body').hidden`)

	b.click(t, `document.querySelector('#conversation-list button')`)
	b.waitFor(t, `document.querySelectorAll('#transcript li').length === 1`)
	for _, v := range []struct{ theme, lang string }{{"light", "en"}, {"dark", "en"}, {"light", "ar"}, {"dark", "ar"}} {
		choose("pref-theme", v.theme)
		choose("pref-lang", v.lang)
		b.waitFor(t, `document.documentElement.lang === '`+v.lang+`' && document.documentElement.dataset.theme === '`+v.theme+`'`)
		for _, view := range []string{"conversations", "submissions", "stats", "settings"} {
			t.Run(v.theme+"/"+v.lang+"/"+view, func(t *testing.T) {
				b.click(t, `document.getElementById('tab-`+view+`')`)
				b.waitFor(t, `document.getElementById('`+view+`-pane').hidden === false`)
				if view == "stats" { // drawn once the report is in
					b.waitFor(t, `document.querySelector('#stats-body svg') !== null && document.getElementById('stats-status').textContent === ''`)
				}
				scan(t, b)
			})
		}
	}
	assert.Empty(t, eval[[]string](t, b, `window.__csp`), "CSP violations in the console")
}
