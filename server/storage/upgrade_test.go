package storage

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crumbless/crumbless/internal/testenv/pgtest"
)

// oldLayout replays how earlier releases migrated a database, so that
// their data/crumbless.db files and PostgreSQL databases keep opening: the
// SQLite files sat at the top of migrations/ (the same files are in
// migrations/sqlite/), and each engine made schema_migrations with the
// statement below and recorded each file's version and base name. The
// first four migrations are the ones those releases shipped.
var oldLayout = []struct {
	name, driver, migrations, table, insert string
}{
	{
		name: "sqlite", driver: "sqlite", migrations: "migrations/sqlite",
		table:  `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL)`,
		insert: `INSERT INTO schema_migrations (version, name) VALUES (?, ?)`,
	},
	{
		name: "postgres", driver: "pgx", migrations: "migrations/postgres",
		table:  `CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL)`,
		insert: `INSERT INTO schema_migrations (version, name) VALUES ($1, $2)`,
	},
}

// TestOpensOldLayout: a database migrated by an earlier release, with a
// conversation in it, opens without a migration applied again, keeps its
// bookkeeping and its rows, and takes new writes.
func TestOpensOldLayout(t *testing.T) {
	for _, old := range oldLayout {
		t.Run(old.name, func(t *testing.T) {
			ctx := context.Background()
			var dsn string
			var open func() (Store, *store, error)
			if old.name == "sqlite" {
				path := filepath.Join(t.TempDir(), "crumbless.db")
				dsn = "file:" + path
				open = func() (Store, *store, error) {
					s, err := OpenSQLite(ctx, path)
					if err != nil {
						return nil, nil, err
					}
					return s, &s.store, nil
				}
			} else {
				dsn = pgtest.Database(t)
				open = func() (Store, *store, error) {
					s, err := OpenPostgres(ctx, dsn)
					if err != nil {
						return nil, nil, err
					}
					return s, &s.store, nil
				}
			}
			db, err := sql.Open(old.driver, dsn)
			require.NoError(t, err)
			_, err = db.ExecContext(ctx, old.table)
			require.NoError(t, err)
			names, latest := shippedMigrations(t, old.migrations)
			require.GreaterOrEqual(t, len(names), 4)
			for _, name := range names[:4] {
				body, err := migrationFiles.ReadFile(old.migrations + "/" + name)
				require.NoError(t, err)
				_, err = db.ExecContext(ctx, string(body))
				require.NoError(t, err, name)
				_, err = db.ExecContext(ctx, old.insert, migrationVersion(t, name), name)
				require.NoError(t, err)
			}
			_, err = db.ExecContext(ctx, `INSERT INTO conversations (token_hash, site, created_at, updated_at) VALUES ('\x01', 'old', 1, 1)`)
			require.NoError(t, err)
			require.NoError(t, db.Close())

			s, st, err := open()
			require.NoError(t, err)
			defer s.Close()
			v, err := st.Version(ctx)
			require.NoError(t, err)
			assert.Equal(t, latest, v, "the newer migrations applied")
			var applied []string
			rows, err := st.query(ctx, `SELECT name FROM schema_migrations ORDER BY version`)
			require.NoError(t, err)
			for rows.Next() {
				var name string
				require.NoError(t, rows.Scan(&name))
				applied = append(applied, name)
			}
			require.NoError(t, rows.Err())
			assert.Equal(t, names, applied, "the old ones not again")

			list, err := s.Conversations(ctx, 10)
			require.NoError(t, err)
			require.Len(t, list, 1)
			assert.Equal(t, "old", list[0].Site)
			assert.Equal(t, int64(1), list[0].Seen, "last seen starts at the last update")
			m, created, err := s.AddMessage(ctx, Message{ConversationID: list[0].ID, ClientID: "c", Author: Visitor, Body: "after the move", Created: 2})
			require.NoError(t, err)
			assert.True(t, created)
			got, err := s.Conversation(ctx, list[0].ID)
			require.NoError(t, err)
			require.NotNil(t, got.Last)
			assert.Equal(t, m.ID, got.Last.ID)
		})
	}
}
