package storage

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crumbless/crumbless/internal/testenv/pgtest"
)

// The storage suite: every test here runs against each backend, so that
// SQLite and PostgreSQL keep the same semantics.

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// backend opens a fresh, empty store of one kind; reopen opens the same
// database again (a restart).
type backend struct {
	name   string
	open   func(t *testing.T) Store
	reopen func(t *testing.T) Store
}

func backends() []backend {
	var sqlitePath, pgURL string
	keep := func(t *testing.T, s Store, err error) Store {
		t.Helper()
		require.NoError(t, err)
		t.Cleanup(func() { s.Close() })
		return s
	}
	return []backend{
		{
			name: "sqlite",
			open: func(t *testing.T) Store {
				sqlitePath = filepath.Join(t.TempDir(), "test.db")
				s, err := OpenSQLite(context.Background(), sqlitePath)
				return keep(t, s, err)
			},
			reopen: func(t *testing.T) Store {
				s, err := OpenSQLite(context.Background(), sqlitePath)
				return keep(t, s, err)
			},
		},
		{
			name: "postgres",
			open: func(t *testing.T) Store {
				pgURL = pgtest.Database(t)
				s, err := OpenPostgres(context.Background(), pgURL)
				return keep(t, s, err)
			},
			reopen: func(t *testing.T) Store {
				s, err := OpenPostgres(context.Background(), pgURL)
				return keep(t, s, err)
			},
		},
	}
}

func forEachBackend(t *testing.T, fn func(t *testing.T, b backend)) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) { fn(t, b) })
	}
}

func TestConversationsAndMessages(t *testing.T) {
	forEachBackend(t, func(t *testing.T, kind backend) {
		ctx := context.Background()
		s := kind.open(t)
		a, err := s.CreateConversation(ctx, []byte("hash-a"), "demo", nil, 1000)
		require.NoError(t, err)
		b, err := s.CreateConversation(ctx, []byte("hash-b"), "demo", nil, 1001)
		require.NoError(t, err)
		_, err = s.CreateConversation(ctx, []byte("hash-a"), "demo", nil, 1002)
		assert.ErrorIs(t, err, ErrConflict, "token hashes are unique")

		got, err := s.ConversationByToken(ctx, []byte("hash-b"))
		require.NoError(t, err)
		assert.Equal(t, b.ID, got.ID)
		_, err = s.ConversationByToken(ctx, []byte("nope"))
		assert.ErrorIs(t, err, ErrNotFound)

		m1, created, err := s.AddMessage(ctx, Message{ConversationID: a.ID, ClientID: "c1", Author: Visitor, Body: "hello", Created: 2000})
		require.NoError(t, err)
		assert.True(t, created)
		again, created, err := s.AddMessage(ctx, Message{ConversationID: a.ID, ClientID: "c1", Author: Visitor, Body: "hello", Created: 2500})
		require.NoError(t, err)
		assert.False(t, created, "same client id is not stored twice")
		assert.Equal(t, m1, again)
		_, _, err = s.AddMessage(ctx, Message{ConversationID: a.ID, ClientID: "c1", Author: Visitor, Body: "other", Created: 2600})
		assert.ErrorIs(t, err, ErrConflict)
		_, created, err = s.AddMessage(ctx, Message{ConversationID: b.ID, ClientID: "c1", Author: Visitor, Body: "hi", Created: 2700})
		require.NoError(t, err)
		assert.True(t, created, "client ids are per conversation")
		_, _, err = s.AddMessage(ctx, Message{ConversationID: 999, ClientID: "x", Author: Visitor, Body: "hi", Created: 1})
		assert.Error(t, err, "foreign key enforced")

		agent, err := s.AddAgent(ctx, "ana", "hash", 1)
		require.NoError(t, err)
		r1, _, err := s.AddMessage(ctx, Message{ConversationID: a.ID, ClientID: "c1", Author: Agent, AgentID: agent.ID, Body: "hi there", Created: 3000})
		require.NoError(t, err)
		assert.Equal(t, "ana", r1.AgentName)
		r2, _, err := s.AddMessage(ctx, Message{ConversationID: a.ID, ClientID: "c2", Author: Agent, AgentID: agent.ID, Body: "how can I help", Created: 3100})
		require.NoError(t, err)

		conv, err := s.Conversation(ctx, a.ID)
		require.NoError(t, err)
		assert.Equal(t, 2, conv.UnreadVisitor)
		assert.Equal(t, 0, conv.UnreadAgent, "replying marks what came before as read")
		assert.Equal(t, r2.ID, conv.AgentRead, "an author has read their own message")
		require.NotNil(t, conv.Last)
		assert.Equal(t, "how can I help", conv.Last.Body)
		assert.Equal(t, int64(3100), conv.Updated)

		cur, err := s.MarkRead(ctx, a.ID, Visitor, r1.ID)
		require.NoError(t, err)
		assert.Equal(t, r1.ID, cur)
		cur, err = s.MarkRead(ctx, a.ID, Visitor, m1.ID)
		require.NoError(t, err)
		assert.Equal(t, r1.ID, cur, "cursor never moves back")
		cur, err = s.MarkRead(ctx, a.ID, Visitor, 1<<40)
		require.NoError(t, err)
		assert.Equal(t, r2.ID, cur, "cursor stops at the last message")
		_, err = s.MarkRead(ctx, 999, Visitor, 1)
		assert.ErrorIs(t, err, ErrNotFound)
		conv, err = s.Conversation(ctx, a.ID)
		require.NoError(t, err)
		assert.Equal(t, 0, conv.UnreadVisitor)

		msgs, err := s.Messages(ctx, a.ID, 0, 100)
		require.NoError(t, err)
		assert.Len(t, msgs, 3)
		msgs, err = s.Messages(ctx, a.ID, m1.ID, 1)
		require.NoError(t, err)
		require.Len(t, msgs, 1)
		assert.Equal(t, r1.ID, msgs[0].ID)
		all, err := s.AllMessages(ctx, m1.ID, 100)
		require.NoError(t, err)
		assert.Len(t, all, 3, "messages of every conversation after the cursor")

		list, err := s.Conversations(ctx, 10)
		require.NoError(t, err)
		require.Len(t, list, 2)
		assert.Equal(t, a.ID, list[0].ID, "most recent activity first")
		assert.Equal(t, 1, list[1].UnreadAgent)
	})
}

