package chat

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crumbless/crumbless/server/storage"
)

// attempt stands for the mailer: it claims every due mail and finishes
// each with result (its To filled in from the mail's content).
func (fx *fixture) attempt(result storage.MailResult) int {
	fx.t.Helper()
	ctx := context.Background()
	now := fx.clock().UnixMilli()
	list, err := fx.store.ClaimMails(ctx, now, now, time.Minute, 100)
	require.NoError(fx.t, err)
	for _, m := range list {
		content, err := fx.store.MailContent(ctx, m)
		require.NoError(fx.t, err)
		r := result
		r.To, r.At = content.To, now
		require.NoError(fx.t, fx.store.FinishMail(ctx, m, r))
	}
	return len(list)
}

func TestAgentMailStatus(t *testing.T) {
	fx := newFixture(t, func(c *Config) { c.Mail = true })
	session := fx.login()
	rec := fx.do(request{method: "POST", path: "/api/v1/agent/me", token: session, body: `{"email":"ana@example.com","mailMe":true}`})
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	rec = fx.do(request{method: "GET", path: "/api/v1/agent/mail", token: session})
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.Equal(t, map[string]any{"configured": true, "deliveries": []any{}, "next": float64(0),
		"health": map[string]any{"lastSent": float64(0), "lastFailure": float64(0), "lastError": "", "retrying": float64(0)}}, decodeBody(t, rec))

	// Three conversations: the first mail goes out, the next two are
	// refused, one for now, one for good.
	for i, r := range []storage.MailResult{
		{State: storage.MailSent},
		{State: storage.MailRetrying, Error: "connect 127.0.0.1:2525: connection refused", RetryAt: fx.clock().Add(time.Hour).UnixMilli()},
		{State: storage.MailRejected, Error: "550 5.1.1 mailbox unavailable"},
	} {
		token, _ := fx.start()
		fx.send(token, "m", "hello")
		fx.advance(time.Second)
		require.Equal(t, 1, fx.attempt(r), "attempt %d", i)
	}
	rec = fx.do(request{method: "GET", path: "/api/v1/agent/mail?limit=2", token: session})
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	body := decodeBody(t, rec)
	assert.Equal(t, map[string]any{"lastSent": float64(1767225601000), "lastFailure": float64(1767225603000),
		"lastError": "550 5.1.1 mailbox unavailable", "retrying": float64(1)}, body["health"])
	list := body["deliveries"].([]any)
	require.Len(t, list, 2)
	first := list[0].(map[string]any)
	assert.Equal(t, "rejected", first["state"])
	assert.Equal(t, "agent", first["kind"])
	assert.Equal(t, "ana", first["agent"])
	assert.Equal(t, "ana@example.com", first["to"])
	assert.Equal(t, float64(1), first["attempts"])
	assert.Equal(t, "retrying", list[1].(map[string]any)["state"])
	assert.NotZero(t, list[1].(map[string]any)["nextAt"])
	next := int(body["next"].(float64))
	require.NotZero(t, next)
	rec = fx.do(request{method: "GET", path: "/api/v1/agent/mail?limit=2&before=" + itoa(next), token: session})
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	body = decodeBody(t, rec)
	require.Len(t, body["deliveries"], 1)
	assert.Equal(t, "sent", body["deliveries"].([]any)[0].(map[string]any)["state"])
	assert.Equal(t, float64(0), body["next"], "the last page")

	// The agent sees the refusal of their own address next to it, until
	// they change it.
	rec = fx.do(request{method: "GET", path: "/api/v1/agent/me", token: session})
	assert.Equal(t, map[string]any{"name": "ana", "email": "ana@example.com", "mailMe": true, "mail": true,
		"mailState": "rejected", "mailError": "550 5.1.1 mailbox unavailable"}, decodeBody(t, rec))
	rec = fx.do(request{method: "POST", path: "/api/v1/agent/me", token: session, body: `{"email":"ana@example.org","mailMe":true}`})
	require.Equal(t, http.StatusOK, rec.Code)
	assert.Equal(t, map[string]any{"name": "ana", "email": "ana@example.org", "mailMe": true, "mail": true}, decodeBody(t, rec))

	// Retry now: the waiting mail is due at once.
	assert.Zero(t, fx.attempt(storage.MailResult{State: storage.MailSent}), "not due yet")
	rec = fx.do(request{method: "POST", path: "/api/v1/agent/mail/retry", token: session})
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.Equal(t, map[string]any{"retried": float64(1)}, decodeBody(t, rec))
	assert.Equal(t, 1, fx.attempt(storage.MailResult{State: storage.MailSent}))
	rec = fx.do(request{method: "GET", path: "/api/v1/agent/mail", token: session})
	assert.Equal(t, float64(0), decodeBody(t, rec)["health"].(map[string]any)["retrying"])
}

func TestAgentMailStatusChecksItsInput(t *testing.T) {
	fx := newFixture(t)
	session := fx.login()
	tests := []struct {
		name, path, token string
		status            int
	}{
		{"signed out", "/api/v1/agent/mail", "", http.StatusUnauthorized},
		{"not a session", "/api/v1/agent/mail", "nope", http.StatusUnauthorized},
		{"limit 0", "/api/v1/agent/mail?limit=0", session, http.StatusBadRequest},
		{"limit too big", "/api/v1/agent/mail?limit=101", session, http.StatusBadRequest},
		{"limit not a number", "/api/v1/agent/mail?limit=x", session, http.StatusBadRequest},
		{"before negative", "/api/v1/agent/mail?before=-1", session, http.StatusBadRequest},
		{"before not a number", "/api/v1/agent/mail?before=1e3", session, http.StatusBadRequest},
		{"good", "/api/v1/agent/mail?limit=100&before=5", session, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := fx.do(request{method: "GET", path: tt.path, token: tt.token})
			assert.Equal(t, tt.status, rec.Code, rec.Body.String())
		})
	}
	rec := fx.do(request{method: "GET", path: "/api/v1/agent/mail", token: session})
	assert.Equal(t, false, decodeBody(t, rec)["configured"], "no -smtp")
	rec = fx.do(request{method: "POST", path: "/api/v1/agent/mail/retry", token: session})
	assert.Equal(t, http.StatusNotFound, rec.Code, "no mail to retry without -smtp")
	rec = fx.do(request{method: "POST", path: "/api/v1/agent/mail/retry"})
	assert.Equal(t, http.StatusUnauthorized, rec.Code)
}
