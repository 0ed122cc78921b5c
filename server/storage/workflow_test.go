package storage

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// newWorkflow opens a store with one conversation (id returned) and the
// agents anna and bo.
func newWorkflow(t *testing.T, kind backend) (Store, int64, AgentAccount, AgentAccount) {
	t.Helper()
	ctx := context.Background()
	s := kind.open(t)
	c, err := s.CreateConversation(ctx, []byte("hash-w"), "demo", nil, 1000)
	require.NoError(t, err)
	anna, err := s.AddAgent(ctx, "anna", "h", 1000)
	require.NoError(t, err)
	bo, err := s.AddAgent(ctx, "bo", "h", 1000)
	require.NoError(t, err)
	return s, c.ID, anna, bo
}

func TestStateTransitions(t *testing.T) {
	const now, later = 5000, 9000
	tests := []struct {
		name  string
		from  []string // states set first, in order (snoozed until later)
		to    string
		until int64
		want  error
	}{
		{"open to resolved", nil, StateResolved, 0, nil},
		{"open to snoozed", nil, StateSnoozed, later, nil},
		{"snoozed to open", []string{StateSnoozed}, StateOpen, 0, nil},
		{"snoozed to resolved", []string{StateSnoozed}, StateResolved, 0, nil},
		{"snoozed again", []string{StateSnoozed}, StateSnoozed, later + 1, nil},
		{"resolved to open", []string{StateResolved}, StateOpen, 0, nil},
		{"open to open", nil, StateOpen, 0, ErrTransition},
		{"resolved to resolved", []string{StateResolved}, StateResolved, 0, ErrTransition},
		{"resolved to snoozed", []string{StateResolved}, StateSnoozed, later, ErrTransition},
		{"snooze without a time", nil, StateSnoozed, 0, ErrTransition},
		{"snooze into the past", nil, StateSnoozed, now - 1, ErrTransition},
		{"resolve with a time", nil, StateResolved, later, ErrTransition},
		{"unknown state", nil, "closed", 0, ErrTransition},
	}
	forEachBackend(t, func(t *testing.T, kind backend) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				ctx := context.Background()
				s, id, _, _ := newWorkflow(t, kind)
				for _, st := range tt.from {
					until := int64(0)
					if st == StateSnoozed {
						until = later
					}
					require.NoError(t, s.SetState(ctx, id, st, until, now-10))
				}
				before, err := s.Conversation(ctx, id)
				require.NoError(t, err)
				err = s.SetState(ctx, id, tt.to, tt.until, now)
				after, gerr := s.Conversation(ctx, id)
				require.NoError(t, gerr)
				if tt.want != nil {
					require.ErrorIs(t, err, tt.want)
					assert.Equal(t, before, after, "nothing changed")
					return
				}
				require.NoError(t, err)
				assert.Equal(t, tt.to, after.State)
				if tt.to == StateSnoozed {
					assert.Equal(t, tt.until, after.SnoozedUntil)
				} else {
					assert.Zero(t, after.SnoozedUntil)
				}
				if tt.to == StateResolved {
					assert.Equal(t, int64(now), after.ResolvedAt)
				}
			})
		}
		t.Run("no such conversation", func(t *testing.T) {
			s, _, _, _ := newWorkflow(t, kind)
			require.ErrorIs(t, s.SetState(context.Background(), 999, StateResolved, 0, now), ErrNotFound)
		})
	})
}

