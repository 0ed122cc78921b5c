package webhook_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"time"

	"github.com/crumbless/crumbless/server/webhook"
)

// A receiver checks every request's signature with the secret that
// `crumbless webhook add` printed before it trusts the body, and answers
// 2xx; a webhook-id it has handled already is answered 2xx again.
func ExampleVerify() {
	const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	hook := func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			return
		}
		if err := webhook.Verify(secret, r.Header, body, time.Now()); err != nil {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}

	body := `{"type":"conversation.created","timestamp":"2026-01-02T10:00:00Z","data":{"conversation_id":12,"site":"shop","created":"2026-01-02T10:00:00Z"}}`
	now := time.Now().Unix()
	for _, sign := range []string{secret, "whsec_c2VjcmV0LW9mLWFub3RoZXItZW5kcG9pbnQ="} {
		sig, _ := webhook.Sign(sign, "msg_1", now, []byte(body))
		r := httptest.NewRequest("POST", "/hook", strings.NewReader(body))
		r.Header.Set("webhook-id", "msg_1")
		r.Header.Set("webhook-timestamp", strconv.FormatInt(now, 10))
		r.Header.Set("webhook-signature", sig)
		w := httptest.NewRecorder()
		hook(w, r)
		fmt.Println(w.Code)
	}
	// Output:
	// 204
	// 401
}
