package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Webhook event types. Each names what its subject is: a conversation, a
// message or a form submission.
const (
	EventConversationCreated  = "conversation.created"
	EventConversationResolved = "conversation.resolved"
	EventMessageCreated       = "message.created"
	EventFormSubmitted        = "form.submitted"
)

// Webhooks is the outbox of webhook deliveries, kept by both stores. The
// stores queue the deliveries of an event themselves, in the transaction
// that stores what the event is about (a conversation, a message, a form
// submission), one per endpoint that wants the event: an acknowledged
// write never lacks its deliveries, whatever crashes after.
type Webhooks interface {
	// AddWebhook stores an endpoint that receives events (a list of the
	// Event… types) signed with secret.
	AddWebhook(ctx context.Context, url, secret string, events []string, now int64) (WebhookEndpoint, error)
	// WebhookEndpoints lists the endpoints, oldest first, each with the
	// number of its pending deliveries.
	WebhookEndpoints(ctx context.Context) ([]WebhookEndpoint, error)
	// RemoveWebhook deletes an endpoint with its pending deliveries and
	// its log; ErrNotFound when there is none.
	RemoveWebhook(ctx context.Context, id int64) error
	// WebhookLog returns up to limit attempts of an endpoint, newest first.
	WebhookLog(ctx context.Context, endpointID int64, limit int) ([]WebhookAttempt, error)

	// ClaimDeliveries leases up to limit deliveries due at now to the
	// caller until now+lease and counts the attempt. A leased delivery is
	// claimed by nobody else, on any instance sharing the database, until
	// it is finished or its lease ends (the caller died): then it is due
	// again, with the same webhook-id.
	ClaimDeliveries(ctx context.Context, now int64, lease time.Duration, limit int) ([]Delivery, error)
	// FinishDelivery records attempt in the endpoint's log and, when
	// retryAt is 0, removes the delivery; otherwise it makes it due again
	// at retryAt. The log keeps the newest WebhookLogSize attempts per
	// endpoint.
	FinishDelivery(ctx context.Context, d Delivery, attempt WebhookAttempt, retryAt int64) error
	// WebhookQueued receives a value (at most one waits) after a commit
	// that may have queued deliveries, so that a deliverer need not poll
	// to start at once.
	WebhookQueued() <-chan struct{}
	// Message finds a message by id.
	Message(ctx context.Context, id int64) (Message, error)
}

var (
	_ Webhooks = (*SQLite)(nil)
	_ Webhooks = (*Postgres)(nil)
)

// WebhookLogSize is how many attempts the log keeps per endpoint.
const WebhookLogSize = 1000

// WebhookEndpoint is a URL that receives signed events.
type WebhookEndpoint struct {
	ID      int64
	URL     string
	Secret  string // whsec_…
	Events  []string
	Created int64
	Pending int // deliveries not made yet
}

// Delivery is one event on its way to one endpoint.
type Delivery struct {
	ID             int64
	MsgID          string // the webhook-id: the same on every attempt
	EndpointID     int64
	URL            string
	Secret         string
	Type           string // one of the Event… types
	ConversationID int64  // 0 for a form submitted without a conversation
	SubjectID      int64  // the conversation, message or submission
	Created        int64  // when the event happened
	Attempt        int    // this attempt's number, from 1
}

// WebhookAttempt is one line of an endpoint's delivery log: never a payload.
type WebhookAttempt struct {
	MsgID     string
	Type      string
	Attempt   int
	At        int64
	Status    int // the HTTP status; 0 when none came
	LatencyMS int64
	Outcome   string // one of the Outcome… values
	Error     string // what went wrong, short; empty when delivered
}

// Outcomes of an attempt.
const (
	OutcomeDelivered = "delivered" // a 2xx answer
	OutcomeRetry     = "retry"     // failed, due again later
	OutcomeFailed    = "failed"    // failed, and the retries are over
	OutcomeDropped   = "dropped"   // its subject was erased before it went out
)