func TestSnoozeEnds(t *testing.T) {
	forEachBackend(t, func(t *testing.T, kind backend) {
		ctx := context.Background()
		s, id, _, _ := newWorkflow(t, kind)
		require.NoError(t, s.SetState(ctx, id, StateSnoozed, 2000, 1500))
		woken, err := s.WakeSnoozed(ctx, 1999)
		require.NoError(t, err)
		assert.Empty(t, woken, "still snoozed")
		woken, err = s.WakeSnoozed(ctx, 2000)
		require.NoError(t, err)
		assert.Equal(t, []int64{id}, woken)
		c, err := s.Conversation(ctx, id)
		require.NoError(t, err)
		assert.Equal(t, StateOpen, c.State)
		assert.Zero(t, c.SnoozedUntil)

		// An ended snooze not yet woken counts as open: it resolves, and
		// it cannot be reopened.
		require.NoError(t, s.SetState(ctx, id, StateSnoozed, 3000, 2500))
		require.ErrorIs(t, s.SetState(ctx, id, StateOpen, 0, 3001), ErrTransition)
		require.NoError(t, s.SetState(ctx, id, StateResolved, 0, 3002))
	})
}

// TestWakeSnoozedWithNothingDueWritesNothing holds a lock that stops every
// writer (SQLite's write lock; a PostgreSQL table lock that lets readers
// through) in a second connection: with no snooze ended, waking returns at
// once, without waiting for it; once one has ended it writes, after the
// lock is let go.
func TestWakeSnoozedWithNothingDueWritesNothing(t *testing.T) {
	forEachBackend(t, func(t *testing.T, kind backend) {
		ctx := context.Background()
		s, id, _, _ := newWorkflow(t, kind)
		require.NoError(t, s.SetState(ctx, id, StateSnoozed, 2000, 1500))
		var db *sql.DB
		switch other := kind.reopen(t).(type) {
		case *SQLite:
			db = other.db
		case *Postgres:
			db = other.db
		default:
			t.Fatalf("unknown store %T", other)
		}
		writers, err := db.BeginTx(ctx, nil) // SQLite: BEGIN IMMEDIATE, the write lock
		require.NoError(t, err)
		t.Cleanup(func() { _ = writers.Rollback() }) // before the stores close, when the test stops early
		if kind.name == "postgres" {
			_, err = writers.ExecContext(ctx, `LOCK TABLE conversations IN SHARE ROW EXCLUSIVE MODE`)
			require.NoError(t, err)
		}
		waitless, cancel := context.WithTimeout(ctx, 2*time.Second)
		defer cancel()
		woken, err := s.WakeSnoozed(waitless, 1999)
		require.NoError(t, err, "nothing due: no write to wait for")
		assert.Empty(t, woken)
		require.NoError(t, writers.Rollback())
		woken, err = s.WakeSnoozed(ctx, 2000)
		require.NoError(t, err)
		assert.Equal(t, []int64{id}, woken)
	})
}

func TestVisitorMessageReopens(t *testing.T) {
	forEachBackend(t, func(t *testing.T, kind backend) {
		for _, from := range []string{StateSnoozed, StateResolved} {
			t.Run(from, func(t *testing.T) {
				ctx := context.Background()
				s, id, anna, _ := newWorkflow(t, kind)
				require.NoError(t, s.SetState(ctx, id, from, map[string]int64{StateSnoozed: 99999}[from], 2000))
				_, _, err := s.AddMessage(ctx, Message{ConversationID: id, ClientID: "a1", Author: Agent, AgentID: anna.ID, Body: "bye", Created: 2100})
				require.NoError(t, err)
				c, err := s.Conversation(ctx, id)
				require.NoError(t, err)
				assert.Equal(t, from, c.State, "an agent's message leaves the state")
				_, _, err = s.AddMessage(ctx, Message{ConversationID: id, ClientID: "v1", Author: Visitor, Body: "one more thing", Created: 2200})
				require.NoError(t, err)
				c, err = s.Conversation(ctx, id)
				require.NoError(t, err)
				assert.Equal(t, StateOpen, c.State)
				assert.Zero(t, c.SnoozedUntil)
			})
		}
	})
}

