package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// sqliteDialect: ? placeholders and the two-argument max and min.
var sqliteDialect = dialect{
	migrations: "migrations/sqlite",
	greatest:   "max",
	least:      "min",
	// secure_delete (OpenSQLite) zeroes what a deletion frees; the
	// checkpoint copies those pages into the database file and empties the
	// WAL, which still held the old ones.
	scrub:     `PRAGMA wal_checkpoint(TRUNCATE)`,
	webhookID: `'msg_' || lower(hex(randomblob(16)))`,
	isUnique: func(err error) bool {
		var e *sqlite.Error
		return errors.As(err, &e) && (e.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || e.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY)
	},
	isForeignKey: func(err error) bool {
		var e *sqlite.Error
		return errors.As(err, &e) && e.Code() == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
	},
}

// SQLite is the embedded Store: one database file.
type SQLite struct {
	store
}

var _ Store = (*SQLite)(nil)

// MaxSQLiteConns bounds the connections OpenSQLite keeps open.
const MaxSQLiteConns = 8

// OpenSQLite opens (creating it when missing) the database file at path,
// turns on WAL, synchronous=FULL (an acknowledged write survives a crash),
// foreign keys, secure_delete (deleted content is overwritten with zeros)
// and a 5 s busy timeout on every connection, and applies the
// migrations the file has not seen yet, each in its own transaction.
func OpenSQLite(ctx context.Context, path string) (*SQLite, error) {
	q := url.Values{}
	for _, p := range []string{"busy_timeout(5000)", "journal_mode(WAL)", "synchronous(FULL)", "foreign_keys(1)", "secure_delete(1)"} {
		q.Add("_pragma", p)
	}
	// BEGIN IMMEDIATE takes the write lock at once, so two writers wait on
	// the busy timeout instead of failing to upgrade a read lock.
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	// A bounded pool: SQLite has one writer, and readers beyond a few
	// only queue inside the engine.
	db.SetMaxOpenConns(MaxSQLiteConns)
	db.SetMaxIdleConns(MaxSQLiteConns)
	s := &SQLite{store: newStore(db, &sqliteDialect)}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return s, nil
}

// Close closes the database.
func (s *SQLite) Close() error { return s.db.Close() }

// DB returns the underlying database, for tests and maintenance tools.
func (s *SQLite) DB() *sql.DB { return s.db }

// AddMessage implements Store in one transaction, with the message's
// count in the statistics, webhook deliveries, mails, the author's read cursor and, for a visitor's
// message, the reopening of a snoozed or resolved conversation. SQLite has one writer at
// a time, so ids become visible in increasing order without a lock.
func (s *SQLite) AddMessage(ctx context.Context, m Message) (Message, bool, error) {
	var agent any
	if m.AgentID != 0 {
		agent = m.AgentID
	}
	var id int64
	created := false
	err := s.tx(ctx, func(tx runner) error {
		err := tx.row(ctx, `INSERT INTO messages (conversation_id, client_id, author, agent_id, body, created_at) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (conversation_id, author, client_id) DO NOTHING RETURNING id`,
			m.ConversationID, m.ClientID, m.Author, agent, m.Body, m.Created).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) { // sent before: the same body, or a conflict
			var body string
			err = tx.row(ctx, `SELECT id, body FROM messages WHERE conversation_id = ? AND author = ? AND client_id = ?`,
				m.ConversationID, m.Author, m.ClientID).Scan(&id, &body)
			if err == nil && body != m.Body {
				err = ErrConflict
			}
			return err
		}
		if err != nil {
			return err
		}
		created = true
		// The author has read their own message.
		cursor := readCursor(m.Author)
		set := `updated_at = ?, ` + cursor + ` = max(` + cursor + `, ?)`
		if m.Author == Visitor { // a visitor's message reopens the conversation
			set += `, state = 'open', snoozed_until = 0`
		}
		if _, err := tx.exec(ctx, `UPDATE conversations SET `+set+` WHERE id = ?`, m.Created, id, m.ConversationID); err != nil {
			return err
		}
		if m.AgentID != 0 {
			if _, err := tx.exec(ctx, `INSERT INTO agent_reads (conversation_id, agent_id, message_id) VALUES (?, ?, ?)
				ON CONFLICT (conversation_id, agent_id) DO UPDATE SET message_id = max(agent_reads.message_id, excluded.message_id)`,
				m.ConversationID, m.AgentID, id); err != nil {
				return err
			}
		}
		if err := countEvent(ctx, tx, m.Created, messageStat(m.Author), "", ""); err != nil {
			return err
		}
		if err := queueMails(ctx, tx, m, id); err != nil {
			return err
		}
		return queueWebhooks(ctx, tx, EventMessageCreated, m.ConversationID, id, m.Created)
	})
	if err != nil {
		return Message{}, false, fmt.Errorf("add message: %w", err)
	}
	if created {
		s.signalQueued()
		s.signalMail()
	}
	stored, err := s.message(ctx, id)
	return stored, created, err
}
