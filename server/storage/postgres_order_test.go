package storage

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crumbless/crumbless/internal/testenv/pgtest"
)

// TestPostgresIDsVisibleInOrder: writers on two instances (two pools),
// each sending to conversations of its own and to a shared one, some
// sends repeated (idempotent retries), while readers on the second
// instance page by id like a stream resuming with Last-Event-ID: one
// through AllMessages (the agents' stream and the instances' catch-up),
// one through Messages per conversation (a visitor's stream). Each must
// see every message exactly once, in increasing id order, although it
// only ever asks for ids above the last one it saw: a lower id that
// became readable after a higher one would be missed.
func TestPostgresIDsVisibleInOrder(t *testing.T) {
	ctx := context.Background()
	url := pgtest.Database(t)
	a, b := openPostgres(t, url), openPostgres(t, url)
	const writers, each = 8, 25
	convs := make([]int64, writers+1) // one per writer, and a shared one last
	for i := range convs {
		c, err := a.CreateConversation(ctx, []byte(fmt.Sprint("h", i)), "", nil, 1)
		require.NoError(t, err)
		convs[i] = c.ID
	}
	stop := make(chan struct{})
	var readers sync.WaitGroup
	// page reads messages by id until stop, then one more page.
	page := func(read func(after int64) ([]Message, error)) *[]int64 {
		seen := &[]int64{}
		readers.Add(1)
		go func() {
			defer readers.Done()
			after := int64(0)
			for last := false; !last; {
				select {
				case <-stop:
					last = true
				default:
				}
				for {
					msgs, err := read(after)
					if !assert.NoError(t, err) {
						return
					}
					for _, m := range msgs {
						*seen = append(*seen, m.ID)
						after = m.ID
					}
					if len(msgs) < 50 {
						break
					}
				}
			}
		}()
		return seen
	}
	all := page(func(after int64) ([]Message, error) { return b.AllMessages(ctx, after, 50) })
	perConv := make([]*[]int64, len(convs))
	for i, c := range convs {
		perConv[i] = page(func(after int64) ([]Message, error) { return b.Messages(ctx, c, after, 50) })
	}
	var wg sync.WaitGroup
	for w := range writers {
		st := a
		if w%2 == 1 {
			st = b
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				conv := convs[w]
				if i%3 == 0 {
					conv = convs[writers]
				}
				m := Message{ConversationID: conv, ClientID: fmt.Sprint(w, "-", i), Author: Visitor, Body: "m", Created: 2}
				_, created, err := st.AddMessage(ctx, m)
				assert.NoError(t, err)
				assert.True(t, created)
				if i%5 == 0 { // a retry: the message stored, nothing new
					_, created, err := st.AddMessage(ctx, m)
					assert.NoError(t, err)
					assert.False(t, created)
				}
			}
		}()
	}
	wg.Wait()
	close(stop)
	readers.Wait()

	var want []int64
	for i, c := range convs {
		stored, err := a.Messages(ctx, c, 0, 500)
		require.NoError(t, err)
		ids := make([]int64, len(stored))
		for j, m := range stored {
			ids[j] = m.ID
		}
		assert.Equal(t, ids, *perConv[i], "conversation %d: every message seen once, in id order", i)
		want = append(want, ids...)
	}
	require.Len(t, want, writers*each)
	assert.Len(t, *all, len(want))
	assert.IsIncreasing(t, *all, "every message seen once, in id order")
	assert.ElementsMatch(t, want, *all)
}

// Stages of a send caught in flight (the statements of addMessage it has
// run).
const (
	rowLocked = 1 // its conversation's row, no message lock yet
	sending   = 2 // lockSending too, no id yet
	inserted  = 4 // its id, its lock and its row: all but the commit
)

