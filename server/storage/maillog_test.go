package storage

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMailLog(t *testing.T) {
	forEachBackend(t, func(t *testing.T, kind backend) {
		ctx := context.Background()
		s := kind.open(t)
		mail, status := s.(Mail), s.(MailStatus)
		ana, err := s.AddAgent(ctx, "ana", "h", 1)
		require.NoError(t, err)
		require.NoError(t, mail.SetAgentEmail(ctx, "ana", "ana@example.com", true))
		h, err := status.MailHealth(ctx)
		require.NoError(t, err)
		assert.Equal(t, MailHealth{}, h, "nothing tried yet")

		c, err := s.CreateConversation(ctx, []byte("tok"), "demo", nil, 1000)
		require.NoError(t, err)
		require.NoError(t, mail.SetVisitorEmail(ctx, c.ID, "vi@example.org", "en"))
		_, _, err = s.AddMessage(ctx, Message{ConversationID: c.ID, ClientID: "v", Author: Visitor, Body: "hi", Created: 2000})
		require.NoError(t, err)
		reply, _, err := s.AddMessage(ctx, Message{ConversationID: c.ID, ClientID: "a", Author: Agent, AgentID: ana.ID, Body: "hello", Created: 2001})
		require.NoError(t, err)
		claim := func(now int64) map[int64]OutMail {
			t.Helper()
			got, err := mail.ClaimMails(ctx, now, now, time.Minute, 10)
			require.NoError(t, err)
			out := map[int64]OutMail{}
			for _, m := range got {
				out[m.AgentID] = m
			}
			return out
		}

		// Both fail: the agent's for now, the visitor's for good.
		got := claim(3000)
		require.Len(t, got, 2)
		require.NoError(t, mail.FinishMail(ctx, got[ana.ID], MailResult{To: "ana@example.com", State: MailRetrying,
			Error: "connect 127.0.0.1:2525: connection refused", At: 3000, RetryAt: 60000}))
		require.NoError(t, mail.FinishMail(ctx, got[0], MailResult{To: "vi@example.org", State: MailRejected,
			Error: "550 5.1.1 mailbox unavailable", At: 3001}))
		h, err = status.MailHealth(ctx)
		require.NoError(t, err)
		assert.Equal(t, MailHealth{LastFailure: 3001, LastError: "550 5.1.1 mailbox unavailable", Retrying: 1}, h)
		log, err := status.MailLog(ctx, MailLogQuery{Limit: 10})
		require.NoError(t, err)
		require.Len(t, log, 2)
		assert.Equal(t, MailDelivery{ID: log[0].ID, ConversationID: c.ID, To: "vi@example.org", State: MailRejected, Attempts: 1,
			Error: "550 5.1.1 mailbox unavailable", Created: 3001, Updated: 3001}, log[0], "newest first")
		assert.Equal(t, MailDelivery{ID: log[1].ID, ConversationID: c.ID, AgentID: ana.ID, AgentName: "ana", To: "ana@example.com",
			State: MailRetrying, Attempts: 1, Error: "connect 127.0.0.1:2525: connection refused", NextAt: 60000, Created: 3000, Updated: 3000}, log[1])
		assert.Empty(t, claim(4000), "the rejected mail is gone, the other waits for its retry")

		// Retry now: the waiting mail is due at once, and its second
		// attempt updates the same row.
		n, err := status.RetryMails(ctx, 5000)
		require.NoError(t, err)
		assert.Equal(t, 1, n)
		select {
		case <-mail.MailQueued():
		default:
			t.Fatal("no signal after a retry")
		}
		got = claim(5000)
		require.Len(t, got, 1)
		assert.Equal(t, 2, got[ana.ID].Attempt)
		assert.Equal(t, log[1].ID, got[ana.ID].LogID)
		require.NoError(t, mail.FinishMail(ctx, got[ana.ID], MailResult{Upto: reply.ID - 1, To: "ana@example.com", State: MailSent, At: 5001}))
		h, err = status.MailHealth(ctx)
		require.NoError(t, err)
		assert.Equal(t, MailHealth{LastSent: 5001, LastFailure: 3001, LastError: "550 5.1.1 mailbox unavailable"}, h)
		mine, err := status.MailLog(ctx, MailLogQuery{AgentID: ana.ID, Limit: 10})
		require.NoError(t, err)
		require.Len(t, mine, 1, "the agent's own deliveries")
		assert.Equal(t, MailSent, mine[0].State)
		assert.Equal(t, 2, mine[0].Attempts)
		assert.Empty(t, mine[0].Error)
		assert.Zero(t, mine[0].NextAt)
		page, err := status.MailLog(ctx, MailLogQuery{Before: log[0].ID, Limit: 10})
		require.NoError(t, err)
		require.Len(t, page, 1, "the page below the first row")
		assert.Equal(t, mine[0].ID, page[0].ID)
		n, err = status.RetryMails(ctx, 6000)
		require.NoError(t, err)
		assert.Zero(t, n, "nothing waits")

		// An attempt with nothing to tell keeps no row.
		_, _, err = s.AddMessage(ctx, Message{ConversationID: c.ID, ClientID: "v2", Author: Visitor, Body: "again", Created: 7000})
		require.NoError(t, err)
		got = claim(8000)
		require.Len(t, got, 1)
		require.NoError(t, mail.FinishMail(ctx, got[ana.ID], MailResult{}))
		log, err = status.MailLog(ctx, MailLogQuery{Limit: 10})
		require.NoError(t, err)
		assert.Len(t, log, 2)

		// The rows go with their conversation (they hold the visitor's
		// address) and with their agent.
		require.NoError(t, s.RemoveAgent(ctx, "ana"))
		log, err = status.MailLog(ctx, MailLogQuery{Limit: 10})
		require.NoError(t, err)
		require.Len(t, log, 1)
		assert.Equal(t, "vi@example.org", log[0].To)
		require.NoError(t, s.EraseConversation(ctx, c.ID))
		log, err = status.MailLog(ctx, MailLogQuery{Limit: 10})
		require.NoError(t, err)
		assert.Empty(t, log)
	})
}

func TestMailLogKeepsTheNewest(t *testing.T) {
	forEachBackend(t, func(t *testing.T, kind backend) {
		ctx := context.Background()
		s := kind.open(t)
		var inner *store
		switch v := s.(type) {
		case *SQLite:
			inner = &v.store
		case *Postgres:
			inner = &v.store
		}
		require.NotNil(t, inner)
		c, err := s.CreateConversation(ctx, []byte("tok"), "demo", nil, 1000)
		require.NoError(t, err)
		var last int64
		for i := range MailLogSize + 3 {
			require.NoError(t, inner.tx(ctx, func(tx runner) error {
				last, err = logMail(ctx, tx, OutMail{ConversationID: c.ID, Attempt: 1}, MailResult{To: "vi@example.org", State: MailSent, At: int64(i)})
				return err
			}))
		}
		log, err := inner.MailLog(ctx, MailLogQuery{Limit: MailLogSize + 10})
		require.NoError(t, err)
		assert.Len(t, log, MailLogSize)
		assert.Equal(t, last, log[0].ID)
		assert.Equal(t, int64(3), log[len(log)-1].Updated, "the oldest three are gone")
	})
}
