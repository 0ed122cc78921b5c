package chat

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLoginCheckCap: with every password-check slot taken, a login gets
// 429 with Retry-After at once; with a slot free it goes through.
func TestLoginCheckCap(t *testing.T) {
	fx := newFixture(t, func(c *Config) { c.MaxLogins = 2 })
	require.Equal(t, 2, cap(fx.srv.logins))
	fx.srv.logins <- struct{}{}
	fx.srv.logins <- struct{}{}
	rec := fx.do(request{method: "POST", path: "/api/v1/agent/sessions", header: basic("ana", "correct horse")})
	assert.Equal(t, http.StatusTooManyRequests, rec.Code, rec.Body.String())
	assert.Equal(t, "1", rec.Header().Get("Retry-After"))
	<-fx.srv.logins
	rec = fx.do(request{method: "POST", path: "/api/v1/agent/sessions", header: basic("ana", "correct horse")})
	assert.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
	assert.Len(t, fx.srv.logins, 1, "the login gave its slot back")
}

// TestLoginBackoff: after three failures in a row a name waits 1 s, then
// 2 s, … after each further failure, known or unknown; a success resets;
// other names are not affected.
func TestLoginBackoff(t *testing.T) {
	for _, name := range []string{"ana", "nobody"} {
		t.Run(name, func(t *testing.T) {
			fx := newFixture(t)
			try := func(password string) (int, string) {
				rec := fx.do(request{method: "POST", path: "/api/v1/agent/sessions", header: basic(name, password)})
				return rec.Code, rec.Header().Get("Retry-After")
			}
			for i := 0; i < loginFreeFailures; i++ {
				code, _ := try("wrong")
				require.Equal(t, http.StatusUnauthorized, code)
			}
			code, wait := try("correct horse")
			assert.Equal(t, http.StatusTooManyRequests, code, "refused before the password is checked")
			assert.Equal(t, "1", wait)
			rec := fx.do(request{method: "POST", path: "/api/v1/agent/sessions", header: basic("someone-else", "x")})
			assert.Equal(t, http.StatusUnauthorized, rec.Code, "another name is not held back")
			fx.advance(time.Second)
			code, _ = try("wrong")
			assert.Equal(t, http.StatusUnauthorized, code)
			code, wait = try("wrong")
			assert.Equal(t, http.StatusTooManyRequests, code)
			assert.Equal(t, "2", wait)
			fx.advance(2 * time.Second)
			code, _ = try("correct horse")
			if name == "nobody" {
				assert.Equal(t, http.StatusUnauthorized, code)
				return
			}
			assert.Equal(t, http.StatusCreated, code)
			code, _ = try("wrong")
			assert.Equal(t, http.StatusUnauthorized, code, "a success clears the count")
			code, _ = try("wrong")
			assert.Equal(t, http.StatusUnauthorized, code)
		})
	}
}

func TestLoginBackoffBounded(t *testing.T) {
	b := newLoginBackoff(100)
	now := time.UnixMilli(1767225600000)
	for i := 0; i < 100000; i++ {
		b.failed("name"+itoa(i), now)
	}
	assert.Equal(t, 100, b.size())
	b.failed("late", now.Add(loginMaxBackoff+time.Second))
	assert.Equal(t, 1, b.size(), "names past the longest backoff are forgotten")
}

func basic(name, password string) map[string]string {
	r, _ := http.NewRequest("GET", "/", nil)
	r.SetBasicAuth(name, password)
	return map[string]string{"Authorization": r.Header.Get("Authorization")}
}
