// Package rawstream opens a visitor's event stream over a connection the
// test holds, with a small fixed receive buffer (a phone on a bad network),
// so that a test can stop reading it as a stalled client does and see what
// the server, or a proxy in front of it, does about that.
package rawstream

import (
	"bufio"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// ReceiveBuffer is the socket receive buffer of every connection Dial
// makes, fixed so that the kernel does not grow it.
const ReceiveBuffer = 4096

// Dial connects to addr over TCP with a ReceiveBuffer-byte receive buffer;
// with tlsConfig set, it speaks TLS (HTTP/1.1) on top. The connection is
// closed when the test ends.
func Dial(t testing.TB, addr string, tlsConfig *tls.Config) net.Conn {
	t.Helper()
	d := net.Dialer{Timeout: 5 * time.Second, Control: func(_, _ string, c syscall.RawConn) error {
		var err error
		if cerr := c.Control(func(fd uintptr) {
			err = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, ReceiveBuffer)
		}); cerr != nil {
			return cerr
		}
		return err
	}}
	conn, err := d.Dial("tcp", addr)
	require.NoError(t, err)
	if tlsConfig != nil {
		tlsConfig = tlsConfig.Clone()
		tlsConfig.NextProtos = []string{"http/1.1"}
		conn = tls.Client(conn, tlsConfig)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// Open asks for the visitor's event stream (GET /api/v1/conversation/events
// with token) over conn, for host, and returns the response's body once the
// stream's opening comment has arrived. Nothing more is read until the
// caller reads the body.
func Open(t testing.TB, conn net.Conn, host, token string) *bufio.Reader {
	t.Helper()
	_, err := io.WriteString(conn, "GET /api/v1/conversation/events HTTP/1.1\r\nHost: "+host+"\r\nAuthorization: Bearer "+token+"\r\n\r\n")
	require.NoError(t, err)
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(10*time.Second)))
	res, err := http.ReadResponse(bufio.NewReaderSize(conn, 512), nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, res.StatusCode)
	body := bufio.NewReaderSize(res.Body, 512)
	for {
		line, err := body.ReadString('\n')
		require.NoError(t, err)
		if strings.Contains(line, ": stream open") {
			break
		}
	}
	require.NoError(t, conn.SetReadDeadline(time.Time{}))
	return body
}
