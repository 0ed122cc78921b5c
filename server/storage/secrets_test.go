package storage

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSecret: the first seed stored wins, for every caller at once and
// after a restart; names are separate.
func TestSecret(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		st := b.open(t).(Secrets)
		seeds := make([][]byte, 8)
		got := make([][]byte, len(seeds))
		var wg sync.WaitGroup
		for i := range seeds {
			seeds[i] = []byte{byte(i + 1), 2, 3}
			wg.Add(1)
			go func() {
				defer wg.Done()
				v, err := st.Secret(ctx, "network", seeds[i])
				assert.NoError(t, err)
				got[i] = v
			}()
		}
		wg.Wait()
		require.NotEmpty(t, got[0])
		assert.Contains(t, seeds, got[0])
		for _, v := range got {
			assert.Equal(t, got[0], v)
		}
		again, err := b.reopen(t).(Secrets).Secret(ctx, "network", []byte("other"))
		require.NoError(t, err)
		assert.Equal(t, got[0], again)
		other, err := st.Secret(ctx, "other", []byte("x"))
		require.NoError(t, err)
		assert.Equal(t, []byte("x"), other)
	})
}
