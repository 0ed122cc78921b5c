package chat

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crumbless/crumbless/server/storage"
)

func TestPostEventsValidation(t *testing.T) {
	fx := newFixture(t)
	ok := `{"p":"/","r":"","l":"en","d":"large","e":[["open"]]}`
	cases := []struct {
		name   string
		req    request
		status int
	}{
		{"a batch", request{body: ok}, http.StatusNoContent},
		{"text/plain", request{body: ok, header: map[string]string{"Content-Type": "text/plain;charset=UTF-8"}}, http.StatusNoContent},
		{"a token is refused", request{body: ok, token: "cv_x"}, http.StatusBadRequest},
		{"other media type", request{body: ok, header: map[string]string{"Content-Type": "text/html"}}, http.StatusUnsupportedMediaType},
		{"empty", request{body: " "}, http.StatusBadRequest},
		{"no events", request{body: `{"e":[]}`}, http.StatusBadRequest},
		{"too many events", request{body: `{"e":[` + strings.Repeat(`["open"],`, MaxEvents) + `["open"]]}`}, http.StatusBadRequest},
		{"unknown kind", request{body: `{"e":[["conversation"]]}`}, http.StatusBadRequest},
		{"unknown field", request{body: `{"e":[["open"]],"token":"x"}`}, http.StatusBadRequest},
		{"read without id", request{body: `{"e":[["read"]]}`}, http.StatusBadRequest},
		{"read with a bad id", request{body: `{"e":[["read","../x"]]}`}, http.StatusBadRequest},
		{"open with detail", request{body: `{"e":[["open","x"]]}`}, http.StatusBadRequest},
		{"invitation with detail", request{body: `{"e":[["invite_closed","x"]]}`}, http.StatusBadRequest},
		{"event too long", request{body: `{"e":[["open","",""]]}`}, http.StatusBadRequest},
		{"too large", request{body: `{"e":[["nohit","` + strings.Repeat("x", 9000) + `"]]}`}, http.StatusRequestEntityTooLarge},
		{"GET", request{method: "GET"}, http.StatusMethodNotAllowed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.req.path = "/api/v1/events"
			if c.req.method == "" {
				c.req.method = "POST"
			}
			rec := fx.do(c.req)
			assert.Equal(t, c.status, rec.Code, rec.Body.String())
		})
	}
	counts, err := fx.store.StatCounts(context.Background(), "2026-01-01", "2026-01-01")
	require.NoError(t, err)
	require.Len(t, counts, 1, "only the two good batches counted: %v", counts)
	assert.Equal(t, int64(2), counts[0].N)
}

func TestPostEventsRateLimited(t *testing.T) {
	fx := newFixture(t, func(c *Config) { c.EventRate, c.EventBurst = 0.001, 2 })
	body := `{"e":[["open"]]}`
	for i, want := range []int{204, 204, 429} {
		rec := fx.do(request{method: "POST", path: "/api/v1/events", body: body})
		assert.Equal(t, want, rec.Code, "request %d", i)
	}
	rec := fx.do(request{method: "POST", path: "/api/v1/events", body: body, remote: "198.51.100.7:1"})
	assert.Equal(t, 204, rec.Code, "another network has its own bucket")
}