func TestBan(t *testing.T) {
	forEachBackend(t, func(t *testing.T, kind backend) {
		ctx := context.Background()
		s := kind.open(t)
		c, err := s.CreateConversation(ctx, []byte("h"), "", nil, 1)
		require.NoError(t, err)
		require.NoError(t, s.Ban(ctx, c.ID, "spam", 50))
		got, err := s.Conversation(ctx, c.ID)
		require.NoError(t, err)
		assert.True(t, got.Banned())
		assert.Equal(t, "spam", got.BannedReason)
		assert.Equal(t, int64(50), got.BannedAt)
		require.NoError(t, s.Ban(ctx, c.ID, "", 60))
		got, err = s.Conversation(ctx, c.ID)
		require.NoError(t, err)
		assert.False(t, got.Banned())
		assert.ErrorIs(t, s.Ban(ctx, 999, "spam", 1), ErrNotFound)
	})
}

func TestSubmissions(t *testing.T) {
	forEachBackend(t, func(t *testing.T, kind backend) {
		ctx := context.Background()
		s := kind.open(t)
		c, err := s.CreateConversation(ctx, []byte("h"), "", nil, 1)
		require.NoError(t, err)
		sub := Submission{FormID: "contact", ConversationID: c.ID, ClientID: "s1", Fields: map[string]string{"email": "a@b.co"}, Created: 10}
		got, created, err := s.AddSubmission(ctx, sub)
		require.NoError(t, err)
		assert.True(t, created)
		assert.Equal(t, "a@b.co", got.Fields["email"])
		assert.Equal(t, c.ID, got.ConversationID)
		again, created, err := s.AddSubmission(ctx, sub)
		require.NoError(t, err)
		assert.False(t, created)
		assert.Equal(t, got.ID, again.ID)
		sub.Fields = map[string]string{"email": "x@y.co"}
		_, _, err = s.AddSubmission(ctx, sub)
		assert.ErrorIs(t, err, ErrConflict)
		_, _, err = s.AddSubmission(ctx, Submission{FormID: "contact", ClientID: "s2", Fields: map[string]string{}, Created: 11})
		require.NoError(t, err)
		list, err := s.Submissions(ctx, 10)
		require.NoError(t, err)
		require.Len(t, list, 2)
		assert.Equal(t, "s2", list[0].ClientID, "newest first")
		assert.Equal(t, int64(0), list[0].ConversationID)
		byID, err := s.Submission(ctx, got.ID)
		require.NoError(t, err)
		assert.Equal(t, got, byID)
		_, err = s.Submission(ctx, 999)
		assert.ErrorIs(t, err, ErrNotFound)
	})
}

