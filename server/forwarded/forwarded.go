// Package forwarded tells who a request comes from and how the browser
// reached the server when reverse proxies stand in between: the client's
// address and scheme from X-Forwarded-For / X-Forwarded-Proto or Forwarded
// (RFC 7239), believed only from trusted proxies, and the origin browsers
// use (the -public-url, or the scheme and Host of the request).
//
// Limits and bans key a client by its Key: an IPv4 address, or the /64 an
// IPv6 address is in (one household or phone usually holds a whole /64,
// and rotating inside it is free).
package forwarded

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Trusted is the set of proxies (the -trusted-proxies flag) whose
// forwarding headers are believed. The zero value trusts none.
type Trusted struct {
	prefixes []netip.Prefix
}

// ParseTrusted reads comma-separated CIDRs (10.0.0.0/8, ::1/128) or bare
// addresses (a /32 or /128). Empty items are skipped.
func ParseTrusted(list string) (Trusted, error) {
	var t Trusted
	for _, item := range strings.Split(list, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		p, err := netip.ParsePrefix(item)
		if err != nil {
			a, aerr := netip.ParseAddr(item)
			if aerr != nil || a.Zone() != "" {
				return Trusted{}, fmt.Errorf("-trusted-proxies: %q is not a CIDR like 10.0.0.0/8 or an address", item)
			}
			a = a.Unmap()
			p = netip.PrefixFrom(a, a.BitLen())
		}
		if p.Addr().Is4In6() {
			p = netip.PrefixFrom(p.Addr().Unmap(), max(p.Bits()-96, 0))
		}
		t.prefixes = append(t.prefixes, p.Masked())
	}
	return t, nil
}

// Empty reports whether no proxy is trusted.
func (t Trusted) Empty() bool { return len(t.prefixes) == 0 }

// String lists the trusted prefixes for the log.
func (t Trusted) String() string {
	s := make([]string, len(t.prefixes))
	for i, p := range t.prefixes {
		s[i] = p.String()
	}
	return strings.Join(s, ",")
}

// Contains reports whether a is a trusted proxy.
func (t Trusted) Contains(a netip.Addr) bool {
	a = a.Unmap().WithZone("")
	for _, p := range t.prefixes {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// Client is who sent a request and how the browser reached the server.
type Client struct {
	// Addr is the client's address: the connection's peer, or, when the
	// peer is a trusted proxy, the first untrusted address of the
	// forwarding chain read from the right. Invalid when RemoteAddr is not
	// an IP address (a Unix socket, a test).
	Addr netip.Addr
	// Raw is RemoteAddr, kept for the Key of a client without Addr.
	Raw string
	// Scheme is "https" or "http": the connection's, or the one a trusted
	// proxy reports.
	Scheme string
	// Origin is the origin browsers use for this server (the public URL
	// when set, else Scheme://Host): what a same-origin Origin header
	// equals.
	Origin string
}

// Key names the client's network for limits and bans: "192.0.2.1/32" for
// an IPv4 address, "2001:db8:1:2::/64" for an IPv6 one, or "raw " and
// RemoteAddr when there is no address.
func (c Client) Key() string {
	if !c.Addr.IsValid() {
		return "raw " + c.Raw
	}
	return Key(c.Addr)
}

// Key is the network of a: the address itself for IPv4 (also written as
// ::ffff:a.b.c.d), its /64 for IPv6.
func Key(a netip.Addr) string {
	a = a.Unmap().WithZone("")
	bits := 32
	if a.Is6() {
		bits = 64
	}
	p, _ := a.Prefix(bits)
	return p.String()
}

type clientKey struct{}

// WithClient returns r carrying c, for ClientOf.
func WithClient(r *http.Request, c Client) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), clientKey{}, c))
}

// ClientOf returns the Client a Resolver attached to r, or, for a request
// that passed none, the connection's peer and scheme and the request's Host.
func ClientOf(r *http.Request) Client {
	if c, ok := r.Context().Value(clientKey{}).(Client); ok {
		return c
	}
	return Resolver{}.Resolve(r)
}

// Resolver finds the Client of a request.
type Resolver struct {
	Trusted Trusted
	// PublicOrigin is the origin browsers use (scheme://host[:port]), from
	// the -public-url; empty: the request's scheme and Host.
	PublicOrigin string
}

