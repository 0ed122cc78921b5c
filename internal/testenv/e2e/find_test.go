//go:build e2e

package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// waitForFile waits until dir holds the finished download name and
// returns its content.
func waitForFile(t *testing.T, dir, name string) []byte {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err == nil && len(data) > 0 {
			if _, err := os.Stat(filepath.Join(dir, name+".crdownload")); os.IsNotExist(err) {
				return data
			}
		}
		entries, _ := os.ReadDir(dir)
		require.True(t, time.Now().Before(deadline), "no finished %s in %s: %v", name, dir, entries)
		time.Sleep(50 * time.Millisecond)
	}
}

// TestConsoleSearchRepliesTranscript: a visitor writes in the widget; the
// agent finds the conversation by a word of it (typed with other case and
// as a prefix) in the console's search, sees the word marked, opens the
// conversation; adds two saved replies in Settings, picks one with "/",
// the arrow keys and Enter, and sends it; then downloads the transcript
// as text and as JSON and reads both.
func TestConsoleSearchRepliesTranscript(t *testing.T) {
	data := t.TempDir()
	addAgent(t, data, "ana", "correct horse")
	p := startChatProcess(t, data)

	const said = "Hej! Min äppeltårta från Göteborg kom aldrig fram <b>alls</b>"
	visitor := newBrowser(t)
	openWidget(t, visitor, p.base)
	visitor.click(t, q(`[data-go=chat]`))
	visitor.waitFor(t, viewName+` == 'chat'`)
	visitor.sendInWidget(t, said)

	agent := newBrowser(t)
	collectCSPViolations(t, agent)
	inboxLogin(t, agent, p.base, "ana", "correct horse")
	agent.waitFor(t, `document.querySelectorAll('#conversation-list li').length === 1`)

	// Search.
	agent.do(t, chromedp.SendKeys(chromedp.JSPath(`document.getElementById('search')`), "ÄPPEL"))
	agent.click(t, `document.querySelector('#search-form button[type=submit]')`)
	agent.waitFor(t, `document.querySelectorAll('#search-results li').length === 1`)
	assert.Equal(t, []string{"äppeltårta"}, eval[[]string](t, agent, `[...document.querySelectorAll('#search-results mark')].map(m => m.textContent)`))
	assert.Equal(t, said, eval[string](t, agent, `document.querySelector('#search-results .snippet').textContent`))
	assert.Zero(t, eval[int](t, agent, `document.querySelectorAll('#search-results b').length`), "visitor text is not markup")
	assert.True(t, eval[bool](t, agent, `document.getElementById('conversation-list').hidden`))
	assert.Equal(t, "1 result", eval[string](t, agent, `document.getElementById('search-status').textContent`))
	agent.screenshot(t, "console-find-1-search")
	agent.click(t, `document.querySelector('#search-results button')`)
	agent.waitFor(t, `document.querySelector('#transcript li.visitor .body')?.textContent === `+jsString(said))
	assert.Equal(t, "Visitor #1", eval[string](t, agent, `document.getElementById('conversation-title').textContent`))

	t.Run("a search too broad says so", func(t *testing.T) {
		agent.do(t, chromedp.Evaluate[chromedp.Void](`document.getElementById('search').value = ''`),
			chromedp.SendKeys(chromedp.JSPath(`document.getElementById('search')`), "*"))
		agent.click(t, `document.querySelector('#search-form button[type=submit]')`)
		agent.waitFor(t, `document.getElementById('search-status').textContent.startsWith('Search: type at least two')`)
		agent.click(t, `document.getElementById('search-clear')`)
		agent.waitFor(t, `!document.getElementById('conversation-list').hidden && document.getElementById('search-results').hidden`)
	})

	// Saved replies, added in Settings.
	agent.click(t, `document.getElementById('tab-settings')`)
	agent.waitFor(t, `document.getElementById('reply-manage-empty').hidden === false`)
	for _, r := range [][2]string{{"thanks", "Tack för ditt tålamod!"}, {"thanks-long", "Tack! Vi skickar en ny tårta i dag."}} {
		agent.do(t, chromedp.SendKeys(chromedp.JSPath(`document.getElementById('reply-manage-name')`), r[0]),
			chromedp.SendKeys(chromedp.JSPath(`document.getElementById('reply-manage-body')`), r[1]))
		agent.click(t, `document.querySelector('#reply-manage-form button[type=submit]')`)
		agent.waitFor(t, `document.getElementById('reply-manage-status').textContent === 'Saved “`+r[0]+`”.'`)
	}
	assert.Equal(t, 2, eval[int](t, agent, `document.querySelectorAll('#reply-manage-list li').length`))
	agent.click(t, `document.getElementById('tab-conversations')`)

	// The picker fetches the replies when "/" opens it and filters what it
	// has meanwhile; the fetch is held until the agent has moved in the
	// list, so that it arrives after the arrow key, as on a slow network.
	agent.do(t, chromedp.Evaluate[chromedp.Void](`(() => {
		const f = window.fetch;
		window.fetch = (url, opts) => {
			if (!String(url).endsWith('/api/v1/agent/replies') || window.__repliesHeld) return f(url, opts);
			window.__repliesHeld = true;
			return new Promise((go) => { window.__releaseReplies = go; }).then(() => f(url, opts)).finally(() => setTimeout(() => { window.__repliesArrived = true; }, 100));
		};
	})()`))
	reply := `document.getElementById('reply')`
	agent.do(t, chromedp.SendKeys(chromedp.JSPath(reply), "/tha"))
	agent.waitFor(t, `document.querySelectorAll('#reply-picker [role=option]').length === 2 && !document.getElementById('reply-picker').hidden`)
	assert.Equal(t, "listbox", eval[string](t, agent, `document.getElementById('reply-picker').getAttribute('role')`))
	assert.Equal(t, "reply-option-0", eval[string](t, agent, reply+`.getAttribute('aria-activedescendant')`))
	agent.do(t, chromedp.KeyEvent(kb.ArrowDown))
	chosen := reply + `.getAttribute('aria-activedescendant') === 'reply-option-1' && document.getElementById('reply-option-1').getAttribute('aria-selected') === 'true'`
	agent.waitFor(t, chosen)
	agent.waitFor(t, `typeof window.__releaseReplies === 'function'`)
	agent.do(t, chromedp.Evaluate[chromedp.Void](`window.__releaseReplies()`))
	agent.waitFor(t, `window.__repliesArrived === true`)
	assert.True(t, eval[bool](t, agent, chosen), "the replies arriving after the arrow key keep the reply the agent moved to")
	agent.screenshot(t, "console-find-2-replies")
	agent.do(t, pressEnter(false))
	agent.waitFor(t, reply+`.value === 'Tack! Vi skickar en ny tårta i dag.' && document.getElementById('reply-picker').hidden`)
	assert.Zero(t, eval[int](t, agent, `document.querySelectorAll('#transcript li.agent').length`), "Enter inserted, it did not send")
	assert.False(t, eval[bool](t, agent, reply+`.hasAttribute('aria-activedescendant')`))
	agent.do(t, pressEnter(false))
	agent.waitFor(t, `document.querySelectorAll('#transcript li.agent').length === 1`)
	visitor.waitFor(t, q(`.msg.agent .bubble`)+`?.textContent == 'Tack! Vi skickar en ny tårta i dag.'`)

	t.Run("Escape closes the list", func(t *testing.T) {
		agent.do(t, chromedp.SendKeys(chromedp.JSPath(reply), "/"))
		agent.waitFor(t, `!document.getElementById('reply-picker').hidden`)
		agent.do(t, chromedp.KeyEvent(kb.Escape))
		agent.waitFor(t, `document.getElementById('reply-picker').hidden`)
		assert.Equal(t, "/", eval[string](t, agent, reply+`.value`))
		agent.do(t, chromedp.Evaluate[chromedp.Void](reply+`.value = ''`))
	})

	// Transcripts.
	dir := allowDownloads(t, agent)
	agent.click(t, `document.getElementById('transcript-txt')`)
	text := string(waitForFile(t, dir, "crumbless-transcript-1.txt"))
	assert.True(t, strings.HasPrefix(text, "Conversation 1"), text)
	assert.Contains(t, text, "] Visitor:\n  "+said+"\n")
	assert.Contains(t, text, "] Agent ana:\n  Tack! Vi skickar en ny tårta i dag.\n")
	assert.Less(t, strings.Index(text, "Visitor:"), strings.Index(text, "Agent ana:"), "in time order")

	dir = allowDownloads(t, agent)
	agent.click(t, `document.getElementById('transcript-json')`)
	var doc struct {
		Conversation struct {
			ID int64 `json:"id"`
		} `json:"conversation"`
		Messages []struct {
			Author string `json:"author"`
			Body   string `json:"body"`
		} `json:"messages"`
		Network string `json:"networkHash"`
	}
	require.NoError(t, json.Unmarshal(waitForFile(t, dir, "crumbless-transcript-1.json"), &doc))
	assert.Equal(t, int64(1), doc.Conversation.ID)
	require.Len(t, doc.Messages, 2)
	assert.Equal(t, said, doc.Messages[0].Body)
	assert.Equal(t, "agent", doc.Messages[1].Author)
	assert.Empty(t, doc.Network, "a transcript carries no network hash")
	assert.Empty(t, eval[[]string](t, agent, `window.__csp`), "CSP violations in the console")
}
