package chat

import (
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crumbless/crumbless/internal/testenv/rawstream"
)

// TestStreamClientStopsReading opens a visitor's stream from a real TCP
// client and floods the conversation with the longest messages. A client
// that stops reading loses its stream: the server ends the request, frees
// the subscriber, and the client, reading again, reaches the end of the
// stream (it would reconnect with Last-Event-ID). That holds with the
// http.Server's ConnContext (the send buffer bounded: a few messages fill
// it) and without (the kernel's autotuned buffer fills first). A client
// that reads keeps its stream through the same flood.
func TestStreamClientStopsReading(t *testing.T) {
	long := strings.Repeat("𝄞", MaxMessageLength) // 8 KB on the stream
	cases := []struct {
		name        string
		connContext bool
		reads       bool
	}{
		{"stops reading, send buffer bounded", true, false},
		{"stops reading, kernel's buffer", false, false},
		{"keeps reading", true, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fx := newFixture(t, func(cfg *Config) { cfg.StreamWriteTimeout = time.Second })
			var inStream atomic.Int32
			ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if strings.HasSuffix(r.URL.Path, "/events") {
					inStream.Add(1)
					defer inStream.Add(-1)
				}
				fx.h.ServeHTTP(w, r)
			}))
			if c.connContext {
				ts.Config.ConnContext = ConnContext
			}
			serverConn := make(chan net.Conn, 1)
			ts.Config.ConnState = func(c net.Conn, s http.ConnState) {
				if s == http.StateNew {
					select {
					case serverConn <- c:
					default:
					}
				}
			}
			ts.Start()
			t.Cleanup(ts.Close)
			t.Cleanup(fx.srv.Close)
			token, conv := fx.start()
			session := fx.login()
			conn := rawstream.Dial(t, ts.Listener.Addr().String(), nil)
			br := rawstream.Open(t, conn, "chat.test", token)
			require.Equal(t, 1, fx.srv.hub.count(conv))
			if c.connContext { // Linux doubles the size asked for
				assert.LessOrEqual(t, sendBuffer(t, <-serverConn), 2*fx.srv.cfg.StreamSendBuffer, "the stream's send buffer")
			}

			var received atomic.Int64
			if c.reads {
				go func() {
					for {
						line, err := br.ReadString('\n')
						if err != nil {
							return
						}
						if line == "event: message\n" {
							received.Add(1)
						}
					}
				}()
				// 3.2 MB, past any buffer on the way, at most half a queue
				// ahead of the reader.
				const n = 400
				for i := range n {
					require.Eventually(t, func() bool { return int64(i)-received.Load() < 32 }, 30*time.Second, time.Millisecond,
						"the reading client has %d of %d messages", received.Load(), i)
					fx.reply(session, conv, "r"+strconv.Itoa(i), long)
				}
				require.Eventually(t, func() bool { return received.Load() == n }, 30*time.Second, 10*time.Millisecond,
					"the reading client gets every message (%d)", received.Load())
				assert.Equal(t, 1, fx.srv.hub.count(conv), "its subscriber stays")
				assert.Equal(t, int32(1), inStream.Load(), "its stream stays open")
				return
			}

			// The client reads nothing more; messages keep coming until the
			// server has let the stream go, or for at most a minute.
			sent := 0
			deadline := time.Now().Add(time.Minute)
			for fx.srv.hub.count(conv) > 0 || inStream.Load() > 0 {
				require.True(t, time.Now().Before(deadline), "stream still open after %d messages: subscribers %d, requests %d",
					sent, fx.srv.hub.count(conv), inStream.Load())
				fx.reply(session, conv, "s"+strconv.Itoa(sent), long)
				sent++
			}
			t.Logf("stream let go after %d messages of 8 KB", sent)

			// Reading again, the client reaches the end of the stream (the
			// response ends, or the connection closes in its middle).
			require.NoError(t, conn.SetReadDeadline(time.Now().Add(30*time.Second)))
			_, err := io.Copy(io.Discard, br)
			assert.False(t, errors.Is(err, os.ErrDeadlineExceeded), "the connection ends: %v", err)
		})
	}
}

// sendBuffer returns the SO_SNDBUF of a TCP connection.
func sendBuffer(t *testing.T, c net.Conn) int {
	t.Helper()
	raw, err := c.(*net.TCPConn).SyscallConn()
	require.NoError(t, err)
	var n int
	var serr error
	require.NoError(t, raw.Control(func(fd uintptr) { n, serr = syscall.GetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_SNDBUF) }))
	require.NoError(t, serr)
	return n
}
