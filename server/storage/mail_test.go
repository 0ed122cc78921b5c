package storage

import (
	"bytes"
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// bodies lists the bodies of msgs.
func bodies(msgs []Message) []string {
	var out []string
	for _, m := range msgs {
		out = append(out, m.Body)
	}
	return out
}

func TestMailOutbox(t *testing.T) {
	forEachBackend(t, func(t *testing.T, kind backend) {
		ctx := context.Background()
		s := kind.open(t)
		mail := s.(Mail)
		ana, err := s.AddAgent(ctx, "ana", "h", 1)
		require.NoError(t, err)
		_, err = s.AddAgent(ctx, "bob", "h", 1) // no address: no mail
		require.NoError(t, err)
		require.NoError(t, mail.SetAgentEmail(ctx, "ana", "ana@example.com", true))
		require.ErrorIs(t, mail.SetAgentEmail(ctx, "nobody", "x@example.com", true), ErrNotFound)

		c, err := s.CreateConversation(ctx, []byte("tok"), "demo", nil, 1000)
		require.NoError(t, err)
		for i, body := range []string{"one", "two", "three"} { // a burst: one mail
			_, _, err := s.AddMessage(ctx, Message{ConversationID: c.ID, ClientID: body, Author: Visitor, Body: body, Created: int64(2000 + i)})
			require.NoError(t, err)
		}
		select {
		case <-mail.MailQueued():
		default:
			t.Fatal("no signal after queueing")
		}

		got, err := mail.ClaimMails(ctx, 2500, 1999, time.Minute, 10)
		require.NoError(t, err)
		assert.Empty(t, got, "not due before the quiet time")
		got, err = mail.ClaimMails(ctx, 2500, 2000, time.Minute, 10)
		require.NoError(t, err)
		require.Len(t, got, 1, "one mail for the burst, to the one agent with an address")
		m := got[0]
		assert.Equal(t, ana.ID, m.AgentID)
		assert.Equal(t, 1, m.Attempt)
		again, err := mail.ClaimMails(ctx, 2500, 5000, time.Minute, 10)
		require.NoError(t, err)
		assert.Empty(t, again, "a leased mail is nobody else's")

		content, err := mail.MailContent(ctx, m)
		require.NoError(t, err)
		assert.Equal(t, "ana@example.com", content.To)
		assert.Equal(t, "ana", content.AgentName)
		assert.True(t, content.NewConv)
		assert.Equal(t, []string{"one", "two", "three"}, bodies(content.Messages))

		// A message while the mail is out joins no mail yet; finishing
		// queues one for it.
		late, _, err := s.AddMessage(ctx, Message{ConversationID: c.ID, ClientID: "four", Author: Visitor, Body: "four", Created: 3000})
		require.NoError(t, err)
		require.NoError(t, mail.FinishMail(ctx, m, MailResult{Upto: content.Messages[2].ID}))
		got, err = mail.ClaimMails(ctx, 9000, 3000, time.Minute, 10)
		require.NoError(t, err)
		require.Len(t, got, 1)
		assert.Equal(t, late.ID, got[0].FirstID)
		content, err = mail.MailContent(ctx, got[0])
		require.NoError(t, err)
		assert.False(t, content.NewConv)
		assert.Equal(t, []string{"four"}, bodies(content.Messages))

		// Retried later; seen meanwhile: nothing left to tell.
		require.NoError(t, mail.FinishMail(ctx, got[0], MailResult{RetryAt: 20000}))
		got, err = mail.ClaimMails(ctx, 19999, 9000, time.Minute, 10)
		require.NoError(t, err)
		assert.Empty(t, got, "not due before its retry")
		_, err = s.MarkRead(ctx, c.ID, Agent, late.ID)
		require.NoError(t, err)
		got, err = mail.ClaimMails(ctx, 20000, 9000, time.Minute, 10)
		require.NoError(t, err)
		require.Len(t, got, 1)
		assert.Equal(t, 2, got[0].Attempt)
		content, err = mail.MailContent(ctx, got[0])
		require.NoError(t, err)
		assert.Empty(t, content.Messages, "the agent has read it")
		require.NoError(t, mail.FinishMail(ctx, got[0], MailResult{}))

		// Agent replies go to a visitor who gave an address, in their language.
		_, _, err = s.AddMessage(ctx, Message{ConversationID: c.ID, ClientID: "r0", Author: Agent, AgentID: ana.ID, Body: "before", Created: 30000})
		require.NoError(t, err)
		require.NoError(t, mail.SetVisitorEmail(ctx, c.ID, "vi@example.org", "sv"))
		r1, _, err := s.AddMessage(ctx, Message{ConversationID: c.ID, ClientID: "r1", Author: Agent, AgentID: ana.ID, Body: "reply", Created: 31000})
		require.NoError(t, err)
		got, err = mail.ClaimMails(ctx, 40000, 40000, time.Minute, 10)
		require.NoError(t, err)
		require.Len(t, got, 1)
		assert.Zero(t, got[0].AgentID)
		content, err = mail.MailContent(ctx, got[0])
		require.NoError(t, err)
		assert.Equal(t, "vi@example.org", content.To)
		assert.Equal(t, "sv", content.Lang)
		assert.Equal(t, []string{"reply"}, bodies(content.Messages), "the replies since the address was given")
		require.NoError(t, mail.FinishMail(ctx, got[0], MailResult{Upto: r1.ID}))
		cv, err := s.Conversation(ctx, c.ID)
		require.NoError(t, err)
		assert.Equal(t, "vi@example.org", cv.Email)

		// Unsubscribing drops the waiting mails.
		_, _, err = s.AddMessage(ctx, Message{ConversationID: c.ID, ClientID: "r2", Author: Agent, AgentID: ana.ID, Body: "more", Created: 50000})
		require.NoError(t, err)
		_, _, err = s.AddMessage(ctx, Message{ConversationID: c.ID, ClientID: "v5", Author: Visitor, Body: "five", Created: 50001})
		require.NoError(t, err)
		require.NoError(t, mail.Unsubscribe(ctx, c.ID, 0))
		require.NoError(t, mail.Unsubscribe(ctx, c.ID, ana.ID))
		got, err = mail.ClaimMails(ctx, 90000, 90000, time.Minute, 10)
		require.NoError(t, err)
		assert.Empty(t, got)
		agents, err := s.Agents(ctx, 0)
		require.NoError(t, err)
		assert.False(t, agents[0].MailMe)
		assert.Equal(t, "ana@example.com", agents[0].Email)
	})
}

func TestMailOutboxErasedWithTheConversation(t *testing.T) {
	forEachBackend(t, func(t *testing.T, kind backend) {
		ctx := context.Background()
		s := kind.open(t)
		mail := s.(Mail)
		_, err := s.AddAgent(ctx, "ana", "h", 1)
		require.NoError(t, err)
		require.NoError(t, mail.SetAgentEmail(ctx, "ana", "ana@example.com", true))
		c, err := s.CreateConversation(ctx, []byte("tok"), "demo", nil, 1000)
		require.NoError(t, err)
		require.NoError(t, mail.SetVisitorEmail(ctx, c.ID, "vi@example.org", "en"))
		_, _, err = s.AddMessage(ctx, Message{ConversationID: c.ID, ClientID: "a", Author: Visitor, Body: "hi", Created: 2000})
		require.NoError(t, err)
		require.NoError(t, mail.AddRestoreCode(ctx, c.ID, "sel", []byte("h"), 2000, 9000))
		e, err := s.ExportConversation(ctx, c.ID)
		require.NoError(t, err)
		assert.Equal(t, "vi@example.org", e.Conversation.Email, "the address is exported")
		require.NoError(t, s.EraseConversation(ctx, c.ID))
		got, err := mail.ClaimMails(ctx, 9000, 9000, time.Minute, 10)
		require.NoError(t, err)
		assert.Empty(t, got)
		_, err = mail.Restore(ctx, "sel", func([]byte) bool { return true }, []byte("new"), 3000)
		assert.ErrorIs(t, err, ErrNotFound)
	})
}

func TestMailClaimsAcrossInstances(t *testing.T) {
	forEachBackend(t, func(t *testing.T, kind backend) {
		ctx := context.Background()
		s := kind.open(t)
		mail := s.(Mail)
		for _, name := range []string{"a", "b", "c", "d"} {
			_, err := s.AddAgent(ctx, name, "h", 1)
			require.NoError(t, err)
			require.NoError(t, mail.SetAgentEmail(ctx, name, name+"@example.com", true))
		}
		for i := range 10 {
			c, err := s.CreateConversation(ctx, []byte{byte(i)}, "demo", nil, 1000)
			require.NoError(t, err)
			_, _, err = s.AddMessage(ctx, Message{ConversationID: c.ID, ClientID: "m", Author: Visitor, Body: "hi", Created: 2000})
			require.NoError(t, err)
		}
		// Four claimers at once take 40 mails between them, none twice.
		var mu sync.Mutex
		seen := map[int64]int{}
		var wg sync.WaitGroup
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					got, err := mail.ClaimMails(ctx, 5000, 5000, time.Minute, 3)
					if !assert.NoError(t, err) || len(got) == 0 {
						return
					}
					mu.Lock()
					for _, m := range got {
						seen[m.ID]++
					}
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		assert.Len(t, seen, 40)
		for id, n := range seen {
			assert.Equal(t, 1, n, "mail %d claimed %d times", id, n)
		}
	})
}

func TestRestoreCodes(t *testing.T) {
	forEachBackend(t, func(t *testing.T, kind backend) {
		ctx := context.Background()
		s := kind.open(t)
		mail := s.(Mail)
		c, err := s.CreateConversation(ctx, []byte("old"), "demo", nil, 1000)
		require.NoError(t, err)
		require.NoError(t, mail.AddRestoreCode(ctx, c.ID, "good", []byte("hash"), 1000, 5000))
		require.NoError(t, mail.AddRestoreCode(ctx, c.ID, "late", []byte("hash"), 1000, 2000))
		match := func(h []byte) bool { return bytes.Equal(h, []byte("hash")) }
		wrong := func([]byte) bool { return false }

		tests := []struct {
			name, selector string
			check          func([]byte) bool
			now            int64
			ok             bool
		}{
			{"unknown", "nope", match, 1500, false},
			{"wrong secret", "good", wrong, 1500, false},
			{"expired", "late", match, 2000, false},
			{"expired, once deleted", "late", match, 1500, false},
			{"good", "good", match, 1500, true},
			{"reused", "good", match, 1500, false},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				id, err := mail.Restore(ctx, tt.selector, tt.check, []byte("new-"+tt.name), tt.now)
				if !tt.ok {
					assert.ErrorIs(t, err, ErrNotFound)
					return
				}
				require.NoError(t, err)
				assert.Equal(t, c.ID, id)
				_, err = s.ConversationByToken(ctx, []byte("old"))
				assert.ErrorIs(t, err, ErrNotFound, "the old token stops working")
				got, err := s.ConversationByToken(ctx, []byte("new-"+tt.name))
				require.NoError(t, err)
				assert.Equal(t, c.ID, got.ID)
			})
		}
	})
}

