package storage

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNetworkBans(t *testing.T) {
	forEachBackend(t, func(t *testing.T, kind backend) { testNetworkBans(t, kind.open(t)) })
}

func testNetworkBans(t *testing.T, s Store) {
	ctx := context.Background()
	a, err := s.CreateConversation(ctx, []byte("token-a"), "", nil, 1000)
	require.NoError(t, err)
	b, err := s.CreateConversation(ctx, []byte("token-b"), "", nil, 1000)
	require.NoError(t, err)
	netA, netB := []byte("network-a"), []byte("network-b")

	assert.ErrorIs(t, s.BanNetwork(ctx, a.ID, "spam", 1000, 2000), ErrNotFound, "no network recorded yet")
	require.NoError(t, s.SetConversationNetwork(ctx, a.ID, netB))
	require.NoError(t, s.SetConversationNetwork(ctx, a.ID, netA), "replaced")
	require.NoError(t, s.SetConversationNetwork(ctx, b.ID, netA))

	_, err = s.NetworkBan(ctx, netA, 1000)
	assert.ErrorIs(t, err, ErrNotFound)
	require.NoError(t, s.BanNetwork(ctx, a.ID, "spam", 1000, 2000))
	got, err := s.NetworkBan(ctx, netA, 1999)
	require.NoError(t, err)
	assert.Equal(t, NetworkBan{Reason: "spam", ConversationID: a.ID, Created: 1000, Expires: 2000}, got)
	_, err = s.NetworkBan(ctx, netA, 2000)
	assert.ErrorIs(t, err, ErrNotFound, "expired")
	_, err = s.NetworkBan(ctx, netB, 1500)
	assert.ErrorIs(t, err, ErrNotFound, "another network")
	got, err = s.ConversationNetworkBan(ctx, b.ID, 1500)
	require.NoError(t, err, "b shares a's network")
	assert.Equal(t, "spam", got.Reason)

	// Banning again from b replaces the ban; lifting from a lifts it too
	// (same network).
	require.NoError(t, s.BanNetwork(ctx, b.ID, "abuse", 1500, 9000))
	got, err = s.NetworkBan(ctx, netA, 5000)
	require.NoError(t, err)
	assert.Equal(t, NetworkBan{Reason: "abuse", ConversationID: b.ID, Created: 1500, Expires: 9000}, got)
	require.NoError(t, s.BanNetwork(ctx, a.ID, "", 1600, 0))
	_, err = s.NetworkBan(ctx, netA, 5000)
	assert.ErrorIs(t, err, ErrNotFound, "lifted")

	// Expired bans are swept by the next ban.
	require.NoError(t, s.BanNetwork(ctx, a.ID, "spam", 1000, 2000))
	require.NoError(t, s.SetConversationNetwork(ctx, b.ID, netB))
	require.NoError(t, s.BanNetwork(ctx, b.ID, "spam", 3000, 4000))
	_, err = s.NetworkBan(ctx, netA, 1500)
	assert.ErrorIs(t, err, ErrNotFound, "swept (and expired anyway)")
	got, err = s.NetworkBan(ctx, netB, 3500)
	require.NoError(t, err)
	assert.Equal(t, b.ID, got.ConversationID)
}
