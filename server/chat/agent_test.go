package chat

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/bcrypt"
)

func TestLogin(t *testing.T) {
	fx := newFixture(t)
	cases := []struct {
		name       string
		user, pass string
		basic      bool
		want       int
	}{
		{"right password", "ana", "correct horse", true, http.StatusCreated},
		{"wrong password", "ana", "wrong horse!", true, http.StatusUnauthorized},
		{"unknown agent", "bob", "correct horse", true, http.StatusUnauthorized},
		{"no credentials", "", "", false, http.StatusUnauthorized},
		{"password too long", "ana", strings.Repeat("x", MaxPassword+1), true, http.StatusUnauthorized},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/api/v1/agent/sessions", nil)
			if c.basic {
				r.SetBasicAuth(c.user, c.pass)
			}
			rec := httptest.NewRecorder()
			fx.h.ServeHTTP(rec, r)
			require.Equal(t, c.want, rec.Code, rec.Body.String())
			assert.Empty(t, rec.Header().Values("Set-Cookie"))
			if c.want == http.StatusCreated {
				body := decodeBody(t, rec)
				assert.True(t, strings.HasPrefix(body["token"].(string), "ca_"))
				assert.Equal(t, "ana", body["agent"])
			}
		})
	}
}

func TestAgentSessions(t *testing.T) {
	fx := newFixture(t, func(c *Config) { c.SessionTTL = time.Hour })
	token, _ := fx.start()
	session := fx.login()
	list := request{method: "GET", path: "/api/v1/agent/conversations", token: session}
	assert.Equal(t, http.StatusOK, fx.do(list).Code)

	visitor := list
	visitor.token = token
	assert.Equal(t, http.StatusUnauthorized, fx.do(visitor).Code, "a visitor token is not an agent session")

	fx.advance(time.Hour)
	assert.Equal(t, http.StatusUnauthorized, fx.do(list).Code, "sessions expire")

	session = fx.login()
	list.token = session
	assert.Equal(t, http.StatusOK, fx.do(list).Code)
	assert.Equal(t, http.StatusNoContent, fx.do(request{method: "DELETE", path: "/api/v1/agent/sessions", token: session}).Code)
	assert.Equal(t, http.StatusUnauthorized, fx.do(list).Code, "logged out")
}

func TestAgentEndpointsNeedSession(t *testing.T) {
	fx := newFixture(t)
	_, conv := fx.start()
	id := itoa(int(conv))
	for _, ep := range []request{
		{method: "DELETE", path: "/api/v1/agent/sessions"},
		{method: "GET", path: "/api/v1/agent/conversations"},
		{method: "GET", path: "/api/v1/agent/conversations/" + id},
		{method: "POST", path: "/api/v1/agent/conversations/" + id + "/messages", body: `{"id":"a","body":"x"}`},
		{method: "POST", path: "/api/v1/agent/conversations/" + id + "/read", body: `{"message":1}`},
		{method: "POST", path: "/api/v1/agent/conversations/" + id + "/typing", body: `{"typing":true}`},
		{method: "POST", path: "/api/v1/agent/conversations/" + id + "/ban", body: `{"reason":"spam"}`},
		{method: "DELETE", path: "/api/v1/agent/conversations/" + id + "/ban"},
		{method: "GET", path: "/api/v1/agent/submissions"},
		{method: "GET", path: "/api/v1/agent/events"},
	} {
		t.Run(ep.method+" "+ep.path, func(t *testing.T) {
			rec := fx.do(ep)
			assert.Equal(t, http.StatusUnauthorized, rec.Code)
		})
	}
}

func TestAgentConversation(t *testing.T) {
	fx := newFixture(t)
	token, conv := fx.start()
	session := fx.login()
	fx.send(token, "v1", "hello")
	cases := []struct {
		name, path string
		want       int
	}{
		{"existing", "/api/v1/agent/conversations/" + itoa(int(conv)), 200},
		{"missing", "/api/v1/agent/conversations/999", 404},
		{"not a number", "/api/v1/agent/conversations/abc", 404},
		{"bad limit", "/api/v1/agent/conversations/" + itoa(int(conv)) + "?limit=x", 400},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := fx.do(request{method: "GET", path: c.path, token: session})
			require.Equal(t, c.want, rec.Code, rec.Body.String())
			if c.want == 200 {
				body := decodeBody(t, rec)
				assert.Len(t, body["messages"], 1)
				assert.Equal(t, 1.0, body["conversation"].(map[string]any)["unread"])
			}
		})
	}
	// Replies are idempotent like the visitor's messages.
	path := "/api/v1/agent/conversations/" + itoa(int(conv)) + "/messages"
	assert.Equal(t, http.StatusCreated, fx.do(request{method: "POST", path: path, token: session, body: `{"id":"r","body":"hi"}`}).Code)
	assert.Equal(t, http.StatusOK, fx.do(request{method: "POST", path: path, token: session, body: `{"id":"r","body":"hi"}`}).Code)
	assert.Equal(t, http.StatusConflict, fx.do(request{method: "POST", path: path, token: session, body: `{"id":"r","body":"ho"}`}).Code)
	assert.Equal(t, http.StatusBadRequest, fx.do(request{method: "POST", path: path, token: session, body: `{"id":"r2","body":""}`}).Code)
	assert.Equal(t, http.StatusNotFound, fx.do(request{method: "POST", path: "/api/v1/agent/conversations/999/messages", token: session, body: `{"id":"r","body":"hi"}`}).Code)
}