// TestStatisticsCounted: what the widget reports and what the server does
// itself are counted per day and dimension, and the agents' report shows
// them, small counts as "< 5", in JSON and CSV.
func TestStatisticsCounted(t *testing.T) {
	fx := newFixture(t)
	batch := `{"p":"/help?email=ana@example.org","r":"https://search.example/?q=me","l":"de-AT","d":"small",
		"e":[["open"],["search"],["nohit","  Refund   POLICY "],["read","welcome"],["nohit","call me 0701234567"],
		["invite_shown"],["invite_clicked"],["invite_closed"]]}`
	for range 5 {
		rec := fx.do(request{method: "POST", path: "/api/v1/events", body: batch, header: map[string]string{"Content-Type": "text/plain"}})
		require.Equal(t, http.StatusNoContent, rec.Code, rec.Body.String())
	}
	token, conv := fx.start()
	fx.advance(time.Minute)
	fx.send(token, "m1", "hello")
	fx.advance(90 * time.Second)
	session := fx.login()
	fx.reply(session, conv, "r1", "hi")
	rec := fx.do(request{method: "POST", path: "/api/v1/forms/contact/submissions", body: validContact("s1")})
	require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())

	counts, err := fx.store.StatCounts(context.Background(), "2026-01-01", "2026-01-01")
	require.NoError(t, err)
	got := map[string]int64{}
	for _, c := range counts {
		got[c.Kind+"|"+c.Detail+"|"+c.Path+"|"+c.Referrer+"|"+c.Lang+"|"+c.Device] = c.N
	}
	assert.Equal(t, map[string]int64{
		"open||/help|https://search.example|de|small":               5,
		"search||/help|https://search.example|de|small":             15,
		"nohit|refund policy|/help|https://search.example|de|small": 5,
		"nohit|(hidden)|/help|https://search.example|de|small":      5,
		"read|welcome|/help|https://search.example|de|small":        5,
		"invite_shown||/help|https://search.example|de|small":       5,
		"invite_clicked||/help|https://search.example|de|small":     5,
		"invite_closed||/help|https://search.example|de|small":      5,
		"conversation|||||":    1,
		"message_visitor|||||": 1,
		"message_agent|||||":   1,
		"form|contact|||en|":   1,
	}, got)

	rec = fx.do(request{method: "GET", path: "/api/v1/agent/stats?from=2025-12-31&to=2026-01-01", token: session})
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.Contains(t, rec.Body.String(), `{"kind":"open","total":5,"days":[0,5]}`)
	assert.Contains(t, rec.Body.String(), `{"kind":"form","total":"< 5","days":[0,"< 5"]}`)
	var report struct {
		NoHits        []map[string]any `json:"nohits"`
		FirstResponse struct {
			Agents []map[string]any `json:"agents"`
		} `json:"first_response"`
	}
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &report))
	assert.Equal(t, []map[string]any{{"value": "(hidden)", "count": 5.0}, {"value": "refund policy", "count": 5.0}}, report.NoHits)
	assert.Equal(t, []map[string]any{{"key": "ana", "n": "< 5", "median_ms": 90000.0, "p90_ms": 90000.0}}, report.FirstResponse.Agents)

	rec = fx.do(request{method: "GET", path: "/api/v1/agent/stats?from=2026-01-01&to=2026-01-01&format=csv", token: session})
	require.Equal(t, http.StatusOK, rec.Code)
	assert.Equal(t, "text/csv; charset=utf-8", rec.Header().Get("Content-Type"))
	assert.Contains(t, rec.Body.String(), "day,2026-01-01,search,15,,\n")
	assert.Contains(t, rec.Body.String(), "day,2026-01-01,conversation,< 5,,\n")
	assert.Contains(t, rec.Body.String(), "search_without_result,refund policy,,5,,\n")
}

func TestAgentStatsValidation(t *testing.T) {
	fx := newFixture(t)
	session := fx.login()
	cases := []struct {
		query  string
		token  string
		status int
	}{
		{"", session, 200},
		{"?from=2026-01-01&to=2026-01-01", session, 200},
		{"?from=2025-01-01&to=2026-01-01", session, 200},
		{"?from=2024-12-31&to=2026-01-01", session, 400},
		{"?from=2026-01-02&to=2026-01-01", session, 400},
		{"?from=1.1.2026", session, 400},
		{"?format=xml", session, 400},
		{"", "", 401},
	}
	for _, c := range cases {
		t.Run(c.query, func(t *testing.T) {
			rec := fx.do(request{method: "GET", path: "/api/v1/agent/stats" + c.query, token: c.token})
			assert.Equal(t, c.status, rec.Code, rec.Body.String())
		})
	}
	_ = storage.StatCount{}
}
