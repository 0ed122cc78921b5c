//go:build e2e

package e2e

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/security"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crumbless/crumbless/internal/testenv/debian"
	"github.com/crumbless/crumbless/internal/testenv/launch"
	"github.com/crumbless/crumbless/internal/testenv/nginx"
	"github.com/crumbless/crumbless/internal/testenv/testcert"
)

// throwawayCert writes a self-signed certificate for 127.0.0.1 and its key
// and returns their paths and a pool that trusts it.
func throwawayCert(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	certFile, keyFile, pool, err := testcert.Write(t.TempDir())
	require.NoError(t, err)
	return certFile, keyFile, pool
}

// docsNginxBlock is the nginx server block of docs/server.md, section
// "Behind a reverse proxy".
func docsNginxBlock(t *testing.T) string {
	t.Helper()
	doc, err := os.ReadFile(filepath.Join("..", "..", "..", "docs", "server.md"))
	require.NoError(t, err)
	_, section, ok := strings.Cut(string(doc), "\n## Behind a reverse proxy\n")
	require.True(t, ok, "docs/server.md has a section \"Behind a reverse proxy\"")
	_, block, ok := strings.Cut(section, "```nginx\n")
	require.True(t, ok, "the section has an nginx block")
	block, _, ok = strings.Cut(block, "```")
	require.True(t, ok)
	return block
}

// startProxyNginx runs Debian's nginx with the docs' server block on port,
// with the throwaway certificate and upstream in place of the docs' ones.
// Its error wraps launch.ErrExited when nginx exited before answering (a port
// taken before its bind).
func startProxyNginx(t *testing.T, port int, certFile, keyFile, upstream string) error {
	t.Helper()
	block := docsNginxBlock(t)
	for _, r := range [][2]string{
		{"listen 443 ssl http2;", "listen 127.0.0.1:" + strconv.Itoa(port) + " ssl http2;"},
		{"/etc/ssl/certs/chat.example.pem", certFile},
		{"/etc/ssl/private/chat.example.key", keyFile},
		{"proxy_pass http://127.0.0.1:8080;", "proxy_pass " + upstream + ";"},
	} {
		require.Equal(t, 1, strings.Count(block, r[0]), "the docs' nginx block has %q once", r[0])
		block = strings.Replace(block, r[0], r[1], 1)
	}
	probe, err := launch.FreePort() // nginx cannot report a port it got
	require.NoError(t, err)
	return runNginx(t, nginx.Config{HTTP: fmt.Sprintf(`	# For the test's readiness probe only.
	server { listen 127.0.0.1:%d; return 204; }
%s`, probe, block)}, "http://127.0.0.1:"+strconv.Itoa(probe)+"/")
}

// clientFrom is an HTTP client whose connections come from the loopback
// address from (127.0.0.2, …: every 127/8 address is the loopback on
// Linux) and that trusts pool.
func clientFrom(from string, pool *x509.CertPool) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}, Timeout: 5 * time.Second}
	return &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		DialContext:     d.DialContext,
		TLSClientConfig: &tls.Config{RootCAs: pool},
	}}
}

// startBudget is the burst of new conversations per client network.
const startBudget = 5

