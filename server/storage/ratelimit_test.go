package storage

import (
	"context"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crumbless/crumbless/internal/testenv/pgtest"
)

// TestTake: a bucket gives burst tokens, however many pools take at once,
// then refuses with the wait until the next; buckets are separate; a
// swept bucket starts full.
func TestTake(t *testing.T) {
	ctx := context.Background()
	url := pgtest.Database(t)
	var pools []*Postgres
	for range 2 {
		s, err := OpenPostgres(ctx, url)
		require.NoError(t, err)
		t.Cleanup(func() { s.Close() })
		pools = append(pools, s)
	}
	const burst = 5
	var taken atomic.Int32
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, _, err := pools[i%2].Take(ctx, "start:192.0.2.1", 0.01, burst)
			assert.NoError(t, err)
			if ok {
				taken.Add(1)
			}
		}()
	}
	wg.Wait()
	assert.EqualValues(t, burst, taken.Load(), "one bucket across both pools")

	ok, wait, err := pools[0].Take(ctx, "start:192.0.2.1", 0.01, burst)
	require.NoError(t, err)
	assert.False(t, ok)
	assert.Greater(t, wait, 90*time.Second, "about 100 s to the next token at 0.01/s")
	assert.LessOrEqual(t, wait, 100*time.Second)

	ok, _, err = pools[1].Take(ctx, "start:192.0.2.2", 0.01, burst)
	require.NoError(t, err)
	assert.True(t, ok, "another bucket")

	require.NoError(t, pools[0].SweepRateLimits(ctx, 0))
	ok, _, err = pools[0].Take(ctx, "start:192.0.2.1", 0.01, burst)
	require.NoError(t, err)
	assert.True(t, ok, "swept: full again")
}

// BenchmarkTake is the cost a shared rate limit adds to a request: one
// bucket update, from parallel clients over 64 buckets.
func BenchmarkTake(b *testing.B) {
	ctx := context.Background()
	s, err := OpenPostgres(ctx, pgtest.Database(b))
	require.NoError(b, err)
	defer s.Close()
	var n atomic.Int64
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, _, err := s.Take(ctx, "ip:192.0.2."+strconv.Itoa(int(n.Add(1)%64)), 20, 60); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