func TestAgentCursors(t *testing.T) {
	forEachBackend(t, func(t *testing.T, kind backend) {
		ctx := context.Background()
		s, id, anna, bo := newWorkflow(t, kind)
		var ids []int64
		for i, body := range []string{"hi", "anyone?", "hello"} {
			m, _, err := s.AddMessage(ctx, Message{ConversationID: id, ClientID: string(rune('a' + i)), Author: Visitor, Body: body, Created: int64(2000 + i)})
			require.NoError(t, err)
			ids = append(ids, m.ID)
		}
		got, err := s.MarkAgentRead(ctx, id, anna.ID, ids[1])
		require.NoError(t, err)
		assert.Equal(t, ids[1], got)
		got, err = s.MarkAgentRead(ctx, id, anna.ID, ids[0])
		require.NoError(t, err)
		assert.Equal(t, ids[1], got, "never backward")

		ca, err := s.AgentConversation(ctx, id, anna.ID)
		require.NoError(t, err)
		cb, err := s.AgentConversation(ctx, id, bo.ID)
		require.NoError(t, err)
		assert.Equal(t, ids[1], ca.MyRead)
		assert.Equal(t, 1, ca.UnreadMine)
		assert.Zero(t, cb.MyRead)
		assert.Equal(t, 3, cb.UnreadMine, "bo has read nothing")
		assert.Equal(t, ids[1], ca.AgentRead, "the shared cursor follows the furthest agent")

		unread, err := s.UnreadByAgent(ctx, id)
		require.NoError(t, err)
		assert.Equal(t, map[string]int{"anna": 1, "bo": 3}, unread)

		// bo replies: bo has read everything, anna still has one unread.
		_, _, err = s.AddMessage(ctx, Message{ConversationID: id, ClientID: "r", Author: Agent, AgentID: bo.ID, Body: "hi!", Created: 3000})
		require.NoError(t, err)
		unread, err = s.UnreadByAgent(ctx, id)
		require.NoError(t, err)
		assert.Equal(t, map[string]int{"anna": 1, "bo": 0}, unread)

		got, err = s.MarkAgentRead(ctx, id, bo.ID, 1<<40)
		require.NoError(t, err)
		c, err := s.Conversation(ctx, id)
		require.NoError(t, err)
		assert.Equal(t, c.Last.ID, got, "never past the last message")
		_, err = s.MarkAgentRead(ctx, 999, bo.ID, 1)
		require.ErrorIs(t, err, ErrNotFound)
	})
}

func TestAgentConversationsPages(t *testing.T) {
	forEachBackend(t, func(t *testing.T, kind backend) {
		ctx := context.Background()
		s, first, anna, _ := newWorkflow(t, kind) // conversation 1 at 1000
		want := []int64{}
		for i, at := range []int64{1001, 1002, 1002, 1002, 1003, 1004} { // three alike: the id decides
			c, err := s.CreateConversation(ctx, []byte("hash-p"+string(rune('a'+i))), "demo", nil, at)
			require.NoError(t, err)
			want = append([]int64{c.ID}, want...)
		}
		want = append(want, first)
		for _, size := range []int{1, 2, 3, 7, 8} {
			var got []int64
			var before *Position
			for pages := 0; pages < 10; pages++ {
				l, err := s.AgentConversations(ctx, ConversationFilter{Viewer: anna.ID, Limit: size, Before: before})
				require.NoError(t, err)
				for _, c := range l {
					got = append(got, c.ID)
					before = &Position{Updated: c.Updated, ID: c.ID}
				}
				if len(l) < size {
					break
				}
			}
			assert.Equal(t, want, got, "pages of %d: every conversation once, latest activity first", size)
		}
		require.NoError(t, s.SetState(ctx, want[1], StateResolved, 0, 2000))
		require.NoError(t, s.SetState(ctx, want[4], StateResolved, 0, 2000))
		l, err := s.AgentConversations(ctx, ConversationFilter{Viewer: anna.ID, State: StateResolved, Limit: 1,
			Before: &Position{Updated: 1004, ID: want[0]}})
		require.NoError(t, err)
		require.Len(t, l, 1)
		assert.Equal(t, want[1], l[0].ID, "a page of one state starts after the position")
	})
}

