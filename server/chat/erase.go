package chat

import (
	"context"
	"encoding/hex"
	"errors"
	"net/http"
	"time"

	"github.com/crumbless/crumbless/internal/shared/registry"
	"github.com/crumbless/crumbless/server/storage"
)

// Erasure and export (GDPR Articles 17 and 15), the visitor token's
// lifetime and the retention sweep.

// eventErased tells a conversation's streams and the agents that the
// conversation no longer exists; the visitor's streams end with it.
const eventErased = "erased"

// DefaultVisitorTokenTTL is the visitor token's lifetime unless used: the
// lifetime the widget declares for its "visitor" key, renewed on use on
// both sides.
var DefaultVisitorTokenTTL = func() time.Duration {
	k, ok := registry.Lookup("visitor")
	if !ok {
		panic("crumbless: the registry has no visitor key")
	}
	return time.Duration(k.TTL)
}()

// renewEvery is how stale a token's last use may be before a request
// records a new one: at most one write a minute per conversation.
const renewEvery = time.Minute

// renewToken refuses a visitor token unused for longer than its lifetime
// and records this use.
func (s *Server) renewToken(ctx context.Context, c *storage.Conversation) error {
	now := s.nowMS()
	if now-max(c.Seen, c.Created) > s.cfg.VisitorTokenTTL.Milliseconds() {
		return errorf(CodeUnauthorized, "The visitor token has expired; start a new conversation.")
	}
	if now-c.Seen < renewEvery.Milliseconds() {
		return nil
	}
	if err := s.store.SeenConversation(ctx, c.ID, now); err != nil {
		return err
	}
	c.Seen = now
	return nil
}

// visitorAny authenticates r's visitor token like visitor, but lets a
// banned visitor through: erasure and access are their rights too.
func (s *Server) visitorAny(r *http.Request) (storage.Conversation, error) {
	c, err := s.visitor(r)
	var e *Error
	if errors.As(err, &e) && e.Code == CodeBanned {
		return c, nil
	}
	return c, err
}

