package chat

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crumbless/crumbless/internal/testenv/pgtest"
	"github.com/crumbless/crumbless/server/storage"
)

func TestNetworkHash(t *testing.T) {
	key := bytes.Repeat([]byte{7}, NetworkKeySize)
	other := bytes.Repeat([]byte{8}, NetworkKeySize)
	tests := []struct {
		name string
		a, b string
		same bool
	}{
		{"one IPv4 address", "192.0.2.1", "192.0.2.1", true},
		{"IPv4 neighbours differ", "192.0.2.1", "192.0.2.2", false},
		{"IPv6 in one /64", "2001:db8:1:2::1", "2001:db8:1:2:ffff:ffff:ffff:ffff", true},
		{"IPv6 in another /64", "2001:db8:1:2::1", "2001:db8:1:3::1", false},
		{"IPv4-mapped IPv6 is the IPv4 address", "::ffff:192.0.2.1", "192.0.2.1", true},
		{"zones are ignored", "fe80::1%eth0", "fe80::2", true},
		{"IPv4 is not its /64", "192.0.2.1", "192.0.2.0", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := networkHash(key, tt.a), networkHash(key, tt.b)
			assert.Len(t, a, 32)
			assert.Equal(t, tt.same, bytes.Equal(a, b))
			assert.NotEqual(t, a, networkHash(other, tt.a), "another key, another hash")
		})
	}
}

func TestLoadOrCreateKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "network.key")
	key, err := LoadOrCreateKey(path)
	require.NoError(t, err)
	assert.Len(t, key, NetworkKeySize)
	assert.NotEqual(t, make([]byte, NetworkKeySize), key)
	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), "readable by the server's user only")

	again, err := LoadOrCreateKey(path)
	require.NoError(t, err)
	assert.Equal(t, key, again, "the same key on the next start")

	require.NoError(t, os.WriteFile(path, []byte("short"), 0o600))
	_, err = LoadOrCreateKey(path)
	assert.ErrorContains(t, err, "5 bytes, want 32")
	_, err = LoadOrCreateKey(filepath.Join(t.TempDir(), "missing", "network.key"))
	assert.Error(t, err)
}

// startFrom starts a conversation from the client address remote.
func (fx *fixture) startFrom(remote string) (*httptest.ResponseRecorder, string, int64) {
	fx.t.Helper()
	rec := fx.do(request{method: "POST", path: "/api/v1/conversations", body: `{}`, remote: remote})
	if rec.Code != http.StatusCreated {
		return rec, "", 0
	}
	body := decodeBody(fx.t, rec)
	return rec, body["token"].(string), int64(body["conversation"].(map[string]any)["id"].(float64))
}

// TestBanVisitorOnly: a ban without "network" is the visitor's token only,
// so the same browser can start again after clearing its storage.
func TestBanVisitorOnly(t *testing.T) {
	fx := newFixture(t)
	session := fx.login()
	_, token, conv := fx.startFrom("192.0.2.10:5000")
	rec := fx.do(request{method: "POST", path: banPathOf(conv), token: session, body: `{"reason":"spam"}`})
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.NotContains(t, decodeBody(t, rec)["conversation"], "network")
	assert.Equal(t, http.StatusForbidden, fx.do(request{method: "GET", path: "/api/v1/conversation", token: token}).Code)
	rec, _, _ = fx.startFrom("192.0.2.10:5001")
	assert.Equal(t, http.StatusCreated, rec.Code, "a fresh start from the same network works")
}

