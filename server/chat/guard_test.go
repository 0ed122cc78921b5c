package chat

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestOrigins(t *testing.T) {
	fx := newFixture(t, func(c *Config) { c.Origins = []string{"https://shop.example", " https://b.example/ "} })
	cases := []struct {
		name, method, path, origin string
		want                       int
		acao                       string
	}{
		{"no origin (not a browser)", "GET", "/api/v1/answers", "", 200, ""},
		{"same origin", "GET", "/api/v1/answers", "http://example.com", 200, ""},
		{"allowed origin", "GET", "/api/v1/answers", "https://shop.example", 200, "https://shop.example"},
		{"allowed, trimmed", "GET", "/api/v1/answers", "https://b.example", 200, "https://b.example"},
		{"other origin", "GET", "/api/v1/answers", "https://evil.example", 403, ""},
		{"scheme matters", "GET", "/api/v1/answers", "http://shop.example", 403, ""},
		{"preflight", "OPTIONS", "/api/v1/conversation/messages", "https://shop.example", 204, "https://shop.example"},
		{"preflight from other origin", "OPTIONS", "/api/v1/conversation/messages", "https://evil.example", 403, ""},
		{"agent API is same-origin only", "GET", "/api/v1/agent/conversations", "https://shop.example", 403, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := fx.do(request{method: c.method, path: c.path, header: map[string]string{"Origin": c.origin}})
			require.Equal(t, c.want, rec.Code, rec.Body.String())
			assert.Equal(t, c.acao, rec.Header().Get("Access-Control-Allow-Origin"))
			if c.want == 403 {
				assert.Equal(t, CodeForbidden, decodeBody(t, rec)["code"])
			}
			if c.method == "OPTIONS" && c.want == 204 {
				assert.Contains(t, rec.Header().Get("Access-Control-Allow-Headers"), "Authorization")
				assert.Contains(t, rec.Header().Get("Access-Control-Allow-Headers"), "Last-Event-ID")
			}
		})
	}
	star := newFixture(t, func(c *Config) { c.Origins = []string{"*"} })
	rec := star.do(request{method: "GET", path: "/api/v1/answers", header: map[string]string{"Origin": "https://any.example"}})
	assert.Equal(t, 200, rec.Code)
	assert.Equal(t, "https://any.example", rec.Header().Get("Access-Control-Allow-Origin"))
}

func TestRateLimits(t *testing.T) {
	t.Run("per IP", func(t *testing.T) {
		fx := newFixture(t, func(c *Config) { c.IPRate, c.IPBurst = 1, 3 })
		for i := 0; i < 3; i++ {
			assert.Equal(t, 200, fx.do(request{method: "GET", path: "/api/v1/answers"}).Code)
		}
		rec := fx.do(request{method: "GET", path: "/api/v1/answers"})
		require.Equal(t, http.StatusTooManyRequests, rec.Code)
		assert.Equal(t, CodeRateLimited, decodeBody(t, rec)["code"])
		secs, err := strconv.Atoi(rec.Header().Get("Retry-After"))
		require.NoError(t, err)
		assert.Equal(t, 1, secs)
		// Another address is not limited; time refills the bucket.
		r := httptest.NewRequest("GET", "/api/v1/answers", nil)
		r.RemoteAddr = "198.51.100.7:1"
		other := httptest.NewRecorder()
		fx.h.ServeHTTP(other, r)
		assert.Equal(t, 200, other.Code)
		fx.advance(time.Second)
		assert.Equal(t, 200, fx.do(request{method: "GET", path: "/api/v1/answers"}).Code)
	})
	t.Run("per visitor messages", func(t *testing.T) {
		fx := newFixture(t, func(c *Config) { c.MessageRate, c.MessageBurst = 0.5, 2 })
		a, _ := fx.start()
		b, _ := fx.start()
		fx.send(a, "1", "one")
		fx.send(a, "2", "two")
		rec := fx.do(request{method: "POST", path: "/api/v1/conversation/messages", token: a, body: `{"id":"3","body":"three"}`})
		require.Equal(t, http.StatusTooManyRequests, rec.Code)
		assert.Equal(t, "2", rec.Header().Get("Retry-After"))
		fx.send(b, "1", "b is fine")
	})
	t.Run("new conversations", func(t *testing.T) {
		fx := newFixture(t, func(c *Config) { c.StartRate, c.StartBurst = 0.1, 1 })
		fx.start()
		rec := fx.do(request{method: "POST", path: "/api/v1/conversations"})
		assert.Equal(t, http.StatusTooManyRequests, rec.Code)
		assert.Equal(t, "10", rec.Header().Get("Retry-After"))
	})
	t.Run("logins", func(t *testing.T) {
		fx := newFixture(t, func(c *Config) { c.LoginRate, c.LoginBurst = 0.1, 1 })
		fx.login()
		r := httptest.NewRequest("POST", "/api/v1/agent/sessions", nil)
		r.SetBasicAuth("ana", "correct horse")
		rec := httptest.NewRecorder()
		fx.h.ServeHTTP(rec, r)
		assert.Equal(t, http.StatusTooManyRequests, rec.Code)
	})
}

func TestStatusMapping(t *testing.T) {
	for code, want := range map[string]int{
		CodeInvalid: 400, CodeUnauthorized: 401, CodeBanned: 403, CodeForbidden: 403, CodeNotFound: 404,
		CodeMethod: 405, CodeConflict: 409, CodeTooLarge: 413, CodeMediaType: 415, CodeRateLimited: 429,
		CodeTooMany: 429, CodeInternal: 500, CodeUnavailable: 503, "anything else": 500,
	} {
		assert.Equal(t, want, status(code), code)
	}
}
