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

func TestAgentAPIIsSameOriginOnly(t *testing.T) {
	fx := newFixture(t)
	session := fx.login()
	cases := []struct {
		name, path, origin string
		want               int
	}{
		{"no origin", "/api/v1/agent/conversations", "", 200},
		{"same origin", "/api/v1/agent/conversations", "http://example.com", 200},
		{"other origin", "/api/v1/agent/conversations", "https://shop.example", 403},
		{"visitor API leaves origins to the server's CORS policy", "/api/v1/answers", "https://shop.example", 200},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := fx.do(request{method: "GET", path: c.path, token: session, header: map[string]string{"Origin": c.origin}})
			require.Equal(t, c.want, rec.Code, rec.Body.String())
			if c.want == 403 {
				assert.Equal(t, CodeForbidden, decodeBody(t, rec)["code"])
			}
		})
	}
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
