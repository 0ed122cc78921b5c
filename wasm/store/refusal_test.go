//go:build js && wasm

package store

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestImplicitRefusalIsRemembered: in implicit mode consent false wipes
// every other key, stores the refusal itself under "consent" (180 days)
// and keeps the widget working in memory; the next page (a new Store over
// the same storage) starts refused and stores nothing after interaction;
// consent true lifts the refusal and stores again; forget keeps it.
func TestImplicitRefusalIsRemembered(t *testing.T) {
	forEachFixture(t, func(t *testing.T, local, session Backend) {
		s := open(local, session, "implicit")
		s.Interact()
		require.NoError(t, s.Set("theme", "dark"))
		require.NoError(t, s.Set("nav", "chat"))

		s.SetConsent(false)
		assert.Equal(t, []string{"crumbless-consent"}, prefixed(t, local, "crumbless-"), "only the refusal")
		assert.Empty(t, prefixed(t, session, "crumbless-"))
		assert.Equal(t, env("false", t0.Add(180*24*time.Hour).UnixMilli()), raw(t, local, "crumbless-consent"))
		var theme string
		assert.True(t, s.Get("theme", &theme), "still known in memory")
		assert.Equal(t, "dark", theme)
		assert.False(t, s.Consent())
		assert.Equal(t, "memory", s.Storage())

		s.Forget()
		assert.Equal(t, []string{"crumbless-consent"}, prefixed(t, local, "crumbless-"), "forget keeps the refusal")

		next := open(local, session, "implicit") // another page of the site
		assert.False(t, next.Consent(), "the refusal holds on the next page")
		next.Interact()
		require.NoError(t, next.Set("theme", "light"))
		assert.Equal(t, []string{"crumbless-consent"}, prefixed(t, local, "crumbless-"), "nothing stored after interaction")
		assert.Equal(t, "memory", next.Storage())

		next.SetConsent(true)
		assert.True(t, next.Consent())
		assert.Equal(t, []string{"crumbless-theme"}, prefixed(t, local, "crumbless-"), "lifted: the refusal goes, what waited is stored")
		assert.True(t, open(local, session, "implicit").Consent(), "and the next page stores again")
	})
}

// TestRefusalFollowsAcrossTabs: another tab's refusal (the consent key set
// to false) closes this tab's gate and moves its values to memory; the
// other tab's removals do not lose them; lifting it (the key removed)
// stores them again.
func TestRefusalFollowsAcrossTabs(t *testing.T) {
	s, heard := syncedStore(t, "implicit")
	s.Interact()
	require.NoError(t, s.Set("theme", "dark"))
	require.True(t, s.Consent())

	refusal := env("false", t0.Add(time.Hour).UnixMilli())
	localStorage.Call("setItem", "crumbless-consent", refusal) // what the other tab wrote
	storageEvent(localStorage, "crumbless-consent", refusal)
	assert.Equal(t, []string{"consent"}, *heard)
	assert.False(t, s.Consent())
	assert.Equal(t, "memory", s.Storage())
	assert.Equal(t, []string{"crumbless-consent"}, prefixed(t, NewWebStorage("localStorage"), "crumbless-"), "this tab's keys left storage")
	var theme string
	require.True(t, s.Get("theme", &theme))
	assert.Equal(t, "dark", theme, "kept in memory")
	require.NoError(t, s.Set("theme", "light"))
	assert.Equal(t, []string{"crumbless-consent"}, prefixed(t, NewWebStorage("localStorage"), "crumbless-"), "nothing written while refused")

	localStorage.Call("removeItem", "crumbless-consent") // consent true in the other tab
	storageEvent(localStorage, "crumbless-consent", nil)
	assert.Equal(t, []string{"consent", "consent"}, *heard)
	assert.True(t, s.Consent())
	assert.Equal(t, []string{"crumbless-theme"}, prefixed(t, NewWebStorage("localStorage"), "crumbless-"), "stored again")
	require.True(t, s.Get("theme", &theme))
	assert.Equal(t, "light", theme)
}
