package server

import (
	"context"
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func newProxied(t *testing.T, trusted, public string) http.Handler {
	t.Helper()
	s, err := New(context.Background(), Config{Data: t.TempDir(), Files: testFiles(), TrustedProxies: []string{trusted}, PublicURL: public})
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return s.Handler()
}

// TestBehindAProxy: the agent API's same-origin check, the Host check and
// HSTS with and without -trusted-proxies and -public-url. A login without
// credentials answers 401 once past the origin check, 403 when refused.
func TestBehindAProxy(t *testing.T) {
	for _, tc := range []struct {
		name            string
		trusted, public string
		remote, host    string
		tls             bool
		header          map[string]string
		path            string
		want            int
		hsts            bool
	}{
		{name: "plain: same origin", remote: "192.0.2.1:1", host: "chat.example",
			header: map[string]string{"Origin": "http://chat.example"}, want: 401},
		{name: "plain: TLS proxy in front, no flags: refused as today", remote: "127.0.0.1:1", host: "chat.example",
			header: map[string]string{"Origin": "https://chat.example", "X-Forwarded-Proto": "https"}, want: 403},
		{name: "trusted proxy's X-Forwarded-Proto", trusted: "127.0.0.1/32", remote: "127.0.0.1:1", host: "chat.example",
			header: map[string]string{"Origin": "https://chat.example", "X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.5"}, want: 401},
		{name: "untrusted peer's X-Forwarded-Proto ignored", trusted: "127.0.0.1/32", remote: "192.0.2.1:1", host: "chat.example",
			header: map[string]string{"Origin": "https://chat.example", "X-Forwarded-Proto": "https"}, want: 403},
		{name: "public URL: its origin", public: "https://chat.example", remote: "127.0.0.1:1", host: "chat.example",
			header: map[string]string{"Origin": "https://chat.example"}, want: 401, hsts: true},
		{name: "public URL: other origin", public: "https://chat.example", remote: "127.0.0.1:1", host: "chat.example",
			header: map[string]string{"Origin": "http://chat.example"}, want: 403, hsts: true},
		{name: "public URL: default port in Host", public: "https://chat.example/", remote: "127.0.0.1:1", host: "CHAT.example:443",
			header: map[string]string{"Origin": "https://chat.example"}, want: 401, hsts: true},
		{name: "public URL: another host", public: "https://chat.example", remote: "127.0.0.1:1", host: "evil.example",
			want: http.StatusMisdirectedRequest, hsts: true},
		{name: "public URL: another port", public: "http://chat.example:8080", remote: "127.0.0.1:1", host: "chat.example",
			want: http.StatusMisdirectedRequest},
		{name: "public URL: health checks by address pass", public: "https://chat.example", remote: "127.0.0.1:1", host: "10.0.0.7:8080",
			path: "/healthz", want: 200, hsts: true},
		{name: "TLS served here: HSTS", remote: "192.0.2.1:1", host: "chat.example", tls: true,
			header: map[string]string{"Origin": "https://chat.example"}, want: 401, hsts: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newProxied(t, tc.trusted, tc.public)
			method, path := "POST", "/api/v1/agent/sessions"
			if tc.path != "" {
				method, path = "GET", tc.path
			}
			r := httptest.NewRequest(method, path, nil)
			r.RemoteAddr, r.Host = tc.remote, tc.host
			if tc.tls {
				r.TLS = &tls.ConnectionState{}
			}
			for k, v := range tc.header {
				r.Header.Set(k, v)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)
			assert.Equal(t, tc.want, rec.Code, rec.Body.String())
			if tc.want == http.StatusMisdirectedRequest {
				assert.Contains(t, rec.Body.String(), `"code":"misdirected"`)
			}
			if tc.hsts {
				assert.Equal(t, "max-age=31536000", rec.Header().Get("Strict-Transport-Security"))
			} else {
				assert.Empty(t, rec.Header().Get("Strict-Transport-Security"))
			}
		})
	}
}

// TestForwardedAddressesLimitedApart: through a trusted proxy, visitors
// with different forwarded addresses have separate login budgets (burst
// 5); from an untrusted peer a forged X-Forwarded-For changes nothing.
func TestForwardedAddressesLimitedApart(t *testing.T) {
	h := newProxied(t, "127.0.0.1/32", "")
	login := func(remote, xff string) int {
		r := httptest.NewRequest("POST", "/api/v1/agent/sessions", nil)
		r.RemoteAddr = remote
		r.Header.Set("X-Forwarded-For", xff)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		return rec.Code
	}
	for i := 0; i < 5; i++ {
		require.Equal(t, 401, login("127.0.0.1:1", "203.0.113.1"))
	}
	assert.Equal(t, 429, login("127.0.0.1:1", "203.0.113.1"), "the first visitor's budget is spent")
	assert.Equal(t, 401, login("127.0.0.1:1", "203.0.113.2"), "the second visitor has its own")
	for i := 0; i < 5; i++ {
		require.Equal(t, 401, login("192.0.2.9:1", "198.51.100."+strconv.Itoa(i)))
	}
	assert.Equal(t, 429, login("192.0.2.9:1", "198.51.100.77"), "forged X-Forwarded-For from an untrusted peer: one budget")
}

func TestParsePublicURL(t *testing.T) {
	for _, tc := range []struct {
		in, origin, host string
		bad              bool
	}{
		{in: ""},
		{in: "https://chat.example", origin: "https://chat.example", host: "chat.example"},
		{in: "https://Chat.Example:443/", origin: "https://chat.example", host: "chat.example"},
		{in: "http://chat.example:8080", origin: "http://chat.example:8080", host: "chat.example:8080"},
		{in: "https://[2001:db8::1]:443", origin: "https://[2001:db8::1]", host: "[2001:db8::1]"},
		{in: "chat.example", bad: true},
		{in: "https://chat.example/app", bad: true},
		{in: "https://chat.example/?q", bad: true},
		{in: "ftp://chat.example", bad: true},
		{in: "https://user@chat.example", bad: true},
	} {
		t.Run(tc.in, func(t *testing.T) {
			p, err := parsePublicURL(tc.in)
			if tc.bad {
				assert.ErrorContains(t, err, "-public-url")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.origin, p.origin)
			assert.Equal(t, tc.host, p.host)
		})
	}
}
