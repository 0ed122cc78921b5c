package storage

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crumbless/crumbless/server/search"
)

// find runs a query the way the API does: through search.Terms.
func find(t *testing.T, s Store, q string, offset, limit int) []SearchHit {
	t.Helper()
	terms, err := search.Terms(q)
	require.NoError(t, err, q)
	hits, err := s.Search(context.Background(), terms, offset, limit)
	require.NoError(t, err, q)
	return hits
}

func refs(hits []SearchHit) []string {
	out := []string{}
	for _, h := range hits {
		out = append(out, fmt.Sprintf("%s:%d", h.Kind, h.Ref))
	}
	return out
}

func TestSearch(t *testing.T) {
	forEachBackend(t, func(t *testing.T, kind backend) {
		ctx := context.Background()
		s := kind.open(t)
		a, err := s.CreateConversation(ctx, []byte("a"), "demo", nil, 1000)
		require.NoError(t, err)
		b, err := s.CreateConversation(ctx, []byte("b"), "demo", nil, 1000)
		require.NoError(t, err)
		add := func(c Conversation, author, body string, at int64) Message {
			m, _, err := s.AddMessage(ctx, Message{ConversationID: c.ID, ClientID: fmt.Sprint(at), Author: author, Body: body, Created: at})
			require.NoError(t, err)
			return m
		}
		sv := add(a, Visitor, "Hej! Min Äppeltårta kom aldrig till Göteborg.", 2000)
		ar := add(a, Visitor, "مرحبا، أريد إلغاء طلبي رقم 4521", 2001)
		en := add(b, Agent, "Your order FOO-OR is on its way", 2002)
		sub, _, err := s.AddSubmission(ctx, Submission{FormID: "contact", ConversationID: b.ID, ClientID: "s1",
			Fields: map[string]string{"name": "Åsa Öberg", "message": "Fakturan saknas"}, Created: 2003})
		require.NoError(t, err)

		for _, c := range []struct {
			q    string
			want []string
		}{
			{"äppeltårta", []string{fmt.Sprintf("visitor:%d", sv.ID)}},
			{"ÄPPEL", []string{fmt.Sprintf("visitor:%d", sv.ID)}},        // prefix, case folded
			{"appeltarta", []string{}},                                   // å is not a
			{"göteborg hej", []string{fmt.Sprintf("visitor:%d", sv.ID)}}, // all terms
			{"göteborg saknas", []string{}},                              // all terms, not any
			{"إلغاء", []string{fmt.Sprintf("visitor:%d", ar.ID)}},        // Arabic
			{"طلب", []string{fmt.Sprintf("visitor:%d", ar.ID)}},          // Arabic prefix
			{"4521", []string{fmt.Sprintf("visitor:%d", ar.ID)}},
			{"faktura", []string{fmt.Sprintf("form:%d", sub.ID)}},  // form fields
			{"åsa", []string{fmt.Sprintf("form:%d", sub.ID)}},      // Å folded
			{"order OR", []string{fmt.Sprintf("agent:%d", en.ID)}}, // OR is a word
			{`"order`, []string{fmt.Sprintf("agent:%d", en.ID)}},   // a stray quote
			{"NEAR(order way", []string{}},                         // NEAR is a word, in no text
			{"order*", []string{fmt.Sprintf("agent:%d", en.ID)}},
			{"order' & !way:* | x", []string{}}, // tsquery syntax: x matches nothing
			{"order') OR 1=1 --", []string{}},
		} {
			t.Run(c.q, func(t *testing.T) {
				assert.Equal(t, c.want, refs(find(t, s, c.q, 0, 50)))
			})
		}

		t.Run("hit fields", func(t *testing.T) {
			got := find(t, s, "fakturan", 0, 10)
			require.Len(t, got, 1)
			assert.Equal(t, SearchHit{Kind: "form", Ref: sub.ID, ConversationID: b.ID, Created: 2003}, SearchHit{Kind: got[0].Kind, Ref: got[0].Ref, ConversationID: got[0].ConversationID, Created: got[0].Created})
			assert.Contains(t, got[0].Text, "Fakturan saknas")
			assert.Contains(t, got[0].Text, "Åsa Öberg")
		})

		t.Run("paging", func(t *testing.T) {
			c, err := s.CreateConversation(ctx, []byte("c"), "demo", nil, 1000)
			require.NoError(t, err)
			var want []string
			for i := range 7 {
				m := add(c, Visitor, fmt.Sprintf("paging word number %d", i), int64(3000+i))
				want = append([]string{fmt.Sprintf("visitor:%d", m.ID)}, want...)
			}
			var got []string
			for offset := 0; offset < 10; offset += 3 {
				got = append(got, refs(find(t, s, "paging", offset, 3))...)
			}
			assert.Equal(t, want, got, "newest first, each once")
		})

		t.Run("erased is not found", func(t *testing.T) {
			require.NoError(t, s.EraseConversation(ctx, a.ID))
			assert.Empty(t, find(t, s, "äppeltårta", 0, 50))
			assert.Empty(t, find(t, s, "إلغاء", 0, 50))
			require.NoError(t, s.EraseConversation(ctx, b.ID))
			assert.Empty(t, find(t, s, "fakturan", 0, 50), "the submission goes with its conversation")
			assert.Empty(t, find(t, s, "order", 0, 50))
		})
	})
}

