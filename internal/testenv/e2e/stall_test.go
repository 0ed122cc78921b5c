//go:build e2e

package e2e

import (
	"bufio"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crumbless/crumbless/internal/testenv/debian"
	"github.com/crumbless/crumbless/internal/testenv/rawstream"
)

// TestStalledStreamBehindNginx runs Crumbless behind Debian's nginx,
// configured as docs/server.md says. A visitor holds its four streams
// (the most a visitor may open) through nginx and stops reading them while
// an agent floods the conversation with the longest messages. The server
// lets the stalled streams go: the visitor can open four new ones. Reading
// again, each stalled client reaches the end of its stream (a browser
// would reconnect with Last-Event-ID).
func TestStalledStreamBehindNginx(t *testing.T) {
	require.NoError(t, debian.Require(debian.Nginx))
	certFile, keyFile, pool := throwawayCert(t)
	data := t.TempDir()
	addAgent(t, data, "ana", "correct horse")
	var public string
	var instance *chatProcess
	onFreePort(t, func(port int) error {
		public = "https://127.0.0.1:" + strconv.Itoa(port)
		instance = startChatProcess(t, data, "-trusted-proxies", "127.0.0.1/32", "-public-url", public)
		err := startProxyNginx(t, port, certFile, keyFile, []*chatProcess{instance})
		if err != nil {
			_ = instance.srv.Stop()
		}
		return err
	})
	host := strings.TrimPrefix(public, "https://")

	visitor := clientFrom("127.0.0.2", pool)
	code, start, _ := send(t, visitor, "POST", public+"/api/v1/conversations", "", `{"site":"demo"}`)
	require.Equal(t, http.StatusCreated, code, "%v", start)
	token := start["token"].(string)
	conv := strconv.FormatInt(int64(start["conversation"].(map[string]any)["id"].(float64)), 10)
	type stalled struct {
		conn net.Conn
		br   *bufio.Reader
	}
	var streams []stalled
	for range 4 {
		conn := rawstream.Dial(t, host, &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"})
		br := rawstream.Open(t, conn, host, token)
		streams = append(streams, stalled{conn, br})
	}
	code, body, _ := send(t, visitor, "GET", public+"/api/v1/conversation/events", token, "")
	require.Equal(t, http.StatusTooManyRequests, code, "a fifth stream: %v", body)

	// The agent floods the conversation, straight to the instance from 16
	// addresses (each has a budget of requests per second), until the
	// visitor can open four new streams through nginx (each read to the end
	// in the background), or for at most two minutes.
	var agents []*http.Client
	for i := range 16 {
		agents = append(agents, directFrom("127.0.1."+strconv.Itoa(10+i), host))
	}
	staff := agentLoginWith(t, agents[0], instance.base, "ana", "correct horse")
	long := strings.Repeat("𝄞", 2000)
	reopened := 0
	deadline := time.Now().Add(2 * time.Minute)
	for n := 0; reopened < 4; n++ {
		require.True(t, time.Now().Before(deadline), "after %d messages the visitor has %d new streams", n, reopened)
		code, body, _ := send(t, agents[n%len(agents)], "POST", instance.base+"/api/v1/agent/conversations/"+conv+"/messages", staff,
			`{"id":"f`+strconv.Itoa(n)+`","body":"`+long+`"}`)
		require.Equal(t, http.StatusCreated, code, "%v", body)
		if n%10 != 9 {
			continue
		}
		for reopened < 4 {
			res, err := streamRequest(visitor, public+"/api/v1/conversation/events", token)
			require.NoError(t, err)
			if res.StatusCode != http.StatusOK {
				res.Body.Close()
				require.Equal(t, http.StatusTooManyRequests, res.StatusCode)
				break
			}
			t.Cleanup(func() { res.Body.Close() })
			go io.Copy(io.Discard, res.Body)
			reopened++
			t.Logf("new stream %d after %d messages of 8 KB", reopened, n+1)
		}
	}

	// Reading again, every stalled client reaches the end of its stream
	// (the response ends, or the connection closes in its middle).
	for i, s := range streams {
		require.NoError(t, s.conn.SetReadDeadline(time.Now().Add(90*time.Second)))
		_, err := io.Copy(io.Discard, s.br)
		assert.False(t, errors.Is(err, os.ErrDeadlineExceeded), "stalled stream %d ends: %v", i, err)
	}
}

// streamRequest opens an event stream and returns its response unread.
func streamRequest(c *http.Client, url, token string) (*http.Response, error) {
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	sc := *c
	sc.Timeout = 0 // the stream stays open
	return sc.Do(req)
}
