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

// execRaw runs a statement on the store's database, outside the store.
func execRaw(t *testing.T, s Store, query string) {
	t.Helper()
	var err error
	switch db := s.(type) {
	case *SQLite:
		_, err = db.DB().Exec(query)
	case *Postgres:
		_, err = db.Pool().Exec(context.Background(), query)
	default:
		t.Fatalf("no raw access to %T", s)
	}
	require.NoError(t, err, query)
}

// failInserts makes every insert into table fail until the returned
// function is called.
func failInserts(t *testing.T, s Store, table string) (restore func()) {
	t.Helper()
	name := "fail_" + table
	if _, ok := s.(*SQLite); ok {
		execRaw(t, s, `CREATE TRIGGER `+name+` BEFORE INSERT ON `+table+` BEGIN SELECT RAISE(ABORT, 'failed on purpose'); END`)
		return func() { execRaw(t, s, `DROP TRIGGER `+name) }
	}
	execRaw(t, s, `CREATE OR REPLACE FUNCTION fail_on_purpose() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'failed on purpose'; END $$`)
	execRaw(t, s, `CREATE TRIGGER `+name+` BEFORE INSERT ON `+table+` FOR EACH ROW EXECUTE FUNCTION fail_on_purpose()`)
	return func() { execRaw(t, s, `DROP TRIGGER `+name+` ON `+table) }
}

// The store counts conversations, messages, form submissions and ratings
// in the transaction of the event: a committed event is counted exactly
// once (a retry or a changed rating adds nothing), an event that fails is
// not counted, and a count that fails fails its event.
func TestStatCountsInTheEventsTransaction(t *testing.T) {
	forEachBackend(t, func(t *testing.T, kind backend) {
		ctx := context.Background()
		s := kind.open(t)
		st := s.(Stats)
		w := s.(Webhooks)
		wf := s.(Workflow)
		const at = int64(1796342400000) // 2026-12-04T00:00:00Z
		const today = "2026-12-04"
		_, err := w.AddWebhook(ctx, "https://hooks.example/", "whsec_x", []string{EventConversationCreated, EventMessageCreated, EventFormSubmitted}, at)
		require.NoError(t, err)
		agent, err := s.AddAgent(ctx, "ana", "x", at)
		require.NoError(t, err)
		counts := func() map[string]int64 {
			t.Helper()
			got, err := st.StatCounts(ctx, today, today)
			require.NoError(t, err)
			out := map[string]int64{}
			for _, c := range got {
				out[c.Kind+" "+c.Detail+" "+c.Lang] += c.N
			}
			return out
		}

		// Failures after the count (the webhook deliveries are queued last)
		// and failures of the count itself leave neither.
		for _, table := range []string{"webhook_deliveries", "stat_counts"} {
			restore := failInserts(t, s, table)
			_, err := s.CreateConversation(ctx, []byte("failed-"+table), "demo", nil, at)
			assert.Error(t, err, "conversation with %s failing", table)
			restore()
		}
		assert.Empty(t, counts(), "no count of a conversation that failed")
		_, err = s.ConversationByToken(ctx, []byte("failed-stat_counts"))
		assert.ErrorIs(t, err, ErrNotFound, "no conversation whose count failed")

		c, err := s.CreateConversation(ctx, []byte("c"), "demo", nil, at)
		require.NoError(t, err)
		assert.Equal(t, map[string]int64{"conversation  ": 1}, counts())

		visitor := Message{ConversationID: c.ID, ClientID: "v1", Author: Visitor, Body: "hi", Created: at}
		reply := Message{ConversationID: c.ID, ClientID: "a1", Author: Agent, AgentID: agent.ID, Body: "hello", Created: at}
		sub := Submission{FormID: "contact", ClientID: "s1", Fields: map[string]string{"name": "x"}, Created: at, Lang: "de"}
		for _, table := range []string{"webhook_deliveries", "stat_counts"} {
			restore := failInserts(t, s, table)
			for _, m := range []Message{visitor, reply} {
				_, _, err := s.AddMessage(ctx, m)
				assert.Error(t, err, "%s message with %s failing", m.Author, table)
			}
			_, _, err := s.AddSubmission(ctx, sub)
			assert.Error(t, err, "submission with %s failing", table)
			restore()
		}
		msgs, err := s.Messages(ctx, c.ID, 0, 10)
		require.NoError(t, err)
		assert.Empty(t, msgs, "no message whose count failed")
		subs, err := s.Submissions(ctx, 10)
		require.NoError(t, err)
		assert.Empty(t, subs, "no submission whose count failed")
		_, _, err = s.AddMessage(ctx, Message{ConversationID: c.ID + 99, ClientID: "x", Author: Visitor, Body: "hi", Created: at})
		assert.Error(t, err, "a message to no conversation")
		assert.Equal(t, map[string]int64{"conversation  ": 1}, counts(), "no count of a failed message or submission")

		for range 2 { // the second time is a retry: stored and counted once
			_, _, err = s.AddMessage(ctx, visitor)
			require.NoError(t, err)
			_, _, err = s.AddMessage(ctx, reply)
			require.NoError(t, err)
			_, _, err = s.AddSubmission(ctx, sub)
			require.NoError(t, err)
		}
		_, _, err = s.AddMessage(ctx, Message{ConversationID: c.ID, ClientID: "v1", Author: Visitor, Body: "other", Created: at})
		assert.ErrorIs(t, err, ErrConflict)
		want := map[string]int64{"conversation  ": 1, "message_visitor  ": 1, "message_agent  ": 1, "form contact de": 1}
		assert.Equal(t, want, counts())

		// Ratings: none of an open conversation, none when the count
		// fails, one for a resolution however often it is changed.
		_, err = wf.Rate(ctx, c.ID, RatingGood, "", at)
		assert.ErrorIs(t, err, ErrNotResolved)
		require.NoError(t, wf.SetState(ctx, c.ID, StateResolved, 0, at))
		restore := failInserts(t, s, "stat_counts")
		_, err = wf.Rate(ctx, c.ID, RatingGood, "", at)
		assert.Error(t, err, "rating with the count failing")
		restore()
		got, err := s.Conversation(ctx, c.ID)
		require.NoError(t, err)
		assert.Nil(t, got.Rating, "no rating whose count failed")
		assert.Equal(t, want, counts())
		_, err = wf.Rate(ctx, c.ID, RatingGood, "", at)
		require.NoError(t, err)
		_, err = wf.Rate(ctx, c.ID, RatingBad, "changed my mind", at)
		require.NoError(t, err)
		want["rating good "] = 1
		assert.Equal(t, want, counts(), "a changed rating counts once")
	})
}

