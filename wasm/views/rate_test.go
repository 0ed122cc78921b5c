//go:build js && wasm

package views

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRatingPrompt: a resolved conversation shows the prompt below the
// messages (two named buttons, an optional comment, send); the rating
// sent, it thanks; reopened, the prompt goes; resolved again, it asks
// again.
func TestRatingPrompt(t *testing.T) {
	clearStorage(t)
	conv := newFake(Message{ID: "1", From: "agent", Text: "Solved?"})
	f := mount(t, true, Options{Chat: conv})
	require.True(t, f.p.Navigate("chat"))
	eventually(t, func() bool { return f.p.chat.loaded }, "history loaded")
	prompt := `form[aria-labelledby="cl-rate-h"]`
	assert.True(t, f.q(prompt).IsNull(), "no prompt while open")

	conv.setState(true, false)
	eventually(t, func() bool { return !f.q(prompt).IsNull() && !f.q(prompt).Get("hidden").Bool() }, "the prompt shows")
	assert.Equal(t, "How was this conversation?", f.text("#cl-rate-h"))
	var names []string
	for _, b := range f.all(prompt + ` button[type=button]`) {
		names = append(names, b.Call("getAttribute", "aria-label").String())
	}
	assert.Equal(t, []string{"Good", "Bad"}, names, "accessible names")
	assert.Equal(t, "Comment (optional)", f.q(prompt+" textarea").Call("getAttribute", "aria-label").String())
	assert.Equal(t, "auto", f.q(prompt+" textarea").Call("getAttribute", "dir").String())

	f.click(t, prompt+` button[type=submit]`)
	waitABit()
	assert.Empty(t, conv.rated, "no score chosen: nothing sent")

	f.click(t, prompt+` button[aria-label="Bad"]`)
	f.click(t, prompt+` button[aria-label="Good"]`)
	assert.Equal(t, "true", f.q(prompt+` button[aria-label="Good"]`).Call("getAttribute", "aria-pressed").String())
	assert.Equal(t, "false", f.q(prompt+` button[aria-label="Bad"]`).Call("getAttribute", "aria-pressed").String())
	f.q(prompt+" textarea").Set("value", "<b>quick</b>")
	f.click(t, prompt+` button[type=submit]`)
	eventually(t, func() bool { return len(conv.rated) == 1 }, "the rating sent")
	assert.Equal(t, []string{"good <b>quick</b>"}, conv.rated)
	status := f.q(prompt + ` [role=status]`)
	eventually(t, func() bool { return !status.Get("hidden").Bool() }, "thanks shown")
	assert.Equal(t, "Thank you for your rating.", status.Get("textContent").String())
	assert.True(t, f.q(prompt+" .rate").Get("hidden").Bool(), "the question goes")

	conv.setState(false, false) // the visitor wrote again: reopened
	assert.True(t, f.q(prompt).Get("hidden").Bool(), "reopened: no prompt")
	conv.setState(true, false) // resolved again: a new resolution to rate
	assert.False(t, f.q(prompt).Get("hidden").Bool())
	assert.False(t, f.q(prompt+" .rate").Get("hidden").Bool(), "it asks again")
}
