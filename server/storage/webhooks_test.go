package storage

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// kinds lists the (type, subject) of deliveries, sorted.
func kinds(list []Delivery) []string {
	var out []string
	for _, d := range list {
		out = append(out, fmt.Sprintf("%d %s %d", d.EndpointID, d.Type, d.SubjectID))
	}
	sort.Strings(out)
	return out
}

func TestWebhookOutbox(t *testing.T) {
	forEachBackend(t, func(t *testing.T, kind backend) {
		ctx := context.Background()
		s := kind.open(t)
		w := s.(Webhooks)
		all, err := w.AddWebhook(ctx, "https://a.example/hook", "whsec_a", []string{EventConversationCreated, EventMessageCreated, EventFormSubmitted}, 100)
		require.NoError(t, err)
		msgs, err := w.AddWebhook(ctx, "http://b.example/", "whsec_b", []string{EventMessageCreated}, 100)
		require.NoError(t, err)

		c, err := s.CreateConversation(ctx, []byte("tok"), "demo", nil, 1000)
		require.NoError(t, err)
		m, created, err := s.AddMessage(ctx, Message{ConversationID: c.ID, ClientID: "m1", Author: Visitor, Body: "hi", Created: 1001})
		require.NoError(t, err)
		require.True(t, created)
		_, created, err = s.AddMessage(ctx, Message{ConversationID: c.ID, ClientID: "m1", Author: Visitor, Body: "hi", Created: 1002})
		require.NoError(t, err)
		require.False(t, created, "a retried message queues nothing")
		sub, _, err := s.AddSubmission(ctx, Submission{FormID: "contact", ClientID: "f1", Fields: map[string]string{"a": "b"}, Created: 1003})
		require.NoError(t, err)
		_, created, err = s.AddSubmission(ctx, Submission{FormID: "contact", ClientID: "f1", Fields: map[string]string{"a": "b"}, Created: 1004})
		require.NoError(t, err)
		require.False(t, created, "a retried submission queues nothing")
		select {
		case <-w.WebhookQueued():
		default:
			t.Fatal("no signal after queueing")
		}

		eps, err := w.WebhookEndpoints(ctx)
		require.NoError(t, err)
		require.Len(t, eps, 2)
		assert.Equal(t, []string{EventConversationCreated, EventMessageCreated, EventFormSubmitted}, eps[0].Events)
		assert.Equal(t, 3, eps[0].Pending)
		assert.Equal(t, 1, eps[1].Pending)

		got, err := w.ClaimDeliveries(ctx, 2000, time.Minute, 10)
		require.NoError(t, err)
		assert.Equal(t, kinds([]Delivery{
			{EndpointID: all.ID, Type: EventConversationCreated, SubjectID: c.ID},
			{EndpointID: all.ID, Type: EventMessageCreated, SubjectID: m.ID},
			{EndpointID: all.ID, Type: EventFormSubmitted, SubjectID: sub.ID},
			{EndpointID: msgs.ID, Type: EventMessageCreated, SubjectID: m.ID},
		}), kinds(got))
		ids := map[string]bool{}
		for _, d := range got {
			assert.Equal(t, 1, d.Attempt)
			assert.Regexp(t, `^msg_[0-9a-f]{32}$`, d.MsgID)
			ids[d.MsgID] = true
			if d.Type == EventFormSubmitted {
				assert.Zero(t, d.ConversationID, "a form sent without a conversation")
				assert.Equal(t, int64(1003), d.Created)
			} else {
				assert.Equal(t, c.ID, d.ConversationID)
			}
			if d.EndpointID == msgs.ID {
				assert.Equal(t, "http://b.example/", d.URL)
				assert.Equal(t, "whsec_b", d.Secret)
			}
		}
		assert.Len(t, ids, 4, "one webhook-id per delivery")

		again, err := w.ClaimDeliveries(ctx, 2000, time.Minute, 10)
		require.NoError(t, err)
		assert.Empty(t, again, "leased deliveries are claimed once")

		// One delivered, one retried later, the others' lease ends.
		var retried Delivery
		for _, d := range got {
			switch {
			case d.Type == EventConversationCreated:
				require.NoError(t, w.FinishDelivery(ctx, d, WebhookAttempt{Attempt: 1, At: 2001, Status: 204, LatencyMS: 12, Outcome: OutcomeDelivered}, 0))
			case d.EndpointID == msgs.ID:
				retried = d
				require.NoError(t, w.FinishDelivery(ctx, d, WebhookAttempt{Attempt: 1, At: 2002, Status: 503, LatencyMS: 30, Outcome: OutcomeRetry, Error: "503"}, 90_000))
			}
		}
		expired, err := w.ClaimDeliveries(ctx, 2000+time.Minute.Milliseconds(), time.Minute, 10)
		require.NoError(t, err)
		assert.Len(t, expired, 2, "deliveries whose lease ended are due again")
		for _, d := range expired {
			assert.Equal(t, 2, d.Attempt)
			assert.True(t, ids[d.MsgID], "the same webhook-id after a lost lease")
		}
		later, err := w.ClaimDeliveries(ctx, 90_000, time.Minute, 10)
		require.NoError(t, err)
		require.Len(t, later, 1)
		assert.Equal(t, retried.MsgID, later[0].MsgID, "a retry keeps its webhook-id")
		assert.Equal(t, 2, later[0].Attempt)

		log, err := w.WebhookLog(ctx, msgs.ID, 10)
		require.NoError(t, err)
		require.Len(t, log, 1)
		assert.Equal(t, WebhookAttempt{MsgID: retried.MsgID, Type: EventMessageCreated, Attempt: 1, At: 2002, Status: 503, LatencyMS: 30, Outcome: OutcomeRetry, Error: "503"}, log[0])
		log, err = w.WebhookLog(ctx, all.ID, 10)
		require.NoError(t, err)
		require.Len(t, log, 1)
		assert.Equal(t, OutcomeDelivered, log[0].Outcome)
		_, err = w.WebhookLog(ctx, 999, 10)
		assert.ErrorIs(t, err, ErrNotFound)

		// A restart keeps the outbox.
		s2 := kind.reopen(t)
		eps, err = s2.(Webhooks).WebhookEndpoints(ctx)
		require.NoError(t, err)
		assert.Equal(t, 2, eps[0].Pending)
		assert.Equal(t, 1, eps[1].Pending)

		require.NoError(t, w.RemoveWebhook(ctx, msgs.ID))
		assert.ErrorIs(t, w.RemoveWebhook(ctx, msgs.ID), ErrNotFound)
		_, err = w.WebhookLog(ctx, msgs.ID, 10)
		assert.ErrorIs(t, err, ErrNotFound)
		require.NoError(t, w.FinishDelivery(ctx, later[0], WebhookAttempt{Attempt: 2, At: 9001, Outcome: OutcomeDelivered}, 0),
			"finishing the delivery of a removed endpoint")
		eps, err = w.WebhookEndpoints(ctx)
		require.NoError(t, err)
		require.Len(t, eps, 1)
	})
}

