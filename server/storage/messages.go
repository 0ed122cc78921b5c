package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

const messageSelect = `SELECT m.id, m.conversation_id, m.client_id, m.author, coalesce(a.name, ''), coalesce(m.agent_id, 0), m.body, m.created_at
	FROM messages m LEFT JOIN agents a ON a.id = m.agent_id `

func scanMessage(row scanner) (Message, error) {
	var m Message
	err := row.Scan(&m.ID, &m.ConversationID, &m.ClientID, &m.Author, &m.AgentName, &m.AgentID, &m.Body, &m.Created)
	if errors.Is(err, sql.ErrNoRows) {
		return m, ErrNotFound
	}
	return m, err
}

func (s *store) message(ctx context.Context, id int64) (Message, error) {
	m, err := scanMessage(s.row(ctx, messageSelect+`WHERE m.id = ?`, id))
	if err != nil {
		return m, fmt.Errorf("message %d: %w", id, err)
	}
	return m, nil
}

func (s *store) messages(ctx context.Context, query string, args ...any) ([]Message, error) {
	rows, err := s.query(ctx, messageSelect+query, args...)
	list, err := scanAll(rows, err, scanMessage)
	if err != nil {
		return nil, fmt.Errorf("messages: %w", err)
	}
	return list, nil
}

// AddMessage implements Store in one transaction. On PostgreSQL it first
// takes the dialect's messages lock and holds it until the commit, so that
// ids become visible in increasing order on every instance sharing the
// database; SQLite has one writer at a time and needs no lock.
func (s *store) AddMessage(ctx context.Context, m Message) (Message, bool, error) {
	var agent any
	if m.AgentID != 0 {
		agent = m.AgentID
	}
	var id int64
	created := false
	err := s.tx(ctx, func(tx runner) error {
		if s.d.lockMessages != "" {
			if _, err := tx.exec(ctx, s.d.lockMessages); err != nil {
				return err
			}
		}
		err := tx.row(ctx, `INSERT INTO messages (conversation_id, client_id, author, agent_id, body, created_at) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (conversation_id, author, client_id) DO NOTHING RETURNING id`,
			m.ConversationID, m.ClientID, m.Author, agent, m.Body, m.Created).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) { // sent before: the same body, or a conflict
			var body string
			err = tx.row(ctx, `SELECT id, body FROM messages WHERE conversation_id = ? AND author = ? AND client_id = ?`,
				m.ConversationID, m.Author, m.ClientID).Scan(&id, &body)
			if err == nil && body != m.Body {
				err = ErrConflict
			}
			return err
		}
		if err != nil {
			return err
		}
		created = true
		// The author has read their own message.
		cursor := readCursor(m.Author)
		_, err = tx.exec(ctx, `UPDATE conversations SET updated_at = ?, `+cursor+` = `+s.d.greatest+`(`+cursor+`, ?) WHERE id = ?`,
			m.Created, id, m.ConversationID)
		return err
	})
	if err != nil {
		return Message{}, false, fmt.Errorf("add message: %w", err)
	}
	stored, err := s.message(ctx, id)
	return stored, created, err
}

// Messages implements Store.
func (s *store) Messages(ctx context.Context, conversationID, after int64, limit int) ([]Message, error) {
	return s.messages(ctx, `WHERE m.conversation_id = ? AND m.id > ? ORDER BY m.id LIMIT ?`, conversationID, after, limit)
}

// AllMessages implements Store.
func (s *store) AllMessages(ctx context.Context, after int64, limit int) ([]Message, error) {
	return s.messages(ctx, `WHERE m.id > ? ORDER BY m.id LIMIT ?`, after, limit)
}

// readCursor names the read cursor column of a reader (Visitor or Agent).
func readCursor(reader string) string {
	if reader == Agent {
		return "agent_read"
	}
	return "visitor_read"
}

// MarkRead implements Store in one statement: forward only, and never past
// the conversation's last message.
func (s *store) MarkRead(ctx context.Context, conversationID int64, reader string, messageID int64) (int64, error) {
	cursor := readCursor(reader)
	var got int64
	err := s.row(ctx, `UPDATE conversations SET `+cursor+` = `+s.d.greatest+`(`+cursor+`, `+s.d.least+`(?,
		(SELECT coalesce(max(id), 0) FROM messages WHERE conversation_id = ?)))
		WHERE id = ? RETURNING `+cursor, messageID, conversationID, conversationID).Scan(&got)
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("mark read: %w", err)
	}
	return got, nil
}
