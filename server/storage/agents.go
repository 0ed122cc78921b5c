package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// AddAgent implements Store.
func (s *store) AddAgent(ctx context.Context, name, passwordHash string, now int64) (AgentAccount, error) {
	var id int64
	err := s.row(ctx, `INSERT INTO agents (name, password_hash, created_at) VALUES (?, ?, ?) RETURNING id`,
		name, passwordHash, now).Scan(&id)
	if s.d.isUnique(err) {
		err = ErrConflict
	}
	if err != nil {
		return AgentAccount{}, fmt.Errorf("add agent %q: %w", name, err)
	}
	return AgentAccount{ID: id, Name: name, PasswordHash: passwordHash, Created: now}, nil
}

// AgentByName implements Store.
func (s *store) AgentByName(ctx context.Context, name string) (AgentAccount, error) {
	a, err := scanAgent(s.row(ctx, `SELECT id, name, password_hash, created_at FROM agents WHERE name = ?`, name))
	if err != nil {
		return a, fmt.Errorf("agent %q: %w", name, err)
	}
	return a, nil
}

func scanAgent(row scanner) (AgentAccount, error) {
	var a AgentAccount
	err := row.Scan(&a.ID, &a.Name, &a.PasswordHash, &a.Created)
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	return a, err
}

// CreateSession implements Store.
func (s *store) CreateSession(ctx context.Context, tokenHash []byte, agentID, now, expires int64) error {
	// Expired sessions are swept here rather than by a timer.
	if _, err := s.exec(ctx, `DELETE FROM sessions WHERE expires_at <= ?`, now); err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	if _, err := s.exec(ctx, `INSERT INTO sessions (token_hash, agent_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
		tokenHash, agentID, now, expires); err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	return nil
}

// SessionAgent implements Store.
func (s *store) SessionAgent(ctx context.Context, tokenHash []byte, now int64) (AgentAccount, error) {
	a, err := scanAgent(s.row(ctx, `SELECT a.id, a.name, a.password_hash, a.created_at FROM sessions s
		JOIN agents a ON a.id = s.agent_id WHERE s.token_hash = ? AND s.expires_at > ?`, tokenHash, now))
	if err != nil {
		return a, fmt.Errorf("session: %w", err)
	}
	return a, nil
}

// DeleteSession implements Store.
func (s *store) DeleteSession(ctx context.Context, tokenHash []byte) error {
	if _, err := s.exec(ctx, `DELETE FROM sessions WHERE token_hash = ?`, tokenHash); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// CreateTicket implements Store.
func (s *store) CreateTicket(ctx context.Context, tokenHash []byte, conversationID, now, expires int64) error {
	// Ended tickets are swept here rather than by a timer.
	if _, err := s.exec(ctx, `DELETE FROM tickets WHERE expires_at <= ?`, now); err != nil {
		return fmt.Errorf("create ticket: %w", err)
	}
	if _, err := s.exec(ctx, `INSERT INTO tickets (token_hash, conversation_id, expires_at) VALUES (?, ?, ?)`,
		tokenHash, conversationID, expires); err != nil {
		return fmt.Errorf("create ticket: %w", err)
	}
	return nil
}

// TicketConversation implements Store.
func (s *store) TicketConversation(ctx context.Context, tokenHash []byte, now int64) (int64, error) {
	var id int64
	err := s.row(ctx, `SELECT conversation_id FROM tickets WHERE token_hash = ? AND expires_at > ?`, tokenHash, now).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("ticket: %w", err)
	}
	return id, nil
}
