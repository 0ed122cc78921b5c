//go:build e2e

package e2e

import (
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// startRejectingSMTP runs aiosmtpd on port with the handler of
// testdata/smtp_reject.py: mails go to the Maildir dir, except to the
// addresses in reject (comma-separated), which get a permanent 550.
func startRejectingSMTP(t *testing.T, port int, dir, reject string) {
	t.Helper()
	lib, err := filepath.Abs("testdata")
	require.NoError(t, err)
	cmd := exec.Command("/usr/bin/python3", "-m", "aiosmtpd", "-n", "-l", "127.0.0.1:"+strconv.Itoa(port), "-c", "smtp_reject.Rejecting", dir, reject)
	cmd.Env = append(os.Environ(), "PYTHONPATH="+lib)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	require.NoError(t, cmd.Start(), "aiosmtpd (make deps installs python3-aiosmtpd)")
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() { cmd.Process.Kill(); <-exited })
	deadline := time.Now().Add(20 * time.Second)
	for {
		select {
		case err := <-exited:
			t.Fatalf("aiosmtpd on %d exited: %v", port, err)
		default:
		}
		if c, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(port), time.Second); err == nil {
			c.Close()
			return
		}
		require.True(t, time.Now().Before(deadline), "aiosmtpd did not accept connections")
		time.Sleep(20 * time.Millisecond)
	}
}

// refreshUntil clicks the Settings' mail Refresh button (at most every
// 700 ms, below the API's rate limit) until cond, a JS expression, holds.
func refreshUntil(t *testing.T, b *browser, cond string) {
	t.Helper()
	b.waitFor(t, `(() => {
		const now = Date.now();
		if (!window.__mailRefreshed || now - window.__mailRefreshed > 700) {
			window.__mailRefreshed = now;
			document.getElementById('mail-refresh').click();
		}
		return `+cond+`;
	})()`)
}

// TestConsoleShowsMailFailures: with the SMTP server down, a visitor
// message's mails to the two agents with addresses fail; the console's
// Settings shows the failure (the connect error, each delivery retrying,
// and to the agent signed in, next to their own address). Once a real
// SMTP server runs, "Retry now" sends them: the one it takes arrives and
// shows as sent, the one it refuses with 550 shows as rejected and is
// not tried again, and its agent sees why next to their address.
func TestConsoleShowsMailFailures(t *testing.T) {
	smtpPort := freePort(t) // nothing listens there yet
	dir := filepath.Join(t.TempDir(), "maildir")
	data := t.TempDir()
	for _, a := range []struct{ name, email string }{{"ana", "ana@shop.example"}, {"bob", "bob@gone.example"}} {
		add := exec.Command(os.Getenv("CRUMBLESS_BIN"), "agent", "add", "-data", data, "-email", a.email, a.name)
		add.Stdin = strings.NewReader("correct horse\n")
		out, err := add.CombinedOutput()
		require.NoError(t, err, string(out))
	}
	p := startMailServer(t, data, smtpPort, "1s")
	code, start := call(t, "POST", p.base+"/api/v1/conversations", "", `{"site":"demo"}`)
	require.Equal(t, http.StatusCreated, code)
	sendAll(t, p.base, start["token"].(string), "m", []string{"is anyone there?"})

	b := newBrowser(t)
	inboxLogin(t, b, p.base, "bob", "correct horse")
	b.click(t, `document.getElementById('tab-settings')`)
	b.waitFor(t, `!document.getElementById('mail-health-box').hidden`)
	refreshUntil(t, b, `document.querySelectorAll('#mail-log-rows tr[data-state=retrying]').length === 2 && !document.getElementById('mail-own').hidden`)
	refused := "127.0.0.1:" + strconv.Itoa(smtpPort) + ": connection refused"
	assert.False(t, eval[bool](t, b, `document.getElementById('mail-warning').hidden`), "a warning while mail fails")
	assert.Contains(t, eval[string](t, b, `document.getElementById('mail-warning').textContent`), refused)
	assert.Equal(t, "auto", eval[string](t, b, `document.getElementById('mail-warning-error').dir`))
	assert.Contains(t, eval[string](t, b, `document.getElementById('mail-own').textContent`), "Mail to this address is failing: ")
	assert.Contains(t, eval[string](t, b, `document.getElementById('mail-own-error').textContent`), refused)
	rows := eval[string](t, b, `document.getElementById('mail-log-rows').textContent`)
	for _, want := range []string{"ana@shop.example", "Agent ana", "bob@gone.example", "Agent bob", "Retrying", "next try", refused} {
		assert.Contains(t, rows, want)
	}
	assert.Equal(t, []any{"auto", "auto"}, eval[[]any](t, b, `[...document.querySelectorAll('#mail-log-rows tr td:first-child')].map(td => td.dir)`),
		"the addresses are set dir=auto")
	b.do(t, chromedp.Evaluate[chromedp.Void](`document.getElementById('mail-title').scrollIntoView()`))
	b.screenshot(t, "console-mail-failing")
	b.do(t, chromedp.Evaluate[chromedp.Void](readAxe(t)))
	assertAccessible(t, b, `document`)

	startRejectingSMTP(t, smtpPort, dir, "bob@gone.example")
	b.click(t, `document.getElementById('mail-retry')`)
	refreshUntil(t, b, `document.querySelector('#mail-log-rows tr[data-state=sent]') !== null && document.querySelector('#mail-log-rows tr[data-state=rejected]') !== null
		&& document.getElementById('mail-own-error').textContent.startsWith('550')`)
	sent := eval[string](t, b, `document.querySelector('#mail-log-rows tr[data-state=sent]').textContent`)
	assert.Contains(t, sent, "ana@shop.example")
	assert.Contains(t, sent, "Sent")
	rejected := eval[string](t, b, `document.querySelector('#mail-log-rows tr[data-state=rejected]').textContent`)
	assert.Contains(t, rejected, "bob@gone.example")
	assert.Contains(t, rejected, "Rejected")
	assert.Contains(t, rejected, "550 5.1.1 <bob@gone.example>: mailbox unavailable")
	assert.Equal(t, "The mail server refuses this address: 550 5.1.1 <bob@gone.example>: mailbox unavailable",
		eval[string](t, b, `document.getElementById('mail-own').textContent`))
	assert.True(t, eval[bool](t, b, `document.getElementById('mail-retry').hidden`), "nothing waits to be retried")
	b.screenshot(t, "console-mail-rejected")
	mails := waitMails(t, dir, 1, time.Minute)
	require.Len(t, mails, 1, "the mail the server took")
	assert.Equal(t, "<ana@shop.example>", mails[0].header.Get("To"))

	// The agent API says the same, and the rejected mail is not tried again.
	agent := agentLogin(t, p.base, "ana", "correct horse")
	code, status := call(t, "GET", p.base+"/api/v1/agent/mail", agent, "")
	require.Equal(t, http.StatusOK, code)
	assert.Equal(t, true, status["configured"])
	assert.Equal(t, float64(0), status["health"].(map[string]any)["retrying"])
	for _, d := range status["deliveries"].([]any) {
		d := d.(map[string]any)
		assert.Equal(t, float64(2), d["attempts"], "%s: one failed attempt, one after Retry now", d["to"])
	}
}