func TestAssignment(t *testing.T) {
	forEachBackend(t, func(t *testing.T, kind backend) {
		ctx := context.Background()
		s, id, anna, bo := newWorkflow(t, kind)
		other, err := s.CreateConversation(ctx, []byte("hash-o"), "demo", nil, 1001)
		require.NoError(t, err)

		require.NoError(t, s.Assign(ctx, id, "bo"))
		c, err := s.AgentConversation(ctx, id, anna.ID)
		require.NoError(t, err)
		assert.Equal(t, bo.ID, c.AssigneeID)
		assert.Equal(t, "bo", c.Assignee)

		list := func(viewer int64, assigned string) []int64 {
			l, err := s.AgentConversations(ctx, ConversationFilter{Viewer: viewer, Assigned: assigned, Limit: 10})
			require.NoError(t, err)
			var ids []int64
			for _, c := range l {
				ids = append(ids, c.ID)
			}
			return ids
		}
		assert.Equal(t, []int64{id}, list(bo.ID, AssignedMine))
		assert.Empty(t, list(anna.ID, AssignedMine))
		assert.Equal(t, []int64{other.ID}, list(anna.ID, AssignedUnassigned))
		assert.Equal(t, []int64{other.ID, id}, list(anna.ID, AssignedAny))

		require.ErrorIs(t, s.Assign(ctx, id, "nobody"), ErrUnknownAgent)
		require.NoError(t, s.RemoveAgent(ctx, "bo"))
		c, err = s.Conversation(ctx, id)
		require.NoError(t, err)
		assert.Zero(t, c.AssigneeID, "a removed agent's conversations become unassigned")
		require.ErrorIs(t, s.Assign(ctx, id, "bo"), ErrUnknownAgent, "assignment to a removed agent")
		require.ErrorIs(t, s.Assign(ctx, 999, "anna"), ErrNotFound)

		require.NoError(t, s.Assign(ctx, id, "anna"))
		require.NoError(t, s.Assign(ctx, id, ""))
		assert.Equal(t, []int64{other.ID, id}, list(anna.ID, AssignedUnassigned))
	})
}

func TestCountsAndStateFilter(t *testing.T) {
	forEachBackend(t, func(t *testing.T, kind backend) {
		ctx := context.Background()
		s, id, anna, _ := newWorkflow(t, kind)
		two, err := s.CreateConversation(ctx, []byte("hash-2"), "demo", nil, 1001)
		require.NoError(t, err)
		three, err := s.CreateConversation(ctx, []byte("hash-3"), "demo", nil, 1002)
		require.NoError(t, err)
		require.NoError(t, s.SetState(ctx, two.ID, StateResolved, 0, 2000))
		require.NoError(t, s.SetState(ctx, three.ID, StateSnoozed, 9000, 2000))
		require.NoError(t, s.Assign(ctx, id, "anna"))
		require.NoError(t, s.Assign(ctx, two.ID, "bo"))

		n, err := s.ConversationCounts(ctx, anna.ID)
		require.NoError(t, err)
		assert.Equal(t, map[string]StateCount{
			StateOpen:     {All: 1, Mine: 1},
			StateResolved: {All: 1},
			StateSnoozed:  {All: 1, Unassigned: 1},
		}, n.States)

		l, err := s.AgentConversations(ctx, ConversationFilter{Viewer: anna.ID, State: StateResolved, Limit: 10})
		require.NoError(t, err)
		require.Len(t, l, 1)
		assert.Equal(t, two.ID, l[0].ID)
	})
}

