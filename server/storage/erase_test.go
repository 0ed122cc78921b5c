package storage

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sqlDB returns the database/sql handle of a store of this package.
func sqlDB(t *testing.T, s Store) *sql.DB {
	t.Helper()
	switch v := s.(type) {
	case *SQLite:
		return v.db
	case *Postgres:
		return v.db
	}
	t.Fatalf("unknown store %T", s)
	return nil
}

// tables lists every table of the store's schema, read from the
// database's catalogue so that a table added later is scanned too.
func tables(t *testing.T, s Store) []string {
	t.Helper()
	q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`
	if _, ok := s.(*Postgres); ok {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`
	}
	rows, err := sqlDB(t, s).Query(q)
	list, err := scanAll(rows, err, func(r scanner) (string, error) {
		var name string
		return name, r.Scan(&name)
	})
	require.NoError(t, err)
	require.Contains(t, list, "messages", "the catalogue query finds the tables")
	return list
}

// trace is what identifies one conversation in the database: its id in
// any column named after conversations, and byte strings (its token and
// network hashes, words planted in its content) in any column at all.
type trace struct {
	id    int64
	bytes map[string][]byte // what → bytes
}

// findTraces scans every row of every table and returns where the trace
// appears, as "table.column: what".
func findTraces(t *testing.T, s Store, tr trace) []string {
	t.Helper()
	db := sqlDB(t, s)
	var found []string
	for _, table := range tables(t, s) {
		rows, err := db.Query(`SELECT * FROM ` + table)
		require.NoError(t, err, table)
		cols, err := rows.Columns()
		require.NoError(t, err)
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			require.NoError(t, rows.Scan(ptrs...))
			for i, v := range vals {
				var b []byte
				switch v := v.(type) {
				case []byte:
					b = v
				case string:
					b = []byte(v)
				case int64:
					if strings.Contains(cols[i], "conversation") && v == tr.id {
						found = append(found, table+"."+cols[i]+": conversation id")
					}
					continue
				default:
					continue
				}
				for what, needle := range tr.bytes {
					if bytes.Contains(b, needle) {
						found = append(found, table+"."+cols[i]+": "+what)
					}
				}
			}
		}
		require.NoError(t, rows.Err())
		rows.Close()
	}
	return found
}

// planted is a conversation with a row in every table that can reference
// one: messages both ways, a linked form submission, its network hash, a
// stream ticket, read cursors, a visitor ban, webhook deliveries of its
// events and (PostgreSQL) a stream lease. Its words are unique to it.
func planted(t *testing.T, s Store, name string, now int64) (Conversation, trace) {
	t.Helper()
	ctx := context.Background()
	token, network := []byte("token-hash-"+name), []byte("network-hash-"+name)
	_, err := s.(Webhooks).AddWebhook(ctx, "https://hooks.example/"+name, "whsec_"+name,
		[]string{EventConversationCreated, EventMessageCreated, EventFormSubmitted}, now)
	require.NoError(t, err)
	c, err := s.CreateConversation(ctx, token, "demo", network, now)
	require.NoError(t, err)
	agent, err := s.AddAgent(ctx, "agent-"+name, "x", now)
	require.NoError(t, err)
	body := "secret-body-" + name
	m, _, err := s.AddMessage(ctx, Message{ConversationID: c.ID, ClientID: "v1", Author: Visitor, Body: body, Created: now})
	require.NoError(t, err)
	_, _, err = s.AddMessage(ctx, Message{ConversationID: c.ID, ClientID: "a1", Author: Agent, AgentID: agent.ID, Body: "reply-" + body, Created: now + 1})
	require.NoError(t, err)
	_, err = s.MarkRead(ctx, c.ID, Agent, m.ID)
	require.NoError(t, err)
	email := "person-" + name + "@mail.example"
	_, _, err = s.AddSubmission(ctx, Submission{FormID: "contact", ConversationID: c.ID, ClientID: "f-" + name,
		Fields: map[string]string{"email": email, "tel": "+31 6 1234 " + name}, Created: now})
	require.NoError(t, err)
	require.NoError(t, s.CreateTicket(ctx, []byte("ticket-hash-"+name), c.ID, now, now+time.Hour.Milliseconds()))
	require.NoError(t, s.Ban(ctx, c.ID, "spam", now))
	require.NoError(t, s.SetVisitorDetails(ctx, c.ID, "name-"+name, "prechat-"+email, now))
	require.NoError(t, s.SetVisitorContext(ctx, c.ID, VisitorContext{Page: Page{Path: "/page-" + name, Title: "Title " + name},
		Lang: "sv", Zone: "Europe/Stockholm", Version: "0.1.0"}, now))
	if l, ok := s.(StreamLeases); ok {
		refused, err := l.LeaseStream(ctx, StreamLease{ID: "lease-" + name, Instance: "instance", Conversation: c.ID, Network: string(network)},
			StreamCaps{PerConversation: 4, PerNetwork: 4, Total: 100}, time.Minute)
		require.NoError(t, err)
		require.Equal(t, LeaseGranted, refused)
	}
	return c, trace{id: c.ID, bytes: map[string][]byte{
		"token hash": token, "network hash": network, "message": []byte(body), "email": []byte(email),
		"visitor name": []byte("name-" + name), "visitor page": []byte("/page-" + name),
	}}
}

