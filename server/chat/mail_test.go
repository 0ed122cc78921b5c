package chat

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crumbless/crumbless/server/restore"
)

func TestVisitorEmail(t *testing.T) {
	fx := newFixture(t, func(c *Config) { c.Mail = true })
	token, conv := fx.start()
	tests := []struct {
		name, body string
		status     int
		want       string
	}{
		{"address", `{"email":"vi@example.org","lang":"sv"}`, 200, "vi@example.org"},
		{"display name", `{"email":"Vi <vi@example.org>","lang":"sv"}`, 400, "vi@example.org"},
		{"header injection", `{"email":"vi@example.org\r\nBcc: x@y.z","lang":"sv"}`, 400, "vi@example.org"},
		{"bad lang", `{"email":"vi@example.org","lang":"<sv>"}`, 400, "vi@example.org"},
		{"cleared", `{"email":"","lang":""}`, 200, ""},
		{"again", `{"email":"vi@example.org","lang":"ar"}`, 200, "vi@example.org"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := fx.do(request{method: "POST", path: "/api/v1/conversation/email", token: token, body: tt.body})
			require.Equal(t, tt.status, rec.Code, rec.Body.String())
			rec = fx.do(request{method: "GET", path: "/api/v1/conversation", token: token})
			got, _ := decodeBody(t, rec)["conversation"].(map[string]any)["email"].(string)
			assert.Equal(t, tt.want, got)
		})
	}
	rec := fx.do(request{method: "GET", path: "/api/v1/conversation", token: token})
	assert.Equal(t, true, decodeBody(t, rec)["mail"], "the widget learns that it may offer mail")
	rec = fx.do(request{method: "GET", path: "/api/v1/conversation/export", token: token})
	require.Equal(t, http.StatusOK, rec.Code)
	c := decodeBody(t, rec)["conversation"].(map[string]any)
	assert.Equal(t, "vi@example.org", c["email"], "the export holds the address")
	assert.Equal(t, "ar", c["emailLang"])
	require.Equal(t, http.StatusNoContent, fx.do(request{method: "DELETE", path: "/api/v1/conversation", token: token}).Code)
	_, err := fx.store.Conversation(context.Background(), conv)
	assert.Error(t, err, "erased with the conversation")

	off := newFixture(t)
	token, _ = off.start()
	rec = off.do(request{method: "POST", path: "/api/v1/conversation/email", token: token, body: `{"email":"vi@example.org","lang":"en"}`})
	assert.Equal(t, http.StatusNotFound, rec.Code, "no -smtp: no address kept")
}

func TestRestore(t *testing.T) {
	fx := newFixture(t, func(c *Config) { c.RestoreRate = -1 })
	ts := serve(t, fx)
	token, conv := fx.start()
	fx.send(token, "m1", "hello")
	stream, res := openStream(t, ts.URL, "/api/v1/conversation/events", bearerHeader(token))
	require.Equal(t, http.StatusOK, res.StatusCode)
	rec := fx.do(request{method: "POST", path: "/api/v1/conversation/restore-codes", token: token})
	require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
	code := decodeBody(t, rec)["code"].(string)
	assert.Regexp(t, `^([0-9A-Z]{4}-){7}[0-9A-Z]{4}$`, code)
	other, _, _ := restore.New()
	forged := code[:10] + strings.Repeat("0", len(code)-10)

	exchange := func(code string) (int, map[string]any) {
		rec := fx.do(request{method: "POST", path: "/api/v1/restore", body: `{"code":"` + code + `"}`})
		return rec.Code, decodeBody(t, rec)
	}
	for _, bad := range []string{other, forged, "short", ""} {
		st, body := exchange(bad)
		assert.Equal(t, http.StatusUnauthorized, st, bad)
		assert.Equal(t, errRestore.Message, body["error"], "one answer for every failure")
	}
	st, body := exchange(strings.ToLower(code))
	require.Equal(t, http.StatusOK, st, body)
	newToken := body["token"].(string)
	assert.Equal(t, float64(conv), body["conversation"].(map[string]any)["id"])
	assert.True(t, stream.ended(), "the old token's stream ends")
	st, body = exchange(code)
	assert.Equal(t, http.StatusUnauthorized, st, "a code works once")
	assert.Equal(t, errRestore.Message, body["error"])

	assert.Equal(t, http.StatusUnauthorized, fx.do(request{method: "GET", path: "/api/v1/conversation/messages", token: token}).Code, "the old token stops working")
	rec = fx.do(request{method: "GET", path: "/api/v1/conversation/messages", token: newToken})
	require.Equal(t, http.StatusOK, rec.Code)
	assert.Len(t, decodeBody(t, rec)["messages"], 1, "the new token sees the conversation")

	// Expired.
	rec = fx.do(request{method: "POST", path: "/api/v1/conversation/restore-codes", token: newToken})
	require.Equal(t, http.StatusCreated, rec.Code)
	code = decodeBody(t, rec)["code"].(string)
	fx.advance(restore.WrittenTTL + time.Second)
	st, _ = exchange(code)
	assert.Equal(t, http.StatusUnauthorized, st, "an expired code")
}

