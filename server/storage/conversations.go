package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// conversationSelect reads a conversation with its counts (unread for
// each side) and its last message, whose columns are zero when it has none.
const conversationSelect = `SELECT c.id, c.site, c.created_at, c.updated_at, c.visitor_read, c.agent_read,
	c.banned_reason, c.banned_at, c.seen_at, c.visitor_email, c.visitor_lang,
	(SELECT count(*) FROM messages m WHERE m.conversation_id = c.id AND m.author = 'agent' AND m.id > c.visitor_read),
	(SELECT count(*) FROM messages m WHERE m.conversation_id = c.id AND m.author = 'visitor' AND m.id > c.agent_read),
	coalesce(l.id, 0), coalesce(l.client_id, ''), coalesce(l.author, ''), coalesce(la.name, ''), coalesce(l.agent_id, 0),
	coalesce(l.body, ''), coalesce(l.created_at, 0)
	FROM conversations c
	LEFT JOIN messages l ON l.id = (SELECT max(m.id) FROM messages m WHERE m.conversation_id = c.id)
	LEFT JOIN agents la ON la.id = l.agent_id `

func scanConversation(row scanner) (Conversation, error) {
	var c Conversation
	var m Message
	err := row.Scan(&c.ID, &c.Site, &c.Created, &c.Updated, &c.VisitorRead, &c.AgentRead,
		&c.BannedReason, &c.BannedAt, &c.Seen, &c.Email, &c.Lang, &c.UnreadVisitor, &c.UnreadAgent,
		&m.ID, &m.ClientID, &m.Author, &m.AgentName, &m.AgentID, &m.Body, &m.Created)
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if m.ID > 0 {
		m.ConversationID = c.ID
		c.Last = &m
	}
	return c, err
}

func (s *store) conversation(ctx context.Context, where string, arg any) (Conversation, error) {
	c, err := scanConversation(s.row(ctx, conversationSelect+where, arg))
	if err != nil {
		return c, fmt.Errorf("conversation: %w", err)
	}
	return c, nil
}

// CreateConversation implements Store: the conversation, its network hash
// and its webhook deliveries in one transaction, so that none exists
// without the others.
func (s *store) CreateConversation(ctx context.Context, tokenHash []byte, site string, networkHash []byte, now int64) (Conversation, error) {
	var id int64
	err := s.tx(ctx, func(tx runner) error {
		err := tx.row(ctx, `INSERT INTO conversations (token_hash, site, created_at, updated_at, seen_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
			tokenHash, site, now, now, now).Scan(&id)
		if s.d.isUnique(err) {
			return ErrConflict
		}
		if err != nil {
			return err
		}
		if networkHash != nil {
			if _, err := tx.exec(ctx, `INSERT INTO conversation_networks (conversation_id, network_hash) VALUES (?, ?)`, id, networkHash); err != nil {
				return err
			}
		}
		return queueWebhooks(ctx, tx, EventConversationCreated, id, id, now)
	})
	if err != nil {
		return Conversation{}, fmt.Errorf("create conversation: %w", err)
	}
	s.signalQueued()
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
	list, err := scanAll(rows, err, scanConversation)
	if err != nil {
		return nil, fmt.Errorf("conversations: %w", err)
	}
	return list, nil
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
