package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Mail is the outbox of notification mails and the restore codes, kept by
// both stores. The stores queue a mail themselves, in the transaction that
// stores the message it is about: a visitor message queues one for every
// agent with an address who wants mail, an agent message one for the
// visitor when they gave an address. A conversation has at most one mail
// waiting per recipient, so a burst of messages becomes one mail.
type Mail interface {
	// ClaimMails leases up to limit mails to the caller until now+lease
	// and counts the attempt: those whose first message came at or before
	// quiet (now minus the notify-after delay) and whose retry is due at
	// now. A leased mail is claimed by nobody else, on any instance
	// sharing the database, until it is finished or its lease ends.
	ClaimMails(ctx context.Context, now, quiet int64, lease time.Duration, limit int) ([]OutMail, error)
	// MailContent returns what a claimed mail says: the recipient and the
	// messages of the other side from m.FirstID on that its reader has not
	// read. No messages means nothing is left to tell.
	MailContent(ctx context.Context, m OutMail) (MailContent, error)
	// FinishMail records the outcome r of an attempt at m. It removes a
	// mail that went out (or has nothing left to tell, or failed for good)
	// when r.RetryAt is 0, queueing a new one for messages above r.Upto
	// that it did not carry; otherwise it makes the mail due again at
	// r.RetryAt. An attempt with a recipient (r.To) is written to the
	// delivery log (MailStatus), one row per mail across its attempts.
	FinishMail(ctx context.Context, m OutMail, r MailResult) error
	// MailQueued receives a value (at most one waits) after a commit that
	// may have queued a mail.
	MailQueued() <-chan struct{}

	// SetAgentEmail sets an agent's address ("" clears it) and whether
	// they want mail; ErrNotFound when there is no such agent.
	SetAgentEmail(ctx context.Context, name, email string, mailMe bool) error
	// SetVisitorEmail sets the address a conversation's visitor wants
	// replies at ("" clears it) and the language of those mails.
	SetVisitorEmail(ctx context.Context, conversationID int64, email, lang string) error
	// Unsubscribe stops the mails to an agent (agentID) or, with agentID
	// 0, to a conversation's visitor.
	Unsubscribe(ctx context.Context, conversationID, agentID int64) error

	// AddRestoreCode stores a restore code of a conversation, known by its
	// selector and the SHA-256 of the whole code, until expires; it drops
	// the codes that have expired at now.
	AddRestoreCode(ctx context.Context, conversationID int64, selector string, hash []byte, now, expires int64) error
	// Restore finds the code with selector; when check (given the stored
	// hash) accepts it and it has not expired at now, it deletes the code
	// and gives the conversation newTokenHash in place of its token, in
	// one transaction. ErrNotFound for every other outcome.
	Restore(ctx context.Context, selector string, check func(hash []byte) bool, newTokenHash []byte, now int64) (int64, error)
}

var (
	_ Mail = (*SQLite)(nil)
	_ Mail = (*Postgres)(nil)
)

// OutMail is one notification waiting in the outbox.
type OutMail struct {
	ID             int64
	ConversationID int64
	AgentID        int64 // the agent to tell; 0: the conversation's visitor
	FirstID        int64 // the first message it is about
	Created        int64 // when that message came
	Attempt        int   // this attempt's number, from 1
	LogID          int64 // its delivery log row once an attempt failed; 0 before
}

// MailContent is what an OutMail says.
type MailContent struct {
	To        string // the address
	Lang      string // the recipient's language ("" for English)
	AgentName string // for a mail to an agent
	Site      string
	NewConv   bool // the messages begin the conversation
	Messages  []Message
}

// Queued by both AddMessage implementations, in the message's transaction.
// queueAgentMails: message id, time, conversation; one row per agent who
// wants mail: the assignee alone once the conversation has one, every such
// agent while it is unassigned. queueVisitorMail: the same arguments, for a
// conversation whose visitor gave an address.
const (
	queueAgentMails = `INSERT INTO mail_outbox (conversation_id, agent_id, first_id, created_at, next_at)
	SELECT c.id, a.id, ?, ?, 0 FROM conversations c, agents a
	WHERE c.id = ? AND a.email <> '' AND a.mail_me = 1 AND (c.assignee_id IS NULL OR c.assignee_id = a.id)
	ON CONFLICT (conversation_id, agent_id) DO NOTHING`
	queueVisitorMail = `INSERT INTO mail_outbox (conversation_id, agent_id, first_id, created_at, next_at)
	SELECT c.id, 0, ?, ?, 0 FROM conversations c WHERE c.id = ? AND c.visitor_email <> ''
	ON CONFLICT (conversation_id, agent_id) DO NOTHING`
)

