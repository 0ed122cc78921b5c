package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// MailStatus is the delivery log of the notification mails, kept by both
// stores: what went out, what is being retried and why, what failed for
// good. FinishMail writes it.
type MailStatus interface {
	// MailLog returns up to q.Limit deliveries, newest first, below
	// q.Before (0: from the newest), of q.AgentID's address only when it
	// is not 0.
	MailLog(ctx context.Context, q MailLogQuery) ([]MailDelivery, error)
	// MailHealth sums the log up.
	MailHealth(ctx context.Context) (MailHealth, error)
	// RetryMails makes every mail that is waiting for its next attempt due
	// at now and returns how many there are.
	RetryMails(ctx context.Context, now int64) (int, error)
}

var (
	_ MailStatus = (*SQLite)(nil)
	_ MailStatus = (*Postgres)(nil)
)

// MailLogSize is how many deliveries the log keeps.
const MailLogSize = 1000

// The states of a delivery.
const (
	MailSent     = "sent"
	MailRetrying = "retrying" // failed for now; tried again at NextAt
	MailFailed   = "failed"   // failed until its retries were over
	MailRejected = "rejected" // refused for good (a 5xx for the recipient, an address no server takes)
)

// MailResult is the outcome of one attempt at an OutMail.
type MailResult struct {
	Upto    int64  // the last message it carried; 0: nothing was sent
	To      string // the recipient; "" when there was nothing to tell (no log row)
	State   string // one of the Mail… states
	Error   string // short, without credentials; "" when sent
	At      int64  // when the attempt ended
	RetryAt int64  // the next attempt when State is MailRetrying, else 0
}

// MailDelivery is one mail in the delivery log.
type MailDelivery struct {
	ID             int64
	ConversationID int64
	AgentID        int64  // the agent told; 0: the visitor
	AgentName      string // "" for the visitor or a removed agent
	To             string
	State          string
	Attempts       int
	Error          string
	NextAt         int64 // while retrying
	Created        int64 // the first attempt
	Updated        int64 // the last attempt
}

// MailLogQuery selects deliveries of the log.
type MailLogQuery struct {
	AgentID int64
	Before  int64
	Limit   int
}

// MailHealth sums up the delivery log.
type MailHealth struct {
	LastSent    int64  // the last mail that went out; 0: none
	LastFailure int64  // the last attempt that failed; 0: none
	LastError   string // that attempt's error
	Retrying    int    // mails waiting for their next attempt
}

// logMail writes the outcome of an attempt at m to the delivery log, in
// tx, and returns its row (0 when r has no recipient).
func logMail(ctx context.Context, tx runner, m OutMail, r MailResult) (int64, error) {
	if r.To == "" {
		return 0, nil
	}
	if m.LogID != 0 {
		res, err := tx.exec(ctx, `UPDATE mail_log SET recipient = ?, state = ?, attempts = ?, error = ?, next_at = ?, updated_at = ? WHERE id = ?`,
			r.To, r.State, m.Attempt, r.Error, r.RetryAt, r.At, m.LogID)
		if err != nil {
			return 0, fmt.Errorf("log mail: %w", err)
		}
		if n, _ := res.RowsAffected(); n > 0 {
			return m.LogID, nil
		} // pruned meanwhile: a new row
	}
	var id int64
	err := tx.row(ctx, `INSERT INTO mail_log (conversation_id, agent_id, recipient, state, attempts, error, next_at, created_at, updated_at)
		SELECT id, ?, ?, ?, ?, ?, ?, ?, ? FROM conversations WHERE id = ? RETURNING id`,
		m.AgentID, r.To, r.State, m.Attempt, r.Error, r.RetryAt, r.At, r.At, m.ConversationID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil // erased meanwhile: nothing to keep
	}
	if err != nil {
		return 0, fmt.Errorf("log mail: %w", err)
	}
	if _, err := tx.exec(ctx, `DELETE FROM mail_log WHERE id <= (SELECT id FROM mail_log ORDER BY id DESC LIMIT 1 OFFSET ?)`, MailLogSize); err != nil {
		return 0, fmt.Errorf("prune mail log: %w", err)
	}
	return id, nil
}

// MailLog implements MailStatus.
func (s *store) MailLog(ctx context.Context, q MailLogQuery) ([]MailDelivery, error) {
	before := q.Before
	if before <= 0 {
		before = 1<<63 - 1
	}
	where, args := `l.id < ?`, []any{before}
	if q.AgentID != 0 {
		where += ` AND l.agent_id = ?`
		args = append(args, q.AgentID)
	}
	rows, err := s.query(ctx, `SELECT l.id, l.conversation_id, l.agent_id, coalesce(a.name, ''), l.recipient, l.state, l.attempts,
		l.error, l.next_at, l.created_at, l.updated_at
		FROM mail_log l LEFT JOIN agents a ON a.id = l.agent_id
		WHERE `+where+` ORDER BY l.id DESC LIMIT ?`, append(args, q.Limit)...)
	list, err := scanAll(rows, err, func(r scanner) (MailDelivery, error) {
		var d MailDelivery
		return d, r.Scan(&d.ID, &d.ConversationID, &d.AgentID, &d.AgentName, &d.To, &d.State, &d.Attempts,
			&d.Error, &d.NextAt, &d.Created, &d.Updated)
	})
	if err != nil {
		return nil, fmt.Errorf("mail log: %w", err)
	}
	return list, nil
}

// MailHealth implements MailStatus.
func (s *store) MailHealth(ctx context.Context) (MailHealth, error) {
	var h MailHealth
	err := s.row(ctx, `SELECT coalesce(max(updated_at), 0) FROM mail_log WHERE state = ?`, MailSent).Scan(&h.LastSent)
	if err == nil {
		err = s.row(ctx, `SELECT count(*) FROM mail_log WHERE state = ?`, MailRetrying).Scan(&h.Retrying)
	}
	if err == nil {
		err = s.row(ctx, `SELECT updated_at, error FROM mail_log WHERE state <> ? ORDER BY updated_at DESC, id DESC LIMIT 1`,
			MailSent).Scan(&h.LastFailure, &h.LastError)
		if errors.Is(err, sql.ErrNoRows) {
			err = nil
		}
	}
	if err != nil {
		return MailHealth{}, fmt.Errorf("mail health: %w", err)
	}
	return h, nil
}

// RetryMails implements MailStatus.
func (s *store) RetryMails(ctx context.Context, now int64) (int, error) {
	var n int64
	err := s.tx(ctx, func(tx runner) error {
		res, err := tx.exec(ctx, `UPDATE mail_outbox SET next_at = ? WHERE log_id <> 0 AND next_at > ?`, now, now)
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		_, err = tx.exec(ctx, `UPDATE mail_log SET next_at = ? WHERE state = ? AND next_at > ?`, now, MailRetrying, now)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("retry mails: %w", err)
	}
	if n > 0 {
		s.signalMail()
	}
	return int(n), nil
}
