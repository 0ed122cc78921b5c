package chat

import (
	"container/list"
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/crumbless/crumbless/server/forwarded"
	"github.com/crumbless/crumbless/server/storage"
)

// defaultMaxKeys bounds the keys a limiter remembers: with every entry
// about 250 bytes, one limiter holds at most a few megabytes however many
// addresses visit.
const defaultMaxKeys = 10000

// idleKey is how long an unused key is kept.
const idleKey = 10 * time.Minute

// limiters keeps one token bucket per key (a client's network or a
// conversation). It remembers at most maxKeys keys: when full, the least
// recently used one is forgotten (its client starts again with a full
// bucket, which only ever loosens a limit), and keys unused for ten
// minutes are forgotten as well.
type limiters struct {
	mu      sync.Mutex
	every   rate.Limit
	burst   int
	maxKeys int
	m       map[string]*list.Element // of *limiterEntry
	lru     list.List                // front: most recently used

	// shared, when set (instances sharing a PostgreSQL database), keeps
	// the buckets, named name+key, for every instance; the buckets here
	// stand in when it fails.
	shared storage.RateLimits
	name   string
	log    *slog.Logger
}

// sharedTimeout bounds a shared bucket's round trip.
const sharedTimeout = time.Second

type limiterEntry struct {
	key  string
	lim  *rate.Limiter
	seen time.Time
}

func newLimiters(perSecond float64, burst, maxKeys int) *limiters {
	if maxKeys <= 0 {
		maxKeys = defaultMaxKeys
	}
	return &limiters{every: rate.Limit(perSecond), burst: burst, maxKeys: maxKeys, m: map[string]*list.Element{}}
}

// allow takes one token for key at now; when none is left it returns how
// long to wait.
func (l *limiters) allow(key string, now time.Time) (bool, time.Duration) {
	if l == nil || l.every <= 0 {
		return true, 0
	}
	if l.shared != nil {
		ctx, cancel := context.WithTimeout(context.Background(), sharedTimeout)
		ok, wait, err := l.shared.Take(ctx, l.name+key, float64(l.every), l.burst)
		cancel()
		if err == nil {
			return ok, wait
		}
		l.log.Warn("rate limit: shared bucket; counting here", "limit", l.name, "err", err)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	// Forget the idle keys, oldest first (the back of the list).
	for b := l.lru.Back(); b != nil && now.Sub(b.Value.(*limiterEntry).seen) > idleKey; b = l.lru.Back() {
		l.remove(b)
	}
	var e *limiterEntry
	if el, ok := l.m[key]; ok {
		l.lru.MoveToFront(el)
		e = el.Value.(*limiterEntry)
	} else {
		if len(l.m) >= l.maxKeys {
			l.remove(l.lru.Back())
		}
		e = &limiterEntry{key: key, lim: rate.NewLimiter(l.every, l.burst)}
		l.m[key] = l.lru.PushFront(e)
	}
	e.seen = now
	r := e.lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}

func (l *limiters) remove(el *list.Element) {
	delete(l.m, el.Value.(*limiterEntry).key)
	l.lru.Remove(el)
}

// size is how many keys l remembers.
func (l *limiters) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.m)
}

// clientKey names the network r comes from (package forwarded): the
// client's IPv4 address or IPv6 /64, behind trusted proxies the forwarded
// one.
func clientKey(r *http.Request) string {
	return forwarded.ClientOf(r).Key()
}

// sameOrigin reports whether origin is the server's own, as the browser
// reached it: the -public-url, or the scheme (a trusted proxy's
// X-Forwarded-Proto) and Host of the request.
func sameOrigin(r *http.Request, origin string) bool {
	return strings.EqualFold(origin, forwarded.ClientOf(r).Origin)
}
