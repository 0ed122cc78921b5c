//go:build js && wasm

package views

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestAgentTypingShows: the agent's typing shows in the chat as "Anna is
// typing…" with the name isolated, is announced once per burst through the
// polite live region, and goes when the message arrives or after typingFor
// without a further notice.
func TestAgentTypingShows(t *testing.T) {
	clearStorage(t)
	conv := newFake()
	f := mount(t, true, Options{Chat: conv})
	eventually(t, func() bool { return f.p.chat.loaded }, "history loaded")
	f.click(t, `.tab[data-route=chat]`)
	live := "[aria-live=polite].sr"
	assert.True(t, f.q(".chat .typing").Get("textContent").String() == "", "nobody types yet")

	conv.agentTypes("Anna", true)
	assert.Equal(t, "\u2068Anna\u2069 is typing…", f.text(".chat .typing"))
	assert.Equal(t, "\u2068Anna\u2069 is typing…", f.text(live), "announced")

	f.p.announce("something else") // another announcement in between
	conv.agentTypes("Anna", true)  // the same burst: not announced again
	assert.Equal(t, "something else", f.text(live))
	assert.Equal(t, "\u2068Anna\u2069 is typing…", f.text(".chat .typing"))

	conv.agentSays("a1", "Anna", "Here it is.")
	assert.Equal(t, "", f.text(".chat .typing"), "the message ends it")
	assert.Equal(t, "\u2068Anna\u2069 says: \u2068Here it is.\u2069", f.text(live))

	conv.agentTypes("", true) // no name: the team's
	assert.Equal(t, "\u2068Support\u2069 is typing…", f.text(".chat .typing"))
	assert.Equal(t, "\u2068Support\u2069 is typing…", f.text(live), "a new burst is announced")
	conv.agentTypes("", false)
	assert.Equal(t, "", f.text(".chat .typing"), "stopped")

	defer func(ms int) { typingFor = ms }(typingFor)
	typingFor = 300
	conv.agentTypes("Anna", true)
	assert.Equal(t, "\u2068Anna\u2069 is typing…", f.text(".chat .typing"))
	eventually(t, func() bool { return f.text(".chat .typing") == "" }, "cleared after a quiet while")
}
