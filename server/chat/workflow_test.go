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

// loginAs adds the agent name (unless it exists) and returns a session.
func (fx *fixture) loginAs(name string) string {
	fx.t.Helper()
	_ = AddAgent(context.Background(), fx.store, name, "correct horse", bcrypt.MinCost, fx.clock())
	r := httptest.NewRequest("POST", "/api/v1/agent/sessions", nil)
	r.SetBasicAuth(name, "correct horse")
	rec := httptest.NewRecorder()
	fx.h.ServeHTTP(rec, r)
	require.Equal(fx.t, http.StatusCreated, rec.Code, rec.Body.String())
	return decodeBody(fx.t, rec)["token"].(string)
}

// conv reads a conversation as the agent session sees it.
func (fx *fixture) conv(session string, id int64) map[string]any {
	fx.t.Helper()
	rec := fx.do(request{method: "GET", path: "/api/v1/agent/conversations/" + itoa(int(id)), token: session})
	require.Equal(fx.t, http.StatusOK, rec.Code, rec.Body.String())
	return decodeBody(fx.t, rec)["conversation"].(map[string]any)
}

func TestStateEndpoint(t *testing.T) {
	fx := newFixture(t)
	session := fx.login()
	_, id := fx.start()
	path := "/api/v1/agent/conversations/" + itoa(int(id)) + "/state"
	hour := fx.clock().Add(time.Hour).UnixMilli()
	cases := []struct {
		name, body string
		want       int
		code       string
		state      string
	}{
		{"reopen an open one", `{"state":"open"}`, http.StatusConflict, CodeTransition, ""},
		{"snooze without a time", `{"state":"snoozed"}`, http.StatusBadRequest, CodeInvalid, ""},
		{"snooze into the past", `{"state":"snoozed","until":1}`, http.StatusBadRequest, CodeInvalid, ""},
		{"snooze beyond a year", `{"state":"snoozed","until":` + itoa(int(fx.clock().AddDate(2, 0, 0).UnixMilli())) + `}`, http.StatusBadRequest, CodeInvalid, ""},
		{"unknown state", `{"state":"closed"}`, http.StatusBadRequest, CodeInvalid, ""},
		{"unknown field", `{"state":"open","why":1}`, http.StatusBadRequest, CodeInvalid, ""},
		{"snooze", `{"state":"snoozed","until":` + itoa(int(hour)) + `}`, http.StatusOK, "", "snoozed"},
		{"resolve", `{"state":"resolved"}`, http.StatusOK, "", "resolved"},
		{"resolve again", `{"state":"resolved"}`, http.StatusConflict, CodeTransition, ""},
		{"snooze a resolved one", `{"state":"snoozed","until":` + itoa(int(hour)) + `}`, http.StatusConflict, CodeTransition, ""},
		{"until with resolve", `{"state":"resolved","until":` + itoa(int(hour)) + `}`, http.StatusBadRequest, CodeInvalid, ""},
		{"reopen", `{"state":"open"}`, http.StatusOK, "", "open"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := fx.do(request{method: "POST", path: path, token: session, body: c.body})
			require.Equal(t, c.want, rec.Code, rec.Body.String())
			body := decodeBody(t, rec)
			if c.code != "" {
				assert.Equal(t, c.code, body["code"])
				return
			}
			assert.Equal(t, c.state, body["conversation"].(map[string]any)["state"])
		})
	}
	t.Run("too large", func(t *testing.T) {
		rec := fx.do(request{method: "POST", path: path, token: session, body: `{"state":"` + strings.Repeat("x", 2000) + `"}`})
		assert.Equal(t, http.StatusRequestEntityTooLarge, rec.Code)
	})
	t.Run("no such conversation", func(t *testing.T) {
		rec := fx.do(request{method: "POST", path: "/api/v1/agent/conversations/999/state", token: session, body: `{"state":"resolved"}`})
		assert.Equal(t, http.StatusNotFound, rec.Code)
	})
}

func TestSnoozeWakesOnList(t *testing.T) {
	fx := newFixture(t)
	session := fx.login()
	_, id := fx.start()
	until := fx.clock().Add(time.Hour).UnixMilli()
	rec := fx.do(request{method: "POST", path: "/api/v1/agent/conversations/" + itoa(int(id)) + "/state", token: session, body: `{"state":"snoozed","until":` + itoa(int(until)) + `}`})
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())

	list := func(query string) map[string]any {
		rec := fx.do(request{method: "GET", path: "/api/v1/agent/conversations" + query, token: session})
		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
		return decodeBody(t, rec)
	}
	body := list("?state=snoozed")
	assert.Len(t, body["conversations"], 1)
	assert.Equal(t, map[string]any{"all": 1.0, "mine": 0.0, "unassigned": 1.0}, body["counts"].(map[string]any)["snoozed"])
	assert.Empty(t, list("?state=open")["conversations"])

	fx.advance(time.Hour)
	assert.Len(t, list("?state=open")["conversations"], 1, "the snooze ended")
	assert.Empty(t, list("?state=snoozed")["conversations"])

	for _, q := range []string{"?state=closed", "?assigned=theirs"} {
		rec := fx.do(request{method: "GET", path: "/api/v1/agent/conversations" + q, token: session})
		assert.Equal(t, http.StatusBadRequest, rec.Code, q)
	}
}