func TestRatings(t *testing.T) {
	forEachBackend(t, func(t *testing.T, kind backend) {
		ctx := context.Background()
		s, id, anna, _ := newWorkflow(t, kind)
		_, err := s.Rate(ctx, id, RatingGood, "", 1500)
		require.ErrorIs(t, err, ErrNotResolved, "open")
		_, err = s.Rate(ctx, 999, RatingGood, "", 1500)
		require.ErrorIs(t, err, ErrNotFound)

		require.NoError(t, s.SetState(ctx, id, StateResolved, 0, 2000))
		r, err := s.Rate(ctx, id, RatingBad, "slow", 2100)
		require.NoError(t, err)
		assert.Equal(t, Rating{ConversationID: id, Resolution: 2000, Score: RatingBad, Comment: "slow", Created: 2100}, r)
		_, err = s.Rate(ctx, id, RatingGood, "fine after all", 2200) // the same resolution: replaces it
		require.NoError(t, err)
		c, err := s.AgentConversation(ctx, id, anna.ID)
		require.NoError(t, err)
		require.NotNil(t, c.Rating)
		assert.Equal(t, Rating{ConversationID: id, Resolution: 2000, Score: RatingGood, Comment: "fine after all", Created: 2200}, *c.Rating)
		n, err := s.ConversationCounts(ctx, anna.ID)
		require.NoError(t, err)
		assert.Equal(t, [2]int{1, 0}, [2]int{n.Good, n.Bad})

		// Reopened: no rating; resolved again: a second one counts too.
		require.NoError(t, s.SetState(ctx, id, StateOpen, 0, 3000))
		_, err = s.Rate(ctx, id, RatingBad, "", 3100)
		require.ErrorIs(t, err, ErrNotResolved)
		require.NoError(t, s.SetState(ctx, id, StateResolved, 0, 4000))
		_, err = s.Rate(ctx, id, RatingBad, "", 4100)
		require.NoError(t, err)
		n, err = s.ConversationCounts(ctx, anna.ID)
		require.NoError(t, err)
		assert.Equal(t, [2]int{1, 1}, [2]int{n.Good, n.Bad})
		c, err = s.Conversation(ctx, id)
		require.NoError(t, err)
		assert.Equal(t, int64(4000), c.Rating.Resolution, "the latest rating")

		e, err := s.ExportConversation(ctx, id)
		require.NoError(t, err)
		assert.Equal(t, []Rating{
			{ConversationID: id, Resolution: 2000, Score: RatingGood, Comment: "fine after all", Created: 2200},
			{ConversationID: id, Resolution: 4000, Score: RatingBad, Created: 4100},
		}, e.Ratings, "the export holds every rating")

		require.NoError(t, s.EraseConversation(ctx, id))
		n, err = s.ConversationCounts(ctx, anna.ID)
		require.NoError(t, err)
		assert.Equal(t, [2]int{0, 0}, [2]int{n.Good, n.Bad}, "erased with the conversation")
	})
}

func TestResolvedWebhookQueued(t *testing.T) {
	forEachBackend(t, func(t *testing.T, kind backend) {
		ctx := context.Background()
		s, id, _, _ := newWorkflow(t, kind)
		wh := s.(Webhooks)
		_, err := wh.AddWebhook(ctx, "https://hooks.example/", "whsec_a2V5", []string{EventConversationResolved}, 1000)
		require.NoError(t, err)
		select { // the conversation's creation woke it
		case <-wh.WebhookQueued():
		default:
		}
		require.ErrorIs(t, s.SetState(ctx, id, StateOpen, 0, 1500), ErrTransition)
		require.NoError(t, s.SetState(ctx, id, StateResolved, 0, 2000))
		require.ErrorIs(t, s.SetState(ctx, id, StateResolved, 0, 2500), ErrTransition, "a refused change queues nothing")
		ds, err := wh.ClaimDeliveries(ctx, 3000, time.Minute, 10)
		require.NoError(t, err)
		require.Len(t, ds, 1)
		assert.Equal(t, EventConversationResolved, ds[0].Type)
		assert.Equal(t, id, ds[0].ConversationID)
		assert.Equal(t, id, ds[0].SubjectID)
		assert.Equal(t, int64(2000), ds[0].Created)
		select {
		case <-wh.WebhookQueued():
		default:
			t.Error("the deliverer was not woken")
		}
	})
}
