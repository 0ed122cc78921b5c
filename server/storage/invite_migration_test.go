package storage

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSQLiteInvitationMigration: the migration that lets a message be an
// invitation rebuilds SQLite's messages table in place: the messages kept
// with their ids, still found by search, ids never given twice (the last
// one had been erased), and the search index kept in step afterwards.
func TestSQLiteInvitationMigration(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "crumbless.db")
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)")
	require.NoError(t, err)
	_, err = db.ExecContext(ctx, `CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL)`)
	require.NoError(t, err)
	names, _ := shippedMigrations(t, "migrations/sqlite")
	for _, name := range names {
		if migrationVersion(t, name) >= 14 {
			break
		}
		body, err := migrationFiles.ReadFile("migrations/sqlite/" + name)
		require.NoError(t, err)
		_, err = db.ExecContext(ctx, string(body))
		require.NoError(t, err, name)
		_, err = db.ExecContext(ctx, `INSERT INTO schema_migrations (version, name) VALUES (?, ?)`, migrationVersion(t, name), name)
		require.NoError(t, err)
	}
	for _, q := range []string{
		`INSERT INTO conversations (id, token_hash, site, created_at, updated_at) VALUES (1, x'01', 'old', 1, 1)`,
		`INSERT INTO messages (conversation_id, client_id, author, body, created_at) VALUES (1, 'a', 'visitor', 'kanelbulle please', 2)`,
		`INSERT INTO messages (conversation_id, client_id, author, body, created_at) VALUES (1, 'b', 'visitor', 'second', 3)`,
		`INSERT INTO messages (conversation_id, client_id, author, body, created_at) VALUES (1, 'c', 'visitor', 'erased later', 4)`,
		`DELETE FROM messages WHERE client_id = 'c'`,
	} {
		_, err = db.ExecContext(ctx, q)
		require.NoError(t, err, q)
	}
	require.NoError(t, db.Close())

	s, err := OpenSQLite(ctx, path)
	require.NoError(t, err)
	defer s.Close()
	msgs, err := s.Messages(ctx, 1, 0, 10)
	require.NoError(t, err)
	require.Len(t, msgs, 2)
	assert.Equal(t, []int64{1, 2}, []int64{msgs[0].ID, msgs[1].ID}, "the ids kept")
	hits, err := s.Search(ctx, []string{"kanelbulle"}, 0, 10)
	require.NoError(t, err)
	require.Len(t, hits, 1, "the index kept")

	m, _, err := s.AddMessage(ctx, Message{ConversationID: 1, ClientID: "d", Author: Visitor, Body: "semla", Created: 5})
	require.NoError(t, err)
	assert.Equal(t, int64(4), m.ID, "the erased message's id is not given again")
	hits, err = s.Search(ctx, []string{"semla"}, 0, 10)
	require.NoError(t, err)
	assert.Len(t, hits, 1, "new messages indexed")
	c, err := s.StartConversation(ctx, []byte("tok"), "demo", nil, "", "", Invitation{Text: "Hej!"}, 6)
	require.NoError(t, err)
	inv, err := s.Messages(ctx, c.ID, 0, 10)
	require.NoError(t, err)
	require.Len(t, inv, 1)
	assert.Equal(t, Invite, inv[0].Author, "the new author allowed")
	require.NoError(t, s.EraseConversation(ctx, 1))
	hits, err = s.Search(ctx, []string{"kanelbulle"}, 0, 10)
	require.NoError(t, err)
	assert.Empty(t, hits, "erasure reaches the index through the new table's triggers")
}
