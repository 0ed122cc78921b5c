// Package disclosure serves GET /disclosure.json: every key the widget can
// ever write to a visitor's browser, generated from internal/shared/registry, so
// that a site can publish exactly what the widget stores; and GET
// /disclosure/statistics.json: what the server counts (server/stats), with
// no identifier of the visitor.
package disclosure

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/crumbless/crumbless/internal/shared/registry"
	"github.com/crumbless/crumbless/server/stats"
)

// StatisticsPath is where StatisticsHandler is mounted; disclosure.json
// links to it (Link: <…>; rel="describedby").
const StatisticsPath = "/disclosure/statistics.json"

// StatisticsHandler answers GET and HEAD with stats.Disclosed as JSON,
// public and cacheable as the disclosure is.
func StatisticsHandler() http.Handler {
	body, err := json.MarshalIndent(stats.Disclosed, "", "  ")
	if err != nil {
		panic("crumbless: statistics disclosure: " + err.Error())
	}
	body = append(body, '\n')
	sum := sha256.Sum256(body)
	etag := `"` + hex.EncodeToString(sum[:8]) + `"`
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		publicJSON(w, etag)
		http.ServeContent(w, r, "statistics.json", startup, bytes.NewReader(body))
	})
}

// publicJSON sets the headers of a public, cacheable JSON document.
func publicJSON(w http.ResponseWriter, etag string) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "public, max-age=300")
	h.Set("ETag", etag)
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Cross-Origin-Resource-Policy", "cross-origin")
	h.Set("X-Content-Type-Options", "nosniff")
}

// MaxPrefix is the longest data-prefix the handler accepts in ?prefix=.
const MaxPrefix = 64

// Handler answers GET and HEAD (other methods: 405 with Allow) with the disclosure as a JSON array of
// registry.Entry. The optional query parameter prefix (what the site set as
// data-prefix; default "crumbless-") is put in front of every key name; it
// must be 1–64 characters of [A-Za-z0-9_.:-], anything else is 400. The
// response is public (no credentials, Access-Control-Allow-Origin: *),
// cacheable for five minutes and revalidated by ETag.
func Handler() http.Handler {
	return http.HandlerFunc(serve)
}

// startup is the Last-Modified of every response: the registry is compiled
// into the binary, so it changes only when the server restarts.
var startup = time.Now()

func serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	prefix := registry.DefaultPrefix
	if q := r.URL.Query(); q.Has("prefix") {
		prefix = q.Get("prefix")
		if !validPrefix(prefix) {
			http.Error(w, "prefix must be 1-64 characters of A-Z a-z 0-9 _ . : -", http.StatusBadRequest)
			return
		}
	}
	body, err := render(prefix)
	if err != nil { // only a programming error in registry.Entry can get here
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	sum := sha256.Sum256(body)
	publicJSON(w, `"`+hex.EncodeToString(sum[:8])+`"`)
	w.Header().Set("Link", "<"+StatisticsPath+`>; rel="describedby"`)
	http.ServeContent(w, r, "disclosure.json", startup, bytes.NewReader(body))
}

func render(prefix string) ([]byte, error) {
	body, err := json.MarshalIndent(registry.Disclosure(prefix), "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode disclosure: %w", err)
	}
	return append(body, '\n'), nil
}

func validPrefix(p string) bool {
	if p == "" || len(p) > MaxPrefix {
		return false
	}
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9',
			c == '_', c == '.', c == ':', c == '-':
		default:
			return false
		}
	}
	return true
}
