package chat

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestVisitorErase(t *testing.T) {
	fx := newFixture(t)
	ts := serve(t, fx)
	token, conv := fx.start()
	other, otherID := fx.start()
	fx.send(token, "m1", "my secret")
	fx.send(other, "m1", "their words")
	session := fx.login()
	rec := fx.do(request{method: "POST", path: "/api/v1/forms/contact/submissions", token: token,
		body: `{"id":"f1","fields":{"name":"Ada","email":"ada@example.com","topic":"Order","message":"Call me back, please.","consent":"true"}}`})
	require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())

	stream, res := openStream(t, ts.URL, "/api/v1/conversation/events", bearerHeader(token))
	require.Equal(t, http.StatusOK, res.StatusCode)
	agents, res := openStream(t, ts.URL, "/api/v1/agent/events", bearerHeader(session))
	require.Equal(t, http.StatusOK, res.StatusCode)

	rec = fx.do(request{method: "DELETE", path: "/api/v1/conversation", token: token})
	require.Equal(t, http.StatusNoContent, rec.Code, rec.Body.String())

	ev := stream.next("erased")
	assert.Equal(t, float64(conv), ev.Data["conversation"])
	assert.True(t, stream.ended(), "the visitor's stream ends")
	ev = waitFor(agents, "erased", func(sseEvent) bool { return true })
	assert.Equal(t, float64(conv), ev.Data["conversation"], "the inboxes are told")

	for _, r := range []request{
		{method: "GET", path: "/api/v1/conversation", token: token},
		{method: "GET", path: "/api/v1/conversation/messages", token: token},
		{method: "DELETE", path: "/api/v1/conversation", token: token},
		{method: "GET", path: "/api/v1/conversation/export", token: token},
	} {
		assert.Equal(t, http.StatusUnauthorized, fx.do(r).Code, "%s %s with the old token", r.method, r.path)
	}
	rec = fx.do(request{method: "GET", path: "/api/v1/agent/conversations", token: session})
	list := decodeBody(t, rec)["conversations"].([]any)
	require.Len(t, list, 1)
	assert.Equal(t, float64(otherID), list[0].(map[string]any)["id"])
	rec = fx.do(request{method: "GET", path: "/api/v1/agent/submissions", token: session})
	assert.Empty(t, decodeBody(t, rec)["submissions"], "the form submission went with it")
	assert.Equal(t, http.StatusNotFound, fx.do(request{method: "GET", path: "/api/v1/agent/conversations/" + itoa(int(conv)), token: session}).Code)
}

func TestVisitorExport(t *testing.T) {
	fx := newFixture(t)
	token, conv := fx.start()
	fx.send(token, "m1", "my question")
	session := fx.login()
	fx.reply(session, conv, "r1", "our answer")
	rec := fx.do(request{method: "POST", path: "/api/v1/forms/contact/submissions", token: token,
		body: `{"id":"f1","fields":{"name":"Ada","email":"ada@example.com","topic":"Order","message":"Call me back, please.","consent":"true"}}`})
	require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())

	rec = fx.do(request{method: "GET", path: "/api/v1/conversation/export", token: token})
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.Contains(t, rec.Header().Get("Content-Disposition"), "attachment")
	var e Export
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &e))
	assert.Equal(t, conv, e.Conversation.ID)
	require.Len(t, e.Messages, 2)
	assert.Equal(t, "my question", e.Messages[0].Body)
	assert.Equal(t, "our answer", e.Messages[1].Body)
	require.Len(t, e.Submissions, 1)
	assert.Equal(t, "ada@example.com", e.Submissions[0].Fields["email"])
	assert.Len(t, e.Network, 64, "the keyed network hash, in hex")
	assert.Equal(t, fx.clock().UnixMilli(), e.Exported)

	other, _ := fx.start()
	rec = fx.do(request{method: "GET", path: "/api/v1/conversation/export", token: other})
	require.Equal(t, http.StatusOK, rec.Code)
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &e))
	assert.Empty(t, e.Messages, "only the token's own conversation")
}

