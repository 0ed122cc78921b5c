//go:build js && wasm

package views

import (
	"syscall/js"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRatingPrompt: a resolved conversation shows the prompt below the
// messages (an optional comment and two named buttons, each of which
// sends); the rating sent, it thanks; reopened, the prompt goes; resolved
// again, it asks again.
func TestRatingPrompt(t *testing.T) {
	clearStorage(t)
	conv := newFake(Message{ID: "1", From: "agent", Text: "Solved?"})
	f := mount(t, true, Options{Chat: conv})
	require.True(t, f.p.Navigate("chat"))
	eventually(t, func() bool { return f.p.chat.loaded }, "history loaded")
	prompt := `form[aria-labelledby="cl-rate-h"]`
	shown := func(sel string) bool {
		el := f.q(sel)
		return !el.IsNull() && js.Global().Call("getComputedStyle", el).Get("display").String() != "none" && !el.Call("closest", "[hidden]").Truthy()
	}
	assert.True(t, f.q(prompt).IsNull(), "no prompt while open")

	conv.setState(true, false)
	eventually(t, func() bool { return shown(prompt) }, "the prompt shows")
	assert.Equal(t, "How was this conversation?", f.text("#cl-rate-h"))
	var names []string
	for _, b := range f.all(prompt + ` button`) {
		names = append(names, b.Get("textContent").String()) // the accessible name
	}
	assert.Equal(t, []string{"Good", "Bad"}, names, "accessible names")
	comment := f.q(prompt + " textarea")
	assert.Equal(t, "Comment (optional)", comment.Call("getAttribute", "aria-label").String())
	assert.Equal(t, "auto", comment.Call("getAttribute", "dir").String())
	assert.Equal(t, "500", comment.Call("getAttribute", "maxlength").String())
	assert.False(t, shown(prompt+` [role=status]`), "no thanks yet")

	comment.Set("value", "<b>quick</b>")
	f.click(t, prompt+` button[value=good]`)
	eventually(t, func() bool { return len(conv.rated) == 1 }, "the rating sent")
	assert.Equal(t, []string{"good <b>quick</b>"}, conv.rated)
	eventually(t, func() bool { return shown(prompt + ` [role=status]`) }, "thanks shown")
	assert.Equal(t, "Thank you for your rating.", f.text(prompt+` [role=status]`))
	assert.False(t, shown(prompt+` button`), "the question goes")
	assert.False(t, shown(prompt+` textarea`))

	conv.setState(false, false) // the visitor wrote again: reopened
	assert.False(t, shown(prompt), "reopened: no prompt")
	conv.setState(true, false) // resolved again: a new resolution to rate
	assert.True(t, shown(prompt+` button[value=bad]`), "it asks again")
	f.click(t, prompt+` button[value=bad]`)
	eventually(t, func() bool { return len(conv.rated) == 2 }, "the second rating sent")
	assert.Equal(t, "bad <b>quick</b>", conv.rated[1], "the comment field kept its text")
}
