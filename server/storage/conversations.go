package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// conversationTemplate reads a conversation with its counts (unread for
// each side, and for the viewing agent after their own cursor), its state,
// assignee, latest rating, the visitor's address for replies and last
// message, whose columns are zero when it has none. viewerMark stands for
// the viewing agent's id (0: none).
const conversationTemplate = `SELECT c.id, c.site, c.created_at, c.updated_at, c.visitor_read, c.agent_read,
	c.banned_reason, c.banned_at, c.seen_at, c.visitor_email, c.visitor_lang,
	(SELECT count(*) FROM messages m WHERE m.conversation_id = c.id AND m.author = 'agent' AND m.id > c.visitor_read),
	(SELECT count(*) FROM messages m WHERE m.conversation_id = c.id AND m.author = 'visitor' AND m.id > c.agent_read),
	c.state, c.snoozed_until, c.resolved_at, coalesce(c.assignee_id, 0), coalesce(asg.name, ''),
	coalesce(ar.message_id, 0),
	(SELECT count(*) FROM messages m WHERE m.conversation_id = c.id AND m.author = 'visitor' AND m.id > coalesce(ar.message_id, 0)),
	coalesce(rt.score, ''), coalesce(rt.comment, ''), coalesce(rt.resolved_at, 0), coalesce(rt.created_at, 0),
	coalesce(l.id, 0), coalesce(l.client_id, ''), coalesce(l.author, ''), coalesce(la.name, l.shown_name, ''), coalesce(l.agent_id, 0),
	coalesce(l.body, ''), coalesce(l.created_at, 0)
	FROM conversations c
	LEFT JOIN messages l ON l.id = (SELECT max(m.id) FROM messages m WHERE m.conversation_id = c.id)
	LEFT JOIN agents la ON la.id = l.agent_id
	LEFT JOIN agents asg ON asg.id = c.assignee_id
	LEFT JOIN ratings rt ON rt.conversation_id = c.id AND rt.resolved_at = (SELECT max(r.resolved_at) FROM ratings r WHERE r.conversation_id = c.id)
	LEFT JOIN agent_reads ar ON ar.conversation_id = c.id AND ar.agent_id = ` + viewerMark + ` `

const viewerMark = "VIEWER"

// conversationSelect is conversationTemplate without a viewing agent.
var conversationSelect = selectFor(0)

// selectFor is conversationTemplate for the viewing agent viewer (an id:
// an integer, so no injection).
func selectFor(viewer int64) string {
	return strings.Replace(conversationTemplate, viewerMark, strconv.FormatInt(viewer, 10), 1)
}

func scanConversation(row scanner) (Conversation, error) {
	var c Conversation
	var m Message
	var r Rating
	err := row.Scan(&c.ID, &c.Site, &c.Created, &c.Updated, &c.VisitorRead, &c.AgentRead,
		&c.BannedReason, &c.BannedAt, &c.Seen, &c.Email, &c.Lang, &c.UnreadVisitor, &c.UnreadAgent,
		&c.State, &c.SnoozedUntil, &c.ResolvedAt, &c.AssigneeID, &c.Assignee, &c.MyRead, &c.UnreadMine,
		&r.Score, &r.Comment, &r.Resolution, &r.Created,
		&m.ID, &m.ClientID, &m.Author, &m.AgentName, &m.AgentID, &m.Body, &m.Created)
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if m.ID > 0 {
		m.ConversationID = c.ID
		c.Last = &m
	}
	if r.Score != "" {
		r.ConversationID = c.ID
		c.Rating = &r
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

// CreateConversation implements Store: the conversation, its network hash,
// its count in the statistics and its webhook deliveries in one
// transaction, so that none exists without the others.
func (s *store) CreateConversation(ctx context.Context, tokenHash []byte, site string, networkHash []byte, now int64) (Conversation, error) {
	return s.StartConversation(ctx, tokenHash, site, networkHash, "", "", Invitation{}, now)
}

// StartConversation implements Store: CreateConversation with the
// visitor's pre-chat name and email (kept when either is set) and the
// invitation they saw (its message first), in the same transaction.
func (s *store) StartConversation(ctx context.Context, tokenHash []byte, site string, networkHash []byte, name, email string, inv Invitation, now int64) (Conversation, error) {
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
		if name != "" || email != "" {
			if _, err := tx.exec(ctx, `INSERT INTO conversation_visitors (conversation_id, name, email, updated_at) VALUES (?, ?, ?, ?)`,
				id, name, email, now); err != nil {
				return err
			}
		}
		if err := countEvent(ctx, tx, now, StatConversation, "", ""); err != nil {
			return err
		}
		if err := queueWebhooks(ctx, tx, EventConversationCreated, id, id, now); err != nil {
			return err
		}
		if inv.Text != "" {
			return s.addInvitation(ctx, tx, id, inv, now)
		}
		return nil
	})
	if err != nil {
		return Conversation{}, fmt.Errorf("create conversation: %w", err)
	}
	s.signalQueued()
	return s.Conversation(ctx, id)
}

// addInvitation stores inv as conversation conv's message of the author
// Invite (client id "invite": one per conversation) and queues its
// webhook deliveries. On PostgreSQL its id is allocated the way AddMessage
// allocates one (postgres_order.go), so that a stream reading by id
// cannot pass it by.
func (s *store) addInvitation(ctx context.Context, tx runner, conv int64, inv Invitation, now int64) error {
	var id int64
	var err error
	if s.d.newMessageID != nil {
		for _, q := range s.d.newMessageID[:len(s.d.newMessageID)-1] {
			if _, err := tx.exec(ctx, q); err != nil {
				return fmt.Errorf("invitation id: %w", err)
			}
		}
		if err := tx.row(ctx, s.d.newMessageID[len(s.d.newMessageID)-1]).Scan(&id); err != nil {
			return fmt.Errorf("invitation id: %w", err)
		}
		_, err = tx.exec(ctx, `INSERT INTO messages (id, conversation_id, client_id, author, body, shown_name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			id, conv, Invite, Invite, inv.Text, inv.Name, now)
	} else {
		err = tx.row(ctx, `INSERT INTO messages (conversation_id, client_id, author, body, shown_name, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
			conv, Invite, Invite, inv.Text, inv.Name, now).Scan(&id)
	}
	if err != nil {
		return fmt.Errorf("invitation: %w", err)
	}
	return queueWebhooks(ctx, tx, EventMessageCreated, conv, id, now)
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
