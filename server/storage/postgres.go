package storage

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

//go:embed migrations/postgres/*.sql
var pgMigrations embed.FS

// Advisory lock keys (pg_advisory_xact_lock), arbitrary but fixed.
const (
	lockMigrate  = 0x63726d01 // one instance migrates at a time
	lockMessages = 0x63726d02 // message ids become visible in id order
)

// Postgres is the Store for several server instances sharing one
// PostgreSQL database (github.com/jackc/pgx/v5, pure Go). Its methods
// behave exactly like SQLite's; in addition, message ids are handed out in
// commit order (AddMessage holds a transaction lock from the id to the
// commit), so a reader that sees message n has every message below n that
// will ever exist: Last-Event-ID resume and the instances' catch-up rely
// on it.
type Postgres struct {
	pool *pgxpool.Pool
	url  string // with the password taken out, for logs
}

var _ Store = (*Postgres)(nil)

// OpenPostgres connects to the database at rawURL (postgres://…, any
// libpq setting pgx accepts; pool_max_conns defaults to 16) and applies
// the migrations it has not seen yet. Errors never contain the password.
func OpenPostgres(ctx context.Context, rawURL string) (*Postgres, error) {
	safe := RedactURL(rawURL)
	cfg, err := pgxpool.ParseConfig(rawURL)
	if err != nil {
		return nil, fmt.Errorf("postgres %s: cannot parse the URL", safe)
	}
	if !strings.Contains(rawURL, "pool_max_conns") {
		cfg.MaxConns = 16
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres %s: %w", safe, err)
	}
	s := &Postgres{pool: pool, url: safe}
	if err := s.migrate(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres %s: %w", safe, err)
	}
	return s, nil
}

// RedactURL returns a database URL fit for logs: the password, in the
// user part or a password= parameter, is replaced by xxxxx.
func RedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	q := u.Query()
	if q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}

// String names the database, without its password.
func (s *Postgres) String() string { return s.url }

// Close closes every connection.
func (s *Postgres) Close() error {
	s.pool.Close()
	return nil
}

// Pool returns the connection pool, for tests and maintenance tools.
func (s *Postgres) Pool() *pgxpool.Pool { return s.pool }

// migrate applies migrations/postgres/NNNN_name.sql in order, each in its
// own transaction under an advisory lock, so instances starting together
// do not apply one twice.
func (s *Postgres) migrate(ctx context.Context) error {
	names, err := fs.Glob(pgMigrations, "migrations/postgres/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		base := strings.TrimPrefix(name, "migrations/postgres/")
		num, _, _ := strings.Cut(base, "_")
		version, err := strconv.Atoi(num)
		if err != nil {
			panic("crumbless: migration " + base + " must start with a number")
		}
		body, err := pgMigrations.ReadFile(name)
		if err != nil {
			return err
		}
		if err := s.tx(ctx, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, lockMigrate); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
				version integer PRIMARY KEY, name text NOT NULL)`); err != nil {
				return fmt.Errorf("migrations table: %w", err)
			}
			var n int
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM schema_migrations WHERE version = $1`, version).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			if _, err := tx.Exec(ctx, string(body)); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES ($1, $2)`, version, base)
			return err
		}); err != nil {
			return fmt.Errorf("migration %s: %w", base, err)
		}
	}
	return nil
}

// Version returns the highest migration applied.
func (s *Postgres) Version(ctx context.Context) (int, error) {
	var v int
	err := s.pool.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&v)
	return v, err
}

// tx runs fn in a transaction and commits it.
func (s *Postgres) tx(ctx context.Context, fn func(pgx.Tx) error) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback(context.Background())
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

func isPGUnique(err error) bool {
	var e *pgconn.PgError
	return errors.As(err, &e) && e.Code == "23505"
}

const pgConversationSelect = `SELECT c.id, c.site, c.created_at, c.updated_at, c.visitor_read, c.agent_read,
	c.banned_reason, c.banned_at,
	(SELECT count(*) FROM messages m WHERE m.conversation_id = c.id AND m.author = 'agent' AND m.id > c.visitor_read),
	(SELECT count(*) FROM messages m WHERE m.conversation_id = c.id AND m.author = 'visitor' AND m.id > c.agent_read),
	(SELECT coalesce(max(m.id), 0) FROM messages m WHERE m.conversation_id = c.id)
	FROM conversations c `

func scanPGConversation(row scanner) (Conversation, int64, error) {
	var c Conversation
	var last int64
	err := row.Scan(&c.ID, &c.Site, &c.Created, &c.Updated, &c.VisitorRead, &c.AgentRead,
		&c.BannedReason, &c.BannedAt, &c.UnreadVisitor, &c.UnreadAgent, &last)
	if errors.Is(err, pgx.ErrNoRows) {
		return c, 0, ErrNotFound
	}
	return c, last, err
}

func (s *Postgres) conversation(ctx context.Context, where string, arg any) (Conversation, error) {
	c, last, err := scanPGConversation(s.pool.QueryRow(ctx, pgConversationSelect+where, arg))
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
func (s *Postgres) CreateConversation(ctx context.Context, tokenHash []byte, site string, now int64) (Conversation, error) {
	var id int64
	err := s.pool.QueryRow(ctx, `INSERT INTO conversations (token_hash, site, created_at, updated_at) VALUES ($1, $2, $3, $3) RETURNING id`,
		tokenHash, site, now).Scan(&id)
	if err != nil {
		if isPGUnique(err) {
			return Conversation{}, fmt.Errorf("create conversation: %w", ErrConflict)
		}
		return Conversation{}, fmt.Errorf("create conversation: %w", err)
	}
	return s.Conversation(ctx, id)
}

// ConversationByToken implements Store.
func (s *Postgres) ConversationByToken(ctx context.Context, tokenHash []byte) (Conversation, error) {
	return s.conversation(ctx, `WHERE c.token_hash = $1`, tokenHash)
}

// Conversation implements Store.
func (s *Postgres) Conversation(ctx context.Context, id int64) (Conversation, error) {
	return s.conversation(ctx, `WHERE c.id = $1`, id)
}

// Conversations implements Store.
func (s *Postgres) Conversations(ctx context.Context, limit int) ([]Conversation, error) {
	rows, err := s.pool.Query(ctx, pgConversationSelect+`ORDER BY c.updated_at DESC, c.id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("conversations: %w", err)
	}
	defer rows.Close()
	var out []Conversation
	var lasts []int64
	for rows.Next() {
		c, last, err := scanPGConversation(rows)
		if err != nil {
			return nil, fmt.Errorf("conversations: %w", err)
		}
		out = append(out, c)
		lasts = append(lasts, last)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("conversations: %w", err)
	}
	rows.Close()
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