func TestRestoreIsRateLimitedPerAddress(t *testing.T) {
	fx := newFixture(t) // the default restore limit: 5 at once, then 1 a minute
	code, _, _ := restore.New()
	for i := range 5 {
		rec := fx.do(request{method: "POST", path: "/api/v1/restore", body: `{"code":"` + code + `"}`})
		require.Equal(t, http.StatusUnauthorized, rec.Code, "try %d", i)
	}
	rec := fx.do(request{method: "POST", path: "/api/v1/restore", body: `{"code":"` + code + `"}`})
	assert.Equal(t, http.StatusTooManyRequests, rec.Code)
	rec = fx.do(request{method: "POST", path: "/api/v1/restore", body: `{"code":"` + code + `"}`, remote: "198.51.100.7:1"})
	assert.Equal(t, http.StatusUnauthorized, rec.Code, "another address has its own bucket")
}

func TestAgentMailSettings(t *testing.T) {
	fx := newFixture(t, func(c *Config) { c.Mail = true })
	session := fx.login()
	rec := fx.do(request{method: "GET", path: "/api/v1/agent/me", token: session})
	require.Equal(t, http.StatusOK, rec.Code)
	assert.Equal(t, map[string]any{"name": "ana", "email": "", "mailMe": true, "mail": true}, decodeBody(t, rec))
	rec = fx.do(request{method: "POST", path: "/api/v1/agent/me", token: session, body: `{"email":"nope","mailMe":true}`})
	assert.Equal(t, http.StatusBadRequest, rec.Code)
	rec = fx.do(request{method: "POST", path: "/api/v1/agent/me", token: session, body: `{"email":"ana@example.com","mailMe":false}`})
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	rec = fx.do(request{method: "GET", path: "/api/v1/agent/me", token: session})
	assert.Equal(t, map[string]any{"name": "ana", "email": "ana@example.com", "mailMe": false, "mail": true}, decodeBody(t, rec))
}

func TestAgentWebhooks(t *testing.T) {
	fx := newFixture(t)
	session := fx.login()
	rec := fx.do(request{method: "POST", path: "/api/v1/agent/webhooks", token: session, body: `{"url":"ftp://x","events":[]}`})
	assert.Equal(t, http.StatusBadRequest, rec.Code)
	rec = fx.do(request{method: "POST", path: "/api/v1/agent/webhooks", token: session, body: `{"url":"https://h.example/in","events":["nope"]}`})
	assert.Equal(t, http.StatusBadRequest, rec.Code)
	rec = fx.do(request{method: "POST", path: "/api/v1/agent/webhooks", token: session, body: `{"url":"https://h.example/in","events":["message.created"]}`})
	require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
	added := decodeBody(t, rec)
	assert.True(t, strings.HasPrefix(added["secret"].(string), "whsec_"), "the secret is shown once")
	id := itoa(int(added["id"].(float64)))

	rec = fx.do(request{method: "GET", path: "/api/v1/agent/webhooks", token: session})
	list := decodeBody(t, rec)["webhooks"].([]any)
	require.Len(t, list, 1)
	assert.NotContains(t, list[0], "secret")
	assert.Equal(t, []any{"message.created"}, list[0].(map[string]any)["events"])

	rec = fx.do(request{method: "GET", path: "/api/v1/agent/webhooks/" + id + "/log", token: session})
	require.Equal(t, http.StatusOK, rec.Code)
	assert.Empty(t, decodeBody(t, rec)["log"])
	assert.Equal(t, http.StatusNotFound, fx.do(request{method: "GET", path: "/api/v1/agent/webhooks/999/log", token: session}).Code)
	assert.Equal(t, http.StatusNoContent, fx.do(request{method: "DELETE", path: "/api/v1/agent/webhooks/" + id, token: session}).Code)
	assert.Equal(t, http.StatusNotFound, fx.do(request{method: "DELETE", path: "/api/v1/agent/webhooks/" + id, token: session}).Code)
	assert.Equal(t, http.StatusUnauthorized, fx.do(request{method: "GET", path: "/api/v1/agent/webhooks"}).Code)
}
