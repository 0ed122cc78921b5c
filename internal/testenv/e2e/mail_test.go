//go:build e2e

package e2e

import (
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// freePort returns a loopback port nobody listened on a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// startSMTP runs Debian's aiosmtpd (python3-aiosmtpd) as its own process,
// keeping every mail it accepts in a Maildir, and returns its port and the
// Maildir. A port taken meanwhile makes it exit: then another is tried.
func startSMTP(t *testing.T) (int, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "maildir")
	for try := 0; try < 10; try++ {
		port := freePort(t)
		cmd := exec.Command("/usr/bin/python3", "-m", "aiosmtpd", "-n", "-l", "127.0.0.1:"+strconv.Itoa(port), "-c", "aiosmtpd.handlers.Mailbox", dir)
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		require.NoError(t, cmd.Start(), "aiosmtpd (make deps installs python3-aiosmtpd)")
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		deadline := time.Now().Add(20 * time.Second)
		for {
			select {
			case err := <-exited: // the port was taken: try another
				t.Logf("aiosmtpd on %d exited: %v", port, err)
			default:
				if c, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(port), time.Second); err == nil {
					c.Close()
					t.Cleanup(func() { cmd.Process.Kill(); <-exited })
					return port, dir
				}
				require.True(t, time.Now().Before(deadline), "aiosmtpd did not accept connections")
				time.Sleep(20 * time.Millisecond)
				continue
			}
			break
		}
	}
	t.Fatal("no port for aiosmtpd")
	return 0, ""
}

// received is a mail the SMTP server kept: its headers and its plain text.
type received struct {
	header mail.Header
	text   string
}

// mailbox reads the mails in a Maildir, oldest first.
func mailbox(t *testing.T, dir string) []received {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "new", "*"))
	type file struct {
		name string
		mod  time.Time
	}
	var list []file
	for _, f := range files {
		if st, err := os.Stat(f); err == nil {
			list = append(list, file{f, st.ModTime()})
		}
	}
	sort.Slice(list, func(i, j int) bool { return list[i].mod.Before(list[j].mod) })
	var out []received
	for _, f := range list {
		raw, err := os.Open(f.name)
		require.NoError(t, err)
		m, err := mail.ReadMessage(raw)
		require.NoError(t, err)
		_, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
		require.NoError(t, err)
		parts := multipart.NewReader(m.Body, params["boundary"])
		var text string
		for {
			p, err := parts.NextPart() // decodes quoted-printable itself
			if err != nil {
				break
			}
			if strings.HasPrefix(p.Header.Get("Content-Type"), "text/plain") {
				b, _ := io.ReadAll(p)
				text = string(b)
			}
		}
		raw.Close()
		out = append(out, received{header: m.Header, text: text})
	}
	return out
}

// waitMails waits until dir holds n mails and returns them.
func waitMails(t *testing.T, dir string, n int, within time.Duration) []received {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		got := mailbox(t, dir)
		if len(got) >= n {
			return got
		}
		require.True(t, time.Now().Before(deadline), "%d of %d mails after %s", len(got), n, within)
		time.Sleep(50 * time.Millisecond)
	}
}

// startMailServer runs the server on a port chosen first, so that its
// -public-url (the links in the mails) is its own address, sending mail to
// the SMTP server on smtpPort.
func startMailServer(t *testing.T, data string, smtpPort int, notifyAfter string) *chatProcess {
	t.Helper()
	port := strconv.Itoa(freePort(t))
	return startChatProcess(t, data, "-addr", "127.0.0.1:"+port, "-public-url", "http://127.0.0.1:"+port,
		"-smtp", "smtp://127.0.0.1:"+strconv.Itoa(smtpPort), "-mail-from", "chat@shop.example", "-notify-after", notifyAfter)
}

// sendAll posts the visitor messages, waiting out the per-conversation
// rate limit (429 with Retry-After) as the widget does.
func sendAll(t *testing.T, base, token, idPrefix string, bodies []string) {
	t.Helper()
	for i, body := range bodies {
		for {
			code, _, h := send(t, http.DefaultClient, "POST", base+"/api/v1/conversation/messages", token,
				fmt.Sprintf(`{"id":"%s%d","body":%q}`, idPrefix, i, body))
			if code == http.StatusTooManyRequests {
				wait, _ := strconv.Atoi(h.Get("Retry-After"))
				time.Sleep(time.Duration(max(wait, 1)) * time.Second)
				continue
			}
			require.Equal(t, http.StatusCreated, code)
			break
		}
	}
}