// queueMails queues the mails a new message m (with id) calls for, in tx.
func queueMails(ctx context.Context, tx runner, m Message, id int64) error {
	var err error
	if m.Author == Visitor {
		_, err = tx.exec(ctx, queueAgentMails, id, m.Created, m.ConversationID)
	} else {
		_, err = tx.exec(ctx, queueVisitorMail, id, m.Created, m.ConversationID)
	}
	if err != nil {
		return fmt.Errorf("queue mail: %w", err)
	}
	return nil
}

// MailQueued implements Mail.
func (s *store) MailQueued() <-chan struct{} { return s.mailQueued }

func (s *store) signalMail() {
	select {
	case s.mailQueued <- struct{}{}:
	default:
	}
}

// ClaimMails implements Mail as ClaimDeliveries does: FOR UPDATE SKIP
// LOCKED on PostgreSQL, then the lease.
func (s *store) ClaimMails(ctx context.Context, now, quiet int64, lease time.Duration, limit int) ([]OutMail, error) {
	rows, err := s.query(ctx, `UPDATE mail_outbox SET lease_until = ?, attempts = attempts + 1
		WHERE id IN (SELECT id FROM mail_outbox WHERE created_at <= ? AND next_at <= ? AND lease_until <= ?
			ORDER BY created_at, id LIMIT ?`+s.d.skipLocked+`)
		RETURNING id, conversation_id, agent_id, first_id, created_at, attempts, log_id`,
		now+lease.Milliseconds(), quiet, now, now, limit)
	list, err := scanAll(rows, err, func(r scanner) (OutMail, error) {
		var m OutMail
		return m, r.Scan(&m.ID, &m.ConversationID, &m.AgentID, &m.FirstID, &m.Created, &m.Attempt, &m.LogID)
	})
	if err != nil {
		return nil, fmt.Errorf("claim mails: %w", err)
	}
	return list, nil
}

// MailContent implements Mail.
func (s *store) MailContent(ctx context.Context, m OutMail) (MailContent, error) {
	var c MailContent
	var visitorRead, agentRead, first int64
	err := s.row(ctx, `SELECT site, visitor_email, visitor_lang, visitor_read, agent_read,
		(SELECT coalesce(min(id), 0) FROM messages WHERE conversation_id = c.id) FROM conversations c WHERE c.id = ?`,
		m.ConversationID).Scan(&c.Site, &c.To, &c.Lang, &visitorRead, &agentRead, &first)
	author, read := Agent, visitorRead
	if err == nil && m.AgentID != 0 {
		author, read = Visitor, agentRead
		var mailMe int
		err = s.row(ctx, `SELECT name, email, mail_me FROM agents WHERE id = ?`, m.AgentID).Scan(&c.AgentName, &c.To, &mailMe)
		if mailMe == 0 {
			c.To = ""
		}
		c.Lang = ""
	}
	if errors.Is(err, sql.ErrNoRows) { // erased, or the agent removed: nobody to tell
		return MailContent{}, nil
	}
	if err != nil {
		return MailContent{}, fmt.Errorf("mail content: %w", err)
	}
	if c.To == "" {
		return MailContent{}, nil
	}
	c.NewConv = first != 0 && first == m.FirstID
	c.Messages, err = s.messages(ctx, `WHERE m.conversation_id = ? AND m.author = ? AND m.id >= ? AND m.id > ? ORDER BY m.id LIMIT 50`,
		m.ConversationID, author, m.FirstID, read)
	if err != nil {
		return MailContent{}, fmt.Errorf("mail content: %w", err)
	}
	return c, nil
}

// FinishMail implements Mail.
func (s *store) FinishMail(ctx context.Context, m OutMail, r MailResult) error {
	requeued := false
	upto := r.Upto
	err := s.tx(ctx, func(tx runner) error {
		logID, err := logMail(ctx, tx, m, r)
		if err != nil {
			return err
		}
		if r.RetryAt != 0 {
			_, err := tx.exec(ctx, `UPDATE mail_outbox SET next_at = ?, lease_until = 0, log_id = ? WHERE id = ?`, r.RetryAt, logID, m.ID)
			return err
		}
		if _, err := tx.exec(ctx, `DELETE FROM mail_outbox WHERE id = ?`, m.ID); err != nil {
			return err
		}
		// Messages that came while this mail was on its way (their insert
		// found it queued) get a mail of their own.
		author := Agent
		if m.AgentID != 0 {
			author = Visitor
		}
		res, err := tx.exec(ctx, `INSERT INTO mail_outbox (conversation_id, agent_id, first_id, created_at, next_at)
			SELECT conversation_id, ?, min(id), min(created_at), 0 FROM messages
			WHERE conversation_id = ? AND author = ? AND id > ? GROUP BY conversation_id
			ON CONFLICT (conversation_id, agent_id) DO NOTHING`,
			m.AgentID, m.ConversationID, author, max(upto, m.FirstID))
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		requeued = n > 0
		return nil
	})
	if err != nil {
		return fmt.Errorf("finish mail %d: %w", m.ID, err)
	}
	if requeued {
		s.signalMail()
	}
	return nil
}

