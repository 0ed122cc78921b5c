package forwarded

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseTrusted(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		bad      bool
	}{
		{in: "", want: ""},
		{in: "127.0.0.1/32", want: "127.0.0.1/32"},
		{in: " 10.1.2.3/8 , ::1 ", want: "10.0.0.0/8,::1/128"},
		{in: "192.0.2.7", want: "192.0.2.7/32"},
		{in: "::ffff:10.0.0.0/104", want: "10.0.0.0/8"},
		{in: "fd00::/8,,", want: "fd00::/8"},
		{in: "10.0.0.0/33", bad: true},
		{in: "proxy.example", bad: true},
		{in: "fe80::1%eth0", bad: true},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseTrusted(tc.in)
			if tc.bad {
				require.Error(t, err)
				assert.Contains(t, err.Error(), "-trusted-proxies")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got.String())
		})
	}
}

func TestResolve(t *testing.T) {
	trusted, err := ParseTrusted("127.0.0.1/32,10.0.0.0/8,2001:db8:ffff::/48")
	require.NoError(t, err)
	for _, tc := range []struct {
		name       string
		remote     string
		tls        bool
		header     http.Header
		wantAddr   string
		wantScheme string
	}{
		{name: "no headers", remote: "198.51.100.1:5000", wantAddr: "198.51.100.1", wantScheme: "http"},
		{name: "direct TLS", remote: "198.51.100.1:5000", tls: true, wantAddr: "198.51.100.1", wantScheme: "https"},
		{name: "untrusted peer's forged XFF ignored", remote: "198.51.100.1:5000",
			header:   http.Header{"X-Forwarded-For": {"203.0.113.9"}, "X-Forwarded-Proto": {"https"}, "Forwarded": {"for=203.0.113.9;proto=https"}},
			wantAddr: "198.51.100.1", wantScheme: "http"},
		{name: "trusted proxy, one hop", remote: "127.0.0.1:4000",
			header:   http.Header{"X-Forwarded-For": {"203.0.113.9"}, "X-Forwarded-Proto": {"https"}},
			wantAddr: "203.0.113.9", wantScheme: "https"},
		{name: "client-forged left entry skipped", remote: "127.0.0.1:4000",
			header:   http.Header{"X-Forwarded-For": {"1.1.1.1, 203.0.113.9"}, "X-Forwarded-Proto": {"https"}},
			wantAddr: "203.0.113.9", wantScheme: "https"},
		{name: "trusted hops skipped from the right", remote: "127.0.0.1:4000",
			header:   http.Header{"X-Forwarded-For": {"1.1.1.1, 203.0.113.9, 10.0.0.5", "10.2.3.4"}},
			wantAddr: "203.0.113.9", wantScheme: "http"},
		{name: "all trusted: leftmost", remote: "127.0.0.1:4000",
			header:   http.Header{"X-Forwarded-For": {"10.0.0.9, 10.0.0.5"}},
			wantAddr: "10.0.0.9", wantScheme: "http"},
		{name: "XFF with ports and brackets", remote: "127.0.0.1:4000",
			header:   http.Header{"X-Forwarded-For": {"[2001:db8::7]:443, 192.0.2.4:1234"}},
			wantAddr: "192.0.2.4", wantScheme: "http"},
		{name: "XFF unknown entry stops at the last trusted hop", remote: "127.0.0.1:4000",
			header:   http.Header{"X-Forwarded-For": {"203.0.113.9, unknown, 10.0.0.5"}},
			wantAddr: "10.0.0.5", wantScheme: "http"},
		{name: "XFP aligned with XFF", remote: "127.0.0.1:4000",
			header:   http.Header{"X-Forwarded-For": {"203.0.113.9, 10.0.0.5"}, "X-Forwarded-Proto": {"https, http"}},
			wantAddr: "203.0.113.9", wantScheme: "https"},
		{name: "XFP nonsense ignored", remote: "127.0.0.1:4000",
			header:   http.Header{"X-Forwarded-For": {"203.0.113.9"}, "X-Forwarded-Proto": {"gopher"}},
			wantAddr: "203.0.113.9", wantScheme: "http"},
		{name: "XFP alone", remote: "127.0.0.1:4000",
			header:   http.Header{"X-Forwarded-Proto": {"HTTPS"}},
			wantAddr: "127.0.0.1", wantScheme: "https"},
		{name: "XFF wins over Forwarded", remote: "127.0.0.1:4000",
			header:   http.Header{"X-Forwarded-For": {"203.0.113.9"}, "Forwarded": {"for=1.1.1.1"}},
			wantAddr: "203.0.113.9", wantScheme: "http"},
		{name: "Forwarded, quoted IPv6 with port", remote: "127.0.0.1:4000",
			header:   http.Header{"Forwarded": {`for="[2001:db8:cafe::17]:4711";proto=https;by=10.0.0.1`}},
			wantAddr: "2001:db8:cafe::17", wantScheme: "https"},
		{name: "Forwarded, case and spaces", remote: "127.0.0.1:4000",
			header:   http.Header{"Forwarded": {`For=192.0.2.60 ; Proto=HTTPS ; by=203.0.113.43`}},
			wantAddr: "192.0.2.60", wantScheme: "https"},
		{name: "Forwarded chain over two lines", remote: "127.0.0.1:4000",
			header:   http.Header{"Forwarded": {`for=198.51.100.17;proto=http, for="192.0.2.43:80";proto=https`, `for="[2001:db8:ffff::1]";proto=http`}},
			wantAddr: "192.0.2.43", wantScheme: "https"},
		{name: "Forwarded quoted comma inside a value", remote: "127.0.0.1:4000",
			header:   http.Header{"Forwarded": {`for=192.0.2.1;host="a,b", for=10.0.0.3`}},
			wantAddr: "192.0.2.1", wantScheme: "http"},
		{name: "Forwarded obfuscated stops at the last trusted hop", remote: "127.0.0.1:4000",
			header:   http.Header{"Forwarded": {`for=192.0.2.1, for=_hidden, for=10.0.0.3`}},
			wantAddr: "10.0.0.3", wantScheme: "http"},
		{name: "Forwarded unterminated quote", remote: "127.0.0.1:4000",
			header:   http.Header{"Forwarded": {`for="192.0.2.9`}},
			wantAddr: "192.0.2.9", wantScheme: "http"},
		{name: "IPv4-mapped peer", remote: "[::ffff:127.0.0.1]:4000",
			header:   http.Header{"X-Forwarded-For": {"::ffff:192.0.2.8"}},
			wantAddr: "192.0.2.8", wantScheme: "http"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tc.remote
			r.Host = "chat.example"
			if tc.tls {
				r.TLS = &tls.ConnectionState{}
			}
			for k, v := range tc.header {
				r.Header[k] = v
			}
			c := Resolver{Trusted: trusted}.Resolve(r)
			assert.Equal(t, tc.wantAddr, c.Addr.String(), "address")
			assert.Equal(t, tc.wantScheme, c.Scheme, "scheme")
			assert.Equal(t, tc.wantScheme+"://chat.example", c.Origin, "origin")
		})
	}
}

func TestResolvePublicOriginAndContext(t *testing.T) {
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "127.0.0.1:1"
	r.Host = "10.0.0.1:8080"
	c := Resolver{PublicOrigin: "https://chat.example"}.Resolve(r)
	assert.Equal(t, "https://chat.example", c.Origin)
	assert.Equal(t, "http", c.Scheme, "the scheme stays the connection's")

	bare := ClientOf(r)
	assert.Equal(t, "http://10.0.0.1:8080", bare.Origin, "without a resolver: the request's own")
	assert.Equal(t, c, ClientOf(WithClient(r, c)))

	r.RemoteAddr = "@unix"
	assert.Equal(t, "raw @unix", ClientOf(r).Key())
}

func TestKey(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"192.0.2.1", "192.0.2.1/32"},
		{"::ffff:192.0.2.1", "192.0.2.1/32"},
		{"2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"},
		{"2001:db8:1:2:ffff::1", "2001:db8:1:2::/64"},
		{"2001:db8:1:3::1", "2001:db8:1:3::/64"},
		{"fe80::1%eth0", "fe80::/64"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			assert.Equal(t, tc.want, Key(netip.MustParseAddr(tc.in)))
		})
	}
}
