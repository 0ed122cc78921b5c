package server

import (
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestServeLogsTheBoundURLFirst starts a server on port 0 the way the
// crumbless command does: its first log line names the URL it bound, the
// routes answer there, and cancelling the context stops it cleanly.
func TestServeLogsTheBoundURLFirst(t *testing.T) {
	var logs lockedBuffer
	logger, err := NewLogger("text", &logs)
	require.NoError(t, err)
	data := t.TempDir()
	s, err := New(context.Background(), Config{Data: data, Files: testFiles(), Logger: logger, Origins: []string{"https://shop.example"}})
	require.NoError(t, err)
	assert.Equal(t, "t", s.Version())

	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- s.ListenAndServe(ctx, "127.0.0.1:0") }()
	stop := sync.OnceValue(func() error {
		cancel()
		err := <-served
		if closeErr := s.Close(); err == nil {
			err = closeErr
		}
		return err
	})
	t.Cleanup(func() { _ = stop() })

	first := regexp.MustCompile(`^time=\S+ level=INFO msg=listening url=(http://127\.0\.0\.1:(\d+)/) version=t data=(\S+) db="" origins=https://shop.example\n`)
	var url string
	require.Eventually(t, func() bool {
		m := first.FindStringSubmatch(logs.String())
		if m == nil {
			return false
		}
		url = m[1]
		assert.NotEqual(t, "0", m[2], "the port really bound")
		assert.Equal(t, data, m[3])
		return true
	}, 10*time.Second, 10*time.Millisecond, "first log line: %q", logs.String())

	for path, want := range map[string]string{"healthz": "ok\n", "": "<!doctype html>demo", "crumbless.js": "loader()"} {
		res, err := http.Get(url + path)
		require.NoError(t, err)
		body, err := io.ReadAll(res.Body)
		res.Body.Close()
		require.NoError(t, err)
		assert.Equal(t, http.StatusOK, res.StatusCode, path)
		assert.Equal(t, want, string(body), path)
	}
	res, err := http.Get(url + "api/v1/answers")
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusOK, res.StatusCode, "the chat API is mounted")

	require.NoError(t, stop())
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	assert.Contains(t, lines[len(lines)-1], "msg=stopped")
	assert.Contains(t, logs.String(), "msg=request method=GET path=/healthz status=200", "the access log is in front")
}

// TestNewRejectsBadConfig checks that New names the setting that stops it.
func TestNewRejectsBadConfig(t *testing.T) {
	cases := []struct {
		name string
		cfg  Config
		want string
	}{
		{"no data folder", Config{Files: testFiles()}, "Config.Data"},
		{"origin", Config{Origins: []string{"shop.example"}}, "-origins"},
		{"cert without key", Config{TLSCert: "cert.pem"}, "go together"},
		{"missing key pair", Config{TLSCert: "/nonexistent/c.pem", TLSKey: "/nonexistent/k.pem"}, "load TLS key pair"},
		{"no manifest", Config{Files: fstest.MapFS{}}, "manifest.json"},
		{"database", Config{DB: "mysql"}, "neither sqlite"},
		{"unreachable postgres", Config{DB: "postgres://ana:s3cret-pw@127.0.0.1:1/x?connect_timeout=2"}, "postgres://ana:xxxxx@127.0.0.1:1/x"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.cfg.Data == "" && c.name != "no data folder" {
				c.cfg.Data = t.TempDir()
			}
			if c.cfg.Files == nil {
				c.cfg.Files = testFiles()
			}
			s, err := New(context.Background(), c.cfg)
			if s != nil {
				s.Close()
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
			assert.NotContains(t, err.Error(), "s3cret-pw", "a password never shows in an error")
		})
	}
}