const pgMessageSelect = `SELECT m.id, m.conversation_id, m.client_id, m.author, coalesce(a.name, ''), coalesce(m.agent_id, 0), m.body, m.created_at
	FROM messages m LEFT JOIN agents a ON a.id = m.agent_id `

func scanPGMessage(row scanner) (Message, error) {
	var m Message
	err := row.Scan(&m.ID, &m.ConversationID, &m.ClientID, &m.Author, &m.AgentName, &m.AgentID, &m.Body, &m.Created)
	if errors.Is(err, pgx.ErrNoRows) {
		return m, ErrNotFound
	}
	return m, err
}

func (s *Postgres) message(ctx context.Context, id int64) (Message, error) {
	m, err := scanPGMessage(s.pool.QueryRow(ctx, pgMessageSelect+`WHERE m.id = $1`, id))
	if err != nil {
		return m, fmt.Errorf("message %d: %w", id, err)
	}
	return m, nil
}

func (s *Postgres) messages(ctx context.Context, query string, args ...any) ([]Message, error) {
	rows, err := s.pool.Query(ctx, pgMessageSelect+query, args...)
	if err != nil {
		return nil, fmt.Errorf("messages: %w", err)
	}
	defer rows.Close()
	var out []Message
	for rows.Next() {
		m, err := scanPGMessage(rows)
		if err != nil {
			return nil, fmt.Errorf("messages: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// addMessage stores a message unless its client id was used already, in
// one statement: the rows of the message as stored (inserted or found)
// and whether it was inserted.
const addMessage = `WITH existing AS (
	SELECT id, body, agent_id, created_at FROM messages WHERE conversation_id = $1 AND author = $2 AND client_id = $3
), ins AS (
	INSERT INTO messages (conversation_id, client_id, author, agent_id, body, created_at)
	SELECT $1, $3, $2, $4, $5, $6 WHERE NOT EXISTS (SELECT 1 FROM existing)
	RETURNING id, body, agent_id, created_at
), cursor AS ( -- the author has read their own message
	UPDATE conversations c SET updated_at = $6,
		visitor_read = CASE WHEN $2 = 'visitor' THEN greatest(c.visitor_read, ins.id) ELSE c.visitor_read END,
		agent_read = CASE WHEN $2 = 'agent' THEN greatest(c.agent_read, ins.id) ELSE c.agent_read END
	FROM ins WHERE c.id = $1
)
SELECT r.id, r.body, coalesce(r.agent_id, 0), coalesce(a.name, ''), r.created_at, r.created FROM (
	SELECT id, body, agent_id, created_at, true AS created FROM ins
	UNION ALL SELECT id, body, agent_id, created_at, false FROM existing
) r LEFT JOIN agents a ON a.id = r.agent_id`

// AddMessage implements Store in one round trip: a batch that PostgreSQL
// runs as one implicit transaction, which first takes the messages lock
// and keeps it until it commits, so that ids become visible in increasing
// order on every instance.
func (s *Postgres) AddMessage(ctx context.Context, m Message) (Message, bool, error) {
	var agent *int64
	if m.AgentID != 0 {
		agent = &m.AgentID
	}
	var b pgx.Batch
	b.Queue(`SELECT pg_advisory_xact_lock($1)`, lockMessages)
	var stored Message
	var created bool
	b.Queue(addMessage, m.ConversationID, m.Author, m.ClientID, agent, m.Body, m.Created).QueryRow(func(row pgx.Row) error {
		return row.Scan(&stored.ID, &stored.Body, &stored.AgentID, &stored.AgentName, &stored.Created, &created)
	})
	if err := s.pool.SendBatch(ctx, &b).Close(); err != nil {
		return Message{}, false, fmt.Errorf("add message: %w", err)
	}
	if !created && stored.Body != m.Body {
		return Message{}, false, fmt.Errorf("add message: %w", ErrConflict)
	}
	stored.ConversationID, stored.ClientID, stored.Author = m.ConversationID, m.ClientID, m.Author
	return stored, created, nil
}

// Messages implements Store.
func (s *Postgres) Messages(ctx context.Context, conversationID, after int64, limit int) ([]Message, error) {
	return s.messages(ctx, `WHERE m.conversation_id = $1 AND m.id > $2 ORDER BY m.id LIMIT $3`, conversationID, after, limit)
}

// AllMessages implements Store.
func (s *Postgres) AllMessages(ctx context.Context, after int64, limit int) ([]Message, error) {
	return s.messages(ctx, `WHERE m.id > $1 ORDER BY m.id LIMIT $2`, after, limit)
}

// MarkRead implements Store.
func (s *Postgres) MarkRead(ctx context.Context, conversationID int64, reader string, messageID int64) (int64, error) {
	cursor := "visitor_read"
	if reader == Agent {
		cursor = "agent_read"
	}
	// Forward only, and never past the conversation's last message.
	var got int64
	err := s.pool.QueryRow(ctx, `UPDATE conversations SET `+cursor+` = greatest(`+cursor+`,
		least($1, (SELECT coalesce(max(id), 0) FROM messages WHERE conversation_id = $2)))
		WHERE id = $2 RETURNING `+cursor, messageID, conversationID).Scan(&got)
	if errors.Is(err, pgx.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("mark read: %w", err)
	}
	return got, nil
}

// Ban implements Store.
func (s *Postgres) Ban(ctx context.Context, conversationID int64, reason string, now int64) error {
	at := now
	if reason == "" {
		at = 0
	}
	tag, err := s.pool.Exec(ctx, `UPDATE conversations SET banned_reason = $1, banned_at = $2 WHERE id = $3`, reason, at, conversationID)
	if err != nil {
		return fmt.Errorf("ban: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("ban: %w", ErrNotFound)
	}
	return nil
}

// AddSubmission implements Store.
func (s *Postgres) AddSubmission(ctx context.Context, sub Submission) (Submission, bool, error) {
	fields, err := json.Marshal(sub.Fields)
	if err != nil {
		return Submission{}, false, fmt.Errorf("add submission: %w", err)
	}
	var conv *int64
	if sub.ConversationID != 0 {
		conv = &sub.ConversationID
	}
	created := true
	var id int64
	err = s.pool.QueryRow(ctx, `INSERT INTO submissions (form_id, conversation_id, client_id, fields, created_at)
		VALUES ($1, $2, $3, $4::jsonb, $5) ON CONFLICT (form_id, client_id) DO NOTHING RETURNING id`,
		sub.FormID, conv, sub.ClientID, string(fields), sub.Created).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) { // sent before: the same fields, or a conflict
		created = false
		var same bool
		err = s.pool.QueryRow(ctx, `SELECT id, fields = $3::jsonb FROM submissions WHERE form_id = $1 AND client_id = $2`,
			sub.FormID, sub.ClientID, string(fields)).Scan(&id, &same)
		if err == nil && !same {
			err = ErrConflict
		}
	}
	if err != nil {
		return Submission{}, false, fmt.Errorf("add submission: %w", err)
	}
	got, err := s.submissions(ctx, `WHERE id = $1`, id)
	if err != nil || len(got) != 1 {
		return Submission{}, false, fmt.Errorf("add submission: read back: %w", errors.Join(err, ErrNotFound))
	}
	return got[0], created, nil
}

// Submissions implements Store.
func (s *Postgres) Submissions(ctx context.Context, limit int) ([]Submission, error) {
	return s.submissions(ctx, `ORDER BY id DESC LIMIT $1`, limit)
}

// Submission implements Store.
func (s *Postgres) Submission(ctx context.Context, id int64) (Submission, error) {
	got, err := s.submissions(ctx, `WHERE id = $1`, id)
	if err == nil && len(got) == 0 {
		err = ErrNotFound
	}
	if err != nil {
		return Submission{}, fmt.Errorf("submission %d: %w", id, err)
	}
	return got[0], nil
}

func (s *Postgres) submissions(ctx context.Context, query string, args ...any) ([]Submission, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, form_id, coalesce(conversation_id, 0), client_id, fields::text, created_at FROM submissions `+query, args...)
	if err != nil {
		return nil, fmt.Errorf("submissions: %w", err)
	}
	defer rows.Close()
	var out []Submission
	for rows.Next() {
		var sub Submission
		var fields string
		if err := rows.Scan(&sub.ID, &sub.FormID, &sub.ConversationID, &sub.ClientID, &fields, &sub.Created); err != nil {
			return nil, fmt.Errorf("submissions: %w", err)
		}
		if err := json.Unmarshal([]byte(fields), &sub.Fields); err != nil {
			return nil, fmt.Errorf("submission %d: %w", sub.ID, err)
		}
		out = append(out, sub)
	}
	return out, rows.Err()
}

// AddAgent implements Store.
func (s *Postgres) AddAgent(ctx context.Context, name, passwordHash string, now int64) (AgentAccount, error) {
	var id int64
	err := s.pool.QueryRow(ctx, `INSERT INTO agents (name, password_hash, created_at) VALUES ($1, $2, $3) RETURNING id`,
		name, passwordHash, now).Scan(&id)
	if err != nil {
		if isPGUnique(err) {
			return AgentAccount{}, fmt.Errorf("add agent %q: %w", name, ErrConflict)
		}
		return AgentAccount{}, fmt.Errorf("add agent %q: %w", name, err)
	}
	return AgentAccount{ID: id, Name: name, PasswordHash: passwordHash, Created: now}, nil
}

// AgentByName implements Store.
func (s *Postgres) AgentByName(ctx context.Context, name string) (AgentAccount, error) {
	var a AgentAccount
	err := s.pool.QueryRow(ctx, `SELECT id, name, password_hash, created_at FROM agents WHERE name = $1`, name).
		Scan(&a.ID, &a.Name, &a.PasswordHash, &a.Created)
	if errors.Is(err, pgx.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return a, fmt.Errorf("agent %q: %w", name, err)
	}
	return a, nil
}

// CreateSession implements Store.
func (s *Postgres) CreateSession(ctx context.Context, tokenHash []byte, agentID, now, expires int64) error {
	// Expired sessions are swept here rather than by a timer.
	if _, err := s.pool.Exec(ctx, `DELETE FROM sessions WHERE expires_at <= $1`, now); err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	if _, err := s.pool.Exec(ctx, `INSERT INTO sessions (token_hash, agent_id, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
		tokenHash, agentID, now, expires); err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	return nil
}

// SessionAgent implements Store.
func (s *Postgres) SessionAgent(ctx context.Context, tokenHash []byte, now int64) (AgentAccount, error) {
	var a AgentAccount
	err := s.pool.QueryRow(ctx, `SELECT a.id, a.name, a.password_hash, a.created_at FROM sessions s
		JOIN agents a ON a.id = s.agent_id WHERE s.token_hash = $1 AND s.expires_at > $2`, tokenHash, now).
		Scan(&a.ID, &a.Name, &a.PasswordHash, &a.Created)
	if errors.Is(err, pgx.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return a, fmt.Errorf("session: %w", err)
	}
	return a, nil
}

// DeleteSession implements Store.
func (s *Postgres) DeleteSession(ctx context.Context, tokenHash []byte) error {
	if _, err := s.pool.Exec(ctx, `DELETE FROM sessions WHERE token_hash = $1`, tokenHash); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// CreateTicket implements Store.
func (s *Postgres) CreateTicket(ctx context.Context, tokenHash []byte, conversationID, now, expires int64) error {
	if _, err := s.pool.Exec(ctx, `DELETE FROM tickets WHERE expires_at <= $1`, now); err != nil {
		return fmt.Errorf("create ticket: %w", err)
	}
	if _, err := s.pool.Exec(ctx, `INSERT INTO tickets (token_hash, conversation_id, expires_at) VALUES ($1, $2, $3)`,
		tokenHash, conversationID, expires); err != nil {
		return fmt.Errorf("create ticket: %w", err)
	}
	return nil
}

// TicketConversation implements Store.
func (s *Postgres) TicketConversation(ctx context.Context, tokenHash []byte, now int64) (int64, error) {
	var id int64
	err := s.pool.QueryRow(ctx, `SELECT conversation_id FROM tickets WHERE token_hash = $1 AND expires_at > $2`, tokenHash, now).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("ticket: %w", err)
	}
	return id, nil
}
