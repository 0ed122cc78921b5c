package storage

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStatCounts(t *testing.T) {
	forEachBackend(t, func(t *testing.T, kind backend) {
		ctx := context.Background()
		st := kind.open(t).(Stats)
		open := StatCount{Day: "2026-12-03", Kind: "open", Path: "/pricing", Referrer: "https://search.example", Lang: "de", Device: "small"}
		nohit := StatCount{Day: "2026-12-04", Kind: "nohit", Detail: "refund", Path: "/", Lang: "en", Device: "large"}
		require.NoError(t, st.CountStats(ctx, []StatCount{open, open, nohit}))
		// Counting from many requests at once loses none.
		var wg sync.WaitGroup
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				assert.NoError(t, st.CountStats(ctx, []StatCount{open}))
			}()
		}
		wg.Wait()
		require.NoError(t, st.CountStats(ctx, nil))
		got, err := st.StatCounts(ctx, "2026-12-01", "2026-12-04")
		require.NoError(t, err)
		open.N, nohit.N = 10, 1
		assert.Equal(t, []StatCount{open, nohit}, got)

		got, err = st.StatCounts(ctx, "2026-12-04", "2026-12-31")
		require.NoError(t, err)
		assert.Equal(t, []StatCount{nohit}, got, "only the days asked")
	})
}

func TestResponseSamples(t *testing.T) {
	forEachBackend(t, func(t *testing.T, kind backend) {
		ctx := context.Background()
		s := kind.open(t)
		ana, err := s.AddAgent(ctx, "ana", "x", 0)
		require.NoError(t, err)
		bo, err := s.AddAgent(ctx, "bo", "x", 0)
		require.NoError(t, err)
		msg := func(c Conversation, id, author string, agent int64, at int64) {
			t.Helper()
			_, _, err := s.AddMessage(ctx, Message{ConversationID: c.ID, ClientID: id, Author: author, AgentID: agent, Body: "hi", Created: at})
			require.NoError(t, err)
		}
		conv := func(hash string) Conversation {
			c, err := s.CreateConversation(ctx, []byte(hash), "demo", nil, 0)
			require.NoError(t, err)
			return c
		}
		// An agent greeting before the visitor wrote does not count; the
		// first agent message after the first visitor message does.
		a := conv("a")
		msg(a, "g", Agent, bo.ID, 1_000)
		msg(a, "1", Visitor, 0, 2_000)
		msg(a, "2", Visitor, 0, 2_500)
		msg(a, "3", Agent, ana.ID, 9_000)
		msg(a, "4", Agent, bo.ID, 9_500)
		b := conv("b") // unanswered
		msg(b, "1", Visitor, 0, 3_000)
		c := conv("c") // outside the range
		msg(c, "1", Visitor, 0, 50_000)
		msg(c, "2", Agent, bo.ID, 51_000)

		got, err := s.(Stats).ResponseSamples(ctx, 0, 10_000)
		require.NoError(t, err)
		assert.Equal(t, []ResponseSample{{Asked: 2_000, Replied: 9_000, Agent: "ana"}, {Asked: 3_000}}, got)
	})
}

// TestResolutionSamples: without conversation states there is nothing to
// measure; with them (the columns the workflow's migration adds, added
// here when the migrations lack them) a resolved conversation gives the
// time from its first visitor message to its resolution, by assignee.
func TestResolutionSamples(t *testing.T) {
	forEachBackend(t, func(t *testing.T, kind backend) {
		ctx := context.Background()
		s := kind.open(t)
		st := s.(Stats)
		db := inner(s)
		if _, err := db.exec(ctx, `SELECT state FROM conversations WHERE 1 = 0`); err != nil {
			_, err := st.ResolutionSamples(ctx, 0, 1)
			require.ErrorIs(t, err, ErrNoResolution)
			for _, col := range []string{
				`state TEXT NOT NULL DEFAULT 'open'`, `resolved_at BIGINT NOT NULL DEFAULT 0`, `assignee_id BIGINT REFERENCES agents (id) ON DELETE SET NULL`,
			} {
				_, err := db.exec(ctx, `ALTER TABLE conversations ADD COLUMN `+col)
				require.NoError(t, err)
			}
		}
		ana, err := s.AddAgent(ctx, "ana", "x", 0)
		require.NoError(t, err)
		conv := func(hash string, asked, resolved int64, state string, assignee any) {
			t.Helper()
			c, err := s.CreateConversation(ctx, []byte(hash), "demo", nil, 0)
			require.NoError(t, err)
			_, _, err = s.AddMessage(ctx, Message{ConversationID: c.ID, ClientID: "1", Author: Visitor, Body: "hi", Created: asked})
			require.NoError(t, err)
			_, err = db.exec(ctx, `UPDATE conversations SET state = ?, resolved_at = ?, assignee_id = ? WHERE id = ?`, state, resolved, assignee, c.ID)
			require.NoError(t, err)
		}
		conv("a", 1_000, 61_000, "resolved", ana.ID)
		conv("b", 2_000, 5_000, "resolved", nil)
		conv("c", 3_000, 9_000, "open", ana.ID)      // reopened: not resolved now
		conv("d", 4_000, 99_000, "resolved", ana.ID) // outside the range
		got, err := st.ResolutionSamples(ctx, 0, 90_000)
		require.NoError(t, err)
		assert.Equal(t, []ResponseSample{{Asked: 2_000, Replied: 5_000}, {Asked: 1_000, Replied: 61_000, Agent: "ana"}}, got)
	})
}

// inner is the database/sql store under either backend.
func inner(s Store) *store {
	switch x := s.(type) {
	case *SQLite:
		return &x.store
	case *Postgres:
		return &x.store
	}
	panic("crumbless: unknown store")
}
