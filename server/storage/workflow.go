package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// Errors of the conversation workflow, told apart with errors.Is.
var (
	// ErrTransition: the conversation's state does not allow the change
	// (resolving a resolved one, snoozing a resolved one, reopening an
	// open one).
	ErrTransition = errors.New("state transition not allowed")
	// ErrUnknownAgent: an assignment to an agent that does not exist
	// (removed, or never added).
	ErrUnknownAgent = errors.New("unknown agent")
	// ErrNotResolved: a rating of a conversation that is not resolved.
	ErrNotResolved = errors.New("conversation not resolved")
)

// Workflow is the part of Store that works the inbox: states, assignment,
// each agent's read cursor and the visitors' ratings. Every change is one
// transaction.
type Workflow interface {
	// SetState moves a conversation to state: StateSnoozed needs until
	// (after now), StateResolved queues its conversation.resolved webhook
	// deliveries in the same transaction. From open: snoozed or resolved;
	// from snoozed: open, snoozed (another time) or resolved; from
	// resolved: open. Anything else is ErrTransition; a snooze that has
	// ended counts as open. ErrNotFound when there is no conversation.
	SetState(ctx context.Context, id int64, state string, until, now int64) error
	// WakeSnoozed opens the snoozed conversations whose snooze has ended
	// at now and returns their ids.
	WakeSnoozed(ctx context.Context, now int64) ([]int64, error)
	// Assign assigns a conversation to the agent named agent ("" leaves
	// it unassigned). ErrUnknownAgent when there is no such agent.
	Assign(ctx context.Context, id int64, agent string) error
	// AgentConversation is Conversation as the agent viewer sees it: with
	// their read cursor (MyRead) and unread count (UnreadMine).
	AgentConversation(ctx context.Context, id, viewer int64) (Conversation, error)
	// AgentConversations lists the conversations f selects, most recently
	// active first, as f.Viewer sees them.
	AgentConversations(ctx context.Context, f ConversationFilter) ([]Conversation, error)
	// ConversationCounts counts the conversations per state and
	// assignment (as viewer sees them) and the ratings.
	ConversationCounts(ctx context.Context, viewer int64) (Counts, error)
	// MarkAgentRead moves agent's own read cursor forward to messageID
	// (never backward, never past the last message) and the shared agents'
	// cursor (Conversation.AgentRead, the visitor's "seen" marks) with it;
	// it returns the agent's cursor.
	MarkAgentRead(ctx context.Context, conversationID, agent, messageID int64) (int64, error)
	// UnreadByAgent returns, for each agent by name, the visitor messages
	// after their cursor in a conversation.
	UnreadByAgent(ctx context.Context, conversationID int64) (map[string]int, error)
	// Rate stores the visitor's rating of the conversation's current
	// resolution, replacing an earlier rating of the same resolution.
	// ErrNotResolved unless the conversation is resolved.
	Rate(ctx context.Context, conversationID int64, score, comment string, now int64) (Rating, error)
}

var (
	_ Workflow = (*SQLite)(nil)
	_ Workflow = (*Postgres)(nil)
)

// Assignment filters of a ConversationFilter.
const (
	AssignedAny        = ""
	AssignedMine       = "mine"
	AssignedUnassigned = "unassigned"
)

// ConversationFilter selects conversations for an agent.
type ConversationFilter struct {
	Viewer   int64  // the agent asking: their cursor, "mine"
	State    string // "" any, or one of the State… values
	Assigned string // one of the Assigned… values
	Limit    int
	// Before, when set, lists only the conversations after it in the
	// list's order (latest activity first): the next page.
	Before *Position
}

// Position is a conversation's place in the agents' list: its latest
// activity, then its id, both descending.
type Position struct {
	Updated, ID int64
}