func TestEraseRemovesEveryTrace(t *testing.T) {
	forEachBackend(t, func(t *testing.T, kind backend) {
		ctx := context.Background()
		s := kind.open(t)
		gone, goneTrace := planted(t, s, "erased", 1000)
		kept, keptTrace := planted(t, s, "kept", 2000)
		require.NotEmpty(t, findTraces(t, s, goneTrace), "the scan finds a planted conversation")

		err := s.EraseConversation(ctx, gone.ID)
		require.NoError(t, err)

		assert.Empty(t, findTraces(t, s, goneTrace), "rows left that reference the erased conversation")
		left := findTraces(t, s, keptTrace)
		for _, want := range []string{"conversations.token_hash: token hash", "messages.body: message", "conversation_networks.network_hash: network hash",
			"webhook_deliveries.conversation_id: conversation id", "conversation_visitors.name: visitor name",
			"conversation_visitors.start_path: visitor page", "conversation_visitors.email: email"} {
			assert.Contains(t, left, want, "the other conversation is untouched")
		}
		_, err = s.Conversation(ctx, kept.ID)
		require.NoError(t, err)
		_, err = s.ConversationByToken(ctx, []byte("token-hash-erased"))
		assert.ErrorIs(t, err, ErrNotFound)
		assert.ErrorIs(t, s.EraseConversation(ctx, gone.ID), ErrNotFound, "erasing twice")
	})
}

// A network ban made from a conversation outlives its erasure (until it
// expires: it protects the site), no longer linked to the conversation.
func TestEraseKeepsNetworkBanUnlinked(t *testing.T) {
	forEachBackend(t, func(t *testing.T, kind backend) {
		ctx := context.Background()
		s := kind.open(t)
		c, _ := planted(t, s, "banned", 1000)
		require.NoError(t, s.BanNetwork(ctx, c.ID, "abuse", 1000, 5000))
		require.NoError(t, s.EraseConversation(ctx, c.ID))
		b, err := s.NetworkBan(ctx, []byte("network-hash-banned"), 2000)
		require.NoError(t, err)
		assert.Equal(t, "abuse", b.Reason)
		assert.Zero(t, b.ConversationID, "unlinked")
		assert.Empty(t, findTraces(t, s, trace{id: c.ID}), "no column names the conversation")
	})
}

func TestExportHoldsEverything(t *testing.T) {
	forEachBackend(t, func(t *testing.T, kind backend) {
		ctx := context.Background()
		s := kind.open(t)
		c, _ := planted(t, s, "mine", 1000)
		planted(t, s, "other", 2000)
		e, err := s.ExportConversation(ctx, c.ID)
		require.NoError(t, err)
		assert.Equal(t, c.ID, e.Conversation.ID)
		assert.Equal(t, "spam", e.Conversation.BannedReason)
		require.Len(t, e.Messages, 2)
		assert.Equal(t, "secret-body-mine", e.Messages[0].Body)
		assert.Equal(t, "reply-secret-body-mine", e.Messages[1].Body)
		assert.Equal(t, "agent-mine", e.Messages[1].AgentName)
		require.Len(t, e.Submissions, 1)
		assert.Equal(t, "person-mine@mail.example", e.Submissions[0].Fields["email"])
		assert.Equal(t, []byte("network-hash-mine"), e.NetworkHash)
		assert.Equal(t, "name-mine", e.Visitor.Name)
		assert.Equal(t, "prechat-person-mine@mail.example", e.Visitor.Email)
		assert.Equal(t, Page{Path: "/page-mine", Title: "Title mine"}, e.Visitor.Start)
		assert.Equal(t, "Europe/Stockholm", e.Visitor.Zone)
		_, err = s.ExportConversation(ctx, 9999)
		assert.ErrorIs(t, err, ErrNotFound)
	})
}

