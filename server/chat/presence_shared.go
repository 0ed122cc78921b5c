package chat

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/crumbless/crumbless/server/storage"
)

// sharedPresence makes the team online on every instance sharing the
// database (a storage.Presence: PostgreSQL) when an agent is online on
// any of them.
//
// Each instance keeps its own presence (its agent streams and the grace
// period) and, while that is online, a row in the database refreshed
// every beat; it removes the row when it goes offline and tells the
// others with a "presence" notice, on which they look again. An instance
// that dies stops refreshing: its row no longer counts after lapse (three
// beats), which every instance notices on its own beat. The team is online
// here when this instance is or some row counts.
type sharedPresence struct {
	srv         *Server
	store       storage.Presence
	instance    string
	beat, lapse time.Duration

	local atomic.Bool // this instance's presence, grace period included
	wake  chan struct{}

	mu     sync.Mutex
	online bool // the team's, as last known here
}

func newSharedPresence(s *Server, store storage.Presence, beat time.Duration) *sharedPresence {
	return &sharedPresence{srv: s, store: store, beat: beat, lapse: 3 * beat, wake: make(chan struct{}, 1)}
}

// Online reports whether an agent is online on some instance.
func (p *sharedPresence) Online() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.online
}

// localChanged is this instance's presence notify: coming online shows at
// once here; the database and the other instances follow from run.
func (p *sharedPresence) localChanged(online bool) {
	p.local.Store(online)
	if online {
		p.set(true)
	}
	p.poke()
}

// set records the team's presence and tells this instance's streams when
// it changed.
func (p *sharedPresence) set(online bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.online == online {
		return
	}
	p.online = online
	p.srv.publishPresence(online)
}

func (p *sharedPresence) poke() {
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// run keeps this instance's row and the team's presence up to date until
// ctx ends, then removes the row; f tells the other instances to look
// again.
func (p *sharedPresence) run(ctx context.Context, f *fanout) {
	p.instance = f.origin
	tick := time.NewTicker(p.beat)
	defer tick.Stop()
	recorded := false // this instance's row exists
	defer func() {
		if recorded {
			dctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			if err := p.store.SetPresent(dctx, p.instance, false, p.lapse); err == nil {
				f.notifyPresence(dctx) // the notice queue has stopped
			}
		}
	}()
	p.poke() // learn the team's presence at start
	for {
		select {
		case <-ctx.Done():
			return
		case <-p.wake:
		case <-tick.C:
		}
		local := p.local.Load()
		if local || recorded {
			qctx, cancel := context.WithTimeout(ctx, p.beat)
			err := p.store.SetPresent(qctx, p.instance, local, p.lapse)
			cancel()
			if err != nil {
				if ctx.Err() == nil {
					p.srv.log.Warn("presence: record", "err", err)
				}
			} else if recorded != local {
				recorded = local
				f.announcePresence()
			}
		}
		qctx, cancel := context.WithTimeout(ctx, p.beat)
		elsewhere, err := p.store.AnyPresent(qctx, p.lapse)
		cancel()
		if err != nil {
			if ctx.Err() == nil {
				p.srv.log.Warn("presence: read", "err", err)
			}
			continue // keep the last known state
		}
		p.set(p.local.Load() || elsewhere)
	}
}
