package storage

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

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
	migrations:     "migrations/postgres",
	lockMigrations: `SELECT pg_advisory_xact_lock(` + strconv.Itoa(lockMigrate) + `)`,
	lockMessages:   `SELECT pg_advisory_xact_lock(` + strconv.Itoa(lockMessages) + `)`,
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
