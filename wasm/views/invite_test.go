//go:build js && wasm

package views

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crumbless/crumbless/wasm/store"
)

// TestInvitationOpensTheChat: a panel opened from an invitation shows the
// teaser's message first in the chat, as the agent's, and
// a later message after it; the visitor's acts go in the session key
// "markers" once the visitor interacts. Without an invitation nothing is
// marked.
func TestInvitationOpensTheChat(t *testing.T) {
	t.Run("from the teaser", func(t *testing.T) {
		clearStorage(t)
		conv := newFake()
		f := mount(t, true, Options{Chat: conv, Invite: Invite{Text: "Can I help?", Name: "Ana Lima", View: "chat", At: jan1}})
		f.p.store.Interact()                  // the click on the teaser
		require.True(t, f.p.Navigate("chat")) // as the runtime does for the invitation's view
		eventually(t, func() bool { return len(f.all(".msg.agent")) == 1 }, "the invitation's message")
		assert.Equal(t, []string{"Can I help?"}, f.texts(".bubble"))
		assert.Equal(t, []string{"Ana Lima"}, f.texts(".msg.agent .author"))
		assert.Empty(t, f.all(".log .empty"), "not the empty state")
		conv.agentSays("a1", "Ben", "Hello from Ben.")
		eventually(t, func() bool { return len(f.all(".msg.agent")) == 2 }, "a later message")
		assert.Equal(t, []string{"Can I help?", "Hello from Ben."}, f.texts(".bubble"), "the invitation stays first")

		f.click(t, ".head h2") // a click in the header
		f.p.Close()
		m := storedData(rawSession("crumbless-markers"))
		for _, name := range []string{"opened", "first", "header", "closed"} {
			assert.Positive(t, m.Get(name).Float(), name)
		}
		assert.True(t, m.Get("auto").IsUndefined(), "the visitor opened it")
	})
	t.Run("auto-open", func(t *testing.T) {
		clearStorage(t)
		opts := Options{Prefix: "crumbless-", Chat: newFake(), Invite: Invite{Text: "Welcome", View: "chat", At: jan1, Auto: true}}
		f := mountWith(t, true, opts, store.Open(store.Options{Prefix: "crumbless-"}), nil) // gated, as the runtime's
		require.True(t, f.p.Navigate("chat"))
		eventually(t, func() bool { return len(f.all(".msg.agent")) == 1 }, "the invitation's message")
		assert.True(t, rawSession("crumbless-markers").IsNull(), "not the visitor's act: nothing stored")
		f.p.store.Interact() // the visitor acts
		m := storedData(rawSession("crumbless-markers"))
		assert.Positive(t, m.Get("auto").Float())
		assert.True(t, m.Get("opened").IsUndefined())
	})
	t.Run("no invitation", func(t *testing.T) {
		clearStorage(t)
		f := mount(t, true, Options{Chat: newFake()})
		f.p.store.Interact()
		require.True(t, f.p.Navigate("chat"))
		eventually(t, func() bool { return len(f.all(".log .empty")) == 1 }, "the empty state")
		f.p.Close()
		assert.True(t, rawSession("crumbless-markers").IsNull(), "nothing marked")
	})
}

// TestStoredInvitation: the invitation as the server keeps it (author
// "invite", first in the conversation) replaces the page's own row once it
// arrives, shows as the agent's message it was, with the name it showed,
// and is no news: no message event, not unread. After a reload, with no
// invitation on the page, the history alone shows it first.
func TestStoredInvitation(t *testing.T) {
	t.Run("arrives after the visitor's first message", func(t *testing.T) {
		clearStorage(t)
		conv := newFake()
		f := mount(t, true, Options{Chat: conv, Invite: Invite{Text: "Can I help?", Name: "Ana Lima", View: "chat", At: jan1}})
		require.True(t, f.p.Navigate("chat"))
		eventually(t, func() bool { return len(f.all(".msg.agent")) == 1 }, "the page's invitation")
		for _, fn := range conv.subs {
			fn(Message{ID: "7", ClientID: "invite", From: "invite", Author: "Ana Lima", Text: "Can I help?", At: jan1})
		}
		eventually(t, func() bool { return len(f.all(".msg.agent[data-id='7']")) == 1 }, "the stored invitation")
		assert.Equal(t, []string{"Can I help?"}, f.texts(".bubble"), "shown once")
		assert.Equal(t, []string{"Ana Lima"}, f.texts(".msg.agent .author"))
		assert.Zero(t, f.p.chat.unread(), "not unread")
	})
	t.Run("after a reload", func(t *testing.T) {
		clearStorage(t)
		conv := newFake(Message{ID: "7", ClientID: "invite", From: "invite", Author: "Ana Lima", Text: "Can I help?", At: jan1},
			Message{ID: "8", ClientID: "m1", From: "visitor", Text: "How much?", At: jan1 + 1000})
		f, heard := chatHearingMessages(t, conv)
		assert.Equal(t, []string{"Can I help?", "How much?"}, f.texts(".bubble"), "the invitation first")
		assert.Equal(t, []string{"Ana Lima"}, f.texts(".msg.agent .author"), "as the agent's message it was")
		assert.Zero(t, heard.Length(), "history is no news")
	})
}
