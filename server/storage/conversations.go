package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// conversationSelect reads a conversation with its counts: unread for each
// side and the id of the last message (0 for none).
const conversationSelect = `SELECT c.id, c.site, c.created_at, c.updated_at, c.visitor_read, c.agent_read,
	c.banned_reason, c.banned_at,
	(SELECT count(*) FROM messages m WHERE m.conversation_id = c.id AND m.author = 'agent' AND m.id > c.visitor_read),
	(SELECT count(*) FROM messages m WHERE m.conversation_id = c.id AND m.author = 'visitor' AND m.id > c.agent_read),
	(SELECT coalesce(max(m.id), 0) FROM messages m WHERE m.conversation_id = c.id)
	FROM conversations c `

type scanner interface{ Scan(dest ...any) error }

func scanConversation(row scanner) (Conversation, int64, error) {
	var c Conversation
	var last int64
	err := row.Scan(&c.ID, &c.Site, &c.Created, &c.Updated, &c.VisitorRead, &c.AgentRead,
		&c.BannedReason, &c.BannedAt, &c.UnreadVisitor, &c.UnreadAgent, &last)
	if errors.Is(err, sql.ErrNoRows) {
		return c, 0, ErrNotFound
	}
	return c, last, err
}

func (s *store) conversation(ctx context.Context, where string, arg any) (Conversation, error) {
	c, last, err := scanConversation(s.row(ctx, conversationSelect+where, arg))
	if err != nil {
		return c, fmt.Errorf("conversation: %w", err)
	}
	if last > 0 {
		m, err := s.message(ctx, last)
		if err != nil {
			return c, err
		}
		c.Last = &m
	}
	return c, nil
}

// CreateConversation implements Store.
func (s *store) CreateConversation(ctx context.Context, tokenHash []byte, site string, now int64) (Conversation, error) {
	var id int64
	err := s.row(ctx, `INSERT INTO conversations (token_hash, site, created_at, updated_at) VALUES (?, ?, ?, ?) RETURNING id`,
		tokenHash, site, now, now).Scan(&id)
	if s.d.isUnique(err) {
		err = ErrConflict
	}
	if err != nil {
		return Conversation{}, fmt.Errorf("create conversation: %w", err)
	}
	return s.Conversation(ctx, id)
}

// ConversationByToken implements Store.
func (s *store) ConversationByToken(ctx context.Context, tokenHash []byte) (Conversation, error) {
	return s.conversation(ctx, `WHERE c.token_hash = ?`, tokenHash)
}

// Conversation implements Store.
func (s *store) Conversation(ctx context.Context, id int64) (Conversation, error) {
	return s.conversation(ctx, `WHERE c.id = ?`, id)
}

// Conversations implements Store.
func (s *store) Conversations(ctx context.Context, limit int) ([]Conversation, error) {
	rows, err := s.query(ctx, conversationSelect+`ORDER BY c.updated_at DESC, c.id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("conversations: %w", err)
	}
	defer rows.Close()
	var out []Conversation
	var lasts []int64
	for rows.Next() {
		c, last, err := scanConversation(rows)
		if err != nil {
			return nil, fmt.Errorf("conversations: %w", err)
		}
		out = append(out, c)
		lasts = append(lasts, last)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("conversations: %w", err)
	}
	rows.Close() // frees its connection before the queries below
	for i, last := range lasts {
		if last > 0 {
			m, err := s.message(ctx, last)
			if err != nil {
				return nil, err
			}
			out[i].Last = &m
		}
	}
	return out, nil
}

// Ban implements Store.
func (s *store) Ban(ctx context.Context, conversationID int64, reason string, now int64) error {
	at := now
	if reason == "" {
		at = 0
	}
	res, err := s.exec(ctx, `UPDATE conversations SET banned_reason = ?, banned_at = ? WHERE id = ?`, reason, at, conversationID)
	if err != nil {
		return fmt.Errorf("ban: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("ban: %w", ErrNotFound)
	}
	return nil
}