// Resolve finds r's client. From an untrusted peer every forwarding header
// is ignored. From a trusted one, X-Forwarded-For is read when present,
// else Forwarded: its addresses from the right, skipping trusted ones; the
// first untrusted one is the client (the leftmost when all are trusted; the
// last trusted hop when an entry is not an address, such as "unknown").
// The scheme is the one reported for that hop.
func (res Resolver) Resolve(r *http.Request) Client {
	c := Client{Raw: r.RemoteAddr, Scheme: "http"}
	if r.TLS != nil {
		c.Scheme = "https"
	}
	c.Addr = parseHost(r.RemoteAddr)
	if c.Addr.IsValid() && res.Trusted.Contains(c.Addr) {
		res.walk(r.Header, &c)
	}
	c.Origin = res.PublicOrigin
	if c.Origin == "" {
		c.Origin = c.Scheme + "://" + strings.ToLower(r.Host)
	}
	return c
}

// hop is one proxy's record: the address that connected to it and the
// scheme it was reached with ("" when not said).
type hop struct {
	addr   netip.Addr // invalid: not an address ("unknown", "_hidden", garbage)
	scheme string
}

// walk replaces c's address and scheme with the forwarded ones.
func (res Resolver) walk(h http.Header, c *Client) {
	var hops []hop
	if xff := h.Values("X-Forwarded-For"); len(xff) > 0 {
		hops = xForwarded(xff, h.Values("X-Forwarded-Proto"))
	} else if fwd := h.Values("Forwarded"); len(fwd) > 0 {
		hops = parseForwarded(fwd)
	} else if proto := lastProto(h.Values("X-Forwarded-Proto")); proto != "" {
		c.Scheme = proto // a proxy that forwards the scheme only
		return
	}
	for i := len(hops) - 1; i >= 0; i-- {
		hp := hops[i]
		if !hp.addr.IsValid() {
			return // the chain cannot be followed further: the last trusted hop stands
		}
		c.Addr = hp.addr.Unmap().WithZone("")
		if hp.scheme != "" {
			c.Scheme = hp.scheme
		}
		if !res.Trusted.Contains(hp.addr) {
			return
		}
	}
}

// xForwarded pairs X-Forwarded-For entries with X-Forwarded-Proto ones:
// item by item from the right when both lists are as long, else the last
// scheme for the rightmost hop (a proxy that sets X-Forwarded-Proto to its
// own $scheme reports only its own hop).
func xForwarded(xff, xfp []string) []hop {
	var hops []hop
	for _, line := range xff {
		for _, item := range strings.Split(line, ",") {
			hops = append(hops, hop{addr: parseNode(strings.TrimSpace(item))})
		}
	}
	var protos []string
	for _, line := range xfp {
		for _, item := range strings.Split(line, ",") {
			protos = append(protos, scheme(item))
		}
	}
	if len(protos) == len(hops) {
		for i := range hops {
			hops[i].scheme = protos[i]
		}
	} else if len(protos) > 0 && len(hops) > 0 {
		hops[len(hops)-1].scheme = protos[len(protos)-1]
	}
	return hops
}

func lastProto(xfp []string) string {
	if len(xfp) == 0 {
		return ""
	}
	items := strings.Split(xfp[len(xfp)-1], ",")
	return scheme(items[len(items)-1])
}

// scheme is "http" or "https" for those names (any case), else "".
func scheme(s string) string {
	switch s = strings.ToLower(strings.TrimSpace(s)); s {
	case "http", "https":
		return s
	}
	return ""
}

// parseHost reads the address of a host:port (RemoteAddr).
func parseHost(hostport string) netip.Addr {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		host = hostport
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}
	}
	return a.Unmap().WithZone("")
}

// parseNode reads one node of a chain: 192.0.2.1, 192.0.2.1:4711,
// 2001:db8::1, [2001:db8::1] or [2001:db8::1]:4711. Anything else
// (unknown, _obfuscated, garbage) gives an invalid address.
func parseNode(s string) netip.Addr {
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap().WithZone("")
	}
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap().WithZone("")
	}
	if strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]") {
		if a, err := netip.ParseAddr(s[1 : len(s)-1]); err == nil && a.Is6() {
			return a.WithZone("")
		}
	}
	return netip.Addr{}
}