func TestCreateConversationWithNetwork(t *testing.T) {
	forEachBackend(t, func(t *testing.T, kind backend) {
		ctx := context.Background()
		s := kind.open(t)
		c, err := s.CreateConversation(ctx, []byte("t"), "", []byte("n"), 5)
		require.NoError(t, err)
		assert.Equal(t, int64(5), c.Seen)
		e, err := s.ExportConversation(ctx, c.ID)
		require.NoError(t, err)
		assert.Equal(t, []byte("n"), e.NetworkHash)
		// A conflict rolls back both writes: no network row without its conversation.
		_, err = s.CreateConversation(ctx, []byte("t"), "", []byte("n2"), 6)
		require.ErrorIs(t, err, ErrConflict)
		var n int
		require.NoError(t, sqlDB(t, s).QueryRow(`SELECT count(*) FROM conversation_networks`).Scan(&n))
		assert.Equal(t, 1, n)
		require.NoError(t, s.SeenConversation(ctx, c.ID, 50))
		require.NoError(t, s.SeenConversation(ctx, c.ID, 40), "never backward")
		got, err := s.Conversation(ctx, c.ID)
		require.NoError(t, err)
		assert.Equal(t, int64(50), got.Seen)
	})
}

// SQLite: the erased bytes are gone from the database files (secure_delete
// and a WAL checkpoint), not only the rows.
func TestEraseScrubsSQLiteFiles(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := OpenSQLite(ctx, filepath.Join(dir, "crumbless.db"))
	require.NoError(t, err)
	defer s.Close()
	c, _ := planted(t, s, "scrubbed", 1000)
	planted(t, s, "kept", 1000)
	inFiles := func(needle string) bool {
		t.Helper()
		entries, err := os.ReadDir(dir)
		require.NoError(t, err)
		for _, e := range entries {
			b, err := os.ReadFile(filepath.Join(dir, e.Name()))
			require.NoError(t, err)
			if bytes.Contains(b, []byte(needle)) {
				return true
			}
		}
		return false
	}
	for _, needle := range []string{"secret-body-scrubbed", "person-scrubbed@mail.example", "network-hash-scrubbed"} {
		require.True(t, inFiles(needle), "%s is in the files before", needle)
	}
	require.NoError(t, s.EraseConversation(ctx, c.ID))
	for _, needle := range []string{"secret-body-scrubbed", "person-scrubbed@mail.example", "network-hash-scrubbed", "token-hash-scrubbed"} {
		assert.False(t, inFiles(needle), "%s is still in the files", needle)
	}
	assert.True(t, inFiles("secret-body-kept"))
}

const day = 24 * time.Hour

