package chat

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStartConversation(t *testing.T) {
	fx := newFixture(t)
	cases := []struct {
		name        string
		body, ctype string
		want        int
		code        string
	}{
		{"empty body", "", "", http.StatusCreated, ""},
		{"empty object", "{}", "application/json", http.StatusCreated, ""},
		{"site", `{"site":"demo"}`, "application/json; charset=utf-8", http.StatusCreated, ""},
		{"unknown field", `{"site":"demo","admin":true}`, "application/json", http.StatusBadRequest, CodeInvalid},
		{"trailing data", `{"site":"demo"} {}`, "application/json", http.StatusBadRequest, CodeInvalid},
		{"not JSON", `site=demo`, "application/json", http.StatusBadRequest, CodeInvalid},
		{"wrong type", `{"site":3}`, "application/json", http.StatusBadRequest, CodeInvalid},
		{"array", `[]`, "application/json", http.StatusBadRequest, CodeInvalid},
		{"form content type", `{"site":"demo"}`, "application/x-www-form-urlencoded", http.StatusUnsupportedMediaType, CodeMediaType},
		{"site too long", `{"site":"` + strings.Repeat("s", MaxSite+1) + `"}`, "application/json", http.StatusBadRequest, CodeInvalid},
		{"site with newline", `{"site":"a\nb"}`, "application/json", http.StatusBadRequest, CodeInvalid},
		{"too large", `{"site":"` + strings.Repeat(" ", bodyStart) + `"}`, "application/json", http.StatusRequestEntityTooLarge, CodeTooLarge},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := fx.do(request{method: "POST", path: "/api/v1/conversations", body: c.body, header: map[string]string{"Content-Type": c.ctype}})
			require.Equal(t, c.want, rec.Code, rec.Body.String())
			body := decodeBody(t, rec)
			if c.code != "" {
				assert.Equal(t, c.code, body["code"])
				return
			}
			token := body["token"].(string)
			assert.True(t, strings.HasPrefix(token, "cv_"))
			assert.Len(t, token, 3+43)
			assert.Equal(t, "no-store", rec.Header().Get("Cache-Control"))
		})
	}
}

func TestTokensAreDistinctAndStoredHashed(t *testing.T) {
	fx := newFixture(t)
	a, _ := fx.start()
	b, _ := fx.start()
	assert.NotEqual(t, a, b)
	var n int
	require.NoError(t, fx.store.DB().QueryRow(`SELECT count(*) FROM conversations WHERE token_hash = ?`, a).Scan(&n))
	assert.Zero(t, n, "the clear token is never stored")
	require.NoError(t, fx.store.DB().QueryRow(`SELECT count(*) FROM conversations WHERE token_hash = ?`, hashToken(a)).Scan(&n))
	assert.Equal(t, 1, n)
}

func TestVisitorAuth(t *testing.T) {
	fx := newFixture(t)
	token, _ := fx.start()
	endpoints := []request{
		{method: "GET", path: "/api/v1/conversation"},
		{method: "GET", path: "/api/v1/conversation/messages"},
		{method: "POST", path: "/api/v1/conversation/messages", body: `{"id":"a","body":"hi"}`},
		{method: "POST", path: "/api/v1/conversation/read", body: `{"message":1}`},
		{method: "POST", path: "/api/v1/conversation/typing", body: `{"typing":true}`},
		{method: "POST", path: "/api/v1/conversation/tickets"},
		{method: "GET", path: "/api/v1/conversation/events"},
	}
	tokens := map[string]string{
		"no token":          "",
		"unknown token":     "cv_" + strings.Repeat("A", 43),
		"wrong prefix":      "ca_" + token[3:],
		"short token":       "cv_abc",
		"agent-like header": "",
	}
	for _, ep := range endpoints {
		for name, tok := range tokens {
			t.Run(ep.method+" "+ep.path+" "+name, func(t *testing.T) {
				req := ep
				req.token = tok
				if name == "agent-like header" {
					req.header = map[string]string{"Authorization": "Basic " + token}
				}
				rec := fx.do(req)
				assert.Equal(t, http.StatusUnauthorized, rec.Code, rec.Body.String())
				assert.Equal(t, CodeUnauthorized, decodeBody(t, rec)["code"])
			})
		}
	}
}

