//go:build e2e

package e2e

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crumbless/crumbless/internal/testenv/launch"
	"github.com/crumbless/crumbless/server/storage"
)

// statsVisitor is one visitor of TestStatisticsWithoutIdentifiers, in a
// browser of its own.
type statsVisitor struct {
	searches []string // committed with Enter, in order
	reads    []string // articles opened
	chat     bool     // writes in the chat too
}

// TestStatisticsWithoutIdentifiers: three visitors, each in a browser of
// their own, open the widget twice, search (one search finds nothing),
// read two articles and send the contact form; one also writes in the
// chat. A fourth visitor loads the page and never opens the widget.
//
// The database then holds exactly those counts, and nothing that could
// name a visitor: no token (nor its hash), no conversation id, no address.
// The console's Statistics view and its CSV show them: counts of 5 and
// more as numbers (6 opens, 6 searches, 6 articles read), smaller ones as
// "< 5" (the search without a result, listed with its query, and the 3
// forms). Each visitor's events went in one request; the visitor who
// never opened sent none.
func TestStatisticsWithoutIdentifiers(t *testing.T) {
	data := t.TempDir()
	addAgent(t, data, "ana", "correct horse")
	log := &serverLog{t: t}
	srv := launch.ForTest(t, launch.Options{Bin: os.Getenv("CRUMBLESS_BIN"), Args: []string{"-data", data}, Log: log})
	p := &chatProcess{srv: srv, base: srv.URL}

	idle := newBrowser(t)
	idle.do(t, chromedp.Navigate(p.base+"/"))
	idle.waitFor(t, launcher+` != null`)

	visitors := []statsVisitor{
		{searches: []string{"shipping", "returns"}, reads: []string{"shipping", "returns"}, chat: true},
		{searches: []string{"returns", "shipping"}, reads: []string{"payment", "shipping"}},
		{searches: []string{"shipping", "Zebra   Unicorn"}, reads: []string{"returns", "payment"}},
	}
	var tokens []string
	browsers := make([]*browser, len(visitors))
	for i, v := range visitors {
		b := newBrowser(t)
		browsers[i] = b
		openWidget(t, b, p.base)
		// The runtime answers the calls (until it attaches, the loader
		// would close the frame, and the runtime never see the open again).
		b.waitFor(t, `crumbless._b.run != null`)
		b.do(t, chromedp.Evaluate[chromedp.Void](`crumbless('close')`))
		b.click(t, launcher) // the second open
		b.waitFor(t, panelReady)
		for _, s := range v.searches {
			b.do(t, chromedp.Evaluate[chromedp.Void](`crumbless('navigate', 'answers')`))
			b.waitFor(t, q(`#cl-search`)+` != null`)
			b.do(t, chromedp.Evaluate[chromedp.Void](`(() => { const s = `+q(`#cl-search`)+`; s.value = ''; s.focus() })()`),
				chromedp.SendKeys(chromedp.JSPath(q(`#cl-search`)), s))
			b.waitFor(t, q(`#cl-count`)+`.textContent != ''`)
			b.do(t, pressEnter(false))
		}
		for _, id := range v.reads {
			b.do(t, chromedp.Evaluate[chromedp.Void](`crumbless('navigate', 'answers/`+id+`')`))
			b.waitFor(t, q(`.article-h`)+` != null`)
		}
		if v.chat {
			b.do(t, chromedp.Evaluate[chromedp.Void](`crumbless('navigate', 'chat')`))
			b.waitFor(t, q(`#cl-composer`)+` != null`)
			b.do(t, chromedp.SendKeys(chromedp.JSPath(q(`#cl-composer`)), "Hello there"))
			b.click(t, q(`.composer .send`))
			b.waitFor(t, q(`.msg.visitor .msg-state.sent`)+` != null`)
			tokens = append(tokens, eval[string](t, b, `JSON.parse(localStorage.getItem('crumbless-visitor')).data`))
		}
		b.do(t, chromedp.Evaluate[chromedp.Void](`crumbless('navigate', 'forms/contact')`))
		b.waitFor(t, q(`#cl-f-name`)+` != null`)
		b.do(t, chromedp.SendKeys(chromedp.JSPath(q(`#cl-f-name`)), "Ada Lovelace"))
		b.do(t, chromedp.SendKeys(chromedp.JSPath(q(`#cl-f-email`)), "ada@example.com"))
		b.do(t, chromedp.Evaluate[chromedp.Void](`(() => { const s = `+q(`#cl-f-topic`)+`; s.value = 'Order'; s.dispatchEvent(new Event('change')) })()`))
		b.do(t, chromedp.SendKeys(chromedp.JSPath(q(`#cl-f-message`)), "Where is my parcel, please?"))
		b.click(t, q(`#cl-f-consent`))
		b.click(t, q(`form button[type=submit]`))
		b.waitFor(t, q(`.success`)+` != null`)
		require.Zero(t, b.requestsEndingIn("/api/v1/events"), "nothing sent before the batch is full or the page is hidden")
		// The tab goes to the background: the batch goes, in one request.
		b.do(t, chromedp.Evaluate[chromedp.Void](`Object.defineProperty(document, 'hidden', {configurable: true, get: () => true});
			document.dispatchEvent(new Event('visibilitychange'))`))
		b.waitForRequests(t, "/api/v1/events", 1)
		b.do(t, chromedp.Navigate("about:blank")) // pagehide: nothing left to send
	}
	require.Len(t, tokens, 1)
	idle.do(t, chromedp.Navigate("about:blank"))

	// The server has counted what the three did.
	agent := agentLogin(t, p.base, "ana", "correct horse")
	today := time.Now().UTC().Format("2006-01-02")
	var report map[string]any
	deadline := time.Now().Add(30 * time.Second)
	for {
		code, r := call(t, "GET", p.base+"/api/v1/agent/stats?from="+today+"&to="+today, agent, "")
		require.Equal(t, http.StatusOK, code)
		report = r
		if total(report, "read") == "6" || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	for kind, want := range map[string]string{"open": "6", "search": "6", "read": "6", "nohit": "< 5", "form": "< 5", "conversation": "< 5", "message_visitor": "< 5", "message_agent": "0"} {
		assert.Equal(t, want, total(report, kind), kind)
	}
	for i, b := range browsers {
		assert.Equal(t, 1, b.requestsEndingIn("/api/v1/events"), "visitor %d: one request for the batch", i)
	}
	assert.Zero(t, idle.requestsEndingIn("/api/v1/events"), "a visitor who never opened the widget sends nothing")
	assert.Equal(t, len(visitors), log.count("method=POST path=/api/v1/events status=204"), "the server got one batch per visitor, none from the fourth")

	// The database: exactly those counts, nothing that names a visitor.
	db, err := sql.Open("sqlite", "file:"+filepath.Join(data, "crumbless.db")+"?mode=ro")
	require.NoError(t, err)
	defer db.Close()
	rows, err := db.QueryContext(context.Background(), `SELECT * FROM stat_counts`)
	require.NoError(t, err)
	cols, err := rows.Columns()
	require.NoError(t, err)
	assert.Equal(t, []string{"day", "kind", "detail", "path", "referrer", "lang", "device", "n"}, cols, "no column for a visitor")
	sums := map[string]int64{}
	var cells []string
	for rows.Next() {
		var c storage.StatCount
		require.NoError(t, rows.Scan(&c.Day, &c.Kind, &c.Detail, &c.Path, &c.Referrer, &c.Lang, &c.Device, &c.N))
		sums[c.Kind] += c.N
		if c.Detail != "" {
			sums[c.Kind+":"+c.Detail] += c.N
		}
		cells = append(cells, c.Day, c.Kind, c.Detail, c.Path, c.Referrer, c.Lang, c.Device)
	}
	require.NoError(t, rows.Err())
	rows.Close()
	assert.Equal(t, map[string]int64{
		"open": 6, "search": 6, "nohit": 1, "nohit:zebra unicorn": 1, "read": 6,
		"read:shipping": 2, "read:returns": 2, "read:payment": 2,
		"form": 3, "form:contact": 3, "conversation": 1, "message_visitor": 1,
	}, sums)
	sum := sha256.Sum256([]byte(tokens[0]))
	var convID string
	require.NoError(t, db.QueryRow(`SELECT id FROM conversations`).Scan(&convID))
	for _, cell := range cells {
		for _, secret := range []string{tokens[0], hex.EncodeToString(sum[:]), agent, "127.0.0.1", "::1", "cv_", "ca_"} {
			assert.NotContains(t, cell, secret, "the statistics hold no token, hash or address")
		}
		assert.NotEqual(t, convID, cell, "no conversation id")
	}

	// The console: a chart and a table per kind, the search without a
	// result with its query, and the CSV.
	con := newBrowser(t)
	downloads := allowDownloads(t, con)
	inboxLogin(t, con, p.base, "ana", "correct horse")
	con.click(t, `document.getElementById('tab-stats')`)
	con.do(t, chromedp.Evaluate[chromedp.Void](`(() => { const s = document.getElementById('stats-days'); s.value = '7'; s.dispatchEvent(new Event('change')) })()`))
	kind := func(k string) string { return `document.querySelector('#stats-body section[data-kind=` + k + `]')` }
	// The 7 days' report, not the first one of 30 days (same totals).
	con.waitFor(t, kind("read")+`?.querySelector('.stats-total')?.textContent === 'Total: 6' && `+kind("open")+`.querySelectorAll('svg rect').length === 7`)
	bar := func(k string) string {
		return eval[string](t, con, kind(k)+`.querySelector('svg rect[data-day="`+today+`"]').getAttribute('data-count')`)
	}
	cell := func(k string) string {
		return eval[string](t, con, `[...`+kind(k)+`.querySelectorAll('tbody tr')].find(r => r.cells[0].textContent === '`+today+`').cells[1].textContent`)
	}
	for k, want := range map[string]string{"open": "6", "search": "6", "read": "6", "nohit": "< 5", "form": "< 5"} {
		assert.Equal(t, want, bar(k), "chart of %s", k)
		assert.Equal(t, want, cell(k), "table of %s", k)
	}
	assert.Equal(t, 7, eval[int](t, con, kind("open")+`.querySelectorAll('svg rect').length`), "one bar a day")
	assert.Equal(t, []string{"zebra unicorn", "< 5"}, eval[[]string](t, con,
		`[...document.querySelectorAll('#stats-nohits tbody td')].map(td => td.textContent)`))
	con.screenshot(t, "console-stats")

	con.click(t, `document.getElementById('stats-csv')`)
	name, csv := waitForOnlyDownload(t, downloads)
	assert.Equal(t, "crumbless-stats.csv", name)
	for _, line := range []string{
		fmt.Sprintf("day,%s,open,6,,", today), fmt.Sprintf("day,%s,search,6,,", today), fmt.Sprintf("day,%s,read,6,,", today),
		fmt.Sprintf("day,%s,nohit,< 5,,", today), fmt.Sprintf("day,%s,form,< 5,,", today),
		"search_without_result,zebra unicorn,,< 5,,", "article,payment,,< 5,,", "form,contact,,< 5,,",
	} {
		assert.Contains(t, strings.Split(string(csv), "\n"), line)
	}
}

// serverLog keeps the server's log lines (and passes them to t.Log).
type serverLog struct {
	t     *testing.T
	mu    sync.Mutex
	lines []string
}

func (l *serverLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	l.lines = append(l.lines, string(p))
	l.mu.Unlock()
	l.t.Log("server: " + strings.TrimSpace(string(p)))
	return len(p), nil
}

// count returns how many lines contain s.
func (l *serverLog) count(s string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, line := range l.lines {
		if strings.Contains(line, s) {
			n++
		}
	}
	return n
}

// waitForRequests waits until b has made n requests to a path ending in
// suffix.
func (b *browser) waitForRequests(t *testing.T, suffix string, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for b.requestsEndingIn(suffix) < n {
		require.True(t, time.Now().Before(deadline), "%d requests to %s, want %d", b.requestsEndingIn(suffix), suffix, n)
		time.Sleep(20 * time.Millisecond)
	}
}

// waitForOnlyDownload waits until dir holds one finished download and returns
// its name and content.
func waitForOnlyDownload(t *testing.T, dir string) (string, []byte) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		entries, err := os.ReadDir(dir)
		require.NoError(t, err)
		if len(entries) == 1 && !strings.HasSuffix(entries[0].Name(), ".crdownload") {
			data, err := os.ReadFile(filepath.Join(dir, entries[0].Name()))
			require.NoError(t, err)
			if len(data) > 0 {
				return entries[0].Name(), data
			}
		}
		require.True(t, time.Now().Before(deadline), "no finished download in %s: %v", dir, entries)
		time.Sleep(50 * time.Millisecond)
	}
}

// total is the total of kind in a report, as shown.
func total(report map[string]any, kind string) string {
	series, _ := report["series"].([]any)
	for _, s := range series {
		m := s.(map[string]any)
		if m["kind"] == kind {
			return fmt.Sprint(m["total"])
		}
	}
	return ""
}
