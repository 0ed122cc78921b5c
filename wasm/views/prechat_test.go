//go:build js && wasm

package views

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPreChatAsksBeforeTheFirstMessage: when the site asks for a name and
// an email, the first send shows the fields instead of sending; invalid
// details keep the message back with the forms' messages; valid ones are
// handed over with the message and the fields go.
func TestPreChatAsksBeforeTheFirstMessage(t *testing.T) {
	clearStorage(t)
	conv := newFake()
	conv.ask = []string{"name", "email"}
	f := mount(t, true, Options{Chat: conv})
	eventually(t, func() bool { return f.p.chat.loaded }, "history loaded")
	f.click(t, `.tab[data-route=chat]`)
	assert.True(t, f.q(".prechat").IsNull(), "nothing asked before the visitor writes")

	f.typeInto(t, "#cl-composer", "Do you ship to Norway?")
	f.key(t, "#cl-composer", "Enter", false)
	require.False(t, f.q(".prechat").IsNull(), "the fields are shown")
	assert.Equal(t, "Before your first message, tell us who you are.", f.text(".prechat .help"))
	assert.Equal(t, []string{"Your namerequired", "Your emailrequired"}, f.texts(".prechat label"))
	assert.True(t, f.active().Equal(f.q("#cl-f-name")), "caret in the first field")
	assert.Empty(t, conv.sent, "not sent yet")
	assert.Equal(t, "Do you ship to Norway?", f.q("#cl-composer").Get("value").String(), "the message is kept")

	f.typeInto(t, "#cl-f-name", "Ana")
	f.typeInto(t, "#cl-f-email", "ana@")
	f.key(t, "#cl-composer", "Enter", false)
	assert.Equal(t, "true", f.q("#cl-f-email").Call("getAttribute", "aria-invalid").String())
	assert.Equal(t, "Enter an email address like name@example.com.", f.text("#cl-f-email-err"))
	assert.True(t, f.active().Equal(f.q("#cl-f-email")))
	assert.Empty(t, conv.sent, "invalid details: not sent")
	assert.Nil(t, conv.details)

	f.typeInto(t, "#cl-f-email", "ana@example.com")
	f.key(t, "#cl-composer", "Enter", false)
	assert.Equal(t, []string{"Ana", "ana@example.com"}, conv.details)
	eventually(t, func() bool { return len(conv.sent) == 1 }, "the message is sent")
	assert.True(t, f.q(".prechat").IsNull(), "the fields are gone")
	eventually(t, func() bool { return len(conv.contexts) == 1 }, "the context follows the first message")
	assert.Equal(t, "en", conv.contexts[0])

	f.typeInto(t, "#cl-composer", "And to Iceland?")
	f.key(t, "#cl-composer", "Enter", false)
	eventually(t, func() bool { return len(conv.sent) == 2 }, "later messages go at once")
}

// TestNoPreChatByDefault: a site that asks nothing sends the first message
// at once, and no context goes before it.
func TestNoPreChatByDefault(t *testing.T) {
	clearStorage(t)
	conv := newFake()
	f := mount(t, true, Options{Chat: conv})
	eventually(t, func() bool { return f.p.chat.loaded }, "history loaded")
	f.click(t, `.tab[data-route=chat]`)
	assert.Empty(t, conv.contexts, "nothing before the visitor wrote")
	f.typeInto(t, "#cl-composer", "Hi")
	f.key(t, "#cl-composer", "Enter", false)
	eventually(t, func() bool { return len(conv.sent) == 1 }, "sent")
	assert.True(t, f.q(".prechat").IsNull())
	eventually(t, func() bool { return len(conv.contexts) == 1 }, "the context after the message")
}