func TestSendMessage(t *testing.T) {
	fx := newFixture(t)
	token, _ := fx.start()
	cases := []struct {
		name, body string
		want       int
		field      string
	}{
		{"first send", `{"id":"m-1","body":"Hello"}`, http.StatusCreated, ""},
		{"retry is idempotent", `{"id":"m-1","body":"Hello"}`, http.StatusOK, ""},
		{"same id other body", `{"id":"m-1","body":"Bye"}`, http.StatusConflict, ""},
		{"max length in runes", `{"id":"m-2","body":"` + strings.Repeat("é", MaxMessageLength) + `"}`, http.StatusCreated, ""},
		{"one rune too long", `{"id":"m-3","body":"` + strings.Repeat("é", MaxMessageLength+1) + `"}`, http.StatusBadRequest, "body"},
		{"empty body", `{"id":"m-4","body":"  \n "}`, http.StatusBadRequest, "body"},
		{"control character", `{"id":"m-5","body":"a\u0000b"}`, http.StatusBadRequest, "body"},
		{"missing id", `{"body":"hi"}`, http.StatusBadRequest, "id"},
		{"id with space", `{"id":"a b","body":"hi"}`, http.StatusBadRequest, "id"},
		{"id too long", `{"id":"` + strings.Repeat("a", MaxClientID+1) + `","body":"hi"}`, http.StatusBadRequest, "id"},
		{"unknown field", `{"id":"m-6","body":"hi","author":"agent"}`, http.StatusBadRequest, ""},
		{"body over the byte limit", `{"id":"m-7","body":"` + strings.Repeat("a", bodyMessage) + `"}`, http.StatusRequestEntityTooLarge, ""},
	}
	var first map[string]any
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := fx.do(request{method: "POST", path: "/api/v1/conversation/messages", token: token, body: c.body})
			require.Equal(t, c.want, rec.Code, rec.Body.String())
			body := decodeBody(t, rec)
			if c.field != "" {
				assert.Contains(t, body["fields"], c.field)
			}
			if c.want < 300 {
				m := body["message"].(map[string]any)
				assert.Equal(t, "visitor", m["author"])
				if first == nil {
					first = m
				} else if m["clientId"] == "m-1" {
					assert.Equal(t, first, m, "a retry returns the stored message")
				}
			}
		})
	}
	rec := fx.do(request{method: "GET", path: "/api/v1/conversation/messages", token: token})
	require.Equal(t, http.StatusOK, rec.Code)
	assert.Len(t, decodeBody(t, rec)["messages"], 2, "m-1 once, m-2")
}

func TestTokenIsolation(t *testing.T) {
	fx := newFixture(t)
	alice, aliceID := fx.start()
	bob, _ := fx.start()
	fx.send(alice, "x", "alice secret")
	session := fx.login()
	fx.reply(session, aliceID, "r", "for alice only")
	fx.send(bob, "x", "bob here") // same client id, other conversation: fine

	for _, c := range []struct {
		token, mine, theirs string
	}{{alice, "alice secret", "bob here"}, {bob, "bob here", "alice secret"}} {
		rec := fx.do(request{method: "GET", path: "/api/v1/conversation/messages", token: c.token})
		require.Equal(t, http.StatusOK, rec.Code)
		assert.Contains(t, rec.Body.String(), c.mine)
		assert.NotContains(t, rec.Body.String(), c.theirs)
	}
	rec := fx.do(request{method: "GET", path: "/api/v1/conversation/messages", token: bob})
	assert.NotContains(t, rec.Body.String(), "for alice only")
	// A visitor token cannot use the agent API.
	rec = fx.do(request{method: "GET", path: "/api/v1/agent/conversations/" + itoa(int(aliceID)), token: bob})
	assert.Equal(t, http.StatusUnauthorized, rec.Code)
}

func TestListMessagesPaging(t *testing.T) {
	fx := newFixture(t)
	token, _ := fx.start()
	ids := []int64{fx.send(token, "a", "one"), fx.send(token, "b", "two"), fx.send(token, "c", "three")}
	cases := []struct {
		query string
		want  int
		code  int
	}{
		{"", 3, 200},
		{"?after=" + itoa(int(ids[0])), 2, 200},
		{"?after=" + itoa(int(ids[2])), 0, 200},
		{"?limit=1", 1, 200},
		{"?limit=0", 0, 400},
		{"?limit=501", 0, 400},
		{"?after=-1", 0, 400},
		{"?after=x", 0, 400},
	}
	for _, c := range cases {
		t.Run(c.query, func(t *testing.T) {
			rec := fx.do(request{method: "GET", path: "/api/v1/conversation/messages" + c.query, token: token})
			require.Equal(t, c.code, rec.Code, rec.Body.String())
			if c.code == 200 {
				assert.Len(t, decodeBody(t, rec)["messages"], c.want)
			}
		})
	}
}