func TestAgentsAndSessions(t *testing.T) {
	forEachBackend(t, func(t *testing.T, kind backend) {
		ctx := context.Background()
		s := kind.open(t)
		a, err := s.AddAgent(ctx, "ana", "$2a$hash", 1)
		require.NoError(t, err)
		_, err = s.AddAgent(ctx, "ana", "x", 2)
		assert.ErrorIs(t, err, ErrConflict)
		got, err := s.AgentByName(ctx, "ana")
		require.NoError(t, err)
		assert.Equal(t, a, got)
		_, err = s.AgentByName(ctx, "bob")
		assert.ErrorIs(t, err, ErrNotFound)

		require.NoError(t, s.CreateSession(ctx, []byte("tok"), a.ID, 100, 200))
		sa, err := s.SessionAgent(ctx, []byte("tok"), 150)
		require.NoError(t, err)
		assert.Equal(t, "ana", sa.Name)
		_, err = s.SessionAgent(ctx, []byte("tok"), 200)
		assert.ErrorIs(t, err, ErrNotFound, "expired")
		require.NoError(t, s.CreateSession(ctx, []byte("tok2"), a.ID, 100, 300))
		require.NoError(t, s.DeleteSession(ctx, []byte("tok2")))
		_, err = s.SessionAgent(ctx, []byte("tok2"), 150)
		assert.ErrorIs(t, err, ErrNotFound, "deleted")
	})
}

// TestAgentAccounts: list, end sessions, new password and removal, each
// ending the agent's sessions at once; an agent's messages outlive it.
func TestAgentAccounts(t *testing.T) {
	forEachBackend(t, func(t *testing.T, kind backend) {
		ctx := context.Background()
		s := kind.open(t)
		ana, err := s.AddAgent(ctx, "ana", "h1", 1)
		require.NoError(t, err)
		bob, err := s.AddAgent(ctx, "bob", "h2", 2)
		require.NoError(t, err)
		require.NoError(t, s.CreateSession(ctx, []byte("a1"), ana.ID, 10, 1000))
		require.NoError(t, s.CreateSession(ctx, []byte("a2"), ana.ID, 10, 1000))
		require.NoError(t, s.CreateSession(ctx, []byte("b1"), bob.ID, 10, 1000))
		list, err := s.Agents(ctx, 20)
		require.NoError(t, err)
		assert.Equal(t, []AgentSummary{{Name: "ana", Created: 1, Sessions: 2, MailMe: true}, {Name: "bob", Created: 2, Sessions: 1, MailMe: true}}, list)

		n, err := s.EndAgentSessions(ctx, "ana")
		require.NoError(t, err)
		assert.EqualValues(t, 2, n)
		_, err = s.SessionAgent(ctx, []byte("a1"), 20)
		assert.ErrorIs(t, err, ErrNotFound)
		_, err = s.EndAgentSessions(ctx, "nobody")
		assert.ErrorIs(t, err, ErrNotFound)

		require.NoError(t, s.SetAgentPassword(ctx, "bob", "h3"))
		got, err := s.AgentByName(ctx, "bob")
		require.NoError(t, err)
		assert.Equal(t, "h3", got.PasswordHash)
		_, err = s.SessionAgent(ctx, []byte("b1"), 20)
		assert.ErrorIs(t, err, ErrNotFound, "a new password ends the sessions")
		assert.ErrorIs(t, s.SetAgentPassword(ctx, "nobody", "x"), ErrNotFound)

		c, err := s.CreateConversation(ctx, []byte("v"), "", nil, 30)
		require.NoError(t, err)
		_, _, err = s.AddMessage(ctx, Message{ConversationID: c.ID, ClientID: "m", Author: Agent, AgentID: bob.ID, Body: "hi", Created: 31})
		require.NoError(t, err)
		require.NoError(t, s.CreateSession(ctx, []byte("b2"), bob.ID, 40, 1000))
		require.NoError(t, s.RemoveAgent(ctx, "bob"))
		_, err = s.SessionAgent(ctx, []byte("b2"), 50)
		assert.ErrorIs(t, err, ErrNotFound, "removal ends the sessions")
		_, err = s.AgentByName(ctx, "bob")
		assert.ErrorIs(t, err, ErrNotFound)
		assert.ErrorIs(t, s.RemoveAgent(ctx, "bob"), ErrNotFound)
		msgs, err := s.Messages(ctx, c.ID, 0, 10)
		require.NoError(t, err)
		require.Len(t, msgs, 1, "the agent's messages stay")
		assert.Equal(t, "hi", msgs[0].Body)
	})
}

