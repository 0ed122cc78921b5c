package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

const messageSelect = `SELECT m.id, m.conversation_id, m.client_id, m.author, coalesce(a.name, m.shown_name), coalesce(m.agent_id, 0), m.body, m.created_at
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
