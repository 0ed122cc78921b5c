//go:build js && wasm

package conversation

import (
	"strconv"
	"syscall/js"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crumbless/crumbless/wasm/transport"
)

// TestRestoreFollowsTheRestoredConversation: a tab streaming a
// conversation of its own takes up another one, whose restore code was
// exchanged for token: the history is the restored one, the stream follows
// the new token (the agent's next reply arrives), and a message sent goes
// to the restored conversation.
func TestRestoreFollowsTheRestoredConversation(t *testing.T) {
	base, agent := api(t)
	a := newTab(t, base, memoryStore())
	_, err := a.r.Send("r1", "The one to bring back")
	require.NoError(t, err)
	b := newTab(t, base, memoryStore())
	_, err = b.r.Send("r2", "Mine")
	require.NoError(t, err)
	b.until(t, "Mine")
	eventually(t, b.streaming, "b's stream")

	c := transport.New(base)
	c.SetToken(a.r.client.Token())
	res, err := c.Do("POST", "/api/v1/conversation/restore-codes", js.Undefined())
	require.NoError(t, err)
	require.Equal(t, 201, res.Status)
	res, err = transport.New(base).Do("POST", "/api/v1/restore", js.ValueOf(map[string]any{"code": res.Body.Get("code")}))
	require.NoError(t, err)
	require.Equal(t, 200, res.Status)
	token, conv := res.Body.Get("token").String(), strconv.Itoa(res.Body.Get("conversation").Get("id").Int())

	assert.True(t, b.r.Restore(token))
	assert.False(t, b.r.Restore(token), "the same token again changes nothing")
	assert.Equal(t, token, b.r.client.Token())
	msgs, _, err := b.r.History()
	require.NoError(t, err)
	require.Len(t, msgs, 1)
	assert.Equal(t, "The one to bring back", msgs[0].Text)

	agentCall(t, base, agent, "POST", "/api/v1/agent/conversations/"+conv+"/messages", js.ValueOf(map[string]any{"id": "back", "body": "Welcome back"}))
	assert.Equal(t, "agent", b.until(t, "Welcome back").From, "the stream follows the restored conversation")
	_, err = b.r.Send("r3", "Thanks")
	require.NoError(t, err)
	list := agentCall(t, base, agent, "GET", "/api/v1/agent/conversations/"+conv, js.Undefined()).Get("messages")
	var texts []string
	for i := 0; i < list.Length(); i++ {
		texts = append(texts, list.Index(i).Get("body").String())
	}
	assert.Equal(t, []string{"The one to bring back", "Welcome back", "Thanks"}, texts)
}
