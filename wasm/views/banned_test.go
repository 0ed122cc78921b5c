//go:build js && wasm

package views

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crumbless/crumbless/wasm/store"
)

const notAvailable = "This chat is not available."

// TestBannedChatIsNotAvailable: when the backend reports a ban, the chat
// view says the chat is not available (no messages, no composer, no
// "Not sent"), the unread count goes, home says it too, and the views call
// the backend no more; answers keep working.
func TestBannedChatIsNotAvailable(t *testing.T) {
	clearStorage(t)
	conv := newFake(Message{ID: "1", From: "agent", Author: "Ana", Text: "Hello!", At: jan1})
	opts := contentOptions(t)
	opts.Chat = conv
	f := mount(t, true, opts)
	require.True(t, f.p.Navigate("chat"))
	eventually(t, func() bool { return len(f.all(".msg")) == 1 }, "history shown")
	f.typeInto(t, "#cl-composer", "let me back")

	conv.ban(f.p.store)
	assert.Equal(t, notAvailable, f.text(".log .state.banned"))
	assert.Equal(t, "status", f.q(".log .state.banned").Call("getAttribute", "role").String())
	assert.Empty(t, f.all(".msg"), "no messages")
	assert.True(t, f.q("form.composer").Get("hidden").Bool(), "no composer")
	assert.Empty(t, f.all(".msg-state.failed"), "nothing shown as not sent")
	assert.Zero(t, f.p.Unread())
	assert.True(t, storedData(rawLocal("crumbless-banned")).Bool(), "the backend stored the flag")

	calls := conv.calls
	conv.agentSays("2", "Ana", "ignored")
	f.p.Navigate("home")
	assert.Equal(t, notAvailable, f.text(".avail"))
	f.p.Navigate("chat")
	assert.True(t, f.active().Equal(f.q("#cl-title")), "focus on the title: there is no composer")
	assert.Empty(t, f.all(".msg"), "nothing arrives once banned")
	for range 20 {
		waitABit()
	}
	assert.Equal(t, calls, conv.calls, "no History, Send or MarkRead once banned")

	require.True(t, f.p.Navigate("answers"))
	eventually(t, func() bool { return len(f.all(".results .row")) == 4 }, "answers still work")
}

// TestBannedFlagStoredShowsAtOnce: a page that finds the flag stored (a
// reload, another tab's ban) shows the chat as not available from its
// first frame and never asks the backend for history; a forget lifts it.
func TestBannedFlagStoredShowsAtOnce(t *testing.T) {
	clearStorage(t)
	require.NoError(t, store.New("crumbless-").Set("banned", true))
	conv := newFake(Message{ID: "1", From: "agent", Text: "Hello!", At: jan1})
	f := mount(t, true, Options{Chat: conv})
	assert.Equal(t, notAvailable, f.text(".avail"))
	require.True(t, f.p.Navigate("chat"))
	assert.Equal(t, notAvailable, f.text(".log .state.banned"))
	assert.True(t, f.q("form.composer").Get("hidden").Bool())
	for range 20 {
		waitABit()
	}
	assert.Zero(t, conv.calls, "no call to the backend")

	f.p.Forget()
	eventually(t, func() bool { return !f.q("form.composer").Get("hidden").Bool() }, "the composer is back")
	assert.True(t, f.q(".log .state.banned").IsNull())
	assert.True(t, rawLocal("crumbless-banned").IsNull(), "forget removes the flag")
}

// TestBannedTextInEveryLanguage: the state reads in each catalog's language.
func TestBannedTextInEveryLanguage(t *testing.T) {
	cases := []struct{ lang, want string }{
		{"en", notAvailable},
		{"sv", "Den här chatten är inte tillgänglig."},
		{"nl", "Deze chat is niet beschikbaar."},
		{"de", "Dieser Chat ist nicht verfügbar."},
		{"ar", "هذه الدردشة غير متاحة."},
	}
	for _, c := range cases {
		t.Run(c.lang, func(t *testing.T) {
			clearStorage(t)
			require.NoError(t, store.New("crumbless-").Set("banned", true))
			f := mount(t, true, Options{Chat: newFake(), Lang: c.lang})
			require.True(t, f.p.Navigate("chat"))
			assert.Equal(t, c.want, f.text(".log .state.banned"))
		})
	}
}