// TestBanNetwork: "network": true also refuses new conversations from the
// visitor's network (IPv4 address, IPv6 /64) with the same 403 and reason,
// until the ban expires or is lifted; other networks are not affected.
func TestBanNetwork(t *testing.T) {
	fx := newFixture(t)
	session := fx.login()
	_, token, conv := fx.startFrom("[2001:db8:5:6::1]:443")
	_, _, v4conv := fx.startFrom("198.51.100.7:1000")

	rec := fx.do(request{method: "POST", path: banPathOf(conv), token: session, body: `{"reason":"abuse","network":true,"days":7}`})
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	c := decodeBody(t, rec)["conversation"].(map[string]any)
	assert.Equal(t, "abuse", c["banned"])
	network := c["network"].(map[string]any)
	assert.Equal(t, "abuse", network["reason"])
	assert.EqualValues(t, conv, network["conversation"])
	assert.EqualValues(t, fx.clock().AddDate(0, 0, 7).UnixMilli(), network["expires"])
	assert.Len(t, network, 4, "reason, conversation, created, expires: never the address or its hash")

	// The token is refused, and so is a fresh start from the same /64.
	assert.Equal(t, http.StatusForbidden, fx.do(request{method: "GET", path: "/api/v1/conversation", token: token}).Code)
	for _, remote := range []string{"[2001:db8:5:6::1]:443", "[2001:db8:5:6:aaaa::99]:80"} {
		rec, _, _ := fx.startFrom(remote)
		require.Equal(t, http.StatusForbidden, rec.Code, remote)
		body := decodeBody(t, rec)
		assert.Equal(t, CodeBanned, body["code"])
		assert.Equal(t, "abuse", body["reason"])
	}
	for _, remote := range []string{"[2001:db8:5:7::1]:443", "198.51.100.7:1000"} {
		rec, _, _ := fx.startFrom(remote)
		assert.Equal(t, http.StatusCreated, rec.Code, "another network: %s", remote)
	}

	// The agents see it on the conversation.
	rec = fx.do(request{method: "GET", path: "/api/v1/agent/conversations/" + itoa(int(conv)), token: session})
	require.Equal(t, http.StatusOK, rec.Code)
	assert.Equal(t, "abuse", decodeBody(t, rec)["conversation"].(map[string]any)["network"].(map[string]any)["reason"])

	// It expires after its days.
	fx.advance(7*24*time.Hour - time.Millisecond)
	rec, _, _ = fx.startFrom("[2001:db8:5:6::2]:1")
	assert.Equal(t, http.StatusForbidden, rec.Code, "still blocked on the last millisecond")
	fx.advance(time.Millisecond)
	rec, _, _ = fx.startFrom("[2001:db8:5:6::2]:1")
	assert.Equal(t, http.StatusCreated, rec.Code, "expired")
	session = fx.login() // a week later: a new agent session
	rec = fx.do(request{method: "GET", path: "/api/v1/agent/conversations/" + itoa(int(conv)), token: session})
	assert.NotContains(t, decodeBody(t, rec)["conversation"], "network")

	// Banned again (default 30 days), then lifted: the network is free at once.
	rec = fx.do(request{method: "POST", path: banPathOf(v4conv), token: session, body: `{"reason":"spam","network":true}`})
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.EqualValues(t, fx.clock().AddDate(0, 0, 30).UnixMilli(), decodeBody(t, rec)["conversation"].(map[string]any)["network"].(map[string]any)["expires"])
	rec, _, _ = fx.startFrom("198.51.100.7:2000")
	assert.Equal(t, http.StatusForbidden, rec.Code)
	rec = fx.do(request{method: "DELETE", path: banPathOf(v4conv), token: session})
	require.Equal(t, http.StatusOK, rec.Code)
	assert.NotContains(t, decodeBody(t, rec)["conversation"], "network")
	rec, _, _ = fx.startFrom("198.51.100.7:2000")
	assert.Equal(t, http.StatusCreated, rec.Code, "lifted")
}

func TestBanNetworkBadInput(t *testing.T) {
	fx := newFixture(t)
	session := fx.login()
	_, _, conv := fx.startFrom("192.0.2.20:1")
	for _, tt := range []struct{ body, field string }{
		{`{"reason":"spam","days":7}`, "days"},
		{`{"reason":"spam","network":true,"days":366}`, "days"},
		{`{"reason":"spam","network":true,"days":-1}`, "days"},
		{`{"reason":"spam","network":"yes"}`, ""},
		{`{"reason":"spam","network":true,"ip":"192.0.2.20"}`, ""},
	} {
		t.Run(tt.body, func(t *testing.T) {
			rec := fx.do(request{method: "POST", path: banPathOf(conv), token: session, body: tt.body})
			require.Equal(t, http.StatusBadRequest, rec.Code, rec.Body.String())
			if tt.field != "" {
				assert.Contains(t, decodeBody(t, rec)["fields"], tt.field)
			}
		})
	}
	rec, _, _ := fx.startFrom("192.0.2.20:2")
	assert.Equal(t, http.StatusCreated, rec.Code, "nothing was banned")
}

// TestNetworkBanStoresNoAddress: the database holds the keyed hash only;
// the visitor's address appears nowhere in its files.
func TestNetworkBanStoresNoAddress(t *testing.T) {
	fx := newFixture(t)
	session := fx.login()
	_, _, conv := fx.startFrom("203.0.113.77:1234")
	rec := fx.do(request{method: "POST", path: banPathOf(conv), token: session, body: `{"reason":"abuse","network":true}`})
	require.Equal(t, http.StatusOK, rec.Code)
	files, err := filepath.Glob(fx.path + "*") // the database, its WAL and shared memory
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		assert.NotContains(t, string(b), "203.0.113.77", f)
		assert.NotContains(t, string(b), "203.0.113", f)
		assert.False(t, bytes.Contains(b, []byte{203, 0, 113, 77}), "raw address bytes in %s", f)
	}
}

