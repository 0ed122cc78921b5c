package storage

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

//go:embed migrations/*.sql
var migrations embed.FS

// SQLite is the embedded Store: one database file.
type SQLite struct {
	db *sql.DB
}

var _ Store = (*SQLite)(nil)

// OpenSQLite opens (creating it when missing) the database file at path,
// turns on WAL, synchronous=FULL (an acknowledged write survives a crash),
// foreign keys and a 5 s busy timeout on every connection, and applies the
// migrations the file has not seen yet, each in its own transaction.
func OpenSQLite(ctx context.Context, path string) (*SQLite, error) {
	q := url.Values{}
	for _, p := range []string{"busy_timeout(5000)", "journal_mode(WAL)", "synchronous(FULL)", "foreign_keys(1)"} {
		q.Add("_pragma", p)
	}
	// BEGIN IMMEDIATE takes the write lock at once, so two writers wait on
	// the busy timeout instead of failing to upgrade a read lock.
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	s := &SQLite{db: db}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return s, nil
}

// Close closes the database.
func (s *SQLite) Close() error { return s.db.Close() }

// migrate applies migrations/NNNN_name.sql in order, recording each version.
func (s *SQLite) migrate(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("migrations table: %w", err)
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		base := strings.TrimPrefix(name, "migrations/")
		num, _, _ := strings.Cut(base, "_")
		version, err := strconv.Atoi(num)
		if err != nil {
			panic("crumbless: migration " + base + " must start with a number")
		}
		body, err := migrations.ReadFile(name)
		if err != nil {
			return err
		}
		if err := s.tx(ctx, func(tx *sql.Tx) error {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, version).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			if _, err := tx.ExecContext(ctx, string(body)); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name) VALUES (?, ?)`, version, base)
			return err
		}); err != nil {
			return fmt.Errorf("migration %s: %w", base, err)
		}
	}
	return nil
}

// Version returns the highest migration applied.
func (s *SQLite) Version(ctx context.Context) (int, error) {
	var v int
	err := s.db.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&v)
	return v, err
}

// tx runs fn in a transaction and commits it.
func (s *SQLite) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

func isUnique(err error) bool {
	var e *sqlite.Error
	return errors.As(err, &e) && (e.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || e.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY)
}

// conversationColumns and its counts: unread for each side and the last message.
const conversationSelect = `SELECT c.id, c.site, c.created_at, c.updated_at, c.visitor_read, c.agent_read,
	c.banned_reason, c.banned_at,
	(SELECT count(*) FROM messages m WHERE m.conversation_id = c.id AND m.author = 'agent' AND m.id > c.visitor_read),
	(SELECT count(*) FROM messages m WHERE m.conversation_id = c.id AND m.author = 'visitor' AND m.id > c.agent_read),
	(SELECT max(m.id) FROM messages m WHERE m.conversation_id = c.id)
	FROM conversations c `

type scanner interface{ Scan(dest ...any) error }

func scanConversation(row scanner) (Conversation, int64, error) {
	var c Conversation
	var last sql.NullInt64
	err := row.Scan(&c.ID, &c.Site, &c.Created, &c.Updated, &c.VisitorRead, &c.AgentRead,
		&c.BannedReason, &c.BannedAt, &c.UnreadVisitor, &c.UnreadAgent, &last)
	if errors.Is(err, sql.ErrNoRows) {
		return c, 0, ErrNotFound
	}
	return c, last.Int64, err
}

func (s *SQLite) conversation(ctx context.Context, where string, arg any) (Conversation, error) {
	c, last, err := scanConversation(s.db.QueryRowContext(ctx, conversationSelect+where, arg))
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
func (s *SQLite) CreateConversation(ctx context.Context, tokenHash []byte, site string, now int64) (Conversation, error) {
	res, err := s.db.ExecContext(ctx, `INSERT INTO conversations (token_hash, site, created_at, updated_at) VALUES (?, ?, ?, ?)`,
		tokenHash, site, now, now)
	if err != nil {
		if isUnique(err) {
			return Conversation{}, fmt.Errorf("create conversation: %w", ErrConflict)
		}
		return Conversation{}, fmt.Errorf("create conversation: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return Conversation{}, err
	}
	return s.Conversation(ctx, id)
}

// ConversationByToken implements Store.
func (s *SQLite) ConversationByToken(ctx context.Context, tokenHash []byte) (Conversation, error) {
	return s.conversation(ctx, `WHERE c.token_hash = ?`, tokenHash)
}

// Conversation implements Store.
func (s *SQLite) Conversation(ctx context.Context, id int64) (Conversation, error) {
	return s.conversation(ctx, `WHERE c.id = ?`, id)
}

// Conversations implements Store.
func (s *SQLite) Conversations(ctx context.Context, limit int) ([]Conversation, error) {
	rows, err := s.db.QueryContext(ctx, conversationSelect+`ORDER BY c.updated_at DESC, c.id DESC LIMIT ?`, limit)
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

func (s *SQLite) message(ctx context.Context, id int64) (Message, error) {
	m, err := scanMessage(s.db.QueryRowContext(ctx, messageSelect+`WHERE m.id = ?`, id))
	if err != nil {
		return m, fmt.Errorf("message %d: %w", id, err)
	}
	return m, nil
}

func (s *SQLite) messages(ctx context.Context, query string, args ...any) ([]Message, error) {
	rows, err := s.db.QueryContext(ctx, messageSelect+query, args...)
	if err != nil {
		return nil, fmt.Errorf("messages: %w", err)
	}
	defer rows.Close()
	var out []Message
	for rows.Next() {
		m, err := scanMessage(rows)
		if err != nil {
			return nil, fmt.Errorf("messages: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// AddMessage implements Store.
func (s *SQLite) AddMessage(ctx context.Context, m Message) (Message, bool, error) {
	var id int64
	created := false
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var body string
		err := tx.QueryRowContext(ctx, `SELECT id, body FROM messages WHERE conversation_id = ? AND author = ? AND client_id = ?`,
			m.ConversationID, m.Author, m.ClientID).Scan(&id, &body)
		if err == nil {
			if body != m.Body {
				return ErrConflict
			}
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		var agent any
		if m.AgentID != 0 {
			agent = m.AgentID
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO messages (conversation_id, client_id, author, agent_id, body, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			m.ConversationID, m.ClientID, m.Author, agent, m.Body, m.Created)
		if err != nil {
			return err
		}
		if id, err = res.LastInsertId(); err != nil {
			return err
		}
		created = true
		// The author has read their own message.
		cursor := "visitor_read"
		if m.Author == Agent {
			cursor = "agent_read"
		}
		_, err = tx.ExecContext(ctx, `UPDATE conversations SET updated_at = ?, `+cursor+` = max(`+cursor+`, ?) WHERE id = ?`,
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
func (s *SQLite) Messages(ctx context.Context, conversationID, after int64, limit int) ([]Message, error) {
	return s.messages(ctx, `WHERE m.conversation_id = ? AND m.id > ? ORDER BY m.id LIMIT ?`, conversationID, after, limit)
}

// AllMessages implements Store.
func (s *SQLite) AllMessages(ctx context.Context, after int64, limit int) ([]Message, error) {
	return s.messages(ctx, `WHERE m.id > ? ORDER BY m.id LIMIT ?`, after, limit)
}

// MarkRead implements Store.
func (s *SQLite) MarkRead(ctx context.Context, conversationID int64, reader string, messageID int64) (int64, error) {
	cursor := "visitor_read"
	if reader == Agent {
		cursor = "agent_read"
	}
	var got int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		// Never past the conversation's last message.
		var last sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT max(id) FROM messages WHERE conversation_id = ?`, conversationID).Scan(&last); err != nil {
			return err
		}
		target := min(messageID, last.Int64)
		res, err := tx.ExecContext(ctx, `UPDATE conversations SET `+cursor+` = max(`+cursor+`, ?) WHERE id = ?`, target, conversationID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return tx.QueryRowContext(ctx, `SELECT `+cursor+` FROM conversations WHERE id = ?`, conversationID).Scan(&got)
	})
	if err != nil {
		return 0, fmt.Errorf("mark read: %w", err)
	}
	return got, nil
}

