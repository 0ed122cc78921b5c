//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"regexp"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crumbless/crumbless/server/webhook"
)

// hookReceiver is a webhook endpoint in the test process: it verifies
// every signature and keeps, per event (its type and data), the
// webhook-ids and statuses of every request.
type hookReceiver struct {
	srv     *httptest.Server
	secret  atomic.Value // string, known once the CLI printed it
	failing atomic.Bool  // answer 503

	mu       sync.Mutex
	attempts map[string][]hookAttempt // event → attempts
	forged   int
}

type hookAttempt struct {
	id     string
	status int
}

func newHookReceiver(t *testing.T) *hookReceiver {
	r := &hookReceiver{attempts: map[string][]hookAttempt{}}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, err := io.ReadAll(req.Body)
		if err != nil {
			return
		}
		secret, _ := r.secret.Load().(string)
		if err := webhook.Verify(secret, req.Header, body, time.Now()); err != nil {
			r.mu.Lock()
			r.forged++
			r.mu.Unlock()
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		var p struct {
			Type string          `json:"type"`
			Data json.RawMessage `json:"data"`
		}
		if err := json.Unmarshal(body, &p); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		status := http.StatusOK
		if r.failing.Load() {
			status = http.StatusServiceUnavailable
		}
		r.mu.Lock()
		key := p.Type + " " + string(p.Data)
		r.attempts[key] = append(r.attempts[key], hookAttempt{req.Header.Get("webhook-id"), status})
		r.mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

// snapshot copies the attempts.
func (r *hookReceiver) snapshot() map[string][]hookAttempt {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[string][]hookAttempt{}
	for k, v := range r.attempts {
		out[k] = append([]hookAttempt(nil), v...)
	}
	return out
}

// addWebhook runs `crumbless webhook add` and returns the secret it printed.
func addWebhook(t *testing.T, data, url string) string {
	t.Helper()
	out, err := exec.Command(os.Getenv("CRUMBLESS_BIN"), "webhook", "add", "-data", data, url).CombinedOutput()
	require.NoError(t, err, string(out))
	m := regexp.MustCompile(`secret: (whsec_\S+)`).FindSubmatch(out)
	require.NotNil(t, m, string(out))
	return string(m[1])
}

// TestWebhooksSurviveKill9 queues events while the endpoint fails, kills
// the server with SIGKILL while their deliveries are pending, and starts
// it again: every event arrives, each attempt of an event with the same
// webhook-id, every signature valid.
func TestWebhooksSurviveKill9(t *testing.T) {
	data := t.TempDir()
	rcv := newHookReceiver(t)
	rcv.failing.Store(true)
	rcv.secret.Store(addWebhook(t, data, rcv.srv.URL+"/crumbless"))

	p := startChatProcess(t, data)
	code, start := call(t, "POST", p.base+"/api/v1/conversations", "", `{"site":"demo"}`)
	require.Equal(t, http.StatusCreated, code)
	token := start["token"].(string)
	const n = 5
	for i := range n {
		code, _ := call(t, "POST", p.base+"/api/v1/conversation/messages", token, fmt.Sprintf(`{"id":"m%d","body":"message %d"}`, i, i))
		require.Equal(t, http.StatusCreated, code)
	}
	code, _ = call(t, "POST", p.base+"/api/v1/forms/contact/submissions", token,
		`{"id":"s1","fields":{"name":"Ana","email":"ana@example.com","topic":"Order","message":"Where is my parcel?","consent":"true"}}`)
	require.Equal(t, http.StatusCreated, code)
	const events = 1 + n + 1
	deadline := time.Now().Add(30 * time.Second)
	for len(rcv.snapshot()) == 0 { // the first attempts are failing: deliveries pending
		require.True(t, time.Now().Before(deadline), "no attempt came")
		time.Sleep(10 * time.Millisecond)
	}
	_ = p.srv.Kill()
	failedBefore := rcv.snapshot()

	rcv.failing.Store(false)
	p = startChatProcess(t, data)
	delivered := func() int {
		ok := 0
		for _, list := range rcv.snapshot() {
			if list[len(list)-1].status == http.StatusOK {
				ok++
			}
		}
		return ok
	}
	deadline = time.Now().Add(90 * time.Second) // retries after ~5 s; a lease held at the kill ends after 30 s
	for delivered() < events {
		require.True(t, time.Now().Before(deadline), "delivered %d of %d events", delivered(), events)
		time.Sleep(50 * time.Millisecond)
	}
	got := rcv.snapshot()
	assert.Len(t, got, events, "every event, and no other")
	for event, list := range got {
		for _, a := range list {
			assert.Equal(t, list[0].id, a.id, "%s: every attempt with the same webhook-id", event)
		}
	}
	assert.NotEmpty(t, failedBefore, "attempts failed before the kill")
	for event, before := range failedBefore {
		assert.Equal(t, before[0].id, got[event][len(got[event])-1].id, "%s: delivered after the restart with its first webhook-id", event)
	}
	rcv.mu.Lock()
	assert.Zero(t, rcv.forged, "every signature verified")
	rcv.mu.Unlock()
	t.Logf("%d events; %d had failed attempts before the kill", events, len(failedBefore))
}
