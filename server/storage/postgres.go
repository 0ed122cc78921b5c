package storage

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
)

// Advisory lock keys (pg_advisory_xact_lock), arbitrary but fixed; the
// message keys are in postgres_order.go.
const lockMigrate = 0x63726d01 // one instance migrates at a time

// postgresDialect: $n placeholders, greatest and least, SQLSTATE 23505.
var postgresDialect = dialect{
	migrations: "migrations/postgres",
	// Migrations may take long (a large table) or wait for another
	// instance's: no timeouts for their transactions.
	lockMigrations: `SET LOCAL statement_timeout = 0; SET LOCAL lock_timeout = 0; SELECT pg_advisory_xact_lock(` + strconv.Itoa(lockMigrate) + `)`,
	numbered:       true,
	greatest:       "greatest",
	least:          "least",
	eraseAlso:      []string{`DELETE FROM stream_leases WHERE conversation_id IN `},
	webhookID:      `'msg_' || replace(gen_random_uuid()::text, '-', '')`,
	skipLocked:     ` FOR UPDATE SKIP LOCKED`,
	lockRow:        ` FOR NO KEY UPDATE`,
	// As AddMessage's (addMessage): lockSending, then the id with its
	// lockMessage, held until the commit.
	newMessageID: []string{
		`SELECT pg_advisory_xact_lock_shared(` + strconv.Itoa(lockSending) + `)`,
		`SELECT pg_advisory_xact_lock_shared(` + strconv.FormatInt(lockMessage, 10) + ` + n.id), set_config('crumbless.message_id', n.id::text, true)
		FROM (SELECT nextval('` + messageIDs + `') AS id OFFSET 0) n`,
		`SELECT current_setting('crumbless.message_id')::bigint`,
	},
	isUnique: func(err error) bool {
		var e *pgconn.PgError
		return errors.As(err, &e) && e.Code == "23505"
	},
	isForeignKey: func(err error) bool {
		var e *pgconn.PgError
		return errors.As(err, &e) && e.Code == "23503"
	},
}

// Postgres is the Store for several server instances sharing one
// PostgreSQL database (github.com/jackc/pgx/v5, pure Go). Its methods
// behave exactly like SQLite's; in addition, its message reads never
// return a message while a lower id may still commit (postgres_order.go),
// so a reader that has seen message n has every message below n that will
// ever exist: Last-Event-ID resume and the instances' catch-up rely on it.
type Postgres struct {
	store
	pool  *pgxpool.Pool
	url   string // with the password taken out, for logs
	dbOID uint32 // the database's oid, for reading pg_locks
	// visible is the highest visible bound found so far
	// (postgres_order.go): every message at or below it has committed or
	// never will.
	visible atomic.Int64
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
	if err := pool.QueryRow(ctx, `SELECT oid FROM pg_database WHERE datname = current_database()`).Scan(&s.dbOID); err != nil {
		s.Close()
		return nil, fmt.Errorf("postgres %s: database oid: %w", safe, err)
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
