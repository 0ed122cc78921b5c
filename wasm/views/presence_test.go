//go:build js && wasm

package views

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// presenceFake is a conversation whose team comes and goes: it counts the
// open presence watches and pushes changes to them.
type presenceFake struct {
	*fakeConversation
	watches int
	fn      func(bool)
}

func (c *presenceFake) WatchPresence(fn func(bool)) func() {
	c.watches++
	c.fn = fn
	return func() { c.watches--; c.fn = nil }
}

func TestHomeFollowsTheTeamsPresence(t *testing.T) {
	const online, offline = "The team is online and usually replies in a few minutes.",
		"Find an answer right away, or write to us and we will reply by email."
	clearStorage(t)
	conv := &presenceFake{fakeConversation: newFake()}
	conv.online = false
	f := mount(t, true, Options{Chat: conv})
	require.Equal(t, 1, conv.watches, "the open panel watches presence")
	assert.Equal(t, offline, f.text(".avail"))
	assert.True(t, f.q(".avail").Get("classList").Call("contains", "offline").Bool())

	conv.fn(true)
	assert.Equal(t, online, f.text(".avail"))
	assert.True(t, f.q(".avail").Get("classList").Call("contains", "online").Bool())
	conv.fn(false)
	assert.Equal(t, offline, f.text(".avail"))

	// Another view ignores presence; home shows what Online says when built.
	f.p.Navigate("settings")
	conv.fn(true)
	conv.online = true
	f.p.Navigate("home")
	assert.Equal(t, online, f.text(".avail"))

	// A closed panel holds no watch; opening it again watches again, once.
	f.p.Close()
	assert.Zero(t, conv.watches)
	f.p.Open()
	f.p.Open()
	assert.Equal(t, 1, conv.watches)

	// German.
	f.p.SetLang("de")
	eventually(t, func() bool { return f.p.Lang() == "de" }, "German once its catalog is there")
	conv.fn(false)
	assert.Equal(t, "Finden Sie sofort eine Antwort oder schreiben Sie uns – wir antworten per E-Mail.", f.text(".avail"))
	conv.fn(true)
	assert.Equal(t, "Das Team ist online und antwortet meist in wenigen Minuten.", f.text(".avail"))
}
