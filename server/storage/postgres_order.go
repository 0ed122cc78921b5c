package storage

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// Message ids on PostgreSQL come from a sequence, handed out before the
// commit: concurrent senders commit in any order, so a reader that pages
// by id ("every message above the last one I saw") could see message 6,
// move past it, and never see message 5 committed a moment later. Senders
// do not queue for one another to prevent it; readers look at who is
// still sending instead, through the lock table:
//
//   - AddMessage locks its conversation's row, then takes the shared lock
//     lockSending, then allocates its id, then takes the shared lock
//     lockMessage+id; all last until its commit. Shared locks never wait
//     for one another, so sends run in parallel; those of one conversation
//     queue on its row, before their ids, so that within a conversation
//     ids commit in order (an id a send returns is a safe place for that
//     conversation's stream to resume from).
//   - A reader first notes the highest id allocated so far (the sequence's
//     last value), then reads pg_locks once, then reads the messages, each
//     a statement of its own, in one READ COMMITTED transaction. It returns
//     no message above the visible bound: the allocated id noted, and
//     below the lowest lockMessage id still held. When a transaction holds
//     lockSending but no lockMessage id yet (between the two), the bound is
//     unknown for now and the reader uses the highest bound this process
//     has found before (Postgres.visible), which stays good: every id at
//     or below a bound has ended for good.
//
// Why that is enough: a sender whose id is at most the noted id allocated
// it before the note, so held lockSending before the note and, unless it
// had ended (then the message read, later, sees its row), when pg_locks
// was read: with its lockMessage id (the bound is below it) or without
// (the bound is unknown). A sender that did not hold lockSending then
// allocates after it, above the noted id. So every message at or below
// the bound has committed (or never will) before the message read, which
// sees it. The bound a process reads with never goes down, so what one
// read returns, a later read in that process returns too: a stream's
// replay covers what the instance's catch-up delivered before it.
//
// Unlike a bound on the oldest running transaction (pg_snapshot_xmin),
// this one waits only for senders, never for an unrelated long
// transaction elsewhere in the cluster; and unlike a reader taking an
// exclusive lock to wait for the senders, it never holds a sender up.
const (
	lockSending = 0x63726d03 // shared by every AddMessage in flight
	// lockMessage+id is held shared by the AddMessage storing message id.
	// The tag in the top 16 bits keeps these keys apart from the others
	// (ids stay below 2^48).
	lockMessage    = int64(0x6372) << 48
	lockMessageTag = 0x6372
)

// messageIDs is the sequence of message ids (the identity of messages.id;
// cache 1, so that an id allocated later is always higher).
const messageIDs = "messages_id_seq"

// addMessage stores a message unless its client id was used already, in
// four statements of one transaction: the conversation's row lock, then
// lockSending, then an id and its lockMessage (both only for a message not
// stored yet), then the insert: the rows of the message as stored
// (inserted or found) and whether it was inserted. $1 conversation, $2
// author, $3 client id.
var addMessage = [4]string{
	`SELECT 1 FROM conversations WHERE id = $1 FOR NO KEY UPDATE`,

	`SELECT set_config('crumbless.sending', '1', true), pg_advisory_xact_lock_shared(` + strconv.Itoa(lockSending) + `)
	WHERE NOT EXISTS (SELECT 1 FROM messages WHERE conversation_id = $1 AND author = $2 AND client_id = $3)`,

	`SELECT pg_advisory_xact_lock_shared(` + strconv.FormatInt(lockMessage, 10) + ` + n.id), set_config('crumbless.message_id', n.id::text, true)
	FROM (SELECT nextval('` + messageIDs + `') AS id WHERE current_setting('crumbless.sending', true) = '1' OFFSET 0) n`,

	`WITH existing AS (
	SELECT id, body, agent_id, created_at FROM messages WHERE conversation_id = $1 AND author = $2 AND client_id = $3
), ins AS (
	INSERT INTO messages (id, conversation_id, client_id, author, agent_id, body, created_at)
	SELECT n.id, $1, $3, $2, $4, $5, $6 FROM (SELECT nullif(current_setting('crumbless.message_id', true), '')::bigint AS id) n
	WHERE n.id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM existing)
	RETURNING id, body, agent_id, created_at
), cursor AS ( -- the author has read their own message
	UPDATE conversations c SET updated_at = $6,
		visitor_read = CASE WHEN $2 = 'visitor' THEN greatest(c.visitor_read, ins.id) ELSE c.visitor_read END,
		agent_read = CASE WHEN $2 = 'agent' THEN greatest(c.agent_read, ins.id) ELSE c.agent_read END,
		state = CASE WHEN $2 = 'visitor' THEN 'open' ELSE c.state END, -- a visitor's message reopens it
		snoozed_until = CASE WHEN $2 = 'visitor' THEN 0 ELSE c.snoozed_until END
	FROM ins WHERE c.id = $1
), mine AS ( -- the agent's own cursor
	INSERT INTO agent_reads (conversation_id, agent_id, message_id)
	SELECT $1, ins.agent_id, ins.id FROM ins WHERE ins.agent_id IS NOT NULL
	ON CONFLICT (conversation_id, agent_id) DO UPDATE SET message_id = greatest(agent_reads.message_id, excluded.message_id)
)
SELECT r.id, r.body, coalesce(r.agent_id, 0), coalesce(a.name, ''), r.created_at, r.created FROM (
	SELECT id, body, agent_id, created_at, true AS created FROM ins
	UNION ALL SELECT id, body, agent_id, created_at, false FROM existing
) r LEFT JOIN agents a ON a.id = r.agent_id`,
}

