package chat

import (
	"net/http"
	"net/netip"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crumbless/crumbless/server/forwarded"
)

// TestLimitersBounded rotates 100,000 client addresses through one limiter:
// the keys it remembers stay at the bound and the heap does not grow
// between 10,000 addresses and 100,000.
func TestLimitersBounded(t *testing.T) {
	for _, tc := range []struct {
		name string
		addr func(i int) netip.Addr
		want int // keys remembered at the end
	}{
		{"IPv4 addresses", func(i int) netip.Addr {
			return netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)})
		}, defaultMaxKeys},
		{"IPv6 /64s", func(i int) netip.Addr {
			return netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, 0, byte(i >> 16), byte(i >> 8), byte(i), 15: 1})
		}, defaultMaxKeys},
		{"IPv6 inside one /64", func(i int) netip.Addr {
			return netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, 7: 1, 12: byte(i >> 24), 13: byte(i >> 16), 14: byte(i >> 8), 15: byte(i)})
		}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := newLimiters(20, 60, 0)
			now := time.UnixMilli(1767225600000)
			heap := func() uint64 {
				runtime.GC()
				var m runtime.MemStats
				runtime.ReadMemStats(&m)
				return m.HeapAlloc
			}
			var at10k uint64
			for i := 0; i < 100000; i++ {
				l.allow(forwarded.Key(tc.addr(i)), now)
				now = now.Add(time.Millisecond)
				if i == 10000-1 {
					at10k = heap()
					assert.LessOrEqual(t, l.size(), defaultMaxKeys)
				}
			}
			at100k := heap()
			assert.Equal(t, tc.want, l.size(), "keys remembered")
			assert.Equal(t, l.size(), l.lru.Len())
			t.Logf("keys %d; heap after 10,000 addresses %d KiB, after 100,000 %d KiB", l.size(), at10k>>10, at100k>>10)
			assert.Less(t, int64(at100k)-int64(at10k), int64(1<<20), "heap grew by less than 1 MiB")
		})
	}
}

func TestLimitersForgetIdleAndLeastRecent(t *testing.T) {
	l := newLimiters(1, 1, 2)
	now := time.UnixMilli(1767225600000)
	ok, _ := l.allow("a", now)
	require.True(t, ok)
	ok, wait := l.allow("a", now)
	assert.False(t, ok, "a's bucket is empty")
	assert.Equal(t, time.Second, wait)
	l.allow("b", now)
	l.allow("a", now) // a is now the most recently used
	l.allow("c", now) // full: b, the least recent, goes
	_, hasB := l.m["b"]
	_, hasA := l.m["a"]
	assert.False(t, hasB, "b forgotten")
	assert.True(t, hasA, "a kept")
	l.allow("d", now.Add(idleKey+time.Second))
	assert.Equal(t, 1, l.size(), "idle keys forgotten")
}

// TestRateLimitKeysIPv6By64: the per-address API limit is shared by every
// address of one IPv6 /64 and separate for another /64 or IPv4 address.
func TestRateLimitKeysIPv6By64(t *testing.T) {
	fx := newFixture(t, func(c *Config) { c.IPRate, c.IPBurst = 0.001, 3 })
	get := func(remote string) int {
		return fx.do(request{method: "GET", path: "/api/v1/availability", remote: remote}).Code
	}
	for i := 1; i <= 3; i++ {
		require.Equal(t, http.StatusOK, get("[2001:db8:1:2::"+strconv.Itoa(i)+"]:1"))
	}
	for _, tc := range []struct {
		remote string
		want   int
	}{
		{"[2001:db8:1:2:ffff::9]:1", http.StatusTooManyRequests},
		{"[2001:db8:1:3::1]:1", http.StatusOK},
		{"192.0.2.10:1", http.StatusOK},
		{"[::ffff:192.0.2.10]:2", http.StatusOK},
	} {
		t.Run(tc.remote, func(t *testing.T) {
			assert.Equal(t, tc.want, get(tc.remote))
		})
	}
}

// TestRateLimitsAcrossInstances: with two instances on one PostgreSQL
// database, a client network's allowance of new conversations is one for
// both, not one each.
func TestRateLimitsAcrossInstances(t *testing.T) {
	_, fx, _ := pgInstances(t, 2, func(c *Config) { c.StartRate, c.StartBurst = 0.001, 2 })
	a, b := fx[0], fx[1]
	rec, _, _ := a.startFrom("203.0.113.9:1")
	require.Equal(t, http.StatusCreated, rec.Code)
	rec, _, _ = b.startFrom("203.0.113.9:2")
	require.Equal(t, http.StatusCreated, rec.Code)
	for _, f := range fx {
		rec, _, _ = f.startFrom("203.0.113.9:3")
		assert.Equal(t, http.StatusTooManyRequests, rec.Code, "the burst of 2 is spent on both")
		assert.NotEmpty(t, rec.Header().Get("Retry-After"))
	}
	rec, _, _ = b.startFrom("203.0.113.10:1")
	assert.Equal(t, http.StatusCreated, rec.Code, "another network")
}
