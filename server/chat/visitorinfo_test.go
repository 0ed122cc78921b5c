package chat

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const goodContext = `{"path":"/pricing","title":"Pricing – Shop","lang":"sv","zone":"Europe/Stockholm","version":"0.1.0"}`

// TestVisitorContext: the widget's context is stored (the first as where
// the chat started), shown to agents with the conversation, in the
// export, and refused whole when it is not valid.
func TestVisitorContext(t *testing.T) {
	fx := newFixture(t)
	token, conv := fx.start()
	put := func(body string) *httptest.ResponseRecorder {
		return (fx.do(request{method: "PUT", path: "/api/v1/conversation/context", token: token, body: body}))
	}
	session := fx.login()
	visitor := func() map[string]any {
		rec := fx.do(request{method: "GET", path: "/api/v1/agent/conversations/" + itoa(int(conv)), token: session})
		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
		return decodeBody(t, rec)["visitor"].(map[string]any)
	}
	assert.Empty(t, visitor(), "nothing before the widget sends")

	require.Equal(t, http.StatusNoContent, put(goodContext).Code)
	require.Equal(t, http.StatusNoContent, put(`{"path":"/checkout","title":"","lang":"sv","zone":"+01:00","version":"0.1.0"}`).Code)
	v := visitor()
	assert.Equal(t, map[string]any{"path": "/pricing", "title": "Pricing – Shop"}, v["start"])
	assert.Equal(t, map[string]any{"path": "/checkout", "title": ""}, v["now"])
	assert.Equal(t, "+01:00", v["zone"])

	bad := []struct{ name, body, field string }{
		{"query string", strings.Replace(goodContext, "/pricing", "/pricing?email=a@b.c", 1), "path"},
		{"fragment", strings.Replace(goodContext, "/pricing", "/pricing#x", 1), "path"},
		{"not a path", strings.Replace(goodContext, "/pricing", "https://shop.example/pricing", 1), "path"},
		{"empty path", strings.Replace(goodContext, "/pricing", "", 1), "path"},
		{"long path", strings.Replace(goodContext, "/pricing", "/"+strings.Repeat("p", MaxPagePath), 1), "path"},
		{"long title", strings.Replace(goodContext, "Pricing – Shop", strings.Repeat("é", MaxPageTitle+1), 1), "title"},
		{"title on two lines", strings.Replace(goodContext, "Pricing – Shop", `a\nb`, 1), "title"},
		{"bad lang", strings.Replace(goodContext, `"sv"`, `"sv SE"`, 1), "lang"},
		{"bad zone", strings.Replace(goodContext, "Europe/Stockholm", "Europe/Stock holm", 1), "zone"},
		{"missing version", strings.Replace(goodContext, `"0.1.0"`, `""`, 1), "version"},
	}
	for _, b := range bad {
		t.Run(b.name, func(t *testing.T) {
			rec := put(b.body)
			require.Equal(t, http.StatusBadRequest, rec.Code, rec.Body.String())
			fields, _ := decodeBody(t, (*httptest.ResponseRecorder)(rec))["fields"].(map[string]any)
			assert.Contains(t, fields, b.field)
		})
	}
	t.Run("user agent field", func(t *testing.T) {
		rec := put(strings.Replace(goodContext, `{`, `{"userAgent":"Mozilla/5.0",`, 1))
		assert.Equal(t, http.StatusBadRequest, rec.Code, "unknown fields are refused")
	})
	t.Run("too large", func(t *testing.T) {
		rec := put(strings.Replace(goodContext, "Pricing – Shop", strings.Repeat("x", bodyContext), 1))
		assert.Equal(t, http.StatusRequestEntityTooLarge, rec.Code)
	})
	t.Run("no token", func(t *testing.T) {
		rec := fx.do(request{method: "PUT", path: "/api/v1/conversation/context", body: goodContext})
		assert.Equal(t, http.StatusUnauthorized, rec.Code)
	})
	v2 := visitor()
	assert.Equal(t, v, v2, "nothing of the refused requests was kept")

	e, err := fx.store.ExportConversation(context.Background(), conv)
	require.NoError(t, err)
	out := ExportJSON(e, 0)
	require.NotNil(t, out.Visitor)
	assert.Equal(t, "/checkout", out.Visitor.Now.Path)
	assert.Equal(t, "/pricing", out.Visitor.Start.Path)
}

// TestPreChat: with -prechat name,email a conversation starts only with a
// valid name and email, which are kept with it; without it they are refused.
func TestPreChat(t *testing.T) {
	fx := newFixture(t, func(c *Config) { c.PreChat = []string{PreChatName, PreChatEmail} })
	start := func(fx *fixture, body string) *httptest.ResponseRecorder {
		return (*httptest.ResponseRecorder)(fx.do(request{method: "POST", path: "/api/v1/conversations", body: body}))
	}
	rec := fx.do(request{method: "GET", path: "/api/v1/availability"})
	assert.Equal(t, []any{"name", "email"}, decodeBody(t, rec)["ask"], "the widget learns what to ask")

	bad := []struct{ name, body, field string }{
		{"no name", `{"site":"demo","email":"ana@example.com"}`, "name"},
		{"blank name", `{"site":"demo","name":"  ","email":"ana@example.com"}`, "name"},
		{"long name", `{"site":"demo","name":"` + strings.Repeat("n", MaxVisitorName+1) + `","email":"ana@example.com"}`, "name"},
		{"name on two lines", `{"site":"demo","name":"a\nb","email":"ana@example.com"}`, "name"},
		{"no email", `{"site":"demo","name":"Ana"}`, "email"},
		{"bad email", `{"site":"demo","name":"Ana","email":"ana@"}`, "email"},
		{"long email", `{"site":"demo","name":"Ana","email":"` + strings.Repeat("a", MaxVisitorEmail) + `@example.com"}`, "email"},
	}
	for _, b := range bad {
		t.Run(b.name, func(t *testing.T) {
			rec := start(fx, b.body)
			require.Equal(t, http.StatusBadRequest, rec.Code, rec.Body.String())
			assert.Contains(t, decodeBody(t, rec)["fields"], b.field)
		})
	}
	list, err := fx.store.Conversations(context.Background(), 10)
	require.NoError(t, err)
	assert.Empty(t, list, "no conversation was half-started")

	rec = (*httptest.ResponseRecorder)(start(fx, `{"site":"demo","name":" Ana Lind ","email":"ana@example.com"}`))
	require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
	list, err = fx.store.Conversations(context.Background(), 10)
	require.NoError(t, err)
	require.Len(t, list, 1)
	v, err := fx.store.VisitorInfo(context.Background(), list[0].ID)
	require.NoError(t, err)
	assert.Equal(t, "Ana Lind", v.Name)
	assert.Equal(t, "ana@example.com", v.Email)

	off := newFixture(t)
	rec = start(off, `{"site":"demo","name":"Ana","email":"ana@example.com"}`)
	assert.Equal(t, http.StatusBadRequest, rec.Code, "the site does not ask")
	rec = (*httptest.ResponseRecorder)(off.do(request{method: "GET", path: "/api/v1/availability"}))
	assert.NotContains(t, decodeBody(t, rec), "ask")
}