func TestBan(t *testing.T) {
	fx := newFixture(t)
	ts := serve(t, fx)
	token, conv := fx.start()
	other, _ := fx.start()
	session := fx.login()
	stream, _ := openStream(t, ts.URL, "/api/v1/conversation/events", bearerHeader(token))
	require.NotNil(t, stream)
	banPath := "/api/v1/agent/conversations/" + itoa(int(conv)) + "/ban"

	for _, bad := range []string{`{"reason":"rude"}`, `{"reason":""}`, `{}`} {
		rec := fx.do(request{method: "POST", path: banPath, token: session, body: bad})
		assert.Equal(t, http.StatusBadRequest, rec.Code, bad)
		assert.Contains(t, decodeBody(t, rec)["fields"], "reason")
	}
	rec := fx.do(request{method: "POST", path: banPath, token: session, body: `{"reason":"spam"}`})
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.Equal(t, "spam", decodeBody(t, rec)["conversation"].(map[string]any)["banned"])

	ev := stream.next("banned")
	assert.Equal(t, "spam", ev.Data["reason"])
	assert.True(t, stream.ended(), "a banned visitor's stream ends")

	for _, ep := range []request{
		{method: "GET", path: "/api/v1/conversation"},
		{method: "GET", path: "/api/v1/conversation/messages"},
		{method: "POST", path: "/api/v1/conversation/messages", body: `{"id":"a","body":"let me in"}`},
		{method: "POST", path: "/api/v1/conversation/read", body: `{"message":1}`},
		{method: "POST", path: "/api/v1/conversation/typing", body: `{"typing":true}`},
		{method: "POST", path: "/api/v1/conversation/tickets"},
		{method: "GET", path: "/api/v1/conversation/events"},
		{method: "POST", path: "/api/v1/forms/contact/submissions", body: validContact("b1")},
	} {
		t.Run("banned "+ep.method+" "+ep.path, func(t *testing.T) {
			ep.token = token
			rec := fx.do(ep)
			require.Equal(t, http.StatusForbidden, rec.Code, rec.Body.String())
			body := decodeBody(t, rec)
			assert.Equal(t, CodeBanned, body["code"])
			assert.Equal(t, "spam", body["reason"])
		})
	}
	assert.Equal(t, http.StatusOK, fx.do(request{method: "GET", path: "/api/v1/conversation", token: other}).Code, "other visitors are not affected")

	rec = fx.do(request{method: "DELETE", path: banPath, token: session})
	require.Equal(t, http.StatusOK, rec.Code)
	assert.Equal(t, http.StatusOK, fx.do(request{method: "GET", path: "/api/v1/conversation", token: token}).Code, "ban lifted")
	assert.Equal(t, http.StatusNotFound, fx.do(request{method: "POST", path: "/api/v1/agent/conversations/999/ban", token: session, body: `{"reason":"spam"}`}).Code)
}

func TestUnknownAgentCostsLikeAWrongPassword(t *testing.T) {
	fx := newFixture(t)
	cost, err := bcrypt.Cost(fx.srv.dummyHash())
	require.NoError(t, err)
	assert.Equal(t, bcrypt.MinCost, cost, "the dummy hash has the configured cost")
	assert.Equal(t, BcryptCost, New(Config{Store: fx.store}).cfg.BcryptCost, "default cost")
}

// TestAgentStreamEndsWithItsSession: ending a session anywhere (here the
// store, as the CLI in another process does) ends the agent's open stream
// with an "ended" event, and the stream's reconnect is refused.
func TestAgentStreamEndsWithItsSession(t *testing.T) {
	cases := []struct {
		name string
		end  func(fx *fixture) error
	}{
		{"logout-all", func(fx *fixture) error { _, err := fx.store.EndAgentSessions(context.Background(), "ana"); return err }},
		{"new password", func(fx *fixture) error { return fx.store.SetAgentPassword(context.Background(), "ana", "$2a$04$x") }},
		{"agent removed", func(fx *fixture) error { return fx.store.RemoveAgent(context.Background(), "ana") }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fx := newFixture(t, func(cfg *Config) { cfg.SessionCheck = 20 * time.Millisecond })
			ts := serve(t, fx)
			session := fx.login()
			stream, res := openStream(t, ts.URL, "/api/v1/agent/events", bearerHeader(session))
			require.Equal(t, http.StatusOK, res.StatusCode)
			require.NoError(t, c.end(fx))
			ev := waitFor(stream, "ended", func(sseEvent) bool { return true })
			assert.Equal(t, "session", ev.Data["reason"])
			assert.True(t, stream.ended(), "the stream closes")
			_, res = openStream(t, ts.URL, "/api/v1/agent/events", bearerHeader(session))
			assert.Equal(t, http.StatusUnauthorized, res.StatusCode)
		})
	}
}