// SetAgentEmail implements Mail. Clearing the address or the wish drops
// the agent's waiting mails.
func (s *store) SetAgentEmail(ctx context.Context, name, email string, mailMe bool) error {
	want := 0
	if mailMe {
		want = 1
	}
	err := s.tx(ctx, func(tx runner) error {
		if err := affected(tx.exec(ctx, `UPDATE agents SET email = ?, mail_me = ? WHERE name = ?`, email, want, name)); err != nil {
			return err
		}
		if email != "" && mailMe {
			return nil
		}
		_, err := tx.exec(ctx, `DELETE FROM mail_outbox WHERE agent_id = (SELECT id FROM agents WHERE name = ?)`, name)
		return err
	})
	if err != nil {
		return fmt.Errorf("set agent email: %w", err)
	}
	return nil
}

// SetVisitorEmail implements Mail.
func (s *store) SetVisitorEmail(ctx context.Context, conversationID int64, email, lang string) error {
	err := s.tx(ctx, func(tx runner) error {
		if err := affected(tx.exec(ctx, `UPDATE conversations SET visitor_email = ?, visitor_lang = ? WHERE id = ?`, email, lang, conversationID)); err != nil {
			return err
		}
		if email != "" {
			return nil
		}
		_, err := tx.exec(ctx, `DELETE FROM mail_outbox WHERE conversation_id = ? AND agent_id = 0`, conversationID)
		return err
	})
	if err != nil {
		return fmt.Errorf("set visitor email: %w", err)
	}
	return nil
}

// Unsubscribe implements Mail.
func (s *store) Unsubscribe(ctx context.Context, conversationID, agentID int64) error {
	if agentID == 0 {
		return s.SetVisitorEmail(ctx, conversationID, "", "")
	}
	err := s.tx(ctx, func(tx runner) error {
		if err := affected(tx.exec(ctx, `UPDATE agents SET mail_me = 0 WHERE id = ?`, agentID)); err != nil {
			return err
		}
		_, err := tx.exec(ctx, `DELETE FROM mail_outbox WHERE agent_id = ?`, agentID)
		return err
	})
	if err != nil {
		return fmt.Errorf("unsubscribe: %w", err)
	}
	return nil
}

// AddRestoreCode implements Mail.
func (s *store) AddRestoreCode(ctx context.Context, conversationID int64, selector string, hash []byte, now, expires int64) error {
	err := s.tx(ctx, func(tx runner) error {
		if _, err := tx.exec(ctx, `DELETE FROM restore_codes WHERE expires_at <= ?`, now); err != nil {
			return err
		}
		_, err := tx.exec(ctx, `INSERT INTO restore_codes (selector, hash, conversation_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
			selector, hash, conversationID, now, expires)
		return err
	})
	if err != nil {
		return fmt.Errorf("add restore code: %w", err)
	}
	return nil
}

// errRestoreRefused rolls back a restore whose code check failed.
var errRestoreRefused = errors.New("refused")

// Restore implements Mail. The row is locked (PostgreSQL) or the database
// written (SQLite's one writer) before the check, so two uses of one code
// at once restore once.
func (s *store) Restore(ctx context.Context, selector string, check func(hash []byte) bool, newTokenHash []byte, now int64) (int64, error) {
	var id int64
	err := s.tx(ctx, func(tx runner) error {
		var hash []byte
		var expires int64
		err := tx.row(ctx, `DELETE FROM restore_codes WHERE selector = ? RETURNING hash, conversation_id, expires_at`, selector).Scan(&hash, &id, &expires)
		if errors.Is(err, sql.ErrNoRows) {
			check(nil) // the same comparison as for a stored code
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if !check(hash) {
			return errRestoreRefused // the code stays for its owner
		}
		if expires <= now {
			id = 0 // expired: its deletion commits, the restore is refused
			return nil
		}
		return affected(tx.exec(ctx, `UPDATE conversations SET token_hash = ?, seen_at = ? WHERE id = ?`, newTokenHash, now, id))
	})
	if err != nil && !errors.Is(err, errRestoreRefused) && !errors.Is(err, ErrNotFound) {
		return 0, fmt.Errorf("restore: %w", err)
	}
	if err != nil || id == 0 {
		return 0, ErrNotFound
	}
	return id, nil
}