// Ban implements Store.
func (s *SQLite) Ban(ctx context.Context, conversationID int64, reason string, now int64) error {
	at := now
	if reason == "" {
		at = 0
	}
	res, err := s.db.ExecContext(ctx, `UPDATE conversations SET banned_reason = ?, banned_at = ? WHERE id = ?`, reason, at, conversationID)
	if err != nil {
		return fmt.Errorf("ban: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("ban: %w", ErrNotFound)
	}
	return nil
}

// AddSubmission implements Store.
func (s *SQLite) AddSubmission(ctx context.Context, sub Submission) (Submission, bool, error) {
	fields, err := json.Marshal(sub.Fields)
	if err != nil {
		return Submission{}, false, fmt.Errorf("add submission: %w", err)
	}
	var conv any
	if sub.ConversationID != 0 {
		conv = sub.ConversationID
	}
	created := false
	err = s.tx(ctx, func(tx *sql.Tx) error {
		var existing string
		err := tx.QueryRowContext(ctx, `SELECT fields FROM submissions WHERE form_id = ? AND client_id = ?`, sub.FormID, sub.ClientID).Scan(&existing)
		if err == nil {
			if existing != string(fields) {
				return ErrConflict
			}
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO submissions (form_id, conversation_id, client_id, fields, created_at) VALUES (?, ?, ?, ?, ?)`,
			sub.FormID, conv, sub.ClientID, string(fields), sub.Created)
		created = err == nil
		return err
	})
	if err != nil {
		return Submission{}, false, fmt.Errorf("add submission: %w", err)
	}
	got, err := s.submissions(ctx, `WHERE form_id = ? AND client_id = ?`, sub.FormID, sub.ClientID)
	if err != nil || len(got) != 1 {
		return Submission{}, false, fmt.Errorf("add submission: read back: %w", errors.Join(err, ErrNotFound))
	}
	return got[0], created, nil
}

// Submissions implements Store.
func (s *SQLite) Submissions(ctx context.Context, limit int) ([]Submission, error) {
	return s.submissions(ctx, `ORDER BY id DESC LIMIT ?`, limit)
}

// Submission implements Store.
func (s *SQLite) Submission(ctx context.Context, id int64) (Submission, error) {
	got, err := s.submissions(ctx, `WHERE id = ?`, id)
	if err == nil && len(got) == 0 {
		err = ErrNotFound
	}
	if err != nil {
		return Submission{}, fmt.Errorf("submission %d: %w", id, err)
	}
	return got[0], nil
}

func (s *SQLite) submissions(ctx context.Context, query string, args ...any) ([]Submission, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, form_id, coalesce(conversation_id, 0), client_id, fields, created_at FROM submissions `+query, args...)
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
func (s *SQLite) AddAgent(ctx context.Context, name, passwordHash string, now int64) (AgentAccount, error) {
	res, err := s.db.ExecContext(ctx, `INSERT INTO agents (name, password_hash, created_at) VALUES (?, ?, ?)`, name, passwordHash, now)
	if err != nil {
		if isUnique(err) {
			return AgentAccount{}, fmt.Errorf("add agent %q: %w", name, ErrConflict)
		}
		return AgentAccount{}, fmt.Errorf("add agent %q: %w", name, err)
	}
	id, err := res.LastInsertId()
	return AgentAccount{ID: id, Name: name, PasswordHash: passwordHash, Created: now}, err
}

// AgentByName implements Store.
func (s *SQLite) AgentByName(ctx context.Context, name string) (AgentAccount, error) {
	var a AgentAccount
	err := s.db.QueryRowContext(ctx, `SELECT id, name, password_hash, created_at FROM agents WHERE name = ?`, name).
		Scan(&a.ID, &a.Name, &a.PasswordHash, &a.Created)
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return a, fmt.Errorf("agent %q: %w", name, err)
	}
	return a, nil
}

// CreateSession implements Store.
func (s *SQLite) CreateSession(ctx context.Context, tokenHash []byte, agentID, now, expires int64) error {
	// Expired sessions are swept here rather than by a timer.
	if _, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= ?`, now); err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	if _, err := s.db.ExecContext(ctx, `INSERT INTO sessions (token_hash, agent_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
		tokenHash, agentID, now, expires); err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	return nil
}

// SessionAgent implements Store.
func (s *SQLite) SessionAgent(ctx context.Context, tokenHash []byte, now int64) (AgentAccount, error) {
	var a AgentAccount
	err := s.db.QueryRowContext(ctx, `SELECT a.id, a.name, a.password_hash, a.created_at FROM sessions s
		JOIN agents a ON a.id = s.agent_id WHERE s.token_hash = ? AND s.expires_at > ?`, tokenHash, now).
		Scan(&a.ID, &a.Name, &a.PasswordHash, &a.Created)
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return a, fmt.Errorf("session: %w", err)
	}
	return a, nil
}

// DeleteSession implements Store.
func (s *SQLite) DeleteSession(ctx context.Context, tokenHash []byte) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = ?`, tokenHash); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// CreateTicket implements Store.
func (s *SQLite) CreateTicket(ctx context.Context, tokenHash []byte, conversationID, now, expires int64) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM tickets WHERE expires_at <= ?`, now); err != nil {
		return fmt.Errorf("create ticket: %w", err)
	}
	if _, err := s.db.ExecContext(ctx, `INSERT INTO tickets (token_hash, conversation_id, expires_at) VALUES (?, ?, ?)`,
		tokenHash, conversationID, expires); err != nil {
		return fmt.Errorf("create ticket: %w", err)
	}
	return nil
}

// TicketConversation implements Store.
func (s *SQLite) TicketConversation(ctx context.Context, tokenHash []byte, now int64) (int64, error) {
	var id int64
	err := s.db.QueryRowContext(ctx, `SELECT conversation_id FROM tickets WHERE token_hash = ? AND expires_at > ?`, tokenHash, now).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("ticket: %w", err)
	}
	return id, nil
}

// DB returns the underlying database, for tests and maintenance tools.
func (s *SQLite) DB() *sql.DB { return s.db }
