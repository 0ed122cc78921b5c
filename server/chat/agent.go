package chat

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/crumbless/crumbless/server/storage"
)

// Ban reasons an agent may give; the visitor API returns the reason with
// 403 {"code":"banned"} and the widget keeps it as its banned flag.
var BanReasons = []string{"spam", "abuse", "other"}

// BcryptCost is the cost HashPassword uses.
const BcryptCost = 12

// MaxAgentName and MaxPassword bound agent credentials (bcrypt reads at
// most 72 bytes of a password).
const (
	MaxAgentName = 64
	MaxPassword  = 72
)

// HashPassword hashes an agent's password with bcrypt at cost.
func HashPassword(password string, cost int) (string, error) {
	if len(password) < 8 || len(password) > MaxPassword {
		return "", errors.New("the password must be 8-72 bytes")
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), cost)
	if err != nil {
		return "", err
	}
	return string(h), nil
}

// ValidAgentName reports whether name is 1-64 characters of a-z, A-Z, 0-9,
// '.', '-' and '_'.
func ValidAgentName(name string) bool {
	if name == "" || len(name) > MaxAgentName {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// AddAgent creates an agent account with a bcrypt-hashed password.
func AddAgent(ctx context.Context, st storage.Store, name, password string, cost int, now time.Time) error {
	if !ValidAgentName(name) {
		return errors.New("the name must be 1-64 characters of a-z, A-Z, 0-9, '.', '-' and '_'")
	}
	h, err := HashPassword(password, cost)
	if err != nil {
		return err
	}
	_, err = st.AddAgent(ctx, name, h, now.UnixMilli())
	return err
}

type agentKey struct{}

// agentOnly authenticates the agent's bearer session.
func (s *Server) agentOnly(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		token, ok := bearer(r, prefixAgent)
		if !ok {
			s.writeError(w, r, errorf(CodeUnauthorized, "Log in: send Authorization: Bearer <agent session>."))
			return
		}
		a, err := s.store.SessionAgent(r.Context(), hashToken(token), s.nowMS())
		if errors.Is(err, storage.ErrNotFound) {
			s.writeError(w, r, errorf(CodeUnauthorized, "The session has ended; log in again."))
			return
		}
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		next(w, r.WithContext(context.WithValue(r.Context(), agentKey{}, a)))
	}
}

func agentFrom(r *http.Request) storage.AgentAccount {
	return r.Context().Value(agentKey{}).(storage.AgentAccount)
}

// login checks HTTP Basic credentials and returns a bearer session.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	if ok, wait := s.loginLimit.allow(clientKey(r), s.now()); !ok {
		s.writeError(w, r, &Error{Code: CodeRateLimited, Message: "Too many login attempts; wait a moment.", RetryAfter: wait})
		return
	}
	name, password, ok := r.BasicAuth()
	if !ok || len(name) > MaxAgentName || len(password) > MaxPassword {
		s.writeError(w, r, errorf(CodeUnauthorized, "Send the agent name and password with HTTP Basic authentication."))
		return
	}
	if wait := s.backoff.wait(name, s.now()); wait > 0 {
		s.writeError(w, r, &Error{Code: CodeRateLimited, Message: "Too many failed logins for this name; wait a moment.", RetryAfter: wait})
		return
	}
	release, ok := s.checkSlot()
	if !ok {
		s.writeError(w, r, &Error{Code: CodeRateLimited, Message: "The server is checking many logins; try again in a moment.", RetryAfter: time.Second})
		return
	}
	a, err := s.store.AgentByName(r.Context(), name)
	hash := []byte(a.PasswordHash)
	if errors.Is(err, storage.ErrNotFound) {
		hash = s.dummyHash()
	} else if err != nil {
		release()
		s.writeError(w, r, err)
		return
	}
	wrong := bcrypt.CompareHashAndPassword(hash, []byte(password)) != nil || a.ID == 0
	release()
	if wrong {
		s.backoff.failed(name, s.now())
		s.writeError(w, r, errorf(CodeUnauthorized, "Wrong name or password."))
		return
	}
	s.backoff.succeeded(name)
	token := newToken(prefixAgent)
	now := s.now()
	expires := now.Add(s.cfg.SessionTTL)
	if err := s.store.CreateSession(r.Context(), hashToken(token), a.ID, now.UnixMilli(), expires.UnixMilli()); err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"token": token, "agent": a.Name, "expires": expires.UnixMilli()})
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	token, _ := bearer(r, prefixAgent)
	if err := s.store.DeleteSession(r.Context(), hashToken(token)); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// pathConversation loads the conversation named by the {id} path segment.
