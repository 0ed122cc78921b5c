//go:build e2e

package e2e

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// acceptDialogs answers yes to every JavaScript dialog the page opens (the
// widget's confirmation) and returns what they asked.
func acceptDialogs(t *testing.T, b *browser) func() []string {
	t.Helper()
	var mu sync.Mutex
	var asked []string
	require.NoError(t, chromedp.Listen(b.ctx, func(ev any) {
		if e, ok := ev.(*page.EventJavascriptDialogOpening); ok {
			mu.Lock()
			asked = append(asked, e.Message)
			mu.Unlock()
			go chromedp.Call(b.ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
		}
	}))
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), asked...)
	}
}

// allowDownloads makes b save downloads into a new directory, which it
// returns.
func allowDownloads(t *testing.T, b *browser) string {
	t.Helper()
	dir := t.TempDir()
	_, err := chromedp.Call(b.ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
		Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir,
	})
	require.NoError(t, err)
	return dir
}

// waitForDownload waits until dir holds one finished file and returns its
// name and content.
func waitForDownload(t *testing.T, dir string) (string, []byte) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		entries, err := os.ReadDir(dir)
		require.NoError(t, err)
		if len(entries) == 1 && !strings.HasSuffix(entries[0].Name(), ".crdownload") {
			data, err := os.ReadFile(filepath.Join(dir, entries[0].Name()))
			require.NoError(t, err)
			if json.Valid(data) {
				return entries[0].Name(), data
			}
		}
		require.True(t, time.Now().Before(deadline), "no finished download in %s: %v", dir, entries)
		time.Sleep(50 * time.Millisecond)
	}
}