// where is the filter's WHERE clause (empty when none) and its arguments.
func (f ConversationFilter) where() (string, []any) {
	var conds []string
	var args []any
	if f.State != "" {
		conds, args = append(conds, "c.state = ?"), append(args, f.State)
	}
	switch f.Assigned {
	case AssignedMine:
		conds, args = append(conds, "c.assignee_id = ?"), append(args, f.Viewer)
	case AssignedUnassigned:
		conds = append(conds, "c.assignee_id IS NULL")
	}
	if f.Before != nil {
		conds = append(conds, "(c.updated_at < ? OR (c.updated_at = ? AND c.id < ?))")
		args = append(args, f.Before.Updated, f.Before.Updated, f.Before.ID)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return "WHERE " + strings.Join(conds, " AND ") + " ", args
}

// StateCount is how many conversations of one state there are: all of
// them, those assigned to the viewer, those assigned to nobody.
type StateCount struct {
	All, Mine, Unassigned int
}

// Counts are the inbox's totals.
type Counts struct {
	States    map[string]StateCount // by State… value, every state present
	Good, Bad int                   // ratings, over every resolution
}

// transitions lists, for each target state, the states it may be reached
// from.
var transitions = map[string][]string{
	StateOpen:     {StateSnoozed, StateResolved},
	StateSnoozed:  {StateOpen, StateSnoozed},
	StateResolved: {StateOpen, StateSnoozed},
}

// SetState implements Workflow in one statement that changes the row only
// from an allowed state, in one transaction with the wake of an ended
// snooze and the webhook deliveries.
func (s *store) SetState(ctx context.Context, id int64, state string, until, now int64) error {
	from, ok := transitions[state]
	if !ok || (state == StateSnoozed) != (until > now) {
		return fmt.Errorf("set state %q: %w", state, ErrTransition)
	}
	if state != StateSnoozed {
		until = 0
	}
	err := s.tx(ctx, func(tx runner) error {
		if _, err := tx.exec(ctx, `UPDATE conversations SET state = 'open', snoozed_until = 0
			WHERE id = ? AND state = 'snoozed' AND snoozed_until <= ?`, id, now); err != nil {
			return err
		}
		set := `state = ?, snoozed_until = ?`
		args := []any{state, until}
		if state == StateResolved {
			set += `, resolved_at = ?`
			args = append(args, now)
		}
		args = append(args, id, from[0], from[1])
		err := affected(tx.exec(ctx, `UPDATE conversations SET `+set+` WHERE id = ? AND state IN (?, ?)`, args...))
		if errors.Is(err, ErrNotFound) {
			var n int
			if err := tx.row(ctx, `SELECT count(*) FROM conversations WHERE id = ?`, id).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return ErrTransition
			}
		}
		if err != nil || state != StateResolved {
			return err
		}
		return queueWebhooks(ctx, tx, EventConversationResolved, id, id, now)
	})
	if err != nil {
		return fmt.Errorf("conversation %d: set state %q: %w", id, state, err)
	}
	if state == StateResolved {
		s.signalQueued()
	}
	return nil
}

// WakeSnoozed implements Workflow.
// The consoles' lists call it on every refresh: it looks first, through
// the snoozed conversations' index, and writes only when a snooze has
// ended, so that a refresh does not wait for (or hold up) the writers.
func (s *store) WakeSnoozed(ctx context.Context, now int64) ([]int64, error) {
	var due bool
	err := s.row(ctx, `SELECT EXISTS (SELECT 1 FROM conversations
		WHERE state = 'snoozed' AND snoozed_until <= ?)`, now).Scan(&due)
	if err != nil {
		return nil, fmt.Errorf("wake snoozed: %w", err)
	}
	if !due {
		return nil, nil
	}
	rows, err := s.query(ctx, `UPDATE conversations SET state = 'open', snoozed_until = 0
		WHERE state = 'snoozed' AND snoozed_until <= ? RETURNING id`, now)
	ids, err := scanAll(rows, err, func(r scanner) (int64, error) {
		var id int64
		return id, r.Scan(&id)
	})
	if err != nil {
		return nil, fmt.Errorf("wake snoozed: %w", err)
	}
	return ids, nil
}

// Assign implements Workflow: the agent is looked up and the row changed
// in one transaction, and the foreign key refuses an agent removed
// meanwhile.
func (s *store) Assign(ctx context.Context, id int64, agent string) error {
	err := s.tx(ctx, func(tx runner) error {
		var agentID any
		if agent != "" {
			var aid int64
			err := tx.row(ctx, `SELECT id FROM agents WHERE name = ?`, agent).Scan(&aid)
			if errors.Is(err, sql.ErrNoRows) {
				return ErrUnknownAgent
			}
			if err != nil {
				return err
			}
			agentID = aid
		}
		return affected(tx.exec(ctx, `UPDATE conversations SET assignee_id = ? WHERE id = ?`, agentID, id))
	})
	if err != nil {
		return fmt.Errorf("conversation %d: assign %q: %w", id, agent, err)
	}
	return nil
}

// AgentConversation implements Workflow.
func (s *store) AgentConversation(ctx context.Context, id, viewer int64) (Conversation, error) {
	c, err := scanConversation(s.row(ctx, selectFor(viewer)+`WHERE c.id = ?`, id))
	if err != nil {
		return c, fmt.Errorf("conversation: %w", err)
	}
	return c, nil
}

// AgentConversations implements Workflow.
func (s *store) AgentConversations(ctx context.Context, f ConversationFilter) ([]Conversation, error) {
	where, args := f.where()
	rows, err := s.query(ctx, selectFor(f.Viewer)+where+`ORDER BY c.updated_at DESC, c.id DESC LIMIT ?`, append(args, f.Limit)...)
	list, err := scanAll(rows, err, scanConversation)
	if err != nil {
		return nil, fmt.Errorf("conversations: %w", err)
	}
	return list, nil
}

