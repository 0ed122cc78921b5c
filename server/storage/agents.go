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
	return AgentAccount{ID: id, Name: name, PasswordHash: passwordHash, Created: now, MailMe: true}, nil
}

// AgentByName implements Store.
func (s *store) AgentByName(ctx context.Context, name string) (AgentAccount, error) {
	a, err := scanAgent(s.row(ctx, `SELECT id, name, password_hash, created_at, email, mail_me FROM agents WHERE name = ?`, name))
	if err != nil {
		return a, fmt.Errorf("agent %q: %w", name, err)
	}
	return a, nil
}

func scanAgent(row scanner) (AgentAccount, error) {
	var a AgentAccount
	var mailMe int
	err := row.Scan(&a.ID, &a.Name, &a.PasswordHash, &a.Created, &a.Email, &mailMe)
	a.MailMe = mailMe != 0
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
	a, err := scanAgent(s.row(ctx, `SELECT a.id, a.name, a.password_hash, a.created_at, a.email, a.mail_me FROM sessions s
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

// Agents implements Store.
func (s *store) Agents(ctx context.Context, now int64) ([]AgentSummary, error) {
	rows, err := s.query(ctx, `SELECT a.name, a.created_at, a.email, a.mail_me,
		(SELECT COUNT(*) FROM sessions s WHERE s.agent_id = a.id AND s.expires_at > ?)
		FROM agents a ORDER BY a.name`, now)
	list, err := scanAll(rows, err, func(r scanner) (AgentSummary, error) {
		var a AgentSummary
		var mailMe int
		err := r.Scan(&a.Name, &a.Created, &a.Email, &mailMe, &a.Sessions)
		a.MailMe = mailMe != 0
		return a, err
	})
	if err != nil {
		return nil, fmt.Errorf("agents: %w", err)
	}
	return list, nil
}

// RemoveAgent implements Store. The sessions and read cursors go with the
// agent and its conversations become unassigned (the foreign keys' ON
// DELETE); doing it first keeps that true of a database whose foreign keys
// are off.
func (s *store) RemoveAgent(ctx context.Context, name string) error {
	err := s.tx(ctx, func(tx runner) error {
		for _, q := range []string{
			`DELETE FROM sessions WHERE agent_id = (SELECT id FROM agents WHERE name = ?)`,
			`DELETE FROM mail_outbox WHERE agent_id = (SELECT id FROM agents WHERE name = ?)`,
			`DELETE FROM mail_log WHERE agent_id = (SELECT id FROM agents WHERE name = ?)`,
			`DELETE FROM agent_reads WHERE agent_id = (SELECT id FROM agents WHERE name = ?)`,
			`UPDATE conversations SET assignee_id = NULL WHERE assignee_id = (SELECT id FROM agents WHERE name = ?)`,
		} {
			if _, err := tx.exec(ctx, q, name); err != nil {
				return err
			}
		}
		return affected(tx.exec(ctx, `DELETE FROM agents WHERE name = ?`, name))
	})
	if err != nil {
		return fmt.Errorf("remove agent %q: %w", name, err)
	}
	return nil
}

// SetAgentPassword implements Store.
func (s *store) SetAgentPassword(ctx context.Context, name, passwordHash string) error {
	err := s.tx(ctx, func(tx runner) error {
		if err := affected(tx.exec(ctx, `UPDATE agents SET password_hash = ? WHERE name = ?`, passwordHash, name)); err != nil {
			return err
		}
		_, err := tx.exec(ctx, `DELETE FROM sessions WHERE agent_id = (SELECT id FROM agents WHERE name = ?)`, name)
		return err
	})
	if err != nil {
		return fmt.Errorf("agent %q: set password: %w", name, err)
	}
	return nil
}

// EndAgentSessions implements Store.
func (s *store) EndAgentSessions(ctx context.Context, name string) (int64, error) {
	var n int64
	err := s.tx(ctx, func(tx runner) error {
		var id int64
		if err := tx.row(ctx, `SELECT id FROM agents WHERE name = ?`, name).Scan(&id); errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		} else if err != nil {
			return err
		}
		res, err := tx.exec(ctx, `DELETE FROM sessions WHERE agent_id = ?`, id)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("agent %q: end sessions: %w", name, err)
	}
	return n, nil
}

// affected turns an exec that changed no row into ErrNotFound.
func affected(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}