// queueMessageWebhooks, the last statement of addMessage's transaction,
// queues the webhook deliveries of a message it inserted (queueWebhooks in
// one statement, the id from crumbless.message_id). $1 conversation, $2
// the message's time.
var queueMessageWebhooks = `INSERT INTO webhook_deliveries (msg_id, endpoint_id, type, conversation_id, subject_id, created_at, next_at)
SELECT ` + postgresDialect.webhookID + `, e.id, '` + EventMessageCreated + `', $1, n.id, $2, $2
FROM webhook_endpoints e, (SELECT nullif(current_setting('crumbless.message_id', true), '')::bigint AS id) n
WHERE n.id IS NOT NULL AND e.events LIKE '%,` + EventMessageCreated + `,%'`

// countMessage, run before queueMessageWebhooks, is countEvent of a
// message it inserted (the id from crumbless.message_id). $1 the day, $2
// the kind.
const countMessage = `INSERT INTO stat_counts (day, kind, detail, path, referrer, lang, device, n)
SELECT $1, $2, '', '', '', '', '', 1 FROM (SELECT nullif(current_setting('crumbless.message_id', true), '')::bigint AS id) n
WHERE n.id IS NOT NULL
ON CONFLICT (day, kind, detail, path, referrer, lang, device) DO UPDATE SET n = stat_counts.n + 1`

// queueMessageAgentMails and queueMessageVisitorMail, run after
// queueMessageWebhooks, are queueMails in one statement each, the id from
// crumbless.message_id. $1 conversation, $2 the message's time.
var (
	queueMessageAgentMails = `INSERT INTO mail_outbox (conversation_id, agent_id, first_id, created_at, next_at)
SELECT $1, a.id, n.id, $2, 0 FROM conversations c, agents a, (SELECT nullif(current_setting('crumbless.message_id', true), '')::bigint AS id) n
WHERE n.id IS NOT NULL AND c.id = $1 AND a.email <> '' AND a.mail_me = 1 AND (c.assignee_id IS NULL OR c.assignee_id = a.id)
ON CONFLICT (conversation_id, agent_id) DO NOTHING`
	queueMessageVisitorMail = `INSERT INTO mail_outbox (conversation_id, agent_id, first_id, created_at, next_at)
SELECT c.id, 0, n.id, $2, 0 FROM conversations c, (SELECT nullif(current_setting('crumbless.message_id', true), '')::bigint AS id) n
WHERE n.id IS NOT NULL AND c.id = $1 AND c.visitor_email <> ''
ON CONFLICT (conversation_id, agent_id) DO NOTHING`
)

