package webhook_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crumbless/crumbless/internal/testenv/pgtest"
	"github.com/crumbless/crumbless/server/storage"
	"github.com/crumbless/crumbless/server/webhook"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// delivery is one request the receiver got.
type delivery struct {
	ID      string
	Status  int // what the receiver answered
	Payload struct {
		Type      string          `json:"type"`
		Timestamp string          `json:"timestamp"`
		Data      json.RawMessage `json:"data"`
	}
}

// receiver is a real HTTP endpoint that verifies every signature with the
// endpoint's secret and answers what answer says (200 when nil).
type receiver struct {
	t      testing.TB
	srv    *httptest.Server
	secret string
	now    func() time.Time
	answer func(r *http.Request, attempt int) int // attempt: how many times this id came, from 1

	mu          sync.Mutex
	got         []delivery
	forged      int
	inFlight    atomic.Int32
	maxInFlight atomic.Int32
	arrived     chan string // each accepted id, when not nil
}

func newReceiver(t testing.TB) *receiver {
	secret, err := webhook.NewSecret()
	require.NoError(t, err)
	r := &receiver{t: t, secret: secret, now: time.Now}
	r.srv = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) serve(w http.ResponseWriter, req *http.Request) {
	n := r.inFlight.Add(1)
	defer r.inFlight.Add(-1)
	for m := r.maxInFlight.Load(); n > m && !r.maxInFlight.CompareAndSwap(m, n); m = r.maxInFlight.Load() {
	}
	body, err := io.ReadAll(req.Body)
	if err != nil {
		return
	}
	if err := webhook.Verify(r.secret, req.Header, body, r.now()); err != nil {
		r.mu.Lock()
		r.forged++
		r.mu.Unlock()
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	d := delivery{ID: req.Header.Get("webhook-id"), Status: http.StatusOK}
	if err := json.Unmarshal(body, &d.Payload); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	r.mu.Lock()
	attempt := 1
	for _, g := range r.got {
		if g.ID == d.ID {
			attempt++
		}
	}
	r.mu.Unlock()
	if r.answer != nil {
		d.Status = r.answer(req, attempt)
	}
	r.mu.Lock()
	r.got = append(r.got, d)
	r.mu.Unlock()
	if d.Status != 0 {
		w.WriteHeader(d.Status)
	}
	if r.arrived != nil && d.Status < 300 {
		r.arrived <- d.ID
	}
}

// accepted returns the deliveries answered with 2xx.
func (r *receiver) accepted() []delivery {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []delivery
	for _, d := range r.got {
		if d.Status < 300 {
			out = append(out, d)
		}
	}
	return out
}

func (r *receiver) all() []delivery {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]delivery(nil), r.got...)
}

// waitFor polls cond until it holds or 20 s pass.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting: %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func openSQLite(t testing.TB) *storage.SQLite {
	t.Helper()
	s, err := storage.OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "test.db"))
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return s
}

func start(t testing.TB, cfg webhook.Config) *webhook.Deliverer {
	t.Helper()
	d := webhook.Start(cfg)
	t.Cleanup(d.Close)
	return d
}