// TestVisitorErasesFromThePrivacyView: on the page with a strict CSP, a
// visitor chats and sends the contact form in the widget, both reach the
// inbox; the visitor downloads their data from the Privacy view (the
// message, the form and the widget's keys are in the file); then deletes
// everything there, after a confirmation that says what goes: the inbox
// drops the conversation and its submission live, the server answers the
// old token with 401, and the browser keeps no key of the widget. The
// policy refuses nothing on the way.
func TestVisitorErasesFromThePrivacyView(t *testing.T) {
	data := t.TempDir()
	addAgent(t, data, "ana", "correct horse")
	p := startChatProcess(t, data)

	visitor := newBrowser(t)
	asked := acceptDialogs(t, visitor)
	downloads := allowDownloads(t, visitor)
	collectCSPViolations(t, visitor)
	openPanel(t, visitor, p.base+"/strict.html")
	visitor.waitFor(t, panel+`?.getAttribute('data-view') == 'home'`)
	visitor.click(t, q(`[data-go=chat]`))
	visitor.waitFor(t, q(`#cl-composer`)+` != null`)
	visitor.do(t, chromedp.SendKeys(chromedp.JSPath(q(`#cl-composer`)), "Please call me about order AB123456"))
	visitor.click(t, q(`.composer .send`))
	visitor.waitFor(t, q(`.msg.visitor .msg-state.sent`)+` != null`)
	token := eval[string](t, visitor, `JSON.parse(localStorage.getItem('crumbless-visitor')).data`)
	require.NotEmpty(t, token)

	// The contact form, sent from the same widget.
	visitor.do(t, chromedp.Evaluate[chromedp.Void](`crumbless('navigate', 'forms/contact')`))
	visitor.waitFor(t, q(`#cl-f-name`)+` != null`)
	visitor.do(t, chromedp.SendKeys(chromedp.JSPath(q(`#cl-f-name`)), "Ada Lovelace"))
	visitor.do(t, chromedp.SendKeys(chromedp.JSPath(q(`#cl-f-email`)), "ada@example.com"))
	visitor.do(t, chromedp.Evaluate[chromedp.Void](`(() => { const s = `+q(`#cl-f-topic`)+`; s.value = 'Order'; s.dispatchEvent(new Event('change')) })()`))
	visitor.do(t, chromedp.SendKeys(chromedp.JSPath(q(`#cl-f-message`)), "Call me on +31 6 1234 5678, please."))
	visitor.click(t, q(`#cl-f-consent`))
	visitor.click(t, q(`form button[type=submit]`))
	visitor.waitFor(t, q(`.success`)+` != null`)

	// Both are in the inbox, the submission linked to the conversation.
	agent := newBrowser(t)
	inboxLogin(t, agent, p.base, "ana", "correct horse")
	agent.waitFor(t, `document.querySelectorAll('#conversation-list li').length === 1`)
	agent.waitFor(t, `document.querySelectorAll('#submission-list li').length === 1`)
	assert.Contains(t, eval[string](t, agent, `document.querySelector('#submission-list li small').textContent`), "visitor #")
	code, exported := call(t, "GET", p.base+"/api/v1/conversation/export", token, "")
	require.Equal(t, http.StatusOK, code)
	require.Len(t, exported["submissions"], 1, "the form belongs to the conversation")

	// The Privacy view: "Download my data" saves what the server and the
	// browser hold.
	visitor.do(t, chromedp.Evaluate[chromedp.Void](`crumbless('navigate', 'privacy')`))
	visitor.waitFor(t, q(`button.download`)+` != null`)
	assert.Equal(t, "Download my data", eval[string](t, visitor, q(`button.download`)+`.textContent`))
	visitor.click(t, q(`button.download`))
	name, file := waitForDownload(t, downloads)
	assert.Regexp(t, `^crumbless-data-demo-\d{4}-\d{2}-\d{2}\.json$`, name)
	visitor.waitFor(t, q(`.forget [role=status]`)+`.textContent == 'Your data was downloaded.'`)
	var mine struct {
		Browser map[string]map[string]json.RawMessage `json:"browser"`
		Server  struct {
			Messages    []struct{ Body string }           `json:"messages"`
			Submissions []struct{ Fields map[string]any } `json:"submissions"`
		} `json:"server"`
	}
	require.NoError(t, json.Unmarshal(file, &mine), "%s", file)
	require.NotEmpty(t, mine.Server.Messages)
	assert.Equal(t, "Please call me about order AB123456", mine.Server.Messages[0].Body)
	require.Len(t, mine.Server.Submissions, 1)
	assert.Equal(t, "ada@example.com", mine.Server.Submissions[0].Fields["email"])
	assert.JSONEq(t, `"`+token+`"`, string(mine.Browser["localStorage"]["crumbless-visitor"]), "the token, out of its envelope")
	var stored []string
	for area, keys := range mine.Browser {
		for k := range keys {
			stored = append(stored, area+" "+k)
		}
	}
	var live []string
	for _, area := range []string{"localStorage", "sessionStorage"} {
		for _, k := range eval[[]string](t, visitor, `Object.keys(`+area+`).filter(k => k.startsWith('crumbless-'))`) {
			live = append(live, area+" "+k)
		}
	}
	assert.ElementsMatch(t, live, stored, "every key of the widget, and nothing else")

	// "Forget me", with the server too.
	visitor.waitFor(t, q(`.forget input[type=checkbox]`)+` != null`)
	visitor.click(t, q(`.forget input[type=checkbox]`))
	visitor.click(t, q(`.forget button`))
	visitor.waitFor(t, q(`.forget [role=status]`)+`.textContent == 'Done. Deleted from the server and from this browser.'`)
	require.Len(t, asked(), 1, "one confirmation")
	assert.Contains(t, asked()[0], "the forms you sent from this chat", "the confirmation says what goes")

	// The inbox drops both live; a reload finds nothing either.
	agent.waitFor(t, `document.querySelectorAll('#conversation-list li').length === 0`)
	agent.waitFor(t, `document.querySelectorAll('#submission-list li').length === 0`)
	agent.do(t, chromedp.Reload())
	agent.waitFor(t, `document.getElementById('status').textContent === 'live'`)
	assert.Zero(t, eval[int](t, agent, `document.querySelectorAll('#conversation-list li').length`))
	assert.Zero(t, eval[int](t, agent, `document.querySelectorAll('#submission-list li').length`))

	// The old token is refused; the browser keeps nothing of the widget's.
	for _, path := range []string{"/api/v1/conversation", "/api/v1/conversation/messages", "/api/v1/conversation/export"} {
		code, _ := call(t, "GET", p.base+path, token, "")
		assert.Equal(t, http.StatusUnauthorized, code, path)
	}
	visitor.waitFor(t, `localStorage.getItem('crumbless-visitor') == null`)
	assert.Empty(t, eval[[]string](t, visitor, `Object.keys(localStorage).filter(k => k.startsWith('crumbless-'))`))
	assert.Empty(t, visitor.cookies(t))
	assert.Empty(t, eval[[]string](t, visitor, `window.__csp`), "CSP violations")
}