// queueWebhooks queues the deliveries of an event in tx: one per endpoint
// that wants typ. conversationID 0 stores none.
func queueWebhooks(ctx context.Context, tx runner, typ string, conversationID, subjectID, now int64) error {
	var conv any
	if conversationID != 0 {
		conv = conversationID
	}
	_, err := tx.exec(ctx, `INSERT INTO webhook_deliveries (msg_id, endpoint_id, type, conversation_id, subject_id, created_at, next_at)
		SELECT `+tx.d.webhookID+`, id, ?, ?, ?, ?, ? FROM webhook_endpoints WHERE events LIKE ?`,
		typ, conv, subjectID, now, now, "%,"+typ+",%")
	if err != nil {
		return fmt.Errorf("queue webhooks: %w", err)
	}
	return nil
}

// signalQueued wakes a waiting deliverer, never blocking.
func (s *store) signalQueued() {
	select {
	case s.queued <- struct{}{}:
	default:
	}
}

// WebhookQueued implements Webhooks.
func (s *store) WebhookQueued() <-chan struct{} { return s.queued }

// Message implements Webhooks.
func (s *store) Message(ctx context.Context, id int64) (Message, error) { return s.message(ctx, id) }

// AddWebhook implements Webhooks.
func (s *store) AddWebhook(ctx context.Context, url, secret string, events []string, now int64) (WebhookEndpoint, error) {
	e := WebhookEndpoint{URL: url, Secret: secret, Events: events, Created: now}
	err := s.row(ctx, `INSERT INTO webhook_endpoints (url, secret, events, created_at) VALUES (?, ?, ?, ?) RETURNING id`,
		url, secret, ","+strings.Join(events, ",")+",", now).Scan(&e.ID)
	if err != nil {
		return WebhookEndpoint{}, fmt.Errorf("add webhook: %w", err)
	}
	return e, nil
}

// WebhookEndpoints implements Webhooks.
func (s *store) WebhookEndpoints(ctx context.Context) ([]WebhookEndpoint, error) {
	rows, err := s.query(ctx, `SELECT e.id, e.url, e.secret, e.events, e.created_at,
		(SELECT count(*) FROM webhook_deliveries d WHERE d.endpoint_id = e.id)
		FROM webhook_endpoints e ORDER BY e.id`)
	list, err := scanAll(rows, err, func(r scanner) (WebhookEndpoint, error) {
		var e WebhookEndpoint
		var events string
		err := r.Scan(&e.ID, &e.URL, &e.Secret, &events, &e.Created, &e.Pending)
		e.Events = strings.FieldsFunc(events, func(c rune) bool { return c == ',' })
		return e, err
	})
	if err != nil {
		return nil, fmt.Errorf("webhook endpoints: %w", err)
	}
	return list, nil
}