func TestDeliversSignedEvents(t *testing.T) {
	ctx := context.Background()
	st := openSQLite(t)
	rcv := newReceiver(t)
	ep, err := st.AddWebhook(ctx, rcv.srv.URL+"/hook", rcv.secret, webhook.Events, 1)
	require.NoError(t, err)
	start(t, webhook.Config{Store: st})

	c, err := st.CreateConversation(ctx, []byte("tok"), "shop", nil, time.Date(2026, 1, 2, 10, 0, 0, 0, time.UTC).UnixMilli())
	require.NoError(t, err)
	ana, err := st.AddAgent(ctx, "ana", "x", 1)
	require.NoError(t, err)
	_, _, err = st.AddMessage(ctx, storage.Message{ConversationID: c.ID, ClientID: "v", Author: storage.Visitor, Body: "Where is my parcel?", Created: c.Created + 1000})
	require.NoError(t, err)
	_, _, err = st.AddMessage(ctx, storage.Message{ConversationID: c.ID, ClientID: "a", Author: storage.Agent, AgentID: ana.ID, Body: "On its way", Created: c.Created + 2000})
	require.NoError(t, err)
	sub, _, err := st.AddSubmission(ctx, storage.Submission{FormID: "contact", ConversationID: c.ID, ClientID: "f",
		Fields: map[string]string{"email": "bo@example.com"}, Lang: "nl", Created: c.Created + 3000})
	require.NoError(t, err)
	require.NoError(t, st.SetState(ctx, c.ID, storage.StateResolved, 0, c.Created+4000))

	waitFor(t, "5 deliveries", func() bool { return len(rcv.accepted()) == 5 })
	byType := map[string][]string{}
	for _, d := range rcv.accepted() {
		byType[d.Payload.Type] = append(byType[d.Payload.Type], string(d.Payload.Data))
	}
	slices.Sort(byType["message.created"]) // deliveries run in parallel: in any order
	assert.Equal(t, map[string][]string{
		"conversation.created": {fmt.Sprintf(`{"conversation_id":%d,"site":"shop","created":"2026-01-02T10:00:00Z"}`, c.ID)},
		"message.created": {
			fmt.Sprintf(`{"conversation_id":%d,"message_id":1,"author":"visitor","body":"Where is my parcel?","created":"2026-01-02T10:00:01Z"}`, c.ID),
			fmt.Sprintf(`{"conversation_id":%d,"message_id":2,"author":"agent","agent":"ana","body":"On its way","created":"2026-01-02T10:00:02Z"}`, c.ID),
		},
		"form.submitted":        {fmt.Sprintf(`{"submission_id":%d,"form_id":"contact","conversation_id":%d,"fields":{"email":"bo@example.com"},"lang":"nl","created":"2026-01-02T10:00:03Z"}`, sub.ID, c.ID)},
		"conversation.resolved": {fmt.Sprintf(`{"conversation_id":%d,"site":"shop","resolved":"2026-01-02T10:00:04Z"}`, c.ID)},
	}, byType)
	assert.Zero(t, rcv.forged)

	waitFor(t, "the log", func() bool {
		log, err := st.WebhookLog(ctx, ep.ID, 10)
		return err == nil && len(log) == 5
	})
	log, err := st.WebhookLog(ctx, ep.ID, 10)
	require.NoError(t, err)
	for _, a := range log {
		assert.Equal(t, storage.OutcomeDelivered, a.Outcome)
		assert.Equal(t, 200, a.Status)
		assert.Equal(t, 1, a.Attempt)
		assert.Empty(t, a.Error)
	}
	eps, err := st.WebhookEndpoints(ctx)
	require.NoError(t, err)
	assert.Zero(t, eps[0].Pending)
}

// clock is a time that tests move forward.
type clock struct{ offset atomic.Int64 }

func (c *clock) now() time.Time          { return time.Now().Add(time.Duration(c.offset.Load())) }
func (c *clock) advance(d time.Duration) { c.offset.Add(int64(d)) }

// afterAttempts moves the clock forward by d each time the endpoint's log
// has grown, so that its retry comes due, never while an attempt is in
// flight (whose lease would end under it).
func (c *clock) afterAttempts(t *testing.T, st storage.Webhooks, endpoint int64, seen *int, d time.Duration) {
	t.Helper()
	log, err := st.WebhookLog(context.Background(), endpoint, 100)
	require.NoError(t, err)
	if len(log) > *seen {
		*seen = len(log)
		c.advance(d)
	}
}

func TestRetriesKeepTheWebhookID(t *testing.T) {
	ctx := context.Background()
	st := openSQLite(t)
	var clk clock
	rcv := newReceiver(t)
	rcv.now = clk.now
	rcv.answer = func(_ *http.Request, attempt int) int {
		if attempt <= 2 {
			return http.StatusServiceUnavailable
		}
		return http.StatusNoContent
	}
	ep, err := st.AddWebhook(ctx, rcv.srv.URL, rcv.secret, []string{storage.EventConversationCreated}, 1)
	require.NoError(t, err)
	start(t, webhook.Config{Store: st, Now: clk.now, Poll: 10 * time.Millisecond})
	_, err = st.CreateConversation(ctx, []byte("tok"), "demo", nil, clk.now().UnixMilli())
	require.NoError(t, err)

	seen := 0
	waitFor(t, "the third attempt", func() bool {
		clk.afterAttempts(t, st, ep.ID, &seen, time.Minute)
		return len(rcv.accepted()) == 1
	})
	got := rcv.all()
	require.Len(t, got, 3)
	for _, d := range got {
		assert.Equal(t, got[0].ID, d.ID, "every attempt carries the same webhook-id")
	}
	assert.Equal(t, []int{503, 503, 204}, []int{got[0].Status, got[1].Status, got[2].Status})
	waitFor(t, "the log", func() bool {
		log, err := st.WebhookLog(ctx, ep.ID, 10)
		return err == nil && len(log) == 3
	})
	log, err := st.WebhookLog(ctx, ep.ID, 10)
	require.NoError(t, err)
	var outcomes []string
	for _, a := range log {
		outcomes = append(outcomes, fmt.Sprint(a.Attempt, " ", a.Outcome, " ", a.Status, " ", a.Error))
		assert.Equal(t, got[0].ID, a.MsgID)
	}
	assert.Equal(t, []string{"3 delivered 204 ", "2 retry 503 HTTP 503", "1 retry 503 HTTP 503"}, outcomes)
}