// TestNetworkBanSurvivesRestart: with the same key (the data folder's
// network.key) a network ban holds after a restart.
func TestNetworkBanSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	key, err := LoadOrCreateKey(filepath.Join(dir, "network.key"))
	require.NoError(t, err)
	db := filepath.Join(dir, "chat.db")
	withKey := func(c *Config) { c.NetworkKey = key }
	fx := newFixtureAt(t, db, withKey)
	session := fx.login()
	_, _, conv := fx.startFrom("192.0.2.30:1")
	require.Equal(t, http.StatusOK, fx.do(request{method: "POST", path: banPathOf(conv), token: session, body: `{"reason":"other","network":true,"days":1}`}).Code)
	fx.srv.Close()
	require.NoError(t, fx.store.Close())

	again := newFixtureAt(t, db, withKey)
	rec, _, _ := again.startFrom("192.0.2.30:2")
	require.Equal(t, http.StatusForbidden, rec.Code)
	assert.Equal(t, "other", decodeBody(t, rec)["reason"])

	// Another key (the file lost): the old hashes match nothing.
	fresh := newFixtureAt(t, db)
	rec, _, _ = fresh.startFrom("192.0.2.30:3")
	assert.Equal(t, http.StatusCreated, rec.Code)
}

func banPathOf(conv int64) string { return "/api/v1/agent/conversations/" + itoa(int(conv)) + "/ban" }

// TestNetworkBanAcrossInstances: with several instances on one PostgreSQL
// database, each with its own data folder, a network ban made through one
// holds on the others and lifting it there lifts it everywhere.
func TestNetworkBanAcrossInstances(t *testing.T) {
	_, fx, _ := pgInstances(t, 2)
	a, b := fx[0], fx[1]
	session := a.login()
	_, _, conv := a.startFrom("198.51.100.7:1")
	require.NotZero(t, conv)
	require.Equal(t, http.StatusOK, a.do(request{method: "POST", path: banPathOf(conv), token: session, body: `{"reason":"spam","network":true,"days":1}`}).Code)

	rec, _, _ := b.startFrom("198.51.100.7:2")
	require.Equal(t, http.StatusForbidden, rec.Code, rec.Body.String())
	assert.Equal(t, "spam", decodeBody(t, rec)["reason"])
	rec, _, _ = b.startFrom("198.51.100.8:2")
	assert.Equal(t, http.StatusCreated, rec.Code, "another network")

	require.Equal(t, http.StatusOK, b.do(request{method: "DELETE", path: banPathOf(conv), token: b.login()}).Code)
	rec, _, _ = a.startFrom("198.51.100.7:3")
	assert.Equal(t, http.StatusCreated, rec.Code, "lifted through the other instance")
}

// TestLoadNetworkKeyShared: on a shared database the first instance's
// key file seeds the key (its ban hashes stay valid) and instances without
// the file use it; on SQLite the key stays in the file, out of the database.
func TestLoadNetworkKeyShared(t *testing.T) {
	ctx := context.Background()
	t.Run("postgres", func(t *testing.T) {
		url := pgtest.Database(t)
		open := func() *storage.Postgres {
			st, err := storage.OpenPostgres(ctx, url)
			require.NoError(t, err)
			t.Cleanup(func() { st.Close() })
			return st
		}
		old, err := LoadOrCreateKey(filepath.Join(t.TempDir(), "network.key"))
		require.NoError(t, err)
		dir := t.TempDir()
		require.NoError(t, os.WriteFile(filepath.Join(dir, "network.key"), old, 0o600))
		first, err := LoadNetworkKey(ctx, open(), filepath.Join(dir, "network.key"))
		require.NoError(t, err)
		assert.Equal(t, old, first, "the existing file seeds the database")

		bare := filepath.Join(t.TempDir(), "network.key")
		second, err := LoadNetworkKey(ctx, open(), bare)
		require.NoError(t, err)
		assert.Equal(t, old, second)
		assert.NoFileExists(t, bare, "no file made when the database keeps the key")

		other, err := LoadOrCreateKey(filepath.Join(t.TempDir(), "network.key"))
		require.NoError(t, err)
		odd := filepath.Join(t.TempDir(), "network.key")
		require.NoError(t, os.WriteFile(odd, other, 0o600))
		third, err := LoadNetworkKey(ctx, open(), odd)
		require.NoError(t, err)
		assert.Equal(t, old, third, "the database's key wins over a later file")
	})
	t.Run("sqlite", func(t *testing.T) {
		dir := t.TempDir()
		st, err := storage.OpenSQLite(ctx, filepath.Join(dir, "chat.db"))
		require.NoError(t, err)
		t.Cleanup(func() { st.Close() })
		key, err := LoadNetworkKey(ctx, st, filepath.Join(dir, "network.key"))
		require.NoError(t, err)
		file, err := os.ReadFile(filepath.Join(dir, "network.key"))
		require.NoError(t, err)
		assert.Equal(t, file, key)
		_, err = st.Secret(ctx, "network", []byte("unused"))
		require.NoError(t, err)
		in, err := st.Secret(ctx, "network", []byte("again"))
		require.NoError(t, err)
		assert.Equal(t, []byte("unused"), in, "the file's key was not put in the database")
	})
}