// TestBehindNginx runs Crumbless behind Debian's nginx, configured with the
// server block of docs/server.md, terminating TLS with a throwaway
// certificate, and Crumbless started with -trusted-proxies 127.0.0.1/32
// and -public-url. An agent logs in to the inbox in Chromium through nginx
// and answers a visitor, whose event stream through nginx gets the reply
// live. Visitors arriving from different addresses have separate budgets
// for new conversations; a forged X-Forwarded-For through nginx (which
// replaces it) or straight to the instance from an untrusted peer buys no
// second budget.
func TestBehindNginx(t *testing.T) {
	require.NoError(t, debian.Require(debian.Nginx))

	certFile, keyFile, pool := throwawayCert(t)
	data := t.TempDir()
	addAgent(t, data, "ana", "correct horse")
	// The instance is told nginx's public URL, so it starts again with
	// nginx when nginx's port was taken before its bind.
	var public string
	var p *chatProcess
	onFreePort(t, func(port int) error {
		public = "https://127.0.0.1:" + strconv.Itoa(port)
		p = startChatProcess(t, data, "-trusted-proxies", "127.0.0.1/32", "-public-url", public, "-presence-grace", "1s")
		err := startProxyNginx(t, port, certFile, keyFile, p.base)
		if err != nil {
			_ = p.srv.Stop()
		}
		return err
	})

	// A visitor (from 127.0.0.2) writes through nginx and listens.
	visitor := clientFrom("127.0.0.2", pool)
	code, start, header := send(t, visitor, "POST", public+"/api/v1/conversations", "", `{"site":"demo"}`)
	require.Equal(t, http.StatusCreated, code, "%v", start)
	assert.Equal(t, "max-age=31536000", header.Get("Strict-Transport-Security"), "HSTS: the public URL is https")
	token := start["token"].(string)
	code, _, _ = send(t, visitor, "POST", public+"/api/v1/conversation/messages", token, `{"id":"m1","body":"Hello through nginx"}`)
	require.Equal(t, http.StatusCreated, code)
	events := sseStreamWith(t, visitor, public+"/api/v1/conversation/events", token, 0)

	// The agent logs in to the inbox through nginx and replies.
	agent := newBrowser(t)
	_, err := chromedp.Call(agent.ctx, security.SetIgnoreCertificateErrors, security.SetIgnoreCertificateErrorsParams{Ignore: true})
	require.NoError(t, err, "Chromium ignores the throwaway certificate")
	inboxLogin(t, agent, public, "ana", "correct horse")
	agent.waitFor(t, `document.querySelector('#conversation-list button') !== null`)
	agent.click(t, `document.querySelector('#conversation-list button')`)
	agent.waitFor(t, `document.querySelector('#transcript li.visitor')?.lastChild.textContent === 'Hello through nginx'`)
	inboxReply(t, agent, "Hello from the inbox")
	m := nextMessage(t, events).data
	assert.Equal(t, "Hello from the inbox", m["body"], "the reply reaches the visitor's stream through nginx")
	assert.Equal(t, "agent", m["author"])
	agent.screenshot(t, "proxy-inbox-reply")

	// Separate budgets per forwarded address: 127.0.0.3 spends its own,
	// 127.0.0.2 (one conversation so far) still has room.
	newConversation := func(c *http.Client, base string, header ...string) int {
		code, _, _ := send(t, c, "POST", base+"/api/v1/conversations", "", `{"site":"demo"}`, header...)
		return code
	}
	spender := clientFrom("127.0.0.3", pool)
	for i := 0; i < startBudget; i++ {
		require.Equal(t, http.StatusCreated, newConversation(spender, public), "conversation %d from 127.0.0.3", i+1)
	}
	assert.Equal(t, http.StatusTooManyRequests, newConversation(spender, public), "127.0.0.3's budget is spent")
	assert.Equal(t, http.StatusCreated, newConversation(visitor, public), "127.0.0.2 has its own budget")

	// A forged X-Forwarded-For through nginx is replaced by nginx.
	forger := clientFrom("127.0.0.4", pool)
	for i := 0; i < startBudget; i++ {
		require.Equal(t, http.StatusCreated, newConversation(forger, public, "X-Forwarded-For", "203.0.113."+strconv.Itoa(i)))
	}
	assert.Equal(t, http.StatusTooManyRequests, newConversation(forger, public, "X-Forwarded-For", "203.0.113.99"), "forged through nginx")

	// Straight to the instance from an untrusted peer: the forwarding
	// headers are ignored, and its Host is not the public one.
	direct := clientFrom("127.0.0.5", nil)
	forged := func(i int) []string {
		return []string{"Host", strings.TrimPrefix(public, "https://"), "X-Forwarded-For", "198.51.100." + strconv.Itoa(i),
			"Forwarded", "for=198.51.100." + strconv.Itoa(i) + ";proto=https"}
	}
	for i := 0; i < startBudget; i++ {
		require.Equal(t, http.StatusCreated, newConversation(direct, p.base, forged(i)...))
	}
	assert.Equal(t, http.StatusTooManyRequests, newConversation(direct, p.base, forged(99)...), "forged from an untrusted peer")
	code, body, _ := send(t, direct, "GET", p.base+"/api/v1/availability", "", "")
	assert.Equal(t, http.StatusMisdirectedRequest, code, "a Host other than the public URL's")
	assert.Equal(t, "misdirected", body["code"])
}