func TestAssignEndpoints(t *testing.T) {
	fx := newFixture(t)
	ana := fx.login()
	bo := fx.loginAs("bo")
	_, id := fx.start()
	base := "/api/v1/agent/conversations/" + itoa(int(id))

	rec := fx.do(request{method: "POST", path: base + "/take", token: bo})
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.Equal(t, "bo", decodeBody(t, rec)["conversation"].(map[string]any)["assignee"])

	mine := func(session string) int {
		rec := fx.do(request{method: "GET", path: "/api/v1/agent/conversations?assigned=mine", token: session})
		require.Equal(t, http.StatusOK, rec.Code)
		return len(decodeBody(t, rec)["conversations"].([]any))
	}
	assert.Equal(t, 1, mine(bo))
	assert.Equal(t, 0, mine(ana))

	cases := []struct {
		name, body string
		want       int
		assignee   any
	}{
		{"to ana", `{"agent":"ana"}`, http.StatusOK, "ana"},
		{"to nobody", `{"agent":""}`, http.StatusOK, nil},
		{"unknown agent", `{"agent":"zed"}`, http.StatusUnprocessableEntity, nil},
		{"not a name", `{"agent":"<b>"}`, http.StatusUnprocessableEntity, nil},
		{"bad JSON", `{"agent":1}`, http.StatusBadRequest, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := fx.do(request{method: "POST", path: base + "/assignee", token: ana, body: c.body})
			require.Equal(t, c.want, rec.Code, rec.Body.String())
			if c.want == http.StatusUnprocessableEntity {
				assert.Equal(t, CodeUnknownAgent, decodeBody(t, rec)["code"])
			}
			if c.want == http.StatusOK {
				assert.Equal(t, c.assignee, decodeBody(t, rec)["conversation"].(map[string]any)["assignee"])
			}
		})
	}
	t.Run("removed agent", func(t *testing.T) {
		require.NoError(t, fx.store.RemoveAgent(context.Background(), "bo"))
		rec := fx.do(request{method: "POST", path: base + "/assignee", token: ana, body: `{"agent":"bo"}`})
		assert.Equal(t, http.StatusUnprocessableEntity, rec.Code, rec.Body.String())
	})

	rec = fx.do(request{method: "GET", path: "/api/v1/agent/agents", token: ana})
	require.Equal(t, http.StatusOK, rec.Code)
	assert.Equal(t, []any{"ana"}, decodeBody(t, rec)["agents"])
}

func TestAgentsOwnCursors(t *testing.T) {
	fx := newFixture(t)
	ana := fx.login()
	bo := fx.loginAs("bo")
	token, id := fx.start()
	fx.send(token, "v1", "hello")
	m2 := fx.send(token, "v2", "anyone?")

	rec := fx.do(request{method: "POST", path: "/api/v1/agent/conversations/" + itoa(int(id)) + "/read", token: ana, body: `{"message":` + itoa(int(m2)) + `}`})
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.Equal(t, 0.0, decodeBody(t, rec)["conversation"].(map[string]any)["unread"])
	assert.Equal(t, 0.0, fx.conv(ana, id)["unread"])
	assert.Equal(t, 2.0, fx.conv(bo, id)["unread"], "bo has read nothing")

	rec = fx.do(request{method: "GET", path: "/api/v1/conversation", token: token})
	assert.Equal(t, float64(m2), decodeBody(t, rec)["conversation"].(map[string]any)["agentRead"], "the visitor sees it read")
}

