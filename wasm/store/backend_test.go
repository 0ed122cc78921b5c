//go:build js && wasm

package store

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBackendContract is the one suite every Backend passes: memory natively,
// the Web Storage ones against Chromium's real localStorage and
// sessionStorage.
func TestBackendContract(t *testing.T) {
	backends := []struct {
		name string
		make func() Backend
	}{
		{"memory", func() Backend { return Memory{} }},
		{"localStorage", func() Backend { return NewWebStorage("localStorage") }},
		{"sessionStorage", func() Backend { return NewWebStorage("sessionStorage") }},
	}
	for _, bk := range backends {
		t.Run(bk.name, func(t *testing.T) {
			clearStorage(t)
			b := bk.make()
			_, ok, err := b.Get("contract-a")
			require.NoError(t, err)
			assert.False(t, ok, "absent before set")
			assert.Empty(t, keys(t, b))

			require.NoError(t, b.Set("contract-a", "1"))
			require.NoError(t, b.Set("contract-b", `{"é":"✓ \u2028"}`))
			assert.Equal(t, "1", raw(t, b, "contract-a"))
			assert.Equal(t, `{"é":"✓ \u2028"}`, raw(t, b, "contract-b"), "text round-trips unchanged")

			require.NoError(t, b.Set("contract-a", "2"))
			assert.Equal(t, "2", raw(t, b, "contract-a"), "set overwrites")
			assert.Equal(t, []string{"contract-a", "contract-b"}, keys(t, b))

			require.NoError(t, b.Remove("contract-a"))
			require.NoError(t, b.Remove("never-set"), "removing an absent key is fine")
			_, ok, err = b.Get("contract-a")
			require.NoError(t, err)
			assert.False(t, ok, "absent after remove")
			assert.Equal(t, []string{"contract-b"}, keys(t, b))

			require.NoError(t, b.Set("", "empty key"))
			assert.Equal(t, "empty key", raw(t, b, ""))
		})
	}
}

func TestMissingStorageIsAnError(t *testing.T) {
	b := NewWebStorage("noSuchStorage")
	_, _, err := b.Get("x")
	assert.Error(t, err)
	assert.Error(t, b.Set("x", "1"))
	assert.Error(t, b.Remove("x"))
	_, err = b.Keys()
	assert.Error(t, err)
}