// eraseVisitor is DELETE /api/v1/conversation: the visitor's conversation
// and everything linked to it are erased on every instance; the token
// stops working (401).
func (s *Server) eraseVisitor(w http.ResponseWriter, r *http.Request) {
	c, err := s.visitorAny(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := s.erase(r.Context(), c.ID, "visitor"); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// exportVisitor is GET /api/v1/conversation/export: everything the server
// holds about the visitor's conversation, as JSON.
func (s *Server) exportVisitor(w http.ResponseWriter, r *http.Request) {
	c, err := s.visitorAny(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.export(w, r, c.ID, "visitor")
}

// eraseAgent is DELETE /api/v1/agent/conversations/{id}.
func (s *Server) eraseAgent(w http.ResponseWriter, r *http.Request) {
	c, err := s.pathConversation(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := s.erase(r.Context(), c.ID, "agent:"+agentFrom(r).Name); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// exportAgent is GET /api/v1/agent/conversations/{id}/export.
func (s *Server) exportAgent(w http.ResponseWriter, r *http.Request) {
	c, err := s.pathConversation(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.export(w, r, c.ID, "agent:"+agentFrom(r).Name)
}

// erase erases a conversation, writes the audit line (who, which
// conversation; never content; the log adds when) and tells every
// instance's streams.
func (s *Server) erase(ctx context.Context, id int64, by string) error {
	err := EraseConversation(ctx, s.store, id)
	if err != nil && !errors.Is(err, storage.ErrScrubIncomplete) {
		return err
	}
	Audit(s.log, "erase", by, id)
	if err != nil {
		s.log.Warn("erase: the database file still holds the erased pages until the next checkpoint", "conversation", id, "err", err)
	}
	s.hub.publish(event{Name: eventErased, Conversation: id, ToVisitor: true, ToAgents: true,
		Data: mustJSON(map[string]any{"conversation": id})})
	return nil
}

func (s *Server) export(w http.ResponseWriter, r *http.Request, id int64, by string) {
	e, err := s.store.ExportConversation(r.Context(), id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	Audit(s.log, "export", by, id)
	w.Header().Set("Content-Disposition", `attachment; filename="crumbless-conversation-`+itoa(int(id))+`.json"`)
	writeJSON(w, http.StatusOK, ExportJSON(e, s.nowMS()))
}

// EraseConversation erases a conversation from st (the CLI's `crumbless
// data erase` and the API share it). storage.ErrScrubIncomplete comes
// with an erasure that happened.
func EraseConversation(ctx context.Context, st storage.Store, id int64) error {
	return st.EraseConversation(ctx, id)
}

// Export is the JSON of everything the server holds about a conversation.
type Export struct {
	Exported     int64            `json:"exported"`
	Conversation exportConvJSON   `json:"conversation"`
	Messages     []messageJSON    `json:"messages"`
	Submissions  []submissionJSON `json:"submissions"`
	Ratings      []*ratingJSON    `json:"ratings"`
	// Visitor is the pre-chat details and the visitor context, when any.
	Visitor *visitorInfoJSON `json:"visitor,omitempty"`
	// Network is the keyed hash (HMAC-SHA-256 with the server's secret) of
	// the network the conversation was started from, kept for network bans;
	// empty once dropped.
	Network string `json:"networkHash,omitempty"`
}

type exportConvJSON struct {
	ID          int64  `json:"id"`
	Site        string `json:"site"`
	Created     int64  `json:"created"`
	Updated     int64  `json:"updated"`
	LastSeen    int64  `json:"lastSeen"`
	VisitorRead int64  `json:"visitorRead"`
	AgentRead   int64  `json:"agentRead"`
	Banned      string `json:"banned,omitempty"`
	BannedAt    int64  `json:"bannedAt,omitempty"`
	Email       string `json:"email,omitempty"`     // where the visitor asked for replies
	EmailLang   string `json:"emailLang,omitempty"` // the language of those mails
}

// ExportJSON renders an export made at now.
func ExportJSON(e storage.Export, now int64) Export {
	c := e.Conversation
	out := Export{
		Exported: now,
		Conversation: exportConvJSON{ID: c.ID, Site: c.Site, Created: c.Created, Updated: c.Updated, LastSeen: c.Seen,
			VisitorRead: c.VisitorRead, AgentRead: c.AgentRead, Banned: c.BannedReason, BannedAt: c.BannedAt,
			Email: c.Email, EmailLang: c.Lang},
		Messages:    toMessagesJSON(e.Messages),
		Submissions: make([]submissionJSON, len(e.Submissions)),
		Network:     hex.EncodeToString(e.NetworkHash),
	}
	for i, sub := range e.Submissions {
		out.Submissions[i] = toSubmissionJSON(sub)
	}
	if !e.Visitor.Empty() {
		v := toVisitorInfoJSON(e.Visitor)
		out.Visitor = &v
	}
	out.Ratings = make([]*ratingJSON, len(e.Ratings))
	for i := range e.Ratings {
		out.Ratings[i] = toRatingJSON(&e.Ratings[i])
	}
	return out
}

// Audit logs that by (visitor, agent:NAME, cli:USER or retention) did
// action (erase, export) to a conversation: no content, only the id.
func Audit(log interface {
	Info(msg string, args ...any)
}, action, by string, conversation int64) {
	log.Info("audit", "action", action, "by", by, "conversation", conversation)
}

// endConversation ends the visitor streams of a conversation that was
// erased, after the event already queued on them; h.mu is held.
func (h *hub) endConversation(conversation int64) {
	for sub := range h.convs[conversation] {
		h.drop(sub)
	}
}

// endVisitorStreams ends the visitor streams of a conversation open on
// this instance (a restore gave it a new token: the old token's streams
// must not go on).
func (h *hub) endVisitorStreams(conversation int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.endConversation(conversation)
}

// retain runs the retention sweep until the server closes: at start and
// then every twelfth of the period. The lease row in the database makes
// it run once per period however many instances share it.
func (s *Server) retain() {
	defer close(s.swept)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		<-s.done
		cancel() // Close does not wait for a long sweep
	}()
	every := s.cfg.Retention.Every
	if every <= 0 {
		every = storage.DefaultSweepEvery
	}
	tick := time.NewTicker(max(every/12, time.Second))
	defer tick.Stop()
	for {
		s.SweepOnce(ctx)
		select {
		case <-s.done:
			return
		case <-tick.C:
		}
	}
}

// SweepOnce runs the retention sweep now, unless its period was claimed
// already, and logs what it erased. It reports whether it ran.
func (s *Server) SweepOnce(ctx context.Context) bool {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	swept, ran, err := s.store.SweepRetention(ctx, s.cfg.Retention, s.nowMS())
	if err != nil {
		if ctx.Err() == nil {
			s.log.Error("retention sweep", "err", err)
		}
		return ran
	}
	if swept != (storage.Swept{}) {
		s.log.Info("retention sweep", "conversations", swept.Conversations, "submissions", swept.Submissions,
			"networkHashes", swept.Networks, "networkBans", swept.NetworkBans, "statistics", swept.Stats)
	}
	return ran
}

// AnnounceErased tells the instances sharing st (a storage.Fanout:
// PostgreSQL) that a conversation was erased elsewhere (the CLI), so that
// its streams end and the inboxes drop it. Without a shared database it
// does nothing.
func AnnounceErased(ctx context.Context, st storage.Store, id int64) error {
	f, ok := st.(storage.Fanout)
	if !ok {
		return nil
	}
	payload := mustJSON(notice{Origin: "cli", Name: eventErased, Conversation: id, ToVisitor: true, ToAgents: true,
		Data: mustJSON(map[string]any{"conversation": id})})
	return f.Notify(ctx, payload)
}
