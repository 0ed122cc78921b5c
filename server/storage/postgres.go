package storage

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
)

// Advisory lock keys (pg_advisory_xact_lock), arbitrary but fixed.
const (
	lockMigrate  = 0x63726d01 // one instance migrates at a time
	lockMessages = 0x63726d02 // message ids become visible in id order
)

// postgresDialect: $n placeholders, greatest and least, SQLSTATE 23505.
var postgresDialect = dialect{
	migrations: "migrations/postgres",
	// Migrations may take long (a large table) or wait for another
	// instance's: no timeouts for their transactions.
	lockMigrations: `SET LOCAL statement_timeout = 0; SET LOCAL lock_timeout = 0; SELECT pg_advisory_xact_lock(` + strconv.Itoa(lockMigrate) + `)`,
	numbered:       true,
	greatest:       "greatest",
	least:          "least",
	isUnique: func(err error) bool {
		var e *pgconn.PgError
		return errors.As(err, &e) && e.Code == "23505"
	},
}

// Postgres is the Store for several server instances sharing one
// PostgreSQL database (github.com/jackc/pgx/v5, pure Go). Its methods
// behave exactly like SQLite's; in addition, message ids are handed out in
// commit order (AddMessage holds a transaction lock from the id to the
// commit), so a reader that sees message n has every message below n that
// will ever exist: Last-Event-ID resume and the instances' catch-up rely
// on it.
type Postgres struct {
	store
	pool *pgxpool.Pool
	url  string // with the password taken out, for logs
}

var _ Store = (*Postgres)(nil)

// The PostgreSQL settings OpenPostgres gives every connection unless the
// URL sets them: no statement runs longer than StatementTimeout, none
// waits for a lock longer than LockTimeout.
const (
	StatementTimeout = "5s"
	LockTimeout      = "2s"
)

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
	// Every statement runs under a deadline, so that a stalled database
	// or a held lock fails a request (503) instead of hanging it. The URL
	// may set others (statement_timeout=…, lock_timeout=… in ms).
	for name, v := range map[string]string{"statement_timeout": StatementTimeout, "lock_timeout": LockTimeout} {
		if _, set := cfg.ConnConfig.RuntimeParams[name]; !set {
			cfg.ConnConfig.RuntimeParams[name] = v
		}
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres %s: %w", safe, err)
	}
	// database/sql over the same pool: the shared store's queries and the
	// pgx batches below use the same connections.
	s := &Postgres{store: newStore(stdlib.OpenDBFromPool(pool), &postgresDialect), pool: pool, url: safe}
	if err := s.migrate(ctx); err != nil {
		s.Close()
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
	err := s.db.Close()
	s.pool.Close()
	return err
}

// Pool returns the connection pool, for tests and maintenance tools.
func (s *Postgres) Pool() *pgxpool.Pool { return s.pool }

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
