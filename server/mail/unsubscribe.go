package mail

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/crumbless/crumbless/server/storage"
)

// UnsubscribePath is the route of the unsubscribe links.
const UnsubscribePath = "/api/v1/unsubscribe"

// unsubscribeToken signs a recipient (a conversation's visitor, agent 0,
// or an agent) with key, so that a link stops that recipient's mails and
// no other's without a login.
func unsubscribeToken(key []byte, conversation, agent int64) string {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte("crumbless-unsubscribe:"))
	if agent != 0 {
		mac.Write([]byte("a" + strconv.FormatInt(agent, 10)))
	} else {
		mac.Write([]byte("v" + strconv.FormatInt(conversation, 10)))
	}
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil)[:16])
}

// unsubscribeURL is the one-click link of a mail.
func unsubscribeURL(public string, key []byte, conversation, agent int64) string {
	q := "c=" + strconv.FormatInt(conversation, 10)
	if agent != 0 {
		q = "a=" + strconv.FormatInt(agent, 10)
	}
	return strings.TrimRight(public, "/") + UnsubscribePath + "?" + q + "&t=" + unsubscribeToken(key, conversation, agent)
}

var unsubscribePage = template.Must(template.New("u").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>Unsubscribe</title></head>
<body style="font-family:system-ui,sans-serif;max-width:32em;margin:2em auto">
{{if .Done}}<p>You will get no more of these mails.</p>{{else}}<form method="post"><p>Stop the mails about this conversation?</p><button>Unsubscribe</button></form>{{end}}
</body></html>`))

// UnsubscribeHandler serves the links: GET shows a button (a link
// checker or a mail client's preview must not unsubscribe anyone), POST
// (the button, or a mail client's RFC 8058 one-click request) stops the
// mails. A link whose token does not match gets 404.
func UnsubscribeHandler(st storage.Mail, key []byte, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		conv, _ := strconv.ParseInt(q.Get("c"), 10, 64)
		agent, _ := strconv.ParseInt(q.Get("a"), 10, 64)
		want := unsubscribeToken(key, conv, agent)
		if (conv <= 0) == (agent <= 0) || !hmac.Equal([]byte(q.Get("t")), []byte(want)) {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Content-Security-Policy", "default-src 'none'; form-action 'self'")
		switch r.Method {
		case http.MethodGet, http.MethodHead:
			unsubscribePage.Execute(w, map[string]bool{"Done": false})
		case http.MethodPost:
			ctx, cancel := context.WithTimeout(r.Context(), 10*time.Second)
			defer cancel()
			if err := st.Unsubscribe(ctx, conv, agent); err != nil && !errors.Is(err, storage.ErrNotFound) {
				log.Error("unsubscribe", "err", err)
				http.Error(w, "Try again later.", http.StatusServiceUnavailable)
				return
			}
			unsubscribePage.Execute(w, map[string]bool{"Done": true})
		default:
			w.Header().Set("Allow", "GET, POST")
			http.Error(w, "Use GET or POST.", http.StatusMethodNotAllowed)
		}
	})
}
