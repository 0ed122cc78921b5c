package server

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crumbless/crumbless/internal/testenv/testcert"
)

// testLimits are generous everywhere but where a test says otherwise, so
// that a closed connection can only come from the limit under test.
var testLimits = limits{readHeader: time.Minute, read: time.Minute, write: time.Minute, idle: time.Minute, maxHeaderBytes: 16 << 10}

// startServer serves h on a loopback port through serve, the way run does,
// and returns its address and a function that shuts it down (also called
// at cleanup) and returns serve's result.
func startServer(t *testing.T, h http.Handler, l limits, tlsConfig *tls.Config) (addr string, shutdown func() error) {
	t.Helper()
	logger, err := NewLogger("text", io.Discard)
	require.NoError(t, err)
	srv := newServer(h, logger, l)
	srv.TLSConfig = tlsConfig
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serve(ctx, srv, ln, 10*time.Second) }()
	var result error
	stopped := false
	shutdown = func() error {
		if !stopped {
			stopped = true
			cancel()
			result = <-done
		}
		return result
	}
	t.Cleanup(func() { _ = shutdown() })
	return ln.Addr().String(), shutdown
}

func TestSlowClientIsCutOffByTheHeaderTimeout(t *testing.T) {
	l := testLimits
	l.readHeader = 500 * time.Millisecond
	addr, _ := startServer(t, newHandler(testTable(t), origins{}), l, nil)

	conn, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer conn.Close()
	// Half a request, then silence: the classic slowloris.
	_, err = io.WriteString(conn, "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: 1")
	require.NoError(t, err)
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(30*time.Second))) // a safety net, far above the limit
	got, err := io.ReadAll(conn)
	var netErr net.Error
	require.False(t, errors.As(err, &netErr) && netErr.Timeout(), "the server kept the slow connection open")
	assert.NotContains(t, string(got), "200 OK", "the half request was never served")

	// The same request sent in full on a fresh connection is served.
	conn2, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer conn2.Close()
	_, err = io.WriteString(conn2, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
	require.NoError(t, err)
	res, err := http.ReadResponse(bufio.NewReader(conn2), nil)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, res.StatusCode)
}

func TestHugeHeadersGet431(t *testing.T) {
	addr, _ := startServer(t, newHandler(testTable(t), origins{}), testLimits, nil)
	cases := []struct {
		name string
		size int
		want int
	}{
		{"8 KiB header is fine", 8 << 10, http.StatusOK},
		{"64 KiB header", 64 << 10, http.StatusRequestHeaderFieldsTooLarge},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodGet, "http://"+addr+"/healthz", nil)
			require.NoError(t, err)
			req.Header.Set("X-Big", strings.Repeat("a", c.size))
			res, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			res.Body.Close()
			assert.Equal(t, c.want, res.StatusCode)
		})
	}
}

func TestGracefulShutdownFinishesRequestsInFlight(t *testing.T) {
	started := make(chan struct{})
	release := make(chan struct{})
	slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-release
		io.WriteString(w, "finished")
	})
	addr, shutdown := startServer(t, slow, testLimits, nil)

	type result struct {
		body string
		err  error
	}
	got := make(chan result, 1)
	go func() {
		res, err := http.Get("http://" + addr + "/")
		if err != nil {
			got <- result{err: err}
			return
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		got <- result{string(b), err}
	}()
	<-started
	stopped := make(chan error, 1)
	go func() { stopped <- shutdown() }()

	// While the request is in flight, the server stops accepting.
	require.Eventually(t, func() bool {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
		}
		return err != nil
	}, 10*time.Second, 10*time.Millisecond, "the listener stays open during shutdown")
	select {
	case err := <-stopped:
		t.Fatalf("serve returned (%v) before the request in flight finished", err)
	default:
	}

	close(release)
	r := <-got
	require.NoError(t, r.err)
	assert.Equal(t, "finished", r.body)
	assert.NoError(t, <-stopped)
}

func TestTLSServesHTTP2(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile, pool := selfSigned(t, dir)
	tlsConfig, err := loadTLS(certFile, keyFile)
	require.NoError(t, err)
	addr, _ := startServer(t, newHandler(testTable(t), origins{}), testLimits, tlsConfig)

	for _, c := range []struct {
		name      string
		http2     bool
		wantProto string
	}{
		{"HTTP/2", true, "HTTP/2.0"},
		{"HTTP/1.1", false, "HTTP/1.1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			transport := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, Protocols: new(http.Protocols)}
			transport.Protocols.SetHTTP1(!c.http2)
			transport.Protocols.SetHTTP2(c.http2)
			defer transport.CloseIdleConnections()
			req, err := http.NewRequest(http.MethodGet, "https://"+addr+"/crumbless.js", nil)
			require.NoError(t, err)
			res, err := (&http.Client{Transport: transport}).Do(req)
			require.NoError(t, err)
			defer res.Body.Close()
			body, err := io.ReadAll(res.Body)
			require.NoError(t, err)
			assert.Equal(t, c.wantProto, res.Proto)
			assert.Equal(t, http.StatusOK, res.StatusCode)
			assert.Equal(t, "loader()", string(body))
			assert.Equal(t, "8", res.Header.Get("Content-Length"))
		})
	}
}

func TestLoadTLS(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile, _ := selfSigned(t, dir)
	cfg, err := loadTLS("", "")
	assert.NoError(t, err)
	assert.Nil(t, cfg, "no flags: plain HTTP")
	_, err = loadTLS(certFile, "")
	assert.ErrorContains(t, err, "go together")
	_, err = loadTLS(certFile, filepath.Join(dir, "missing.pem"))
	assert.ErrorContains(t, err, "load TLS key pair")
	_, err = loadTLS(keyFile, certFile)
	assert.Error(t, err)
}

// selfSigned writes a certificate for 127.0.0.1 and its key to dir and
// returns their paths and a pool that trusts the certificate.
func selfSigned(t *testing.T, dir string) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	certFile, keyFile, pool, err := testcert.Write(dir)
	require.NoError(t, err)
	return certFile, keyFile, pool
}
