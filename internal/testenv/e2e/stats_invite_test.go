//go:build e2e

package e2e

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crumbless/crumbless/internal/testenv/launch"
)

// TestStatisticsCountInvitations: visitors in tabs of their own land on a
// page with an invitation. Five open the panel from the teaser (shown and
// clicked), one from the launcher while the teaser shows (shown), one
// closes the teaser, goes to the next page and opens the panel there
// (shown and closed, counted on that page), then closes and opens it
// again (counted once), and one never acts (nothing sent, not counted).
// The database and the console's chart, table and CSV show exactly 7
// shown, 5 clicked and 1 ("< 5") closed, with the note on what is
// counted.
func TestStatisticsCountInvitations(t *testing.T) {
	data := t.TempDir()
	addAgent(t, data, "ana", "correct horse")
	log := &serverLog{t: t}
	srv := launch.ForTest(t, launch.Options{Bin: os.Getenv("CRUMBLESS_BIN"), Args: []string{"-data", data, "-origins", "*"}, Log: log})
	site := inviteSite(t, srv.URL, `data-invite="Welcome"`, "")
	const batch = "method=POST path=/api/v1/events status=204"
	first := newBrowserFor(t, 4*time.Minute)

	batches := 0
	// send hides the tab, so that its batch goes, and waits for the server
	// to have counted it.
	send := func(b *browser) {
		t.Helper()
		b.do(t, chromedp.Evaluate[chromedp.Void](`Object.defineProperty(document, 'hidden', {configurable: true, get: () => true});
			document.dispatchEvent(new Event('visibilitychange'))`))
		batches++
		require.Eventually(t, func() bool { return log.count(batch) >= batches }, 30*time.Second, 50*time.Millisecond, "batch %d", batches)
	}
	// land opens a tab of its own (its own sessionStorage: a visit of its
	// own) on the site's landing page, and waits for the teaser.
	land := func() *browser {
		t.Helper()
		b := first.newTab(t)
		b.do(t, chromedp.Navigate(site+"/"))
		b.waitFor(t, teaserText+` == 'Welcome'`)
		return b
	}

	for range 5 { // from the teaser
		b := land()
		b.click(t, teaser+`.firstChild`)
		b.waitFor(t, panelReady)
		send(b)
	}
	b := land() // from the launcher, the teaser still there
	b.click(t, launcher)
	b.waitFor(t, panelReady)
	send(b)

	b = land() // the teaser closed; the panel opened on the next page
	b.click(t, teaser+`.querySelector('button[aria-label=Close]')`)
	b.waitFor(t, teaser+` == null`)
	b.follow(t, `document.querySelector('#next')`, "/other")
	b.click(t, launcher)
	b.waitFor(t, panelReady)
	send(b)
	b.do(t, chromedp.Evaluate[chromedp.Void](`crumbless('close'); crumbless('open')`))
	b.waitFor(t, panelReady)
	send(b) // an open, and no invitation again

	idle := land() // never acts
	b.do(t, chromedp.Navigate("about:blank"))
	idle.do(t, chromedp.Navigate("about:blank")) // pagehide: nothing to send

	// The database: exactly those counts, by the page they were counted on.
	db, err := sql.Open("sqlite", "file:"+filepath.Join(data, "crumbless.db")+"?mode=ro")
	require.NoError(t, err)
	defer db.Close()
	rows, err := db.QueryContext(context.Background(), `SELECT kind, path, referrer, sum(n) FROM stat_counts WHERE kind LIKE 'invite_%' OR kind = 'open' GROUP BY kind, path, referrer`)
	require.NoError(t, err)
	got := map[string]int64{}
	for rows.Next() {
		var kind, path, ref string
		var n int64
		require.NoError(t, rows.Scan(&kind, &path, &ref, &n))
		got[kind+" "+path+" "+ref] = n
	}
	require.NoError(t, rows.Err())
	rows.Close()
	assert.Equal(t, map[string]int64{
		"open / ": 6, "invite_shown / ": 6, "invite_clicked / ": 5,
		"open /other ": 2, "invite_shown /other ": 1, "invite_closed /other ": 1,
	}, got, "the next page was reached from the site itself: no referrer")
	assert.Equal(t, batches, log.count(batch), "no batch from the visitor who never acted")

	// The console: chart, table, note and CSV.
	agent := agentLogin(t, srv.URL, "ana", "correct horse")
	today := time.Now().UTC().Format("2006-01-02")
	code, report := call(t, "GET", srv.URL+"/api/v1/agent/stats?from="+today+"&to="+today, agent, "")
	require.Equal(t, http.StatusOK, code)
	for kind, want := range map[string]string{"invite_shown": "7", "invite_clicked": "5", "invite_closed": "< 5", "open": "8"} {
		assert.Equal(t, want, total(report, kind), kind)
	}
	con := newBrowser(t)
	downloads := allowDownloads(t, con)
	inboxLogin(t, con, srv.URL, "ana", "correct horse")
	con.click(t, `document.getElementById('tab-stats')`)
	kind := func(k string) string { return `document.querySelector('#stats-body section[data-kind=` + k + `]')` }
	con.waitFor(t, kind("invite_shown")+`?.querySelector('.stats-total')?.textContent === 'Total: 7'`)
	for k, want := range map[string]string{"invite_shown": "7", "invite_clicked": "5", "invite_closed": "< 5"} {
		assert.Equal(t, want, eval[string](t, con, kind(k)+`.querySelector('svg rect[data-day="`+today+`"]').getAttribute('data-count')`), "chart of %s", k)
		assert.Equal(t, want, eval[string](t, con, `[...`+kind(k)+`.querySelectorAll('tbody tr')].find(r => r.cells[0].textContent === '`+today+`').cells[1].textContent`), "table of %s", k)
	}
	assert.Contains(t, eval[string](t, con, kind("invite_closed")+`.querySelector('.stats-note').textContent`), "A teaser nobody acts on is not counted.")
	con.click(t, `document.getElementById('stats-csv')`)
	_, csv := waitForOnlyDownload(t, downloads)
	lines := strings.Split(string(csv), "\n")
	for _, line := range []string{
		fmt.Sprintf("day,%s,invite_shown,7,,", today), fmt.Sprintf("day,%s,invite_clicked,5,,", today), fmt.Sprintf("day,%s,invite_closed,< 5,,", today),
	} {
		assert.Contains(t, lines, line)
	}
}
