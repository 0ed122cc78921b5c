package storage

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
)

// migrationFiles holds one folder of NNNN_name.sql files per dialect.
//
//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrationFiles embed.FS

// dialect is what differs between the SQL of SQLite and of PostgreSQL;
// the queries are written once, with ? placeholders.
type dialect struct {
	// migrations is the folder of migrationFiles to apply.
	migrations string
	// lockMigrations, when set, runs first in each migration's
	// transaction, so that instances starting together apply it once.
	lockMigrations string
	// numbered placeholders ($1, $2 …) instead of ?.
	numbered bool
	// greatest and least name the two-argument max and min functions.
	greatest, least string
	// isUnique reports a unique or primary key violation.
	isUnique func(error) bool
	// isForeignKey reports a foreign key violation.
	isForeignKey func(error) bool
	// eraseAlso are the dialect's own deletions of an erasure, run in its
	// transaction with the list of conversation ids as "IN (…)" text.
	eraseAlso []string
	// scrub, when set, runs after an erasure commits so that the deleted
	// bytes leave the database files too.
	scrub string
	// webhookID is an SQL expression for a new random webhook-id.
	webhookID string
	// skipLocked ends the select of the deliveries a claim takes, so that
	// instances claiming together take different rows.
	skipLocked string
	// lockRow ends a select of a row the transaction goes on to change,
	// so that a concurrent one waits for it to commit.
	lockRow string
	// search is the dialect's search query (search.go).
	search searchSQL
	// newMessageID, when set, are the statements that allocate a message
	// id outside AddMessage, locks included; the last returns the id.
	// Unset, the insert numbers the message.
	newMessageID []string
}

// bind returns query with the dialect's placeholders.
func (d *dialect) bind(query string) string {
	if !d.numbered || !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 16)
	n := 0
	for i := range len(query) {
		if query[i] != '?' {
			b.WriteByte(query[i])
			continue
		}
		n++
		b.WriteByte('$')
		b.WriteString(strconv.Itoa(n))
	}
	return b.String()
}

// querier is what *sql.DB and *sql.Tx share.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// runner runs ?-placeholder queries on a database or in a transaction.
type runner struct {
	q querier
	d *dialect
}

func (r runner) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return r.q.ExecContext(ctx, r.d.bind(query), args...)
}

func (r runner) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return r.q.QueryContext(ctx, r.d.bind(query), args...)
}

func (r runner) row(ctx context.Context, query string, args ...any) *sql.Row {
	return r.q.QueryRowContext(ctx, r.d.bind(query), args...)
}

type scanner interface{ Scan(dest ...any) error }

// scanAll reads every row of a query (rows, err) with scan.
func scanAll[T any](rows *sql.Rows, err error, scan func(scanner) (T, error)) ([]T, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// store is the Store over database/sql that SQLite and Postgres share;
// each adds how it opens and closes and its AddMessage, and Postgres the
// Fanout.
type store struct {
	runner
	db *sql.DB
	// queued gets a value (without blocking) after a commit that may have
	// queued webhook deliveries.
	queued chan struct{}
	// mailQueued likewise, for the mail outbox.
	mailQueued chan struct{}
}

func newStore(db *sql.DB, d *dialect) store {
	return store{runner: runner{q: db, d: d}, db: db, queued: make(chan struct{}, 1), mailQueued: make(chan struct{}, 1)}
}

// tx runs fn in a transaction and commits it.
func (s *store) tx(ctx context.Context, fn func(tx runner) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	if err := fn(runner{q: tx, d: s.d}); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// migrate applies the dialect's NNNN_name.sql files in order, each in its
// own transaction, and records each in schema_migrations (version, name).
func (s *store) migrate(ctx context.Context) error {
	dir, err := fs.Sub(migrationFiles, s.d.migrations)
	if err != nil {
		return err
	}
	names, err := fs.Glob(dir, "*.sql") // sorted: NNNN_ gives the order
	if err != nil {
		return err
	}
	for _, name := range names {
		num, _, _ := strings.Cut(name, "_")
		version, err := strconv.Atoi(num)
		if err != nil {
			panic("crumbless: migration " + name + " must start with a number")
		}
		body, err := fs.ReadFile(dir, name)
		if err != nil {
			return err
		}
		if err := s.tx(ctx, func(tx runner) error {
			return applyMigration(ctx, tx, version, name, string(body))
		}); err != nil {
			return fmt.Errorf("migration %s: %w", name, err)
		}
	}
	return nil
}

func applyMigration(ctx context.Context, tx runner, version int, name, body string) error {
	if tx.d.lockMigrations != "" {
		if _, err := tx.exec(ctx, tx.d.lockMigrations); err != nil {
			return err
		}
	}
	if _, err := tx.exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("migrations table: %w", err)
	}
	var n int
	if err := tx.row(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, version).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	if _, err := tx.exec(ctx, body); err != nil {
		return err
	}
	_, err := tx.exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES (?, ?)`, version, name)
	return err
}

// Version returns the highest migration applied.
func (s *store) Version(ctx context.Context) (int, error) {
	var v int
	err := s.row(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&v)
	return v, err
}