func TestRetentionSweep(t *testing.T) {
	forEachBackend(t, func(t *testing.T, kind backend) {
		ctx := context.Background()
		s := kind.open(t)
		now := int64(400 * day / time.Millisecond) // the frozen clock
		at := func(d time.Duration) int64 { return now - d.Milliseconds() }
		make := func(name string, created time.Duration, network bool) Conversation {
			var hash []byte
			if network {
				hash = []byte("net-" + name)
			}
			c, err := s.CreateConversation(ctx, []byte(name), "", hash, at(created))
			require.NoError(t, err)
			return c
		}
		stale := make("stale", 100*day, true)         // no activity for 100 days
		talked := make("talked", 100*day, false)      // a message 10 days ago
		seen := make("seen", 100*day, false)          // token used 10 days ago
		edge := make("edge", 90*day, false)           // exactly 90 days: kept
		oldNet := make("old-net", 31*day, true)       // network hash older than 30 days
		bannedNet := make("banned-net", 31*day, true) // … used by a ban in force
		newNet := make("new-net", 29*day, true)       // … younger
		_, _, err := s.AddMessage(ctx, Message{ConversationID: talked.ID, ClientID: "m", Author: Visitor, Body: "hi", Created: at(10 * day)})
		require.NoError(t, err)
		require.NoError(t, s.SeenConversation(ctx, seen.ID, at(10*day)))
		require.NoError(t, s.BanNetwork(ctx, bannedNet.ID, "spam", at(day), now+day.Milliseconds()))
		_, _, err = s.AddSubmission(ctx, Submission{FormID: "contact", ClientID: "old", Fields: map[string]string{}, Created: at(91 * day)})
		require.NoError(t, err)
		_, _, err = s.AddSubmission(ctx, Submission{FormID: "contact", ClientID: "new", Fields: map[string]string{}, Created: at(89 * day)})
		require.NoError(t, err)
		_, _, err = s.AddSubmission(ctx, Submission{FormID: "contact", ConversationID: stale.ID, ClientID: "stale", Fields: map[string]string{}, Created: at(10 * day)})
		require.NoError(t, err)

		p := Retention{Conversations: 90 * day}
		swept, ran, err := s.SweepRetention(ctx, p, now)
		require.NoError(t, err)
		require.True(t, ran)
		assert.Equal(t, Swept{Conversations: 1, Submissions: 1, Networks: 1}, swept)

		for _, c := range []Conversation{talked, seen, edge, oldNet, bannedNet, newNet} {
			_, err := s.Conversation(ctx, c.ID)
			assert.NoError(t, err, "conversation %d kept", c.ID)
		}
		_, err = s.Conversation(ctx, stale.ID)
		assert.ErrorIs(t, err, ErrNotFound, "stale conversation erased")
		subs, err := s.Submissions(ctx, 10)
		require.NoError(t, err)
		require.Len(t, subs, 1, "the old one and the stale conversation's are gone")
		assert.Equal(t, "new", subs[0].ClientID)
		for c, want := range map[int64]bool{oldNet.ID: false, bannedNet.ID: true, newNet.ID: true} {
			e, err := s.ExportConversation(ctx, c)
			require.NoError(t, err)
			assert.Equal(t, want, e.NetworkHash != nil, "network hash of %d kept", c)
		}

		// The period is taken: the same moment sweeps nothing, the next period does.
		_, ran, err = s.SweepRetention(ctx, p, now+time.Minute.Milliseconds())
		require.NoError(t, err)
		assert.False(t, ran, "within the period")
		swept, ran, err = s.SweepRetention(ctx, p, now+DefaultSweepEvery.Milliseconds())
		require.NoError(t, err)
		assert.True(t, ran, "next period")
		assert.Equal(t, Swept{Conversations: 1}, swept, "the conversation at the edge is past it an hour later")

		// Without a conversation retention, conversations stay; the ban
		// expired, so its network hash goes with it, and the young hash
		// is 31 days old now.
		swept, ran, err = s.SweepRetention(ctx, Retention{}, now+2*day.Milliseconds())
		require.NoError(t, err)
		assert.True(t, ran)
		assert.Equal(t, Swept{Networks: 2, NetworkBans: 1}, swept)
	})
}

// Instances sharing a database sweep once per period between them.
func TestRetentionSweepOnceAcrossInstances(t *testing.T) {
	forEachBackend(t, func(t *testing.T, kind backend) {
		ctx := context.Background()
		first := kind.open(t)
		second := kind.reopen(t)
		now := int64(400 * day / time.Millisecond)
		for i := range 20 {
			_, err := first.CreateConversation(ctx, []byte("c"+strconv.Itoa(i)), "", nil, now-100*day.Milliseconds())
			require.NoError(t, err)
		}
		for period := range 3 {
			at := now + int64(period)*DefaultSweepEvery.Milliseconds()
			var wg sync.WaitGroup
			var mu sync.Mutex
			runs, erased := 0, int64(0)
			for i := range 8 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					s := first
					if i%2 == 1 {
						s = second
					}
					swept, ran, err := s.SweepRetention(ctx, Retention{Conversations: 90 * day}, at+int64(i))
					assert.NoError(t, err)
					mu.Lock()
					defer mu.Unlock()
					if ran {
						runs++
					}
					erased += swept.Conversations
				}()
			}
			wg.Wait()
			assert.Equal(t, 1, runs, "period %d: one sweep", period)
			if period == 0 {
				assert.Equal(t, int64(20), erased)
			}
		}
	})
}