func TestSearchRetention(t *testing.T) {
	forEachBackend(t, func(t *testing.T, kind backend) {
		ctx := context.Background()
		s := kind.open(t)
		c, err := s.CreateConversation(ctx, []byte("old"), "demo", nil, 1000)
		require.NoError(t, err)
		_, _, err = s.AddMessage(ctx, Message{ConversationID: c.ID, ClientID: "1", Author: Visitor, Body: "kvitto saknas", Created: 1000})
		require.NoError(t, err)
		_, _, err = s.AddSubmission(ctx, Submission{FormID: "f", ClientID: "s", Fields: map[string]string{"m": "kvittot"}, Created: 1000})
		require.NoError(t, err)
		require.Len(t, find(t, s, "kvitto", 0, 50), 2)
		_, ran, err := s.SweepRetention(ctx, Retention{Conversations: 1000}, 1000+24*3600*1000)
		require.NoError(t, err)
		require.True(t, ran)
		assert.Empty(t, find(t, s, "kvitto", 0, 50))
	})
}

func TestReplies(t *testing.T) {
	forEachBackend(t, func(t *testing.T, kind backend) {
		ctx := context.Background()
		s := kind.open(t)
		hi, err := s.AddReply(ctx, "hello", "Hello! How can I help?", 10)
		require.NoError(t, err)
		_, err = s.AddReply(ctx, "bye", "Bye!", 11)
		require.NoError(t, err)
		_, err = s.AddReply(ctx, "hello", "again", 12)
		assert.ErrorIs(t, err, ErrConflict)

		list, err := s.Replies(ctx)
		require.NoError(t, err)
		require.Len(t, list, 2)
		assert.Equal(t, []string{"bye", "hello"}, []string{list[0].Name, list[1].Name})

		got, err := s.UpdateReply(ctx, hi.ID, "hej", "Hej! Vad kan jag hjälpa till med?", 20)
		require.NoError(t, err)
		assert.Equal(t, Reply{ID: hi.ID, Name: "hej", Body: "Hej! Vad kan jag hjälpa till med?", Created: 10, Updated: 20}, got)
		_, err = s.UpdateReply(ctx, hi.ID, "bye", "x", 21)
		assert.ErrorIs(t, err, ErrConflict)
		_, err = s.UpdateReply(ctx, 9999, "x", "x", 21)
		assert.ErrorIs(t, err, ErrNotFound)

		require.NoError(t, s.DeleteReply(ctx, hi.ID))
		assert.ErrorIs(t, s.DeleteReply(ctx, hi.ID), ErrNotFound)
		list, err = s.Replies(ctx)
		require.NoError(t, err)
		assert.Len(t, list, 1)
	})
}