func TestGivesUpAfterTheRetryPeriod(t *testing.T) {
	ctx := context.Background()
	st := openSQLite(t)
	var clk clock
	rcv := newReceiver(t)
	rcv.now = clk.now
	rcv.answer = func(*http.Request, int) int { return http.StatusInternalServerError }
	ep, err := st.AddWebhook(ctx, rcv.srv.URL, rcv.secret, webhook.Events, 1)
	require.NoError(t, err)
	start(t, webhook.Config{Store: st, Now: clk.now, Poll: 10 * time.Millisecond, Retry: time.Minute})
	_, err = st.CreateConversation(ctx, []byte("tok"), "demo", nil, clk.now().UnixMilli())
	require.NoError(t, err)
	seen := 0
	waitFor(t, "the outbox to empty", func() bool {
		clk.afterAttempts(t, st, ep.ID, &seen, 20*time.Second)
		eps, err := st.WebhookEndpoints(ctx)
		return err == nil && eps[0].Pending == 0
	})
	log, err := st.WebhookLog(ctx, ep.ID, 100)
	require.NoError(t, err)
	require.NotEmpty(t, log)
	assert.Equal(t, storage.OutcomeFailed, log[0].Outcome)
	assert.Equal(t, len(log), log[0].Attempt)
	assert.Greater(t, len(log), 2, "retried before giving up")
	assert.Len(t, rcv.all(), len(log))
}

// An endpoint that never answers gets at most Workers requests at once,
// each ended by the timeout and retried; a healthy endpoint's events still
// go out.
func TestSlowEndpointsAreBoundedAndTimedOut(t *testing.T) {
	ctx := context.Background()
	st := openSQLite(t)
	slow := newReceiver(t)
	slow.answer = func(r *http.Request, _ int) int { <-r.Context().Done(); return 0 }
	fast := newReceiver(t)
	slowEP, err := st.AddWebhook(ctx, slow.srv.URL, slow.secret, webhook.Events, 1)
	require.NoError(t, err)
	_, err = st.AddWebhook(ctx, fast.srv.URL, fast.secret, webhook.Events, 1)
	require.NoError(t, err)
	start(t, webhook.Config{Store: st, Workers: 2, Timeout: 200 * time.Millisecond, Poll: 10 * time.Millisecond})
	for i := range 6 {
		_, err := st.CreateConversation(ctx, []byte(fmt.Sprint("tok", i)), "demo", nil, time.Now().UnixMilli())
		require.NoError(t, err)
	}
	waitFor(t, "six timed-out attempts and six deliveries", func() bool {
		log, err := st.WebhookLog(ctx, slowEP.ID, 100)
		return err == nil && len(log) >= 6 && len(fast.accepted()) == 6
	})
	log, err := st.WebhookLog(ctx, slowEP.ID, 100)
	require.NoError(t, err)
	for _, a := range log {
		assert.Equal(t, storage.OutcomeRetry, a.Outcome)
		assert.Zero(t, a.Status)
		assert.Equal(t, "no answer within 200ms", a.Error)
	}
	assert.LessOrEqual(t, slow.maxInFlight.Load()+fast.maxInFlight.Load(), int32(4))
	assert.LessOrEqual(t, slow.maxInFlight.Load(), int32(2), "no more requests at once than workers")
}

// Deliveries of an erased conversation are dropped with it: its events
// never go out, the next conversation's do.
func TestErasureDropsPendingDeliveries(t *testing.T) {
	ctx := context.Background()
	st := openSQLite(t)
	rcv := newReceiver(t)
	_, err := st.AddWebhook(ctx, rcv.srv.URL, rcv.secret, webhook.Events, 1)
	require.NoError(t, err)
	gone, err := st.CreateConversation(ctx, []byte("gone"), "demo", nil, 1000)
	require.NoError(t, err)
	_, _, err = st.AddMessage(ctx, storage.Message{ConversationID: gone.ID, ClientID: "v", Author: storage.Visitor, Body: "erase me", Created: 1001})
	require.NoError(t, err)
	require.NoError(t, st.EraseConversation(ctx, gone.ID))
	kept, err := st.CreateConversation(ctx, []byte("kept"), "demo", nil, 2000)
	require.NoError(t, err)

	start(t, webhook.Config{Store: st})
	waitFor(t, "the kept conversation's event", func() bool { return len(rcv.accepted()) == 1 })
	assert.JSONEq(t, fmt.Sprintf(`{"conversation_id":%d,"site":"demo","created":"1970-01-01T00:00:02Z"}`, kept.ID), string(rcv.accepted()[0].Payload.Data))
}

