package storage

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStartWithInvitation: the invitation a visitor saw is the first
// message of the conversation it starts, in the same transaction: author
// Invite, no agent, the name it showed; it counts as neither side's
// message; it is exported, searched, announced to webhooks and erased
// like every message.
func TestStartWithInvitation(t *testing.T) {
	forEachBackend(t, func(t *testing.T, kind backend) {
		ctx := context.Background()
		s := kind.open(t)
		_, err := s.(Webhooks).AddWebhook(ctx, "https://hooks.example/in", "whsec_x", []string{EventMessageCreated}, 100)
		require.NoError(t, err)
		agent, err := s.AddAgent(ctx, "Ana Lima", "hash", 1)
		require.NoError(t, err)

		c, err := s.StartConversation(ctx, []byte("tok"), "demo", nil, "", "", Invitation{Text: "Frågor om priser?", Name: "Ana Lima"}, 1000)
		require.NoError(t, err)
		plain, err := s.StartConversation(ctx, []byte("tok2"), "demo", nil, "", "", Invitation{}, 1000)
		require.NoError(t, err)
		none, err := s.Messages(ctx, plain.ID, 0, 10)
		require.NoError(t, err)
		assert.Empty(t, none, "no invitation, no message")

		v, _, err := s.AddMessage(ctx, Message{ConversationID: c.ID, ClientID: "m1", Author: Visitor, Body: "Vad kostar det?", Created: 2000})
		require.NoError(t, err)
		msgs, err := s.Messages(ctx, c.ID, 0, 10)
		require.NoError(t, err)
		require.Len(t, msgs, 2)
		inv := msgs[0]
		assert.Equal(t, Message{ID: inv.ID, ConversationID: c.ID, ClientID: Invite, Author: Invite, AgentName: "Ana Lima", Body: "Frågor om priser?", Created: 1000}, inv,
			"the invitation, with the name it showed and no agent id, though an agent of that name exists")
		assert.NotEqual(t, agent.ID, inv.AgentID)
		assert.Less(t, inv.ID, v.ID, "before the visitor's message")

		got, err := s.Conversation(ctx, c.ID)
		require.NoError(t, err)
		assert.Zero(t, got.UnreadVisitor, "not an unread agent message")
		assert.Equal(t, 1, got.UnreadAgent, "the visitor's message alone is unread for agents")

		all, err := s.AllMessages(ctx, 0, 10)
		require.NoError(t, err)
		assert.Contains(t, all, inv)

		e, err := s.ExportConversation(ctx, c.ID)
		require.NoError(t, err)
		require.Len(t, e.Messages, 2)
		assert.Equal(t, Invite, e.Messages[0].Author, "exported")

		hits, err := s.Search(ctx, []string{"priser"}, 0, 10)
		require.NoError(t, err)
		require.Len(t, hits, 1, "searched")
		assert.Equal(t, Invite, hits[0].Kind)
		assert.Equal(t, inv.ID, hits[0].Ref)

		ds, err := s.(Webhooks).ClaimDeliveries(ctx, 5000, time.Minute, 10)
		require.NoError(t, err)
		var subjects []int64
		for _, d := range ds {
			subjects = append(subjects, d.SubjectID)
		}
		assert.ElementsMatch(t, []int64{inv.ID, v.ID}, subjects, "message.created for the invitation and the visitor's message")

		require.NoError(t, s.EraseConversation(ctx, c.ID))
		all, err = s.AllMessages(ctx, 0, 10)
		require.NoError(t, err)
		assert.Empty(t, all, "erased with the conversation")
		hits, err = s.Search(ctx, []string{"priser"}, 0, 10)
		require.NoError(t, err)
		assert.Empty(t, hits)
	})
}

// TestStartWithInvitationIsOneTransaction: a start that fails (a token
// hash in use) stores no invitation either.
func TestStartWithInvitationIsOneTransaction(t *testing.T) {
	forEachBackend(t, func(t *testing.T, kind backend) {
		ctx := context.Background()
		s := kind.open(t)
		_, err := s.StartConversation(ctx, []byte("tok"), "demo", nil, "", "", Invitation{}, 1000)
		require.NoError(t, err)
		_, err = s.StartConversation(ctx, []byte("tok"), "demo", nil, "", "", Invitation{Text: "Hi"}, 1001)
		require.ErrorIs(t, err, ErrConflict)
		all, err := s.AllMessages(ctx, 0, 10)
		require.NoError(t, err)
		assert.Empty(t, all)
	})
}
