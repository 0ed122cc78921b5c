package chat

import (
	"embed"
	"net/http"
	"path"
)

//go:embed inbox/index.html inbox/inbox.js inbox/inbox.css
var inboxFiles embed.FS

// inboxCSP allows only the page's own script, style and API: no inline
// script or style, no framing.
const inboxCSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; " +
	"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// inboxHandler serves the agent inbox: /agent/ and its script and styles.
func inboxHandler() http.Handler {
	types := map[string]string{
		"index.html": "text/html; charset=utf-8",
		"inbox.js":   "text/javascript; charset=utf-8",
		"inbox.css":  "text/css; charset=utf-8",
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := path.Base(r.URL.Path)
		if r.URL.Path == "/agent/" {
			name = "index.html"
		}
		typ, ok := types[name]
		if !ok || r.URL.Path != "/agent/" && r.URL.Path != "/agent/"+name {
			http.NotFound(w, r)
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		body, err := inboxFiles.ReadFile("inbox/" + name)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		h.Set("Content-Type", typ)
		h.Set("Cache-Control", "no-cache")
		h.Set("Content-Security-Policy", inboxCSP)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		w.WriteHeader(http.StatusOK)
		if r.Method != http.MethodHead {
			_, _ = w.Write(body)
		}
	})
}
