//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crumbless/crumbless/internal/testenv/launch"
)

// chatProcess is the built server running on a given data folder, so that
// a test can kill it and start it again on the same data.
type chatProcess struct {
	srv  *launch.Server
	base string
}

func startChatProcess(t *testing.T, data string, flags ...string) *chatProcess {
	t.Helper()
	srv := launchServer(t, append([]string{"-data", data}, flags...)...)
	return &chatProcess{srv: srv, base: srv.URL}
}

// send makes one request and returns the status and the JSON body.
func send(t *testing.T, c *http.Client, method, url, token, body string, header ...string) (int, map[string]any, http.Header) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	require.NoError(t, err)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		if header[i] == "Host" {
			req.Host = header[i+1]
			continue
		}
		req.Header.Set(header[i], header[i+1])
	}
	res, err := c.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	var v map[string]any
	if len(raw) > 0 && strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		require.NoError(t, json.Unmarshal(raw, &v), string(raw))
	}
	return res.StatusCode, v, res.Header
}

// call sends a JSON request with the default client, decodes the JSON
// answer and checks that no cookie is set.
func call(t *testing.T, method, url, token, body string) (int, map[string]any) {
	t.Helper()
	code, v, header := send(t, http.DefaultClient, method, url, token, body)
	assert.Empty(t, header.Values("Set-Cookie"))
	return code, v
}

// TestChatKill9LosesNothing acknowledges messages and a form submission,
// kills the server with SIGKILL at once (no shutdown, no flush), starts it
// again on the same data and reads everything back.
func TestChatKill9LosesNothing(t *testing.T) {
	data := t.TempDir()
	p := startChatProcess(t, data)
	code, start := call(t, "POST", p.base+"/api/v1/conversations", "", `{"site":"demo"}`)
	require.Equal(t, http.StatusCreated, code)
	token := start["token"].(string)

	const n = 10 // within the per-visitor burst (10)
	for i := 0; i < n; i++ {
		code, _ := call(t, "POST", p.base+"/api/v1/conversation/messages", token, fmt.Sprintf(`{"id":"m%d","body":"message %d"}`, i, i))
		require.Equal(t, http.StatusCreated, code)
	}
	code, _ = call(t, "POST", p.base+"/api/v1/forms/contact/submissions", token,
		`{"id":"s1","fields":{"name":"Ana","email":"ana@example.com","topic":"Order","message":"Where is my parcel?","consent":"true"}}`)
	require.Equal(t, http.StatusCreated, code)
	_ = p.srv.Kill() // right after the last 201

	p = startChatProcess(t, data)
	code, got := call(t, "GET", p.base+"/api/v1/conversation/messages?limit=500", token, "")
	require.Equal(t, http.StatusOK, code)
	msgs := got["messages"].([]any)
	require.Len(t, msgs, n, "every acknowledged message survived kill -9")
	for i, m := range msgs {
		assert.Equal(t, fmt.Sprintf("message %d", i), m.(map[string]any)["body"])
	}
	// Retrying an acknowledged message after the crash does not duplicate it.
	code, _ = call(t, "POST", p.base+"/api/v1/conversation/messages", token, `{"id":"m0","body":"message 0"}`)
	assert.Equal(t, http.StatusOK, code)

	// The submission is there too, for an agent created with the CLI.
	addAgent(t, data, "ana", "correct horse")
	agent := agentLogin(t, p.base, "ana", "correct horse")
	code, subs := call(t, "GET", p.base+"/api/v1/agent/submissions", agent, "")
	require.Equal(t, http.StatusOK, code)
	assert.Len(t, subs["submissions"], 1)
}

// TestChatGracefulRestart stops the server with SIGTERM while a stream is
// open (it must end, not hang the shutdown) and finds the data again.
func TestChatGracefulRestart(t *testing.T) {
	data := t.TempDir()
	p := startChatProcess(t, data)
	code, start := call(t, "POST", p.base+"/api/v1/conversations", "", `{}`)
	require.Equal(t, http.StatusCreated, code)
	token := start["token"].(string)
	code, _ = call(t, "POST", p.base+"/api/v1/conversation/messages", token, `{"id":"a","body":"kept"}`)
	require.Equal(t, http.StatusCreated, code)

	sseStream(t, p.base+"/api/v1/conversation/events", token, 0)

	began := time.Now()
	require.NoError(t, p.srv.Stop(), "clean exit on SIGTERM")
	assert.Less(t, time.Since(began), 10*time.Second, "open streams do not hold the shutdown")

	p = startChatProcess(t, data)
	code, got := call(t, "GET", p.base+"/api/v1/conversation/messages", token, "")
	require.Equal(t, http.StatusOK, code)
	require.Len(t, got["messages"], 1)
}
