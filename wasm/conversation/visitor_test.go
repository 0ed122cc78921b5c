//go:build js && wasm

package conversation

import (
	"strconv"
	"syscall/js"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTypingAndContextWithTheServer: the agent's typing reaches the
// subscriber with the agent's name; SendContext sends nothing before the
// visitor wrote, then the page, language, zone and version, which the
// agent API shows; the first one stays as where the chat started.
func TestTypingAndContextWithTheServer(t *testing.T) {
	base, agent := api(t)
	x := quietTab(base, memoryStore())
	x.r.Version = "9.9.9-test"
	typing := make(chan [2]any, 8)
	sub := x.subscriber()
	sub.Typing = func(name string, on bool) { typing <- [2]any{name, on} }
	cancel := x.r.Subscribe(sub)
	t.Cleanup(cancel)

	x.r.SendContext("sv") // no conversation yet: nothing to send, nothing sent
	_, err := x.r.Send("ctx-m1", "Hello with context")
	require.NoError(t, err)
	conv := ""
	list := agentCall(t, base, agent, "GET", "/api/v1/agent/conversations", js.Undefined())
	for i := 0; i < list.Get("conversations").Length(); i++ {
		c := list.Get("conversations").Index(i)
		if l := c.Get("last"); l.Type() == js.TypeObject && l.Get("body").String() == "Hello with context" {
			conv = strconv.Itoa(c.Get("id").Int())
		}
	}
	require.NotEmpty(t, conv, "the conversation is listed")
	visitor := func() js.Value {
		return agentCall(t, base, agent, "GET", "/api/v1/agent/conversations/"+conv, js.Undefined()).Get("visitor")
	}
	assert.True(t, visitor().Get("start").IsUndefined(), "nothing sent before the visitor wrote")

	x.r.SendContext("sv")
	v := visitor()
	assert.Equal(t, js.Global().Get("location").Get("pathname").String(), v.Get("start").Get("path").String())
	assert.Equal(t, "sv", v.Get("lang").String())
	assert.Equal(t, "9.9.9-test", v.Get("version").String())
	assert.NotEmpty(t, v.Get("zone").String())
	x.r.SendContext("de")
	assert.Equal(t, "de", visitor().Get("lang").String(), "a change is sent")

	agentCall(t, base, agent, "POST", "/api/v1/agent/conversations/"+conv+"/typing", js.ValueOf(map[string]any{"typing": true}))
	got := recv(t, typing, "the agent's typing")
	assert.Equal(t, [2]any{"wasmtest", true}, got)
}
