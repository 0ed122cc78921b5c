package registry

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestKeysAreWellFormed(t *testing.T) {
	seen := map[string]bool{}
	for _, k := range Keys {
		t.Run(k.Name, func(t *testing.T) {
			assert.NotEmpty(t, k.Name)
			assert.False(t, seen[k.Name], "declared twice")
			seen[k.Name] = true
			assert.Contains(t, []string{Local, Session}, k.Area)
			assert.Contains(t, []string{StrictlyNecessary, Functional}, k.Category)
			assert.GreaterOrEqual(t, len(k.Purpose), 20, "purpose must be a sentence")
			if k.Area == Local {
				assert.Positive(t, k.TTL, "a local key must expire")
			}
		})
	}
}

func TestLookup(t *testing.T) {
	k, ok := Lookup("theme")
	require.True(t, ok)
	assert.Equal(t, Local, k.Area)
	_, ok = Lookup("nope")
	assert.False(t, ok)
}