func TestReadCursorAndUnread(t *testing.T) {
	fx := newFixture(t)
	token, conv := fx.start()
	session := fx.login()
	fx.send(token, "v1", "hi")
	r1 := fx.reply(session, conv, "a1", "hello")
	r2 := fx.reply(session, conv, "a2", "how can I help?")

	unread := func() float64 {
		rec := fx.do(request{method: "GET", path: "/api/v1/conversation", token: token})
		require.Equal(t, http.StatusOK, rec.Code)
		return decodeBody(t, rec)["conversation"].(map[string]any)["unread"].(float64)
	}
	assert.Equal(t, 2.0, unread())

	cases := []struct {
		name       string
		body       string
		want       int
		wantUnread float64
	}{
		{"read the first reply", `{"message":` + itoa(int(r1)) + `}`, 200, 1},
		{"cursor never goes back", `{"message":1}`, 200, 1},
		{"read all", `{"message":` + itoa(int(r2)) + `}`, 200, 0},
		{"zero", `{"message":0}`, 400, 0},
		{"string", `{"message":"5"}`, 400, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := fx.do(request{method: "POST", path: "/api/v1/conversation/read", token: token, body: c.body})
			require.Equal(t, c.want, rec.Code, rec.Body.String())
			assert.Equal(t, c.wantUnread, unread())
		})
	}

	// The agents' side: the visitor's message was read when ana replied;
	// a new one is unread until she marks it.
	v2 := fx.send(token, "v2", "thanks")
	rec := fx.do(request{method: "GET", path: "/api/v1/agent/conversations", token: session})
	list := decodeBody(t, rec)["conversations"].([]any)
	require.Len(t, list, 1)
	assert.Equal(t, 1.0, list[0].(map[string]any)["unread"])
	rec = fx.do(request{method: "POST", path: "/api/v1/agent/conversations/" + itoa(int(conv)) + "/read", token: session, body: `{"message":` + itoa(int(v2)) + `}`})
	require.Equal(t, 200, rec.Code, rec.Body.String())
	assert.Equal(t, 0.0, decodeBody(t, rec)["conversation"].(map[string]any)["unread"])
}

func TestTyping(t *testing.T) {
	fx := newFixture(t)
	token, _ := fx.start()
	rec := fx.do(request{method: "POST", path: "/api/v1/conversation/typing", token: token, body: `{"typing":true}`})
	assert.Equal(t, http.StatusNoContent, rec.Code)
	rec = fx.do(request{method: "POST", path: "/api/v1/conversation/typing", token: token, body: `{"typing":"yes"}`})
	assert.Equal(t, http.StatusBadRequest, rec.Code)
}

func TestRoutesAnswerJSON(t *testing.T) {
	fx := newFixture(t)
	cases := []struct {
		method, path string
		want         int
		allow        string
	}{
		{"GET", "/api/v1/nope", 404, ""},
		{"GET", "/api/v1/conversations", 405, "POST"},
		{"PUT", "/api/v1/conversation/messages", 405, "GET, POST"},
		{"DELETE", "/api/v1/answers", 405, "GET"},
	}
	for _, c := range cases {
		t.Run(c.method+" "+c.path, func(t *testing.T) {
			rec := fx.do(request{method: c.method, path: c.path})
			assert.Equal(t, c.want, rec.Code)
			assert.Equal(t, c.allow, rec.Header().Get("Allow"))
			assert.Equal(t, "application/json; charset=utf-8", rec.Header().Get("Content-Type"))
		})
	}
}

func TestRestartKeepsConversation(t *testing.T) {
	fx := newFixture(t)
	token, _ := fx.start()
	fx.send(token, "a", "before restart")
	fx.srv.Close()
	require.NoError(t, fx.store.Close())

	fx2 := newFixtureAt(t, fx.path)
	rec := fx2.do(request{method: "GET", path: "/api/v1/conversation/messages", token: token})
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.Contains(t, rec.Body.String(), "before restart")
}