func (s *Server) pathConversation(r *http.Request) (storage.Conversation, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return storage.Conversation{}, errorf(CodeNotFound, "No such conversation.")
	}
	c, err := s.store.Conversation(r.Context(), id)
	if errors.Is(err, storage.ErrNotFound) {
		return c, errorf(CodeNotFound, "No such conversation.")
	}
	return c, err
}

// agentConversation returns a conversation and its messages (after ?after=).
func (s *Server) agentConversation(w http.ResponseWriter, r *http.Request) {
	c, err := s.pathConversation(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	after, limit, err := pageParams(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	msgs, err := s.store.Messages(r.Context(), c.ID, after, limit)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	view, err := s.agentView(r.Context(), c.ID, agentFrom(r))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out, err := s.withNetworkBan(r.Context(), view)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	v, err := s.store.VisitorInfo(r.Context(), c.ID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"conversation": out, "messages": toMessagesJSON(msgs), "visitor": toVisitorInfoJSON(v)})
}

// agentSend stores an agent reply, idempotent by client id like the
// visitor's messages.
func (s *Server) agentSend(w http.ResponseWriter, r *http.Request) {
	c, err := s.pathConversation(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var req sendRequest
	if err := decode(w, r, bodyMessage, &req, false); err != nil {
		s.writeError(w, r, err)
		return
	}
	if e := checkMessage(req.ID, req.Body); e != nil {
		s.writeError(w, r, e)
		return
	}
	a := agentFrom(r)
	m, created, err := s.store.AddMessage(r.Context(), storage.Message{
		ConversationID: c.ID, ClientID: req.ID, Author: storage.Agent, AgentID: a.ID, Body: req.Body, Created: s.nowMS(),
	})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	st := http.StatusOK
	if created {
		st = http.StatusCreated
		s.publishMessage(r.Context(), m)
	}
	writeJSON(w, st, map[string]any{"message": toMessageJSON(m)})
}

func (s *Server) agentTyping(w http.ResponseWriter, r *http.Request) {
	c, err := s.pathConversation(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var req typingRequest
	if err := decode(w, r, bodySmall, &req, false); err != nil {
		s.writeError(w, r, err)
		return
	}
	// The agent's display name goes with it, as on their messages: the
	// widget shows "Anna is typing…".
	s.hub.publish(event{Name: "typing", Conversation: c.ID, ToVisitor: true,
		Data: mustJSON(map[string]any{"conversation": c.ID, "author": storage.Agent, "agent": agentFrom(r).Name, "typing": req.Typing})})
	w.WriteHeader(http.StatusNoContent)
}

type banRequest struct {
	Reason  string `json:"reason"`
	Network bool   `json:"network"` // also block the network the visitor came from
	Days    int    `json:"days"`    // how long the network stays blocked: 1-365, default 30
}

// ban bans the conversation's visitor: their open streams get a "banned"
// event and end, and every later visitor call answers 403 banned. With
// "network": true it also blocks new conversations from the network the
// conversation was started from, for "days" days.
func (s *Server) ban(w http.ResponseWriter, r *http.Request) {
	c, err := s.pathConversation(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var req banRequest
	if err := decode(w, r, bodySmall, &req, false); err != nil {
		s.writeError(w, r, err)
		return
	}
	valid := false
	for _, reason := range BanReasons {
		valid = valid || req.Reason == reason
	}
	if !valid {
		s.writeError(w, r, &Error{Code: CodeInvalid, Message: "reason must be spam, abuse or other.", Fields: map[string]string{"reason": "Choose spam, abuse or other."}})
		return
	}
	switch {
	case !req.Network && req.Days != 0:
		s.writeError(w, r, &Error{Code: CodeInvalid, Message: "days goes with network: true.", Fields: map[string]string{"days": "Only for a network ban."}})
		return
	case req.Network && req.Days == 0:
		req.Days = defaultNetworkBanDays
	case req.Days < 0 || req.Days > maxNetworkBanDays:
		s.writeError(w, r, &Error{Code: CodeInvalid, Message: "days must be 1-365.", Fields: map[string]string{"days": "Choose 1-365 days."}})
		return
	}
	if req.Network {
		now := s.now()
		err := s.store.BanNetwork(r.Context(), c.ID, req.Reason, now.UnixMilli(), now.AddDate(0, 0, req.Days).UnixMilli())
		if errors.Is(err, storage.ErrNotFound) {
			s.writeError(w, r, &Error{Code: CodeConflict, Message: "The network this conversation came from is not known (it started before network bans existed); ban the visitor only.",
				Fields: map[string]string{"network": "Not known for this conversation."}})
			return
		}
		if err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	s.setBan(w, r, c, req.Reason)
}

// unban lifts the visitor's ban and the network bans made from the
// conversation.
func (s *Server) unban(w http.ResponseWriter, r *http.Request) {
	c, err := s.pathConversation(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := s.store.BanNetwork(r.Context(), c.ID, "", s.nowMS(), 0); err != nil {
		s.writeError(w, r, err)
		return
	}
	s.setBan(w, r, c, "")
}

func (s *Server) setBan(w http.ResponseWriter, r *http.Request, c storage.Conversation, reason string) {
	if err := s.store.Ban(r.Context(), c.ID, reason, s.nowMS()); err != nil {
		s.writeError(w, r, err)
		return
	}
	if reason != "" {
		s.hub.publish(event{Name: "banned", Conversation: c.ID, ToVisitor: true,
			Data: mustJSON(map[string]any{"reason": reason})})
	}
	s.publishConversation(r.Context(), c.ID)
	view, err := s.agentView(r.Context(), c.ID, agentFrom(r))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out, err := s.withNetworkBan(r.Context(), view)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"conversation": out})
}

// withNetworkBan adds the ban in force on the conversation's network.
func (s *Server) withNetworkBan(ctx context.Context, c agentConversationJSON) (agentConversationJSON, error) {
	b, err := s.store.ConversationNetworkBan(ctx, c.ID, s.nowMS())
	if errors.Is(err, storage.ErrNotFound) {
		return c, nil
	}
	if err != nil {
		return c, err
	}
	c.Network = &networkBanJSON{Reason: b.Reason, Conversation: b.ConversationID, Created: b.Created, Expires: b.Expires}
	return c, nil
}

func (s *Server) agentSubmissions(w http.ResponseWriter, r *http.Request) {
	list, err := s.store.Submissions(r.Context(), 200)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := make([]submissionJSON, len(list))
	for i, sub := range list {
		out[i] = toSubmissionJSON(sub)
	}
	writeJSON(w, http.StatusOK, map[string]any{"submissions": out})
}

// agentEvents streams every conversation's events to an agent. While it
// is open the team counts as online (presence). It ends with an "ended"
// event once the agent's session does (signed out, password changed,
// agent removed: also from the CLI, in another process), checked every
// SessionCheck.
func (s *Server) agentEvents(w http.ResponseWriter, r *http.Request) {
	sub, lastID, ok := s.subscribe(w, r, 0)
	if !ok {
		return // refused: the team's presence is unchanged
	}
	defer s.hub.unsubscribe(sub)
	defer s.releaseLease(sub)
	s.presence.connect()
	defer s.presence.disconnect()
	token, _ := bearer(r, prefixAgent)
	ended := make(chan struct{})
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	go s.watchSession(ctx, hashToken(token), ended)
	s.serveStream(w, r, sub, lastID, func(ctx context.Context, after int64) ([]storage.Message, error) {
		return s.store.AllMessages(ctx, after, 500)
	}, ended)
}

// watchSession closes ended when the session tokenHash no longer exists
// (a database that does not answer is not an ended session), or returns
// when ctx is done.
func (s *Server) watchSession(ctx context.Context, tokenHash []byte, ended chan<- struct{}) {
	tick := time.NewTicker(s.cfg.SessionCheck)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		qctx, cancel := context.WithTimeout(ctx, s.cfg.RequestTimeout)
		_, err := s.store.SessionAgent(qctx, tokenHash, s.nowMS())
		cancel()
		if errors.Is(err, storage.ErrNotFound) {
			close(ended)
			return
		}
	}
}