// TestAgentGetsOneMailForABurst: 20 visitor messages no agent reads within
// -notify-after reach the agent who gave an address as one mail, through a
// real SMTP server; a message after it is a mail of its own.
func TestAgentGetsOneMailForABurst(t *testing.T) {
	smtpPort, dir := startSMTP(t)
	data := t.TempDir()
	add := exec.Command(os.Getenv("CRUMBLESS_BIN"), "agent", "add", "-data", data, "-email", "ana@shop.example", "ana")
	add.Stdin = strings.NewReader("correct horse\n")
	out, err := add.CombinedOutput()
	require.NoError(t, err, string(out))
	addAgent(t, data, "bob", "correct horse") // no address: no mail
	p := startMailServer(t, data, smtpPort, "12s")

	code, start := call(t, "POST", p.base+"/api/v1/conversations", "", `{"site":"demo"}`)
	require.Equal(t, http.StatusCreated, code)
	token := start["token"].(string)
	var burst []string
	for i := range 20 {
		burst = append(burst, fmt.Sprintf("burst message %02d", i))
	}
	began := time.Now()
	sendAll(t, p.base, token, "burst", burst)
	require.Less(t, time.Since(began), 12*time.Second, "the burst fits in -notify-after")
	first := waitMails(t, dir, 1, time.Minute)[0]
	sendAll(t, p.base, token, "later", []string{"one more thing"})
	mails := waitMails(t, dir, 2, time.Minute)
	require.Len(t, mails, 2, "one mail for the burst, one for the later message")
	assert.Equal(t, first, mails[0])

	assert.Equal(t, "<ana@shop.example>", first.header.Get("To"))
	assert.Equal(t, "<chat@shop.example>", first.header.Get("From"))
	assert.Equal(t, "New conversation on demo", first.header.Get("Subject"))
	assert.Contains(t, first.header.Get("List-Unsubscribe"), p.base+"/api/v1/unsubscribe?a=")
	for _, body := range burst {
		assert.Contains(t, first.text, body)
	}
	assert.NotContains(t, first.text, "one more thing")
	assert.Contains(t, first.text, p.base+"/agent/")
	assert.Equal(t, "New messages on demo", mails[1].header.Get("Subject"))
	assert.Contains(t, mails[1].text, "one more thing")
	assert.NotContains(t, mails[1].text, "burst message")
}