// ConversationCounts implements Workflow.
func (s *store) ConversationCounts(ctx context.Context, viewer int64) (Counts, error) {
	out := Counts{States: map[string]StateCount{StateOpen: {}, StateSnoozed: {}, StateResolved: {}}}
	rows, err := s.query(ctx, `SELECT state, count(*),
		coalesce(sum(CASE WHEN assignee_id = ? THEN 1 ELSE 0 END), 0),
		coalesce(sum(CASE WHEN assignee_id IS NULL THEN 1 ELSE 0 END), 0)
		FROM conversations GROUP BY state`, viewer)
	_, err = scanAll(rows, err, func(r scanner) (int, error) {
		var state string
		var n StateCount
		err := r.Scan(&state, &n.All, &n.Mine, &n.Unassigned)
		out.States[state] = n
		return 0, err
	})
	if err != nil {
		return out, fmt.Errorf("counts: %w", err)
	}
	rows, err = s.query(ctx, `SELECT score, count(*) FROM ratings GROUP BY score`)
	_, err = scanAll(rows, err, func(r scanner) (int, error) {
		var score string
		var n int
		err := r.Scan(&score, &n)
		if score == RatingGood {
			out.Good = n
		} else {
			out.Bad = n
		}
		return 0, err
	})
	if err != nil {
		return out, fmt.Errorf("counts: ratings: %w", err)
	}
	return out, nil
}

// MarkAgentRead implements Workflow in one transaction.
func (s *store) MarkAgentRead(ctx context.Context, conversationID, agent, messageID int64) (int64, error) {
	var got int64
	err := s.tx(ctx, func(tx runner) error {
		var last int64
		err := tx.row(ctx, `SELECT coalesce(max(id), 0) FROM messages WHERE conversation_id = ?`, conversationID).Scan(&last)
		if err != nil {
			return err
		}
		to := min(messageID, last)
		if err := affected(tx.exec(ctx, `UPDATE conversations SET agent_read = `+s.d.greatest+`(agent_read, ?) WHERE id = ?`, to, conversationID)); err != nil {
			return err
		}
		return tx.row(ctx, `INSERT INTO agent_reads (conversation_id, agent_id, message_id) VALUES (?, ?, ?)
			ON CONFLICT (conversation_id, agent_id) DO UPDATE SET message_id = `+s.d.greatest+`(agent_reads.message_id, excluded.message_id)
			RETURNING message_id`, conversationID, agent, to).Scan(&got)
	})
	if err != nil {
		return 0, fmt.Errorf("mark read: %w", err)
	}
	return got, nil
}

// UnreadByAgent implements Workflow.
func (s *store) UnreadByAgent(ctx context.Context, conversationID int64) (map[string]int, error) {
	rows, err := s.query(ctx, `SELECT a.name, (SELECT count(*) FROM messages m WHERE m.conversation_id = ?
		AND m.author = 'visitor' AND m.id > coalesce(r.message_id, 0))
		FROM agents a LEFT JOIN agent_reads r ON r.agent_id = a.id AND r.conversation_id = ?`, conversationID, conversationID)
	out := map[string]int{}
	_, err = scanAll(rows, err, func(r scanner) (int, error) {
		var name string
		var n int
		err := r.Scan(&name, &n)
		out[name] = n
		return n, err
	})
	if err != nil {
		return nil, fmt.Errorf("unread by agent: %w", err)
	}
	return out, nil
}

// Rate implements Workflow in one transaction: the rating is stored only
// while the conversation is resolved, keyed by its resolution, and counted
// in the statistics when it is the resolution's first (a changed rating
// counts once). The conversation's row is locked first, so that two
// ratings at once count once.
func (s *store) Rate(ctx context.Context, conversationID int64, score, comment string, now int64) (Rating, error) {
	r := Rating{ConversationID: conversationID, Score: score, Comment: comment, Created: now}
	err := s.tx(ctx, func(tx runner) error {
		var state string
		var rated bool
		err := tx.row(ctx, `SELECT c.state, c.resolved_at, EXISTS (SELECT 1 FROM ratings r WHERE r.conversation_id = c.id AND r.resolved_at = c.resolved_at)
			FROM conversations c WHERE c.id = ?`+s.d.lockRow, conversationID).Scan(&state, &r.Resolution, &rated)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if state != StateResolved {
			return ErrNotResolved
		}
		if _, err := tx.exec(ctx, `INSERT INTO ratings (conversation_id, resolved_at, score, comment, created_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (conversation_id, resolved_at) DO UPDATE SET score = excluded.score, comment = excluded.comment, created_at = excluded.created_at`,
			conversationID, r.Resolution, score, comment, now); err != nil {
			return err
		}
		if rated {
			return nil
		}
		return countEvent(ctx, tx, now, StatRating, score, "")
	})
	if err != nil {
		return Rating{}, fmt.Errorf("conversation %d: rate: %w", conversationID, err)
	}
	return r, nil
}