// A banned visitor keeps the rights of access and erasure.
func TestBannedVisitorMayExportAndErase(t *testing.T) {
	fx := newFixture(t)
	token, conv := fx.start()
	session := fx.login()
	rec := fx.do(request{method: "POST", path: "/api/v1/agent/conversations/" + itoa(int(conv)) + "/ban", token: session, body: `{"reason":"spam"}`})
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	require.Equal(t, http.StatusForbidden, fx.do(request{method: "GET", path: "/api/v1/conversation", token: token}).Code)
	assert.Equal(t, http.StatusOK, fx.do(request{method: "GET", path: "/api/v1/conversation/export", token: token}).Code)
	assert.Equal(t, http.StatusNoContent, fx.do(request{method: "DELETE", path: "/api/v1/conversation", token: token}).Code)
}

func TestAgentEraseAndExportAreAudited(t *testing.T) {
	var logs bytes.Buffer
	fx := newFixture(t, func(c *Config) { c.Logger = slog.New(slog.NewTextHandler(&logs, nil)) })
	token, conv := fx.start()
	fx.send(token, "m1", "private words")
	session := fx.login()
	path := "/api/v1/agent/conversations/" + itoa(int(conv))

	rec := fx.do(request{method: "GET", path: path + "/export", token: session})
	require.Equal(t, http.StatusOK, rec.Code)
	assert.Contains(t, rec.Body.String(), "private words")
	rec = fx.do(request{method: "DELETE", path: path, token: session})
	require.Equal(t, http.StatusNoContent, rec.Code, rec.Body.String())
	assert.Equal(t, http.StatusNotFound, fx.do(request{method: "DELETE", path: path, token: session}).Code)
	assert.Equal(t, http.StatusUnauthorized, fx.do(request{method: "GET", path: "/api/v1/conversation", token: token}).Code)
	assert.Equal(t, http.StatusUnauthorized, fx.do(request{method: "DELETE", path: path}).Code, "agents only")

	var audit []string
	for _, line := range strings.Split(logs.String(), "\n") {
		if strings.Contains(line, "msg=audit") {
			audit = append(audit, line)
		}
	}
	require.Len(t, audit, 2, logs.String())
	assert.Contains(t, audit[0], "action=export by=agent:ana conversation="+itoa(int(conv)))
	assert.Contains(t, audit[1], "action=erase by=agent:ana conversation="+itoa(int(conv)))
	assert.Contains(t, audit[1], "time=", "when")
	assert.NotContains(t, logs.String(), "private words", "no content in the log")
}

func TestVisitorTokenLifetime(t *testing.T) {
	fx := newFixture(t)
	token, _ := fx.start()
	get := func() int {
		return fx.do(request{method: "GET", path: "/api/v1/conversation", token: token}).Code
	}
	// Used every 29 days, it keeps working: each use renews it.
	for range 3 {
		fx.advance(29 * 24 * time.Hour)
		require.Equal(t, http.StatusOK, get())
	}
	fx.advance(DefaultVisitorTokenTTL + time.Minute)
	rec := fx.do(request{method: "GET", path: "/api/v1/conversation", token: token})
	assert.Equal(t, http.StatusUnauthorized, rec.Code)
	assert.Contains(t, rec.Body.String(), "expired")
	assert.Equal(t, 30*24*time.Hour, DefaultVisitorTokenTTL, "the widget's declared lifetime")
}