// senderTx runs AddMessage's statements for m up to stage in a
// transaction that the test goes on with (senderStep), commits or rolls
// back, as a send caught in flight.
func senderTx(t *testing.T, s *Postgres, m Message, stage int) pgx.Tx {
	t.Helper()
	tx, err := s.Pool().Begin(context.Background())
	require.NoError(t, err)
	t.Cleanup(func() { tx.Rollback(context.Background()) })
	for i := range stage {
		senderStep(t, tx, m, i)
	}
	return tx
}

// senderStep runs statement i of addMessage for m in tx; after the last
// it returns the message's id.
func senderStep(t *testing.T, tx pgx.Tx, m Message, i int) int64 {
	t.Helper()
	ctx := context.Background()
	var err error
	switch i {
	case 0:
		_, err = tx.Exec(ctx, addMessage[0], m.ConversationID)
	case 1:
		_, err = tx.Exec(ctx, addMessage[1], m.ConversationID, m.Author, m.ClientID)
	case 2:
		_, err = tx.Exec(ctx, addMessage[2])
	case 3:
		var id, agentID, created int64
		var body, agentName string
		var isNew bool
		require.NoError(t, tx.QueryRow(ctx, addMessage[3], m.ConversationID, m.Author, m.ClientID, nil, m.Body, m.Created).
			Scan(&id, &body, &agentID, &agentName, &created, &isNew))
		require.True(t, isNew)
		return id
	}
	require.NoError(t, err)
	return 0
}

// insertedID is the id of the message a send caught at stage inserted
// stored.
func insertedID(t *testing.T, tx pgx.Tx, m Message) int64 {
	t.Helper()
	var id int64
	require.NoError(t, tx.QueryRow(context.Background(), `SELECT id FROM messages WHERE conversation_id = $1 AND client_id = $2`,
		m.ConversationID, m.ClientID).Scan(&id))
	return id
}

// TestPostgresSendInFlight: a send caught between its id and its commit
// neither holds up other sends (of other conversations, on other
// connections) nor lets a reader move past its id; once it commits, both
// messages are read, in order. A transaction that holds no message lock —
// another writer's, long — holds nobody up.
func TestPostgresSendInFlight(t *testing.T) {
	ctx := context.Background()
	url := pgtest.Database(t)
	a, b := openPostgres(t, url), openPostgres(t, url)
	c1, err := a.CreateConversation(ctx, []byte("h1"), "", nil, 1)
	require.NoError(t, err)
	c2, err := a.CreateConversation(ctx, []byte("h2"), "", nil, 1)
	require.NoError(t, err)
	first, _, err := a.AddMessage(ctx, Message{ConversationID: c2.ID, ClientID: "first", Author: Visitor, Body: "m", Created: 2})
	require.NoError(t, err)

	// Another writer's long transaction, with a transaction id of its own.
	other, err := b.Pool().Begin(ctx)
	require.NoError(t, err)
	defer other.Rollback(ctx)
	_, err = other.Exec(ctx, `INSERT INTO secrets (name, value) VALUES ('other', '\x00')`)
	require.NoError(t, err)

	slowMsg := Message{ConversationID: c1.ID, ClientID: "slow", Author: Visitor, Body: "m", Created: 2}
	tx := senderTx(t, a, slowMsg, inserted)
	slow := insertedID(t, tx, slowMsg)
	require.Greater(t, slow, first.ID)

	sctx, cancel := context.WithTimeout(ctx, time.Second) // far below the lock timeout
	fast, created, err := b.AddMessage(sctx, Message{ConversationID: c2.ID, ClientID: "fast", Author: Visitor, Body: "m", Created: 3})
	cancel()
	require.NoError(t, err, "a send in flight does not hold up another")
	require.True(t, created)
	require.Greater(t, fast.ID, slow)

	ids := func(msgs []Message, err error) []int64 {
		t.Helper()
		require.NoError(t, err)
		var out []int64
		for _, m := range msgs {
			out = append(out, m.ID)
		}
		return out
	}
	lastOf := func(r *Postgres, conv int64) int64 {
		t.Helper()
		list, err := r.Conversations(ctx, 10)
		require.NoError(t, err)
		for _, c := range list {
			if c.ID == conv && c.Last != nil {
				return c.Last.ID
			}
		}
		return 0
	}
	for _, r := range []*Postgres{a, b} {
		assert.Equal(t, []int64{first.ID}, ids(r.AllMessages(ctx, 0, 50)), "nothing past the id in flight")
		assert.Equal(t, []int64{first.ID}, ids(r.Messages(ctx, c2.ID, 0, 50)), "in no conversation")
		assert.Equal(t, first.ID, lastOf(r, c2.ID), "nor as a conversation's last message")
		last, err := r.LastMessageID(ctx)
		require.NoError(t, err)
		assert.Equal(t, slow-1, last)
	}
	require.NoError(t, tx.Commit(ctx))
	for _, r := range []*Postgres{a, b} {
		assert.Equal(t, []int64{first.ID, slow, fast.ID}, ids(r.AllMessages(ctx, 0, 50)))
		assert.Equal(t, []int64{slow, fast.ID}, ids(r.AllMessages(ctx, first.ID, 50)), "resume")
		assert.Equal(t, []int64{first.ID, fast.ID}, ids(r.Messages(ctx, c2.ID, 0, 50)))
		assert.Equal(t, fast.ID, lastOf(r, c2.ID))
		last, err := r.LastMessageID(ctx)
		require.NoError(t, err)
		assert.GreaterOrEqual(t, last, fast.ID)
	}
}