// RemoveWebhook implements Webhooks. The deliveries and the log go
// explicitly, not only by ON DELETE CASCADE, which SQLite applies only with
// foreign keys on.
func (s *store) RemoveWebhook(ctx context.Context, id int64) error {
	err := s.tx(ctx, func(tx runner) error {
		for _, table := range []string{"webhook_deliveries", "webhook_log"} {
			if _, err := tx.exec(ctx, `DELETE FROM `+table+` WHERE endpoint_id = ?`, id); err != nil {
				return err
			}
		}
		res, err := tx.exec(ctx, `DELETE FROM webhook_endpoints WHERE id = ?`, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("remove webhook %d: %w", id, err)
	}
	return nil
}

// WebhookLog implements Webhooks.
func (s *store) WebhookLog(ctx context.Context, endpointID int64, limit int) ([]WebhookAttempt, error) {
	var n int
	if err := s.row(ctx, `SELECT count(*) FROM webhook_endpoints WHERE id = ?`, endpointID).Scan(&n); err != nil || n == 0 {
		if err == nil {
			err = ErrNotFound
		}
		return nil, fmt.Errorf("webhook log %d: %w", endpointID, err)
	}
	rows, err := s.query(ctx, `SELECT msg_id, type, attempt, at, status, latency_ms, outcome, error
		FROM webhook_log WHERE endpoint_id = ? ORDER BY id DESC LIMIT ?`, endpointID, limit)
	list, err := scanAll(rows, err, func(r scanner) (WebhookAttempt, error) {
		var a WebhookAttempt
		return a, r.Scan(&a.MsgID, &a.Type, &a.Attempt, &a.At, &a.Status, &a.LatencyMS, &a.Outcome, &a.Error)
	})
	if err != nil {
		return nil, fmt.Errorf("webhook log %d: %w", endpointID, err)
	}
	return list, nil
}

// ClaimDeliveries implements Webhooks in one statement: on PostgreSQL the
// rows are picked FOR UPDATE SKIP LOCKED, so that instances claiming at
// the same moment take different ones, and the lease keeps them apart
// after the commit; SQLite serves one instance and has one writer.
func (s *store) ClaimDeliveries(ctx context.Context, now int64, lease time.Duration, limit int) ([]Delivery, error) {
	rows, err := s.query(ctx, `UPDATE webhook_deliveries SET lease_until = ?, attempts = attempts + 1
		WHERE id IN (SELECT id FROM webhook_deliveries WHERE next_at <= ? AND lease_until <= ?
			ORDER BY next_at, id LIMIT ?`+s.d.skipLocked+`)
		RETURNING id, msg_id, endpoint_id, type, coalesce(conversation_id, 0), subject_id, created_at, attempts`,
		now+lease.Milliseconds(), now, now, limit)
	list, err := scanAll(rows, err, func(r scanner) (Delivery, error) {
		var d Delivery
		return d, r.Scan(&d.ID, &d.MsgID, &d.EndpointID, &d.Type, &d.ConversationID, &d.SubjectID, &d.Created, &d.Attempt)
	})
	if err != nil {
		return nil, fmt.Errorf("claim deliveries: %w", err)
	}
	for i := range list {
		err := s.row(ctx, `SELECT url, secret FROM webhook_endpoints WHERE id = ?`, list[i].EndpointID).Scan(&list[i].URL, &list[i].Secret)
		if err != nil && !errors.Is(err, sql.ErrNoRows) { // removed meanwhile: its delivery went with it
			return nil, fmt.Errorf("claim deliveries: endpoint: %w", err)
		}
	}
	return list, nil
}

// FinishDelivery implements Webhooks.
func (s *store) FinishDelivery(ctx context.Context, d Delivery, a WebhookAttempt, retryAt int64) error {
	err := s.tx(ctx, func(tx runner) error {
		var err error
		if retryAt == 0 {
			_, err = tx.exec(ctx, `DELETE FROM webhook_deliveries WHERE id = ?`, d.ID)
		} else {
			_, err = tx.exec(ctx, `UPDATE webhook_deliveries SET next_at = ?, lease_until = 0 WHERE id = ?`, retryAt, d.ID)
		}
		if err != nil {
			return err
		}
		var n int
		if err := tx.row(ctx, `SELECT count(*) FROM webhook_endpoints WHERE id = ?`, d.EndpointID).Scan(&n); err != nil || n == 0 {
			return err // removed meanwhile: no log to keep
		}
		if _, err := tx.exec(ctx, `INSERT INTO webhook_log (endpoint_id, msg_id, type, attempt, at, status, latency_ms, outcome, error)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			d.EndpointID, d.MsgID, d.Type, a.Attempt, a.At, a.Status, a.LatencyMS, a.Outcome, a.Error); err != nil {
			return err
		}
		_, err = tx.exec(ctx, `DELETE FROM webhook_log WHERE endpoint_id = ? AND id <= (
			SELECT id FROM webhook_log WHERE endpoint_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?)`,
			d.EndpointID, d.EndpointID, WebhookLogSize)
		return err
	})
	if err != nil {
		return fmt.Errorf("finish delivery %s: %w", d.MsgID, err)
	}
	return nil
}