func TestRestartKeepsData(t *testing.T) {
	forEachBackend(t, func(t *testing.T, kind backend) {
		ctx := context.Background()
		s := kind.open(t)
		c, err := s.CreateConversation(ctx, []byte("h"), "", nil, 1)
		require.NoError(t, err)
		_, _, err = s.AddMessage(ctx, Message{ConversationID: c.ID, ClientID: "m", Author: Visitor, Body: "kept", Created: 2})
		require.NoError(t, err)
		require.NoError(t, s.Close())
		s2 := kind.reopen(t)
		msgs, err := s2.Messages(ctx, c.ID, 0, 10)
		require.NoError(t, err)
		require.Len(t, msgs, 1)
		assert.Equal(t, "kept", msgs[0].Body)
	})
}

func TestConcurrentWriters(t *testing.T) {
	forEachBackend(t, func(t *testing.T, kind backend) {
		ctx := context.Background()
		s := kind.open(t)
		c, err := s.CreateConversation(ctx, []byte("h"), "", nil, 1)
		require.NoError(t, err)
		var wg sync.WaitGroup
		for w := 0; w < 8; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < 10; i++ {
					// Every writer sends the same 10 client ids: 10 messages in all.
					_, _, err := s.AddMessage(ctx, Message{ConversationID: c.ID, ClientID: fmt.Sprint("id", i), Author: Visitor, Body: fmt.Sprint("m", i), Created: 5})
					assert.NoError(t, err)
				}
			}()
		}
		wg.Wait()
		msgs, err := s.Messages(ctx, c.ID, 0, 100)
		require.NoError(t, err)
		assert.Len(t, msgs, 10)
	})
}

func TestTickets(t *testing.T) {
	forEachBackend(t, func(t *testing.T, kind backend) {
		ctx := context.Background()
		s := kind.open(t)
		c, err := s.CreateConversation(ctx, []byte("h"), "", nil, 1)
		require.NoError(t, err)
		require.NoError(t, s.CreateTicket(ctx, []byte("t1"), c.ID, 100, 160))
		id, err := s.TicketConversation(ctx, []byte("t1"), 159)
		require.NoError(t, err)
		assert.Equal(t, c.ID, id)
		_, err = s.TicketConversation(ctx, []byte("t1"), 160)
		assert.ErrorIs(t, err, ErrNotFound, "expired")
		_, err = s.TicketConversation(ctx, []byte("nope"), 100)
		assert.ErrorIs(t, err, ErrNotFound)
		assert.Error(t, s.CreateTicket(ctx, []byte("t2"), 999, 100, 160), "foreign key enforced")

		// A new ticket sweeps the ended ones; a live one stays.
		require.NoError(t, s.CreateTicket(ctx, []byte("t3"), c.ID, 150, 400))
		require.NoError(t, s.CreateTicket(ctx, []byte("t4"), c.ID, 300, 500))
		_, err = s.TicketConversation(ctx, []byte("t1"), 0)
		assert.ErrorIs(t, err, ErrNotFound, "swept")
		id, err = s.TicketConversation(ctx, []byte("t3"), 300)
		require.NoError(t, err)
		assert.Equal(t, c.ID, id)
	})
}
