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