// The retention sweep deletes the statistics of the days before the
// statistics' retention, and the words of the searches that found nothing
// from the days before the conversations' retention when that is sooner.
func TestStatsRetention(t *testing.T) {
	forEachBackend(t, func(t *testing.T, kind backend) {
		ctx := context.Background()
		s := kind.open(t)
		st := s.(Stats)
		now := int64(1796342400000) + 12*3600*1000 // 2026-12-04T12:00:00Z
		var events []StatCount
		for _, d := range []string{"2025-10-29", "2025-10-30", "2026-09-04", "2026-09-05", "2026-12-04"} {
			events = append(events, StatCount{Day: d, Kind: "open"}, StatCount{Day: d, Kind: "nohit", Detail: "my order"})
		}
		require.NoError(t, st.CountStats(ctx, events))
		left := func() []string {
			t.Helper()
			got, err := st.StatCounts(ctx, "2000-01-01", "2100-01-01")
			require.NoError(t, err)
			var out []string
			for _, c := range got {
				out = append(out, c.Day+" "+c.Kind)
			}
			return out
		}

		// Statistics alone: 400 days before 2026-12-04T12:00Z is in
		// 2025-10-30, which is kept whole.
		swept, ran, err := s.SweepRetention(ctx, Retention{Stats: 400 * day}, now)
		require.NoError(t, err)
		require.True(t, ran)
		assert.Equal(t, Swept{Stats: 2}, swept)
		assert.Equal(t, []string{"2025-10-30 nohit", "2025-10-30 open", "2026-09-04 nohit", "2026-09-04 open",
			"2026-09-05 nohit", "2026-09-05 open", "2026-12-04 nohit", "2026-12-04 open"}, left())

		// With conversations kept 90 days, the searches' words go after 90
		// days (2026-09-05 is kept), the other counts after 400.
		now += DefaultSweepEvery.Milliseconds()
		swept, ran, err = s.SweepRetention(ctx, Retention{Conversations: 90 * day, Stats: 400 * day}, now)
		require.NoError(t, err)
		require.True(t, ran)
		assert.Equal(t, Swept{Stats: 2}, swept)
		assert.Equal(t, []string{"2025-10-30 open", "2026-09-04 open",
			"2026-09-05 nohit", "2026-09-05 open", "2026-12-04 nohit", "2026-12-04 open"}, left())

		// 0 keeps the statistics; a conversations' retention longer than
		// the statistics' changes nothing more.
		now += DefaultSweepEvery.Milliseconds()
		swept, ran, err = s.SweepRetention(ctx, Retention{}, now)
		require.NoError(t, err)
		require.True(t, ran)
		assert.Equal(t, Swept{}, swept)
		now += DefaultSweepEvery.Milliseconds()
		swept, ran, err = s.SweepRetention(ctx, Retention{Conversations: 500 * day, Stats: 30 * day}, now)
		require.NoError(t, err)
		require.True(t, ran)
		assert.Equal(t, Swept{Stats: 4}, swept)
		assert.Equal(t, []string{"2026-12-04 nohit", "2026-12-04 open"}, left())
	})
}