// AddMessage implements Store in one round trip: a batch in one
// transaction that takes the locks readers look for (see above), stores
// the message, counts it in the statistics and queues its webhook
// deliveries and mails.
func (s *Postgres) AddMessage(ctx context.Context, m Message) (Message, bool, error) {
	var agent *int64
	if m.AgentID != 0 {
		agent = &m.AgentID
	}
	var b pgx.Batch // one implicit transaction, committed at its end
	b.Queue(addMessage[0], m.ConversationID)
	b.Queue(addMessage[1], m.ConversationID, m.Author, m.ClientID)
	b.Queue(addMessage[2])
	var stored Message
	var created bool
	b.Queue(addMessage[3], m.ConversationID, m.Author, m.ClientID, agent, m.Body, m.Created).QueryRow(func(row pgx.Row) error {
		return row.Scan(&stored.ID, &stored.Body, &stored.AgentID, &stored.AgentName, &stored.Created, &created)
	})
	b.Queue(countMessage, statDay(m.Created), messageStat(m.Author))
	b.Queue(queueMessageWebhooks, m.ConversationID, m.Created)
	if m.Author == Visitor {
		b.Queue(queueMessageAgentMails, m.ConversationID, m.Created)
	} else {
		b.Queue(queueMessageVisitorMail, m.ConversationID, m.Created)
	}
	if err := s.pool.SendBatch(ctx, &b).Close(); err != nil {
		return Message{}, false, fmt.Errorf("add message: %w", err)
	}
	if created {
		s.signalQueued()
		s.signalMail()
	}
	if !created && stored.Body != m.Body {
		return Message{}, false, fmt.Errorf("add message: %w", ErrConflict)
	}
	stored.ConversationID, stored.ClientID, stored.Author = m.ConversationID, m.ClientID, m.Author
	return stored, created, nil
}

// The reader's two statements before its message read: the highest id
// allocated, then the visible bound, kept in crumbless.visible for the
// read: at least $2 (the highest found before), and $2 while a sender
// holds lockSending without its lockMessage id yet; with whether it was
// known.
// $1 is the database's oid (Postgres.dbOID): advisory locks are per
// database, pg_locks shows the whole cluster's.
var (
	noteAllocated = `SELECT set_config('crumbless.allocated', coalesce(pg_sequence_last_value('` + messageIDs + `'), 0)::text, true)`
	visibleBound  = `WITH l AS MATERIALIZED (
	SELECT virtualtransaction AS tx, classid::bigint AS hi, objid::bigint AS lo FROM pg_locks
	WHERE locktype = 'advisory' AND objsubid = 1 AND database = $1
), keyed AS (
	SELECT tx, ((hi & 65535) << 32) | lo AS id FROM l WHERE hi >> 16 = ` + strconv.Itoa(lockMessageTag) + `
), bound AS (
	SELECT CASE WHEN EXISTS (SELECT 1 FROM l WHERE hi = 0 AND lo = ` + strconv.Itoa(lockSending) + ` AND tx NOT IN (SELECT tx FROM keyed)) THEN NULL
		ELSE least(current_setting('crumbless.allocated')::bigint, (SELECT min(id) - 1 FROM keyed)) END AS v
)
SELECT set_config('crumbless.visible', greatest(v, $2::bigint)::text, true)::bigint, v IS NOT NULL FROM bound`
)

// readVisible runs query (a read that may use
// current_setting('crumbless.visible')::bigint, the visible bound) after
// the bound's statements, in one READ COMMITTED transaction and one round
// trip, scanning each row with scan, and returns the bound read with and
// whether it was known (rather than the highest found before).
func (s *Postgres) readVisible(ctx context.Context, scan func(scanner) error, query string, args ...any) (int64, bool, error) {
	var b pgx.Batch
	b.Queue(`BEGIN ISOLATION LEVEL READ COMMITTED READ ONLY`)
	b.Queue(noteAllocated)
	var bound int64
	var known bool
	b.Queue(visibleBound, s.dbOID, s.visible.Load()).QueryRow(func(row pgx.Row) error { return row.Scan(&bound, &known) })
	if query != "" {
		b.Queue(query, args...).Query(func(rows pgx.Rows) error {
			for rows.Next() {
				if err := scan(rows); err != nil {
					return err
				}
			}
			return rows.Err()
		})
	}
	b.Queue(`COMMIT`)
	if err := s.pool.SendBatch(ctx, &b).Close(); err != nil {
		return 0, false, err
	}
	for { // keep the highest
		old := s.visible.Load()
		if bound <= old || s.visible.CompareAndSwap(old, bound) {
			break
		}
	}
	return bound, known, nil
}

// readMessages is readVisible for a message query.
func (s *Postgres) readMessages(ctx context.Context, query string, args ...any) ([]Message, error) {
	var msgs []Message
	_, _, err := s.readVisible(ctx, func(row scanner) error {
		m, err := scanMessage(row)
		msgs = append(msgs, m)
		return err
	}, query, args...)
	return msgs, err
}