// Two instances on one PostgreSQL database deliver each event once.
func TestTwoInstancesDeliverEachEventOnce(t *testing.T) {
	ctx := context.Background()
	url := pgtest.Database(t)
	var stores []*storage.Postgres
	for range 2 {
		s, err := storage.OpenPostgres(ctx, url)
		require.NoError(t, err)
		t.Cleanup(func() { s.Close() })
		stores = append(stores, s)
	}
	rcv := newReceiver(t)
	_, err := stores[0].AddWebhook(ctx, rcv.srv.URL, rcv.secret, webhook.Events, 1)
	require.NoError(t, err)
	var ds []*webhook.Deliverer
	for _, s := range stores {
		ds = append(ds, webhook.Start(webhook.Config{Store: s, Poll: 5 * time.Millisecond}))
	}
	const n = 40
	for i := range n { // events from both instances: a conversation and a message each
		s := stores[i%2]
		c, err := s.CreateConversation(ctx, []byte(fmt.Sprint("tok", i)), "demo", nil, int64(1000+i))
		require.NoError(t, err)
		_, _, err = s.AddMessage(ctx, storage.Message{ConversationID: c.ID, ClientID: "m", Author: storage.Visitor, Body: fmt.Sprint("hello ", i), Created: int64(1000 + i)})
		require.NoError(t, err)
	}
	waitFor(t, "the outbox to empty", func() bool {
		eps, err := stores[0].WebhookEndpoints(ctx)
		return err == nil && eps[0].Pending == 0
	})
	for _, d := range ds {
		d.Close() // nothing in flight any more after this
	}
	got := rcv.all()
	seen := map[string]int{}
	subjects := map[string]bool{}
	for _, d := range got {
		seen[d.ID]++
		subjects[d.Payload.Type+" "+string(d.Payload.Data)] = true
	}
	assert.Len(t, got, 2*n, "one request per event")
	assert.Len(t, seen, 2*n)
	assert.Len(t, subjects, 2*n, "every event")
	assert.Zero(t, rcv.forged)
}

// BenchmarkDeliveryLatency measures the time from a message's commit to
// its arrival at a receiver on the same machine, on each store.
func BenchmarkDeliveryLatency(b *testing.B) {
	stores := []struct {
		name string
		open func(b *testing.B) webhook.Store
	}{
		{"sqlite", func(b *testing.B) webhook.Store { return openSQLite(b) }},
		{"postgres", func(b *testing.B) webhook.Store {
			s, err := storage.OpenPostgres(context.Background(), pgtest.Database(b))
			require.NoError(b, err)
			b.Cleanup(func() { s.Close() })
			return s
		}},
	}
	for _, kind := range stores {
		b.Run(kind.name, func(b *testing.B) {
			ctx := context.Background()
			st := kind.open(b)
			chat := st.(storage.Store)
			rcv := newReceiver(b)
			rcv.arrived = make(chan string, 1)
			_, err := st.AddWebhook(ctx, rcv.srv.URL, rcv.secret, []string{storage.EventMessageCreated}, 1)
			require.NoError(b, err)
			c, err := chat.CreateConversation(ctx, []byte("tok"), "demo", nil, 1)
			require.NoError(b, err)
			start(b, webhook.Config{Store: st})
			var lat []time.Duration
			i := 0
			for b.Loop() {
				i++
				_, _, err := chat.AddMessage(ctx, storage.Message{ConversationID: c.ID, ClientID: fmt.Sprint(i), Author: storage.Visitor, Body: "hi", Created: 2})
				committed := time.Now()
				require.NoError(b, err)
				<-rcv.arrived
				lat = append(lat, time.Since(committed))
			}
			reportPercentiles(b, lat)
		})
	}
}

func reportPercentiles(b *testing.B, lat []time.Duration) {
	if len(lat) == 0 {
		return
	}
	sorted := append([]time.Duration(nil), lat...)
	for i := range sorted { // insertion sort: small samples
		for j := i; j > 0 && sorted[j] < sorted[j-1]; j-- {
			sorted[j], sorted[j-1] = sorted[j-1], sorted[j]
		}
	}
	b.ReportMetric(float64(sorted[len(sorted)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(sorted[len(sorted)*99/100].Microseconds())/1000, "p99-ms")
}
