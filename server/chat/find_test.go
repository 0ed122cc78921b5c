package chat

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crumbless/crumbless/server/search"
)

func TestSearchAPI(t *testing.T) {
	fx := newFixture(t)
	token, conv := fx.start()
	session := fx.login()
	id := fx.send(token, "m-1", "Min äppeltårta kom aldrig fram")
	for i := range 5 {
		fx.send(token, fmt.Sprintf("p-%d", i), fmt.Sprintf("sida nummer %d", i))
	}
	get := func(q string) *http.Response {
		rec := fx.do(request{method: "GET", path: "/api/v1/agent/search?" + q, token: session})
		return rec.Result()
	}

	t.Run("finds and marks", func(t *testing.T) {
		rec := fx.do(request{method: "GET", path: "/api/v1/agent/search?q=" + url.QueryEscape("ÄPPEL"), token: session})
		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
		var res struct {
			Results []searchResultJSON `json:"results"`
			Next    string             `json:"next"`
		}
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &res))
		require.Len(t, res.Results, 1)
		got := res.Results[0]
		assert.Equal(t, "visitor", got.Kind)
		assert.Equal(t, id, got.ID)
		assert.Equal(t, conv, got.Conversation)
		assert.Equal(t, []search.Segment{{Text: "Min "}, {Text: "äppeltårta", Hit: true}, {Text: " kom aldrig fram"}}, got.Snippet)
		assert.Empty(t, res.Next)
	})

	t.Run("pages with next", func(t *testing.T) {
		var seen []int64
		cursor := ""
		for range 10 {
			rec := fx.do(request{method: "GET", path: "/api/v1/agent/search?q=sida&limit=2&cursor=" + cursor, token: session})
			require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
			var res struct {
				Results []searchResultJSON `json:"results"`
				Next    string             `json:"next"`
			}
			require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &res))
			for _, r := range res.Results {
				seen = append(seen, r.ID)
			}
			if res.Next == "" {
				break
			}
			cursor = res.Next
		}
		assert.Len(t, seen, 5)
	})

	for _, c := range []struct {
		name, q string
		want    int
	}{
		{"empty", "q=", http.StatusBadRequest},
		{"missing", "", http.StatusBadRequest},
		{"one character", "q=a", http.StatusBadRequest},
		{"star alone", "q=" + url.QueryEscape("*"), http.StatusBadRequest},
		{"quotes alone", "q=" + url.QueryEscape(`""`), http.StatusBadRequest},
		{"too long", "q=" + strings.Repeat("a", 201), http.StatusBadRequest},
		{"control character", "q=" + url.QueryEscape("hej\x00"), http.StatusBadRequest},
		{"limit 0", "q=hej&limit=0", http.StatusBadRequest},
		{"limit 51", "q=hej&limit=51", http.StatusBadRequest},
		{"limit 50", "q=hej&limit=50", http.StatusOK},
		{"bad cursor", "q=hej&cursor=x", http.StatusBadRequest},
		{"too deep", "q=hej&cursor=1001", http.StatusBadRequest},
		{"foo OR", "q=" + url.QueryEscape("foo OR"), http.StatusOK},
		{"NEAR(", "q=" + url.QueryEscape("NEAR(äpple"), http.StatusOK},
		{"a quote", "q=" + url.QueryEscape(`"äpple`), http.StatusOK},
		{"tsquery syntax", "q=" + url.QueryEscape("äpple' & !x:* |"), http.StatusOK},
	} {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, get(c.q).StatusCode)
		})
	}

	t.Run("agents only", func(t *testing.T) {
		assert.Equal(t, http.StatusUnauthorized, fx.do(request{method: "GET", path: "/api/v1/agent/search?q=hej", token: token}).Code)
	})

	t.Run("erased is not found", func(t *testing.T) {
		require.Equal(t, http.StatusNoContent, fx.do(request{method: "DELETE", path: "/api/v1/agent/conversations/" + itoa(int(conv)), token: session}).Code)
		rec := fx.do(request{method: "GET", path: "/api/v1/agent/search?q=äppeltårta", token: session})
		require.Equal(t, http.StatusOK, rec.Code)
		assert.JSONEq(t, `{"results":[]}`, rec.Body.String())
	})
}

