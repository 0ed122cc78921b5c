//go:build js && wasm

package conversation

import (
	"errors"
	"syscall/js"

	"github.com/crumbless/crumbless/wasm/transport"
)

// bannedKey is the registry key of the flag that the site's team blocked
// the chat for this visitor (true while it lives).
const bannedKey = "banned"

// errBanned is what calls return once the visitor is banned: none of them
// reaches the server.
var errBanned = errors.New("conversation: the site's team blocked the chat for this visitor")

// refused reports whether res is the server's refusal of a banned visitor,
// and then takes the ban.
func (r *Remote) refused(res transport.Response) bool {
	if res.Status != 403 || res.Code() != "banned" {
		return false
	}
	r.ban()
	return true
}

// ban stops the chat for a visitor the site's team blocked: the flag is
// stored (later pages read it, and the other tabs hear its storage event:
// tabs share only while storage is written), the outbox is dropped (the server would
// refuse every entry), the stream is closed, waiting Sends fail and the
// subscriber is told. Once is enough: it does nothing when the flag is
// already up.
func (r *Remote) ban() {
	if r.banned.Swap(true) {
		return
	}
	_ = r.store.Set(bannedKey, true) // kept in memory when storage fails
	r.store.Remove(outboxKey)
	r.mu.Lock()
	r.connect()
	fn := r.onBanned
	r.mine = map[string]js.Value{}
	r.mu.Unlock()
	r.failWaiting(errBanned)
	if fn != nil {
		fn()
	}
}
