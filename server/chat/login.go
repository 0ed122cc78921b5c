package chat

import (
	"container/list"
	"sync"
	"time"
)

// Per-account backoff after failed logins: the first loginFreeFailures
// failures in a row cost nothing; after that each attempt on the name waits
// 1 s, 2 s, 4 s … (at most loginMaxBackoff) after the last failure. A
// success clears the count. Names are counted whether or not an agent has
// them, so that the answers tell nothing about which exist.
const (
	loginFreeFailures = 3
	loginMaxBackoff   = time.Minute
)

// loginBackoff counts failed logins per agent name, remembering at most
// maxKeys names (the least recently failed are forgotten first) and none
// longer than loginMaxBackoff after its last failure.
type loginBackoff struct {
	mu      sync.Mutex
	maxKeys int
	m       map[string]*list.Element // of *loginFailures
	lru     list.List                // front: most recent failure
}

type loginFailures struct {
	name  string
	count int
	last  time.Time
}

func newLoginBackoff(maxKeys int) *loginBackoff {
	if maxKeys <= 0 {
		maxKeys = defaultMaxKeys
	}
	return &loginBackoff{maxKeys: maxKeys, m: map[string]*list.Element{}}
}

// wait returns how long name must still wait before its next attempt at
// now (0: it may try).
func (b *loginBackoff) wait(name string, now time.Time) time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	el, ok := b.m[name]
	if !ok {
		return 0
	}
	f := el.Value.(*loginFailures)
	if f.count < loginFreeFailures {
		return 0
	}
	d := min(time.Second<<min(f.count-loginFreeFailures, 16), loginMaxBackoff)
	if left := f.last.Add(d).Sub(now); left > 0 {
		return left
	}
	return 0
}

// failed counts a failed attempt on name at now.
func (b *loginBackoff) failed(name string, now time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for el := b.lru.Back(); el != nil && now.Sub(el.Value.(*loginFailures).last) > loginMaxBackoff; el = b.lru.Back() {
		b.remove(el)
	}
	el, ok := b.m[name]
	if !ok {
		if len(b.m) >= b.maxKeys {
			b.remove(b.lru.Back())
		}
		el = b.lru.PushFront(&loginFailures{name: name})
		b.m[name] = el
	}
	b.lru.MoveToFront(el)
	f := el.Value.(*loginFailures)
	f.count++
	f.last = now
}

// succeeded clears name's failures.
func (b *loginBackoff) succeeded(name string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if el, ok := b.m[name]; ok {
		b.remove(el)
	}
}

func (b *loginBackoff) remove(el *list.Element) {
	delete(b.m, el.Value.(*loginFailures).name)
	b.lru.Remove(el)
}

// size is how many names b remembers.
func (b *loginBackoff) size() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.m)
}

// checkSlot takes one of the MaxLogins password-check slots without
// waiting; release gives it back. ok is false when every slot is taken.
func (s *Server) checkSlot() (release func(), ok bool) {
	select {
	case s.logins <- struct{}{}:
		return func() { <-s.logins }, true
	default:
		return nil, false
	}
}