// TestPostgresSendBeforeItsID: a send that holds lockSending but has no
// id yet leaves the bound unknown: readers read up to the highest bound
// their process found before (what they read before, never less), without
// waiting, and read on once it ends.
func TestPostgresSendBeforeItsID(t *testing.T) {
	ctx := context.Background()
	url := pgtest.Database(t)
	s, other := openPostgres(t, url), openPostgres(t, url)
	c, err := s.CreateConversation(ctx, []byte("h"), "", nil, 1)
	require.NoError(t, err)
	m, _, err := s.AddMessage(ctx, Message{ConversationID: c.ID, ClientID: "a", Author: Visitor, Body: "m", Created: 2})
	require.NoError(t, err)
	got, err := s.AllMessages(ctx, 0, 50)
	require.NoError(t, err)
	require.Len(t, got, 1, "a known bound")

	tx := senderTx(t, s, Message{ConversationID: c.ID, ClientID: "b", Author: Visitor, Body: "m", Created: 2}, sending)
	c2, err := other.CreateConversation(ctx, []byte("h2"), "", nil, 1)
	require.NoError(t, err)
	n, _, err := other.AddMessage(ctx, Message{ConversationID: c2.ID, ClientID: "n", Author: Visitor, Body: "m", Created: 2})
	require.NoError(t, err, "sends go on")

	got, err = s.AllMessages(ctx, 0, 50)
	require.NoError(t, err)
	require.Len(t, got, 1, "up to the bound found before")
	assert.Equal(t, m.ID, got[0].ID)
	got, err = other.AllMessages(ctx, 0, 50)
	require.NoError(t, err)
	assert.Empty(t, got, "a process that found no bound yet reads nothing")
	lctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	_, err = s.LastMessageID(lctx)
	cancel()
	require.ErrorIs(t, err, context.DeadlineExceeded, "where new messages start is asked until known")

	require.NoError(t, tx.Rollback(ctx))
	for _, r := range []*Postgres{s, other} {
		got, err = r.AllMessages(ctx, 0, 50)
		require.NoError(t, err)
		require.Len(t, got, 2)
		assert.Equal(t, []int64{m.ID, n.ID}, []int64{got[0].ID, got[1].ID})
	}
}