// pgMessageSelect is messageSelect for pgx ($n placeholders), reading
// below the visible bound only.
const pgMessageSelect = `SELECT m.id, m.conversation_id, m.client_id, m.author, coalesce(a.name, m.shown_name), coalesce(m.agent_id, 0), m.body, m.created_at
	FROM messages m LEFT JOIN agents a ON a.id = m.agent_id
	WHERE m.id <= current_setting('crumbless.visible')::bigint AND `

// Messages implements Store; it never returns a message while a lower id
// of any conversation may still commit.
func (s *Postgres) Messages(ctx context.Context, conversationID, after int64, limit int) ([]Message, error) {
	msgs, err := s.readMessages(ctx, pgMessageSelect+`m.conversation_id = $1 AND m.id > $2 ORDER BY m.id LIMIT $3`, conversationID, after, limit)
	if err != nil {
		return nil, fmt.Errorf("messages: %w", err)
	}
	return msgs, nil
}

// AllMessages implements Store; it never returns a message while a lower
// id may still commit.
func (s *Postgres) AllMessages(ctx context.Context, after int64, limit int) ([]Message, error) {
	msgs, err := s.readMessages(ctx, pgMessageSelect+`m.id > $1 ORDER BY m.id LIMIT $2`, after, limit)
	if err != nil {
		return nil, fmt.Errorf("messages: %w", err)
	}
	return msgs, nil
}

// LastMessageID implements Fanout: the visible bound, the highest id
// at or below which every message that will ever exist is readable. While
// it is unknown (a send between its two locks, a few microseconds) it asks
// again, for up to 10 s.
func (s *Postgres) LastMessageID(ctx context.Context) (int64, error) {
	deadline := time.Now().Add(10 * time.Second)
	for pause := 200 * time.Microsecond; ; pause = min(2*pause, 20*time.Millisecond) {
		bound, known, err := s.readVisible(ctx, nil, "")
		if err != nil {
			return 0, fmt.Errorf("last message: %w", err)
		}
		if known {
			return bound, nil
		}
		if time.Now().After(deadline) {
			return 0, errors.New("last message: a send stays between its locks")
		}
		select {
		case <-ctx.Done():
			return 0, fmt.Errorf("last message: %w", ctx.Err())
		case <-time.After(pause):
		}
	}
}

// pgConversations is conversationSelect whose last message is the last
// below the visible bound, for pgx.
var pgConversations = strings.Replace(conversationSelect, lastMessage, lastVisibleMessage, 1) +
	`ORDER BY c.updated_at DESC, c.id DESC LIMIT $1`

const (
	lastMessage        = `(SELECT max(m.id) FROM messages m WHERE m.conversation_id = c.id)`
	lastVisibleMessage = `(SELECT max(m.id) FROM messages m WHERE m.conversation_id = c.id AND m.id <= current_setting('crumbless.visible')::bigint)`
)

// AgentConversations implements Workflow like Conversations: each one's
// last message is the last below the visible bound.
func (s *Postgres) AgentConversations(ctx context.Context, f ConversationFilter) ([]Conversation, error) {
	where, args := f.where()
	query := s.d.bind(strings.Replace(selectFor(f.Viewer), lastMessage, lastVisibleMessage, 1) + where + `ORDER BY c.updated_at DESC, c.id DESC LIMIT ?`)
	var list []Conversation
	_, _, err := s.readVisible(ctx, func(row scanner) error {
		c, err := scanConversation(row)
		list = append(list, c)
		return err
	}, query, append(args, f.Limit)...)
	if err != nil {
		return nil, fmt.Errorf("conversations: %w", err)
	}
	return list, nil
}

// Conversations implements Store; each one's last message is the last
// below the visible bound, so that the newest of them is a safe place for
// the agents' stream to resume from.
func (s *Postgres) Conversations(ctx context.Context, limit int) ([]Conversation, error) {
	var list []Conversation
	_, _, err := s.readVisible(ctx, func(row scanner) error {
		c, err := scanConversation(row)
		list = append(list, c)
		return err
	}, pgConversations, limit)
	if err != nil {
		return nil, fmt.Errorf("conversations: %w", err)
	}
	return list, nil
}
