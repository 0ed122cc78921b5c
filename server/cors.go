package server

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/crumbless/crumbless/server/forwarded"
)

// origins is the Config.Origins allow-list (the -origins flag): the pages
// (scheme://host[:port]) that may call the API cross-origin. The widget's
// files do not need it: they carry Access-Control-Allow-Origin: * (see server/assets).
type origins struct {
	any  bool
	list map[string]bool
}

// parseOrigins reads a list of origins, where "*" allows any and empty
// items are skipped. Each must be an http or https origin without path,
// query or user info.
func parseOrigins(items []string) (origins, error) {
	o := origins{list: map[string]bool{}}
	for _, item := range items {
		item = strings.TrimSpace(item)
		switch item {
		case "":
			continue
		case "*":
			o.any = true
			continue
		}
		u, err := url.Parse(item)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
			u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
			return origins{}, fmt.Errorf("-origins: %q is not an origin like https://shop.example", item)
		}
		o.list[u.Scheme+"://"+strings.ToLower(u.Host)] = true
	}
	return o, nil
}

// String lists the allowed origins for the log.
func (o origins) String() string {
	if o.any {
		return "*"
	}
	names := make([]string, 0, len(o.list))
	for name := range o.list {
		names = append(names, name)
	}
	return strings.Join(names, ",")
}

func (o origins) allows(origin string) bool {
	return o.any || o.list[origin]
}

// Headers the API accepts from other origins, and how long a browser may
// cache a preflight.
const (
	corsMethods = "GET, POST, PUT, PATCH, DELETE"
	corsHeaders = "Authorization, Content-Type, Last-Event-ID"
	corsMaxAge  = "600"
)

// wrap applies the policy in front of next. A request without Origin
// (same-origin navigation, curl) passes unchanged. From an allowed origin,
// a preflight gets 204 with the methods and headers above and any other
// request gets Access-Control-Allow-Origin. A request from any other origin
// is refused with 403 before it reaches next, so that a page not on the
// list cannot cause side effects it merely could not read.
func (o origins) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		if origin == "" || sameOrigin(r, origin) { // browsers send Origin on same-origin POSTs too
			next.ServeHTTP(w, r)
			return
		}
		h := w.Header()
		h.Add("Vary", "Origin")
		if !o.allows(origin) {
			// The API's error shape (server/chat): JSON with a domain code.
			h.Set("Content-Type", "application/json; charset=utf-8")
			h.Set("X-Content-Type-Options", "nosniff")
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprintln(w, `{"error":"This origin may not call the API; the server lists allowed origins with -origins.","code":"forbidden"}`)
			return
		}
		if o.any {
			h.Set("Access-Control-Allow-Origin", "*")
		} else {
			h.Set("Access-Control-Allow-Origin", origin)
		}
		h.Set("Access-Control-Expose-Headers", "Retry-After") // 429s from the chat API
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			h.Set("Access-Control-Allow-Methods", corsMethods)
			h.Set("Access-Control-Allow-Headers", corsHeaders)
			h.Set("Access-Control-Max-Age", corsMaxAge)
			w.WriteHeader(http.StatusNoContent)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// sameOrigin reports whether origin is the server's own, as the browser
// reached it (the demo page and the agent inbox call the API that way):
// the public URL, or the request's scheme (through trusted proxies, the
// forwarded one) and Host.
func sameOrigin(r *http.Request, origin string) bool {
	return strings.EqualFold(origin, forwarded.ClientOf(r).Origin)
}
