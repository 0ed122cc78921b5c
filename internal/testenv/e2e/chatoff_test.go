//go:build e2e

package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
)

// apiRequests counts the requests the browser made to a /api/v1 path.
func (b *browser) apiRequests() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []string
	for _, u := range b.requests {
		if strings.Contains(u, "/api/v1") {
			out = append(out, u)
		}
	}
	return out
}

// TestChatOff: a site that hosts only the static files puts data-chat="off"
// on the script tag. The widget then shows answers and forms from the
// static content, offers no chat (no card on Home, no tab, no route) and
// makes no request to /api/v1 — counted through CDP while the visitor goes
// through every view and tries to send a form, which says it cannot be
// sent. The same page without the attribute, as a control, does call the
// API (the availability stream) and offers the chat.
func TestChatOff(t *testing.T) {
	base := startServer(t)
	for _, tc := range []struct {
		name, attrs string
		chat        bool
	}{
		{"data-chat off", `data-chat="off"`, false},
		{"control: chat on", ``, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := newBrowser(t)
			b.do(t, chromedp.Navigate(hostPage(t, base+"/crumbless.js", tc.attrs, "")))
			b.waitFor(t, launcher+` != null`)
			b.click(t, launcher)
			b.waitFor(t, viewName+` == 'home'`)
			b.waitFor(t, shadow+`.querySelectorAll('.home-list .row').length > 3`) // answers and forms, from static content
			if tc.chat {
				b.waitFor(t, q(`[data-go=chat]`)+` != null`)
				assert.Eventually(t, func() bool { return len(b.apiRequests()) > 0 }, 10*time.Second, 50*time.Millisecond,
					"the control page calls the API (so the counter sees such requests)")
				return
			}
			assert.True(t, eval[bool](t, b, q(`[data-go=chat]`)+` === null`), "no chat card on Home")
			assert.True(t, eval[bool](t, b, q(`.tab[data-route=chat]`)+` === null`), "no chat tab")
			b.screenshot(t, "chat-off-home")

			// Answers: the list and an article.
			b.click(t, q(`.home-list .row[data-go^="answers/"]`))
			b.waitFor(t, viewName+` == 'answers'`)
			b.waitFor(t, q(`article.article #cl-article-h`)+` != null`)

			// Forms: fill the contact form and try to send it.
			b.do(t, chromedp.Evaluate[chromedp.Void](`crumbless('navigate', 'forms/contact')`))
			b.waitFor(t, q(`#cl-f-name`)+` != null`)
			b.do(t, chromedp.Evaluate[chromedp.Void](q(`#cl-f-name`)+`.focus()`))
			b.do(t, chromedp.KeyEvent("Ada Lovelace"))
			b.do(t, chromedp.Evaluate[chromedp.Void](q(`#cl-f-email`)+`.focus()`))
			b.do(t, chromedp.KeyEvent("ada@example.com"))
			b.do(t, chromedp.Evaluate[chromedp.Void](`(() => { const s = `+q(`#cl-f-topic`)+`; s.value = 'Order'; s.dispatchEvent(new Event('change')) })()`))
			b.do(t, chromedp.Evaluate[chromedp.Void](q(`#cl-f-message`)+`.focus()`))
			b.do(t, chromedp.KeyEvent("Where is my parcel?"))
			b.click(t, q(`#cl-f-consent`))
			b.click(t, q(`form button[type=submit]`))
			b.waitFor(t, q(`.form-status.error`)+`?.textContent.startsWith('Sending is not possible')`)
			assert.True(t, eval[bool](t, b, q(`.success`)+` === null`), "never a success it did not get")

			// Chat cannot be reached by the API either.
			b.do(t, chromedp.Evaluate[chromedp.Void](`crumbless('navigate', 'chat')`))
			b.do(t, chromedp.Evaluate[chromedp.Void](`crumbless('navigate', 'home')`))
			b.waitFor(t, viewName+` == 'home'`)
			time.Sleep(500 * time.Millisecond) // a stream or fetch would have started by now
			assert.Empty(t, b.apiRequests(), "no request to /api/v1")
			assert.Zero(t, eval[int](t, b, `performance.getEntriesByType('resource').filter(e => e.name.includes('/api/v1')).length`))
			assert.Equal(t, 0, b.requestsEndingIn("/api/v1/conversations"))
		})
	}
}