func TestRatingEndpoint(t *testing.T) {
	fx := newFixture(t)
	session := fx.login()
	token, id := fx.start()
	rate := func(body string) *httptest.ResponseRecorder {
		return fx.do(request{method: "POST", path: "/api/v1/conversation/rating", token: token, body: body})
	}
	rec := rate(`{"score":"good"}`)
	require.Equal(t, http.StatusConflict, rec.Code)
	assert.Equal(t, CodeNotResolved, decodeBody(t, rec)["code"])

	rec = fx.do(request{method: "POST", path: "/api/v1/agent/conversations/" + itoa(int(id)) + "/state", token: session, body: `{"state":"resolved"}`})
	require.Equal(t, http.StatusOK, rec.Code)
	rec = fx.do(request{method: "GET", path: "/api/v1/conversation", token: token})
	assert.Equal(t, "resolved", decodeBody(t, rec)["conversation"].(map[string]any)["state"])

	cases := []struct {
		name, body string
		want       int
	}{
		{"no score", `{}`, http.StatusBadRequest},
		{"unknown score", `{"score":"meh"}`, http.StatusBadRequest},
		{"comment too long", `{"score":"bad","comment":"` + strings.Repeat("é", MaxRatingComment+1) + `"}`, http.StatusBadRequest},
		{"control characters", `{"score":"bad","comment":"a\u0000b"}`, http.StatusBadRequest},
		{"body too large", `{"score":"bad","comment":"` + strings.Repeat("x", 20000) + `"}`, http.StatusRequestEntityTooLarge},
		{"rate", `{"score":"bad","comment":"` + strings.Repeat("é", MaxRatingComment) + `"}`, http.StatusCreated},
		{"rate again replaces it", `{"score":"good","comment":"thanks"}`, http.StatusOK},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := rate(c.body)
			require.Equal(t, c.want, rec.Code, rec.Body.String())
		})
	}
	c := fx.conv(session, id)
	assert.Equal(t, map[string]any{"score": "good", "comment": "thanks", "resolution": float64(fx.clock().UnixMilli()), "created": float64(fx.clock().UnixMilli())}, c["rating"])
	rec = fx.do(request{method: "GET", path: "/api/v1/agent/conversations", token: session})
	assert.Equal(t, map[string]any{"good": 1.0, "bad": 0.0}, decodeBody(t, rec)["ratings"])
	rec = fx.do(request{method: "GET", path: "/api/v1/conversation", token: token})
	assert.Equal(t, "good", decodeBody(t, rec)["conversation"].(map[string]any)["rated"])

	t.Run("a visitor message reopens it", func(t *testing.T) {
		fx.send(token, "v9", "one more thing")
		assert.Equal(t, "open", fx.conv(session, id)["state"])
		assert.Equal(t, http.StatusConflict, rate(`{"score":"good"}`).Code)
	})
}

func TestStateEventsLive(t *testing.T) {
	fx := newFixture(t)
	ts := serve(t, fx)
	ana := fx.login()
	bo := fx.loginAs("bo")
	token, id := fx.start()

	vs, _ := openStream(t, ts.URL, "/api/v1/conversation/events", bearerHeader(token))
	bs, _ := openStream(t, ts.URL, "/api/v1/agent/events", bearerHeader(bo))
	require.Equal(t, http.StatusOK, fx.do(request{method: "POST", path: "/api/v1/agent/conversations/" + itoa(int(id)) + "/take", token: ana}).Code)
	ev := bs.next("conversation")
	assert.Equal(t, "ana", ev.Data["assignee"], "another console sees the assignment")

	require.Equal(t, http.StatusOK, fx.do(request{method: "POST", path: "/api/v1/agent/conversations/" + itoa(int(id)) + "/state", token: ana, body: `{"state":"resolved"}`}).Code)
	ev = vs.next("state")
	assert.Equal(t, "resolved", ev.Data["state"])
	ev = bs.next("conversation")
	assert.Equal(t, "resolved", ev.Data["state"])

	fx.send(token, "v1", "wait")
	assert.Equal(t, "open", vs.next("state").Data["state"], "the visitor's message reopened it")
	ev = bs.next("conversation")
	assert.Equal(t, map[string]any{"ana": 1.0, "bo": 1.0}, ev.Data["unreadBy"])
}

func TestConversationListPages(t *testing.T) {
	fx := newFixture(t)
	session := fx.login()
	var want []float64
	for range 5 {
		_, id := fx.start()
		want = append([]float64{float64(id)}, want...)
		fx.advance(time.Second)
	}
	list := func(query string) map[string]any {
		rec := fx.do(request{method: "GET", path: "/api/v1/agent/conversations" + query, token: session})
		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
		return decodeBody(t, rec)
	}
	var got []float64
	query := "?limit=2"
	for pages := 1; ; pages++ {
		body := list(query)
		for _, c := range body["conversations"].([]any) {
			got = append(got, c.(map[string]any)["id"].(float64))
		}
		next, ok := body["next"].(string)
		if !ok {
			assert.Equal(t, 3, pages, "5 conversations in pages of 2")
			break
		}
		require.Less(t, pages, 3, "no next after the last page")
		query = "?limit=2&before=" + next
	}
	assert.Equal(t, want, got, "every conversation once, latest first")
	assert.NotContains(t, list("?limit=5"), "next", "no next when the page holds the rest")

	counts := list("?limit=0")
	assert.Empty(t, counts["conversations"], "limit=0: the counts alone")
	assert.Equal(t, map[string]any{"all": 5.0, "mine": 0.0, "unassigned": 5.0}, counts["counts"].(map[string]any)["open"])

	for _, q := range []string{"?limit=-1", "?limit=201", "?limit=ten", "?before=12", "?before=a.b", "?before=5.0", "?before=-1.4"} {
		rec := fx.do(request{method: "GET", path: "/api/v1/agent/conversations" + q, token: session})
		assert.Equal(t, http.StatusBadRequest, rec.Code, q)
	}
}