func TestMailGoesToTheAssignee(t *testing.T) {
	forEachBackend(t, func(t *testing.T, kind backend) {
		ctx := context.Background()
		s := kind.open(t)
		mail := s.(Mail)
		agents := map[string]int64{}
		for _, name := range []string{"ana", "bob"} {
			a, err := s.AddAgent(ctx, name, "h", 1)
			require.NoError(t, err)
			require.NoError(t, mail.SetAgentEmail(ctx, name, name+"@example.com", true))
			agents[name] = a.ID
		}
		c, err := s.CreateConversation(ctx, []byte("tok"), "demo", nil, 1000)
		require.NoError(t, err)
		recipients := func(now int64) []int64 {
			t.Helper()
			got, err := mail.ClaimMails(ctx, now, now, time.Minute, 10)
			require.NoError(t, err)
			var ids []int64
			for _, m := range got {
				ids = append(ids, m.AgentID)
				require.NoError(t, mail.FinishMail(ctx, m, MailResult{Upto: m.FirstID}))
			}
			return ids
		}

		_, _, err = s.AddMessage(ctx, Message{ConversationID: c.ID, ClientID: "a", Author: Visitor, Body: "hello", Created: 2000})
		require.NoError(t, err)
		assert.ElementsMatch(t, []int64{agents["ana"], agents["bob"]}, recipients(2000), "unassigned: every agent who wants mail")

		require.NoError(t, s.Assign(ctx, c.ID, "bob"))
		_, _, err = s.AddMessage(ctx, Message{ConversationID: c.ID, ClientID: "b", Author: Visitor, Body: "still there?", Created: 3000})
		require.NoError(t, err)
		assert.Equal(t, []int64{agents["bob"]}, recipients(3000), "assigned: the assignee alone")
	})
}