// TestVisitorComesBackFromAReplyMail: a visitor asks for the replies by
// mail in the widget; an agent's reply they do not see is mailed with a
// continue link; the link opened in a fresh browser with empty storage
// (nothing fetched or stored before the click) brings the whole
// conversation back, takes the code out of the address bar, and the old
// token and the code stop working.
func TestVisitorComesBackFromAReplyMail(t *testing.T) {
	smtpPort, dir := startSMTP(t)
	data := t.TempDir()
	addAgent(t, data, "ana", "correct horse")
	p := startMailServer(t, data, smtpPort, "2s")
	agent := agentLogin(t, p.base, "ana", "correct horse")

	b := newBrowser(t)
	openWidget(t, b, p.base)
	b.click(t, q(`[data-go=chat]`))
	b.waitFor(t, viewName+` == 'chat'`)
	b.sendInWidget(t, "Where is my parcel?")
	oldToken := eval[string](t, b, `JSON.parse(localStorage.getItem('crumbless-visitor')).data`)

	// With a conversation, the chat offers the replies by mail.
	b.do(t, chromedp.Reload())
	b.waitFor(t, panel+`?.getAttribute('data-view') == 'chat'`)
	b.waitFor(t, q(`details.mailme summary`)+` != null`)
	b.click(t, q(`details.mailme summary`))
	b.do(t, chromedp.SendKeys(chromedp.JSPath(q(`details.mailme input`)), "visitor@example.org"))
	b.click(t, q(`details.mailme button`))
	b.waitFor(t, q(`details.mailme [role=status]`)+`?.textContent == 'Replies you have not seen will be mailed to you.'`)
	b.do(t, chromedp.Navigate("about:blank")) // the visitor leaves: the reply goes unseen

	convURL := onlyConversation(t, p, agent)
	code, _ := call(t, "POST", convURL+"/messages", agent, `{"id":"a1","body":"It left our warehouse today."}`)
	require.Equal(t, http.StatusCreated, code)
	m := waitMails(t, dir, 1, time.Minute)[0]
	assert.Equal(t, "<visitor@example.org>", m.header.Get("To"))
	assert.Equal(t, "New reply from "+strings.TrimPrefix(p.base, "http://"), m.header.Get("Subject"), "the widget names no site: the server's host")
	assert.Contains(t, m.text, "It left our warehouse today.")
	assert.Contains(t, m.header.Get("List-Unsubscribe"), p.base+"/api/v1/unsubscribe?c=")
	link := regexp.MustCompile(regexp.QuoteMeta(p.base) + `/\?crumbless-restore=[0-9A-Z]+`).FindString(m.text)
	require.NotEmpty(t, link, "a continue link in:\n%s", m.text)
	restoreCode := link[strings.Index(link, "=")+1:]

	// A fresh browser, empty storage: nothing happens before the click.
	fresh := newBrowser(t)
	fresh.do(t, chromedp.Navigate(link))
	fresh.waitFor(t, launcher+` != null`)
	assert.Empty(t, prefixedKeys(t, fresh, "crumbless-"), "nothing stored before the click")
	assert.Zero(t, fresh.requestsEndingIn(".wasm"), "no wasm before the click")
	fresh.click(t, launcher)
	fresh.waitFor(t, panelReady)
	fresh.waitFor(t, `!location.search.includes('crumbless-restore')`)
	fresh.waitFor(t, viewIs("chat")) // a continue link opens the chat
	fresh.waitFor(t, shadow+`.querySelectorAll('.log .msg').length == 2`)
	assert.Equal(t, []string{"Where is my parcel?", "It left our warehouse today."},
		eval[[]string](t, fresh, `[...`+shadow+`.querySelectorAll('.log .bubble')].map(e => e.textContent)`))
	newToken := eval[string](t, fresh, `JSON.parse(localStorage.getItem('crumbless-visitor')).data`)
	assert.NotEqual(t, oldToken, newToken)

	st, body := call(t, "POST", p.base+"/api/v1/restore", "", `{"code":"`+restoreCode+`"}`)
	assert.Equal(t, http.StatusUnauthorized, st, "the code works once: %v", body)
	st, _ = call(t, "GET", p.base+"/api/v1/conversation", oldToken, "")
	assert.Equal(t, http.StatusUnauthorized, st, "the old token stops working")
	st, _ = call(t, "GET", p.base+"/api/v1/conversation", newToken, "")
	assert.Equal(t, http.StatusOK, st)

	// The used link again, in the first browser: the chat says the link
	// does not work and what to do, and the code leaves the address bar.
	b.do(t, chromedp.Navigate(link))
	b.waitFor(t, launcher+` != null`)
	b.click(t, launcher)
	b.waitFor(t, viewIs("chat"))
	b.waitFor(t, `!location.search.includes('crumbless-restore')`)
	b.waitFor(t, q(`.log [role=alert]`)+`?.textContent.startsWith('This link has expired or was already used.')`)

	// A code written down in one browser, typed in another one, as a
	// person copies it: lower case, spaces for dashes.
	fresh.do(t, chromedp.Evaluate[chromedp.Void](`crumbless('navigate', 'privacy')`))
	fresh.waitFor(t, viewIs("privacy"))
	fresh.click(t, q(`.restore button`))
	fresh.waitFor(t, q(`.restore [role=status]`)+`?.textContent.includes(' · ')`)
	written := eval[string](t, fresh, q(`.restore [role=status]`)+`.textContent.split(' · ')[0]`)
	require.Regexp(t, `^[0-9A-Z]{4}(-[0-9A-Z]{4}){7}$`, written)
	typed := strings.ToLower(strings.ReplaceAll(written, "-", " "))

	third := newBrowser(t)
	openWidget(t, third, p.base)
	third.do(t, chromedp.Evaluate[chromedp.Void](`crumbless('navigate', 'privacy')`))
	third.waitFor(t, viewIs("privacy"))
	third.do(t, chromedp.SendKeys(chromedp.JSPath(q(`#cl-code`)), "0000 0000 0000"))
	third.click(t, q(`form.restore button`))
	third.waitFor(t, q(`#cl-code-msg`)+`?.textContent.startsWith('That code does not work')`)
	assert.Equal(t, "0000 0000 0000", eval[string](t, third, q(`#cl-code`)+`.value`), "the field keeps what was typed")
	third.do(t, chromedp.Evaluate[chromedp.Void](q(`#cl-code`)+`.value = ''`))
	third.do(t, chromedp.SendKeys(chromedp.JSPath(q(`#cl-code`)), typed))
	third.click(t, q(`form.restore button`))
	third.waitFor(t, viewIs("chat"))
	third.waitFor(t, shadow+`.querySelectorAll('.log .msg').length == 2`)
	assert.Equal(t, []string{"Where is my parcel?", "It left our warehouse today."},
		eval[[]string](t, third, `[...`+shadow+`.querySelectorAll('.log .bubble')].map(e => e.textContent)`))
	thirdToken := eval[string](t, third, `JSON.parse(localStorage.getItem('crumbless-visitor')).data`)
	st, _ = call(t, "GET", p.base+"/api/v1/conversation", newToken, "")
	assert.Equal(t, http.StatusUnauthorized, st, "the token of the browser the code came from stops working")
	st, _ = call(t, "GET", p.base+"/api/v1/conversation", thirdToken, "")
	assert.Equal(t, http.StatusOK, st)

	// The restored conversation goes on: the visitor writes, the agent sees it.
	third.do(t, chromedp.SendKeys(chromedp.JSPath(q(`#cl-composer`)), "Thanks, found it."))
	third.click(t, q(`.composer .send`))
	third.waitFor(t, `[...`+shadow+`.querySelectorAll('.msg.visitor.sent .bubble')].some(e => e.textContent == 'Thanks, found it.')`)
	_, got := call(t, "GET", convURL, agent, "")
	assert.Contains(t, fmt.Sprint(got), "Thanks, found it.")
}