func TestTextRuleOnEveryInput(t *testing.T) {
	fx := newFixture(t)
	token, conv := fx.start()
	session := fx.login()
	cases := []struct {
		name, text, want string
	}{
		{"right-to-left override", `invoice\u202efdp.exe`, "bidirectional control character (U+202E) at character 8"},
		{"isolate", `a\u2066b`, "U+2066"},
		{"zero width space", `pay\u200bpal`, "zero-width character (U+200B)"},
		{"zero width non-joiner in latin", `pay\u200cpal`, "U+200C"},
		{"escape", `\u001b[2J`, "control character (U+001B) at character 1"},
		{"c1 control", `a\u0085`, "U+0085"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, r := range []request{
				{method: "POST", path: "/api/v1/conversation/messages", token: token, body: `{"id":"x","body":"` + c.text + `"}`},
				{method: "POST", path: "/api/v1/agent/conversations/" + itoa(int(conv)) + "/messages", token: session, body: `{"id":"x","body":"` + c.text + `"}`},
			} {
				rec := fx.do(r)
				require.Equal(t, http.StatusBadRequest, rec.Code, r.path)
				body := decodeBody(t, rec)
				assert.Contains(t, body["error"], c.want)
				assert.Equal(t, "Characters not allowed.", body["fields"].(map[string]any)["body"])
			}
			rec := fx.do(request{method: "POST", path: "/api/v1/forms/contact/submissions", token: token,
				body: `{"id":"f","fields":{"name":"` + c.text + `x","email":"a@b.co","topic":"Order","message":"Call me back, please.","consent":"true"}}`})
			require.Equal(t, http.StatusBadRequest, rec.Code)
			assert.NotEmpty(t, decodeBody(t, rec)["fields"].(map[string]any)["name"])
		})
	}
	// What scripts and emoji need still passes.
	for i, ok := range []string{`👨\u200d👩\u200d👧`, `می\u200cخواهم`, "line one\\nline two", "שלום world"} {
		rec := fx.do(request{method: "POST", path: "/api/v1/conversation/messages", token: token, body: `{"id":"ok` + itoa(i) + `","body":"` + ok + `"}`})
		assert.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
	}
}

// The retention sweep runs in the background on the server's clock.
func TestRetentionSweepRuns(t *testing.T) {
	fx := newFixture(t, func(c *Config) {
		c.NoSweep = true
		c.Retention.Conversations = 90 * 24 * time.Hour
	})
	token, _ := fx.start()
	fx.advance(91 * 24 * time.Hour)
	assert.True(t, fx.srv.SweepOnce(context.Background()))
	assert.False(t, fx.srv.SweepOnce(context.Background()), "once per period")
	assert.Equal(t, http.StatusUnauthorized, fx.do(request{method: "GET", path: "/api/v1/conversation", token: token}).Code)
}

// On instances sharing PostgreSQL, an erasure on one ends the visitor's
// stream on the other and the old token is refused everywhere.
func TestEraseAcrossInstances(t *testing.T) {
	_, fx, ts := pgInstances(t, 2)
	a, b := fx[0], fx[1]
	token, conv := a.start()
	a.send(token, "m1", "hello")
	session := a.login()
	onB, res := openStream(t, ts[1].URL, "/api/v1/conversation/events", bearerHeader(token))
	require.Equal(t, http.StatusOK, res.StatusCode)
	agentsOnB, res := openStream(t, ts[1].URL, "/api/v1/agent/events", bearerHeader(session))
	require.Equal(t, http.StatusOK, res.StatusCode)

	require.Equal(t, http.StatusNoContent, a.do(request{method: "DELETE", path: "/api/v1/conversation", token: token}).Code)
	ev := onB.next("erased")
	assert.Equal(t, float64(conv), ev.Data["conversation"])
	assert.True(t, onB.ended(), "the stream on the other instance ends")
	waitFor(agentsOnB, "erased", func(e sseEvent) bool { return e.Data["conversation"] == float64(conv) })
	assert.Equal(t, http.StatusUnauthorized, b.do(request{method: "GET", path: "/api/v1/conversation", token: token}).Code)

	// The CLI's announcement reaches the instances too.
	token2, conv2 := a.start()
	onB, res = openStream(t, ts[1].URL, "/api/v1/conversation/events", bearerHeader(token2))
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.NoError(t, EraseConversation(context.Background(), a.srv.store, conv2))
	require.NoError(t, AnnounceErased(context.Background(), a.srv.store, conv2))
	onB.next("erased")
	assert.True(t, onB.ended())
}
