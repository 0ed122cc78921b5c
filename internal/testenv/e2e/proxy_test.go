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
	"github.com/crumbless/crumbless/internal/testenv/pgtest"
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

// docsNginxBlock is the nginx configuration of docs/server.md (an
// upstream and a server block), section "Behind a reverse proxy".
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

// startProxyNginx runs Debian's nginx with the docs' configuration on
// port, with the throwaway certificate and the instances as the upstream's
// servers in place of the docs' ones. Its error wraps launch.ErrExited when
// nginx exited before answering (a port taken before its bind).
func startProxyNginx(t *testing.T, port int, certFile, keyFile string, instances []*chatProcess) error {
	t.Helper()
	block := docsNginxBlock(t)
	var servers []string
	for _, p := range instances {
		servers = append(servers, "server "+p.srv.Addr+";")
	}
	for _, r := range [][2]string{
		{"listen 443 ssl http2;", "listen 127.0.0.1:" + strconv.Itoa(port) + " ssl http2;"},
		{"/etc/ssl/certs/chat.example.pem", certFile},
		{"/etc/ssl/private/chat.example.key", keyFile},
		{"server 127.0.0.1:8080;", strings.Join(servers, "\n    ")},
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

// withHost sends every request with Host set to host, as a client that
// reaches an instance behind the proxy's back and names the public host.
type withHost struct {
	host string
	next http.RoundTripper
}

func (h withHost) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Host = h.host
	return h.next.RoundTrip(r)
}

// directFrom is a client whose connections come from the loopback address
// from and whose requests name host: it talks to an instance straight,
// not through nginx.
func directFrom(from, host string) *http.Client {
	c := clientFrom(from, nil)
	c.Transport = withHost{host, c.Transport}
	return c
}

// startBudget is the burst of new conversations per client network.
const startBudget = 5

// TestBehindNginx runs Crumbless behind Debian's nginx, configured as
// docs/server.md says, terminating TLS with a throwaway certificate, in
// front of one instance on SQLite and of two instances on one PostgreSQL
// database (round robin). The instances run with -trusted-proxies
// 127.0.0.1/32 and -public-url. A visitor's widget in Chromium through
// nginx sees the team come online when an agent logs in to the inbox in
// Chromium through nginx, and every instance says so; the visitor writes,
// the agent answers in the inbox, and the reply reaches the widget live
// and the visitor's streams on every instance. Visitors arriving from
// different addresses have separate budgets for new conversations, shared
// by the instances; a forged X-Forwarded-For through nginx (which replaces
// it) or straight to an instance from an untrusted peer buys no second
// budget. A network ban made on the first instance holds on every one.
func TestBehindNginx(t *testing.T) {
	require.NoError(t, debian.Require(debian.Nginx))
	for _, c := range []struct {
		name      string
		instances int
	}{{"one instance on SQLite", 1}, {"two instances on PostgreSQL", 2}} {
		t.Run(c.name, func(t *testing.T) { behindNginx(t, c.instances) })
	}
}

func behindNginx(t *testing.T, n int) {
	certFile, keyFile, pool := throwawayCert(t)
	store := t.TempDir() // one instance's data folder, or the instances' database
	if n > 1 {
		store = pgtest.Database(t)
	}
	addAgent(t, store, "ana", "correct horse")
	// The instances are told nginx's public URL, so they start again with
	// nginx when nginx's port was taken before its bind.
	var public string
	var instances []*chatProcess
	onFreePort(t, func(port int) error {
		public = "https://127.0.0.1:" + strconv.Itoa(port)
		flags := []string{"-trusted-proxies", "127.0.0.1/32", "-public-url", public, "-presence-grace", "1s"}
		instances = nil
		for range n {
			if n == 1 {
				instances = append(instances, startChatProcess(t, store, flags...))
			} else {
				instances = append(instances, startChatProcess(t, t.TempDir(), append([]string{"-db", store}, flags...)...))
			}
		}
		err := startProxyNginx(t, port, certFile, keyFile, instances)
		if err != nil {
			for _, p := range instances {
				_ = p.srv.Stop()
			}
		}
		return err
	})
	host := strings.TrimPrefix(public, "https://")

	// A visitor opens the widget through nginx: the team is offline.
	visitor := newBrowserFor(t, 4*time.Minute)
	ignoreCertificate(t, visitor)
	openWidget(t, visitor, public)
	visitor.waitFor(t, availText+` == `+jsString(teamOffline))

	// The agent logs in to the inbox through nginx: the widget says the
	// team is online, live, and so does every instance.
	agent := newBrowserFor(t, 4*time.Minute)
	ignoreCertificate(t, agent)
	inboxLogin(t, agent, public, "ana", "correct horse")
	visitor.waitFor(t, availText+` == `+jsString(teamOnline))
	watcher := directFrom("127.0.0.9", host)
	for i, p := range instances {
		require.Eventually(t, func() bool {
			code, body, _ := send(t, watcher, "GET", p.base+"/api/v1/availability", "", "")
			return code == http.StatusOK && body["online"] == true
		}, 20*time.Second, 250*time.Millisecond, "instance %d shows the team online", i)
	}

	// The visitor writes in the widget; its streams straight to every
	// instance listen too.
	visitor.click(t, q(`[data-go=chat]`))
	visitor.waitFor(t, viewName+` == 'chat'`)
	visitor.sendInWidget(t, "Hello through nginx")
	token := eval[string](t, visitor, `JSON.parse(localStorage.getItem('crumbless-visitor')).data`)
	var streams []<-chan sseEvent
	for _, p := range instances {
		streams = append(streams, sseStreamWith(t, watcher, p.base+"/api/v1/conversation/events", token, 0))
	}

	// The agent answers in the inbox: the reply reaches the widget and
	// every instance's stream, live.
	agent.waitFor(t, `document.querySelector('#conversation-list button') !== null`)
	agent.click(t, `document.querySelector('#conversation-list button')`)
	agent.waitFor(t, `document.querySelector('#transcript li.visitor')?.lastChild.textContent === 'Hello through nginx'`)
	inboxReply(t, agent, "Hello from the inbox")
	visitor.waitFor(t, q(`.msg.agent .bubble`)+`?.textContent == 'Hello from the inbox'`)
	for i, events := range streams {
		m := messageWith(t, events, "Hello from the inbox")
		assert.Equal(t, "agent", m["author"], "instance %d", i)
	}
	agent.screenshot(t, "proxy-inbox-reply-"+strconv.Itoa(n))

	// Separate budgets per forwarded address, whichever instance nginx
	// picks: 127.0.0.3 spends its own, 127.0.0.2 still has room.
	newConversation := func(c *http.Client, base string, header ...string) int {
		code, _, _ := send(t, c, "POST", base+"/api/v1/conversations", "", `{"site":"demo"}`, header...)
		return code
	}
	other := clientFrom("127.0.0.2", pool)
	code, start, header := send(t, other, "POST", public+"/api/v1/conversations", "", `{"site":"demo"}`)
	require.Equal(t, http.StatusCreated, code, "%v", start)
	assert.Equal(t, "max-age=31536000", header.Get("Strict-Transport-Security"), "HSTS: the public URL is https")
	spender := clientFrom("127.0.0.3", pool)
	for i := 0; i < startBudget; i++ {
		require.Equal(t, http.StatusCreated, newConversation(spender, public), "conversation %d from 127.0.0.3", i+1)
	}
	assert.Equal(t, http.StatusTooManyRequests, newConversation(spender, public), "127.0.0.3's budget is spent")
	assert.Equal(t, http.StatusCreated, newConversation(other, public), "127.0.0.2 has its own budget")

	// A forged X-Forwarded-For through nginx is replaced by nginx.
	forger := clientFrom("127.0.0.4", pool)
	for i := 0; i < startBudget; i++ {
		require.Equal(t, http.StatusCreated, newConversation(forger, public, "X-Forwarded-For", "203.0.113."+strconv.Itoa(i)))
	}
	assert.Equal(t, http.StatusTooManyRequests, newConversation(forger, public, "X-Forwarded-For", "203.0.113.99"), "forged through nginx")

	// Straight to the instances, in turn, from an untrusted peer: the
	// forwarding headers are ignored.
	direct := directFrom("127.0.0.5", host)
	forged := func(i int) []string {
		return []string{"X-Forwarded-For", "198.51.100." + strconv.Itoa(i), "Forwarded", "for=198.51.100." + strconv.Itoa(i) + ";proto=https"}
	}
	for i := 0; i < startBudget; i++ {
		require.Equal(t, http.StatusCreated, newConversation(direct, instances[i%n].base, forged(i)...))
	}
	for i, p := range instances {
		assert.Equal(t, http.StatusTooManyRequests, newConversation(direct, p.base, forged(99)...), "forged from an untrusted peer, instance %d", i)
	}
	code, body, _ := send(t, clientFrom("127.0.0.5", nil), "GET", instances[0].base+"/api/v1/availability", "", "")
	assert.Equal(t, http.StatusMisdirectedRequest, code, "a Host other than the public URL's")
	assert.Equal(t, "misdirected", body["code"])

	// A network ban made on the first instance holds on every instance:
	// 127.0.0.2 gets no new conversation, through nginx or straight.
	staff := agentLoginWith(t, directFrom("127.0.0.8", host), instances[0].base, "ana", "correct horse")
	conv := strconv.FormatInt(int64(start["conversation"].(map[string]any)["id"].(float64)), 10)
	code, body, _ = send(t, directFrom("127.0.0.8", host), "POST", instances[0].base+"/api/v1/agent/conversations/"+conv+"/ban", staff,
		`{"reason":"abuse","network":true,"days":7}`)
	require.Equal(t, http.StatusOK, code, "%v", body)
	for i, p := range instances {
		assert.Equal(t, http.StatusForbidden, newConversation(directFrom("127.0.0.2", host), p.base), "127.0.0.2 banned on instance %d", i)
		assert.Equal(t, http.StatusCreated, newConversation(directFrom("127.0.0.7", host), p.base), "127.0.0.7 not banned on instance %d", i)
	}
	// Refused attempts spend the budget too: 127.0.0.2 has one left.
	assert.Equal(t, http.StatusForbidden, newConversation(other, public), "127.0.0.2 through nginx")
}

// messageWith returns the data of the next message event whose body is
// body (others are skipped).
func messageWith(t *testing.T, events <-chan sseEvent, body string) map[string]any {
	t.Helper()
	for {
		if ev := nextMessage(t, events); ev.data["body"] == body {
			return ev.data
		}
	}
}

// ignoreCertificate makes b accept the test's throwaway certificate.
func ignoreCertificate(t *testing.T, b *browser) {
	t.Helper()
	_, err := chromedp.Call(b.ctx, security.SetIgnoreCertificateErrors, security.SetIgnoreCertificateErrorsParams{Ignore: true})
	require.NoError(t, err, "Chromium ignores the throwaway certificate")
}
