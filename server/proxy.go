package server

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/crumbless/crumbless/server/forwarded"
)

// hstsValue is the Strict-Transport-Security sent over HTTPS: one year,
// this host only (includeSubDomains would bind sites the operator may not
// run over HTTPS).
const hstsValue = "max-age=31536000"

// publicURL is the parsed Config.PublicURL (the -public-url flag).
type publicURL struct {
	origin string // scheme://host[:port], lower case; "" when not set
	host   string // host[:port] as a Host header carries it, default port dropped
	https  bool
}

// parsePublicURL reads an http(s) origin, with an optional trailing slash
// and nothing else: the address browsers use for this server.
func parsePublicURL(s string) (publicURL, error) {
	if s == "" {
		return publicURL{}, nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
		u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return publicURL{}, fmt.Errorf("-public-url: %q is not an origin like https://chat.example", s)
	}
	host := strings.ToLower(u.Host)
	host = stripDefaultPort(host, u.Scheme)
	return publicURL{origin: u.Scheme + "://" + host, host: host, https: u.Scheme == "https"}, nil
}

// stripDefaultPort drops :443 from an https host and :80 from an http one,
// as browsers do in Origin.
func stripDefaultPort(host, scheme string) string {
	h, port, err := net.SplitHostPort(host)
	if err != nil {
		return host
	}
	if (scheme == "https" && port == "443") || (scheme == "http" && port == "80") {
		if strings.Contains(h, ":") {
			return "[" + h + "]"
		}
		return h
	}
	return host
}

// clientResolver puts the forwarded.Client on each request (the client's
// address and scheme, through trusted proxies; the origin browsers use),
// refuses with 421 a request for a host other than the public URL's (when
// set; /healthz is exempt, for load balancers that probe by address), and
// sends HSTS over HTTPS: TLS served here, or a public URL that is https.
func clientResolver(trusted forwarded.Trusted, public publicURL, next http.Handler) http.Handler {
	res := forwarded.Resolver{Trusted: trusted, PublicOrigin: public.origin}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := res.Resolve(r)
		if public.https || r.TLS != nil {
			w.Header().Set("Strict-Transport-Security", hstsValue)
		}
		if public.host != "" && r.URL.Path != "/healthz" && stripDefaultPort(strings.ToLower(r.Host), public.scheme()) != public.host {
			h := w.Header()
			h.Set("Content-Type", "application/json; charset=utf-8")
			h.Set("X-Content-Type-Options", "nosniff")
			h.Set("Cache-Control", "no-store")
			w.WriteHeader(http.StatusMisdirectedRequest)
			fmt.Fprintln(w, `{"error":"This server answers for `+public.host+` only (its -public-url).","code":"misdirected"}`)
			return
		}
		next.ServeHTTP(w, forwarded.WithClient(r, c))
	})
}

func (p publicURL) scheme() string {
	if p.https {
		return "https"
	}
	return "http"
}
