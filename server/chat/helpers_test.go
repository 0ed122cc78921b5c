package chat

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/bcrypt"

	"github.com/crumbless/crumbless/server/storage"
	"github.com/crumbless/crumbless/static/content"
)

// fixture is a chat server over a fresh SQLite file, with an agent "ana"
// (password "correct horse") and a settable clock.
type fixture struct {
	t     *testing.T
	srv   *Server
	h     http.Handler
	store *storage.SQLite
	path  string

	mu  sync.Mutex
	now time.Time
}

func newFixture(t *testing.T, mutate ...func(*Config)) *fixture {
	t.Helper()
	return newFixtureAt(t, filepath.Join(t.TempDir(), "chat.db"), mutate...)
}

// newFixtureAt opens the fixture over an existing (or new) database file.
func newFixtureAt(t *testing.T, path string, mutate ...func(*Config)) *fixture {
	t.Helper()
	st, err := storage.OpenSQLite(context.Background(), path)
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	a, f, err := LoadContent(t.TempDir(), content.Answers, content.Forms)
	require.NoError(t, err)
	fx := &fixture{t: t, store: st, path: path, now: time.UnixMilli(1767225600000)}
	cfg := Config{
		Store: st, Answers: a, Forms: f,
		Now:    fx.clock,
		IPRate: -1, MessageRate: -1, StartRate: -1, LoginRate: -1,
		Heartbeat:  time.Hour,
		BcryptCost: bcrypt.MinCost,
	}
	for _, m := range mutate {
		m(&cfg)
	}
	fx.srv = New(cfg)
	t.Cleanup(fx.srv.Close)
	fx.h = fx.srv.Handler()
	if err := AddAgent(context.Background(), st, "ana", "correct horse", bcrypt.MinCost, fx.clock()); !errors.Is(err, storage.ErrConflict) {
		require.NoError(t, err)
	}
	return fx
}

func (fx *fixture) clock() time.Time {
	fx.mu.Lock()
	defer fx.mu.Unlock()
	return fx.now
}

func (fx *fixture) advance(d time.Duration) {
	fx.mu.Lock()
	fx.now = fx.now.Add(d)
	fx.mu.Unlock()
}

// request is one API call.
type request struct {
	method, path, token, body string
	header                    map[string]string
	remote                    string // RemoteAddr; default 192.0.2.1:1234
}

// do runs req through the handler and checks what every response must be:
// no cookie, JSON errors.
func (fx *fixture) do(req request) *httptest.ResponseRecorder {
	fx.t.Helper()
	var body io.Reader
	if req.body != "" {
		body = strings.NewReader(req.body)
	}
	r := httptest.NewRequest(req.method, req.path, body)
	r.RemoteAddr = "192.0.2.1:1234"
	if req.remote != "" {
		r.RemoteAddr = req.remote
	}
	if req.body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	if req.token != "" {
		r.Header.Set("Authorization", "Bearer "+req.token)
	}
	for k, v := range req.header {
		r.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	fx.h.ServeHTTP(rec, r)
	assert.Empty(fx.t, rec.Header().Values("Set-Cookie"), "no cookies, ever")
	if rec.Code >= 400 && strings.HasPrefix(req.path, "/api/") {
		var e map[string]any
		assert.NoError(fx.t, json.Unmarshal(rec.Body.Bytes(), &e), "error body is JSON: %s", rec.Body)
		assert.NotEmpty(fx.t, e["error"])
		assert.NotEmpty(fx.t, e["code"])
	}
	return rec
}

// decodeBody parses a JSON response.
func decodeBody(t *testing.T, rec *httptest.ResponseRecorder) map[string]any {
	t.Helper()
	var v map[string]any
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &v), rec.Body.String())
	return v
}

// start creates a conversation and returns its visitor token and id.
func (fx *fixture) start() (string, int64) {
	fx.t.Helper()
	rec := fx.do(request{method: "POST", path: "/api/v1/conversations", body: `{"site":"demo"}`})
	require.Equal(fx.t, http.StatusCreated, rec.Code, rec.Body.String())
	var res struct {
		Token        string `json:"token"`
		Conversation struct {
			ID int64 `json:"id"`
		} `json:"conversation"`
	}
	require.NoError(fx.t, json.Unmarshal(rec.Body.Bytes(), &res))
	return res.Token, res.Conversation.ID
}

// login returns an agent session token for ana.
func (fx *fixture) login() string {
	fx.t.Helper()
	r := httptest.NewRequest("POST", "/api/v1/agent/sessions", nil)
	r.SetBasicAuth("ana", "correct horse")
	rec := httptest.NewRecorder()
	fx.h.ServeHTTP(rec, r)
	require.Equal(fx.t, http.StatusCreated, rec.Code, rec.Body.String())
	return decodeBody(fx.t, rec)["token"].(string)
}

// send posts a visitor message and returns its id.
func (fx *fixture) send(token, clientID, body string) int64 {
	fx.t.Helper()
	rec := fx.do(request{method: "POST", path: "/api/v1/conversation/messages", token: token, body: `{"id":"` + clientID + `","body":"` + body + `"}`})
	require.Equal(fx.t, http.StatusCreated, rec.Code, rec.Body.String())
	return int64(decodeBody(fx.t, rec)["message"].(map[string]any)["id"].(float64))
}

// reply posts an agent message and returns its id.
func (fx *fixture) reply(session string, conv int64, clientID, body string) int64 {
	fx.t.Helper()
	rec := fx.do(request{method: "POST", path: "/api/v1/agent/conversations/" + itoa(int(conv)) + "/messages", token: session, body: `{"id":"` + clientID + `","body":"` + body + `"}`})
	require.Equal(fx.t, http.StatusCreated, rec.Code, rec.Body.String())
	return int64(decodeBody(fx.t, rec)["message"].(map[string]any)["id"].(float64))
}