func TestWebhookLogKeepsTheNewest(t *testing.T) {
	forEachBackend(t, func(t *testing.T, kind backend) {
		ctx := context.Background()
		s := kind.open(t)
		w := s.(Webhooks)
		e, err := w.AddWebhook(ctx, "https://a.example/", "whsec_a", []string{EventConversationCreated}, 100)
		require.NoError(t, err)
		d := Delivery{EndpointID: e.ID, MsgID: "msg_x", Type: EventConversationCreated}
		for i := 1; i <= WebhookLogSize+5; i++ {
			require.NoError(t, w.FinishDelivery(ctx, d, WebhookAttempt{Attempt: i, At: int64(i), Outcome: OutcomeRetry}, 1))
		}
		log, err := w.WebhookLog(ctx, e.ID, 2*WebhookLogSize)
		require.NoError(t, err)
		require.Len(t, log, WebhookLogSize)
		assert.Equal(t, WebhookLogSize+5, log[0].Attempt, "newest first")
		assert.Equal(t, 6, log[len(log)-1].Attempt, "the oldest went")
	})
}

// Two stores on one database (two instances) claiming at the same moment
// take every delivery exactly once.
func TestWebhookClaimsOncePerDelivery(t *testing.T) {
	forEachBackend(t, func(t *testing.T, kind backend) {
		ctx := context.Background()
		a := kind.open(t)
		b := kind.reopen(t)
		_, err := a.(Webhooks).AddWebhook(ctx, "https://a.example/", "whsec_a", []string{EventConversationCreated}, 100)
		require.NoError(t, err)
		const n = 60
		for i := range n {
			_, err := a.CreateConversation(ctx, []byte(fmt.Sprint("tok", i)), "demo", nil, 1000)
			require.NoError(t, err)
		}
		var mu sync.Mutex
		seen := map[string]int{}
		var wg sync.WaitGroup
		for _, s := range []Store{a, b, a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					got, err := s.(Webhooks).ClaimDeliveries(ctx, 2000, time.Minute, 3)
					if !assert.NoError(t, err) || len(got) == 0 {
						return
					}
					mu.Lock()
					for _, d := range got {
						seen[d.MsgID]++
					}
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		assert.Len(t, seen, n)
		for id, times := range seen {
			assert.Equal(t, 1, times, id)
		}
	})
}