func TestRepliesAPI(t *testing.T) {
	fx := newFixture(t)
	session := fx.login()
	call := func(method, path, body string) (int, map[string]any) {
		rec := fx.do(request{method: method, path: path, token: session, body: body})
		if rec.Code == http.StatusNoContent {
			return rec.Code, nil
		}
		return rec.Code, decodeBody(t, rec)
	}
	code, res := call("POST", "/api/v1/agent/replies", `{"name":"hej","body":"Hej! Vad kan jag hjälpa till med?"}`)
	require.Equal(t, http.StatusCreated, code, res)
	id := itoa(int(res["reply"].(map[string]any)["id"].(float64)))

	for _, c := range []struct {
		name, method, path, body string
		want                     int
	}{
		{"duplicate name", "POST", "/api/v1/agent/replies", `{"name":"hej","body":"x"}`, http.StatusConflict},
		{"no name", "POST", "/api/v1/agent/replies", `{"name":" ","body":"x"}`, http.StatusBadRequest},
		{"no body", "POST", "/api/v1/agent/replies", `{"name":"x","body":""}`, http.StatusBadRequest},
		{"name 65", "POST", "/api/v1/agent/replies", `{"name":"` + strings.Repeat("n", 65) + `","body":"x"}`, http.StatusBadRequest},
		{"name 64", "POST", "/api/v1/agent/replies", `{"name":"` + strings.Repeat("n", 64) + `","body":"x"}`, http.StatusCreated},
		{"body 4001", "POST", "/api/v1/agent/replies", `{"name":"big","body":"` + strings.Repeat("å", 4001) + `"}`, http.StatusBadRequest},
		{"body 4000", "POST", "/api/v1/agent/replies", `{"name":"big","body":"` + strings.Repeat("å", 4000) + `"}`, http.StatusCreated},
		{"body over the byte limit", "POST", "/api/v1/agent/replies", `{"name":"huge","body":"` + strings.Repeat("a", bodyReply) + `"}`, http.StatusRequestEntityTooLarge},
		{"name on two lines", "POST", "/api/v1/agent/replies", `{"name":"a\nb","body":"x"}`, http.StatusBadRequest},
		{"unknown field", "POST", "/api/v1/agent/replies", `{"name":"u","body":"x","x":1}`, http.StatusBadRequest},
		{"update", "PUT", "/api/v1/agent/replies/" + id, `{"name":"hello","body":"Hello!\nHow can I help?"}`, http.StatusOK},
		{"update to a taken name", "PUT", "/api/v1/agent/replies/" + id, `{"name":"big","body":"x"}`, http.StatusConflict},
		{"update missing", "PUT", "/api/v1/agent/replies/999", `{"name":"z","body":"x"}`, http.StatusNotFound},
		{"bad id", "DELETE", "/api/v1/agent/replies/x", ``, http.StatusNotFound},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, res := call(c.method, c.path, c.body)
			assert.Equal(t, c.want, code, res)
		})
	}

	code, res = call("GET", "/api/v1/agent/replies", "")
	require.Equal(t, http.StatusOK, code)
	var names []string
	for _, r := range res["replies"].([]any) {
		names = append(names, r.(map[string]any)["name"].(string))
	}
	assert.Equal(t, []string{"big", "hello", strings.Repeat("n", 64)}, names)

	code, _ = call("DELETE", "/api/v1/agent/replies/"+id, "")
	assert.Equal(t, http.StatusNoContent, code)
	code, _ = call("DELETE", "/api/v1/agent/replies/"+id, "")
	assert.Equal(t, http.StatusNotFound, code)
}

func TestTranscriptAPI(t *testing.T) {
	fx := newFixture(t)
	token, conv := fx.start()
	session := fx.login()
	fx.send(token, "m-1", "Hej, jag har en fråga")
	fx.reply(session, conv, "a-1", "Visst!\\nVad gäller det?")
	path := "/api/v1/agent/conversations/" + itoa(int(conv)) + "/transcript"

	t.Run("text", func(t *testing.T) {
		rec := fx.do(request{method: "GET", path: path + "?format=txt", token: session})
		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
		assert.Equal(t, `attachment; filename="crumbless-transcript-`+itoa(int(conv))+`.txt"`, rec.Header().Get("Content-Disposition"))
		assert.Equal(t, "text/plain; charset=utf-8", rec.Header().Get("Content-Type"))
		want := "Conversation " + itoa(int(conv)) + " on demo\nStarted 2026-01-01 00:00:00 UTC\n\n" +
			"[2026-01-01 00:00:00 UTC] Visitor:\n  Hej, jag har en fråga\n\n" +
			"[2026-01-01 00:00:00 UTC] Agent ana:\n  Visst!\n  Vad gäller det?\n"
		assert.Equal(t, want, rec.Body.String())
	})
	t.Run("json", func(t *testing.T) {
		rec := fx.do(request{method: "GET", path: path + "?format=json", token: session})
		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
		assert.Equal(t, `attachment; filename="crumbless-transcript-`+itoa(int(conv))+`.json"`, rec.Header().Get("Content-Disposition"))
		var doc Export
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &doc))
		require.Len(t, doc.Messages, 2)
		assert.Equal(t, "Visst!\nVad gäller det?", doc.Messages[1].Body)
		assert.Equal(t, "ana", doc.Messages[1].Agent)
		assert.Empty(t, doc.Network)
	})
	for _, c := range []struct {
		name, path, token string
		want              int
	}{
		{"bad format", path + "?format=pdf", session, http.StatusBadRequest},
		{"no such conversation", "/api/v1/agent/conversations/999/transcript", session, http.StatusNotFound},
		{"visitor token", path, token, http.StatusUnauthorized},
	} {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, fx.do(request{method: "GET", path: c.path, token: c.token}).Code)
		})
	}
}
