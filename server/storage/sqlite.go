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
	isUnique: func(err error) bool {
		var e *sqlite.Error
		return errors.As(err, &e) && (e.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || e.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY)
	},
}

// SQLite is the embedded Store: one database file.
type SQLite struct {
	store
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