// TestPostgresConversationOrder: sends to one conversation take its ids
// in commit order: a send that waits for the conversation behind another
// draws its id after that one has committed, so the id a send returns is
// a safe place for that conversation's stream to resume from.
func TestPostgresConversationOrder(t *testing.T) {
	ctx := context.Background()
	url := pgtest.Database(t)
	a, b := openPostgres(t, url), openPostgres(t, url)
	c, err := a.CreateConversation(ctx, []byte("h"), "", nil, 1)
	require.NoError(t, err)
	held := Message{ConversationID: c.ID, ClientID: "held", Author: Agent, Body: "m", Created: 2}
	tx := senderTx(t, a, held, rowLocked)

	type result struct {
		m   Message
		err error
	}
	done := make(chan result, 1)
	go func() {
		m, _, err := b.AddMessage(ctx, Message{ConversationID: c.ID, ClientID: "next", Author: Visitor, Body: "m", Created: 3})
		done <- result{m, err}
	}()
	// Wait until the second send waits for the conversation's row.
	deadline := time.Now().Add(5 * time.Second)
	for {
		var waiting int
		require.NoError(t, a.Pool().QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%FOR NO KEY UPDATE%'`).Scan(&waiting))
		if waiting == 1 {
			break
		}
		require.True(t, time.Now().Before(deadline), "the second send never waited for the row")
		time.Sleep(10 * time.Millisecond)
	}
	for i := rowLocked; i < inserted; i++ {
		senderStep(t, tx, held, i)
	}
	heldID := insertedID(t, tx, held)
	require.NoError(t, tx.Commit(ctx))
	r := <-done
	require.NoError(t, r.err)
	assert.Greater(t, r.m.ID, heldID, "the later send's id is above the one it waited for")
	msgs, err := b.Messages(ctx, c.ID, 0, 10)
	require.NoError(t, err)
	require.Len(t, msgs, 2)
	assert.Equal(t, []int64{heldID, r.m.ID}, []int64{msgs[0].ID, msgs[1].ID})
}

// BenchmarkPostgresAddMessage: sends from 8 goroutines at once, each to a
// conversation of its own, on one pool, while the pool also pages through
// the messages like an instance catching up: the cost of a send with the
// others in flight, and of reading past them.
func BenchmarkPostgresAddMessage(b *testing.B) {
	ctx := context.Background()
	s, err := OpenPostgres(ctx, pgtest.Database(b))
	require.NoError(b, err)
	defer s.Close()
	var next atomic.Int64
	stop, done := make(chan struct{}), make(chan struct{})
	go func() { // the reader
		defer close(done)
		after := int64(0)
		for {
			select {
			case <-stop:
				return
			default:
			}
			msgs, err := s.AllMessages(ctx, after, 500)
			if err != nil {
				b.Error(err)
				return
			}
			for _, m := range msgs {
				after = m.ID
			}
		}
	}()
	b.SetParallelism(4) // 8 senders on 2 cores
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		c, err := s.CreateConversation(ctx, []byte(fmt.Sprint("h", next.Add(1))), "", nil, 1)
		if err != nil {
			b.Error(err)
			return
		}
		for i := 0; pb.Next(); i++ {
			if _, _, err := s.AddMessage(ctx, Message{ConversationID: c.ID, ClientID: strconv.Itoa(i), Author: Visitor, Body: "m", Created: 2}); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	close(stop)
	<-done
}

// BenchmarkPostgresAllMessages: the read an instance makes on every
// notice, when there is nothing new: the cost of finding the visible
// bound.
func BenchmarkPostgresAllMessages(b *testing.B) {
	ctx := context.Background()
	s, err := OpenPostgres(ctx, pgtest.Database(b))
	require.NoError(b, err)
	defer s.Close()
	c, err := s.CreateConversation(ctx, []byte("h"), "", nil, 1)
	require.NoError(b, err)
	m, _, err := s.AddMessage(ctx, Message{ConversationID: c.ID, ClientID: "a", Author: Visitor, Body: "m", Created: 2})
	require.NoError(b, err)
	b.ResetTimer()
	for b.Loop() {
		if _, err := s.AllMessages(ctx, m.ID, 500); err != nil {
			b.Fatal(err)
		}
	}
}
