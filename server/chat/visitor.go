package chat

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/crumbless/crumbless/server/storage"
)

// visitor authenticates r's bearer token and returns its conversation. A
// banned visitor gets CodeBanned with the ban's reason.
func (s *Server) visitor(r *http.Request) (storage.Conversation, error) {
	token, ok := bearer(r, prefixVisitor)
	if !ok {
		return storage.Conversation{}, errorf(CodeUnauthorized, "Send Authorization: Bearer <visitor token>.")
	}
	return s.visitorByHash(r.Context(), hashToken(token))
}

func (s *Server) visitorByHash(ctx context.Context, hash []byte) (storage.Conversation, error) {
	c, err := s.store.ConversationByToken(ctx, hash)
	if errors.Is(err, storage.ErrNotFound) {
		return c, errorf(CodeUnauthorized, "Unknown visitor token; start a new conversation.")
	}
	if err != nil {
		return c, err
	}
	if err := s.renewToken(ctx, &c); err != nil {
		return c, err
	}
	if c.Banned() {
		return c, &Error{Code: CodeBanned, Message: "This visitor is banned.", Reason: c.BannedReason}
	}
	return c, nil
}

type startRequest struct {
	Site   string      `json:"site"`
	Name   string      `json:"name"`   // pre-chat, when the site asks (Config.PreChat)
	Email  string      `json:"email"`  // pre-chat, when the site asks
	Invite *inviteJSON `json:"invite"` // the invitation the visitor saw before writing
}

// inviteJSON is the invitation (static/invite.js's teaser) a visitor saw
// before their first message: its text and the name it showed.
type inviteJSON struct {
	Text string `json:"text"`
	Name string `json:"name"`
}

// Limits of an invitation kept with a conversation: its text (shorter
// than a chat message: a teaser is a line or two) and the name it showed
// (an agent's name's limit).
const (
	MaxInviteText = 500 // runes
	MaxInviteName = MaxAgentName
)

// checkInvite returns what is wrong with inv, or nil: nothing (nil), or a
// text of 1–MaxInviteText characters and a name of at most MaxInviteName
// on one line, both text people can read (textrule).
func checkInvite(inv *inviteJSON) *Error {
	if inv == nil {
		return nil
	}
	if e := textProblem("invite.text", "The invitation", inv.Text); e != nil {
		return e
	}
	if strings.TrimSpace(inv.Text) == "" || utf8.RuneCountInString(inv.Text) > MaxInviteText {
		return &Error{Code: CodeInvalid, Message: "invite.text must be 1-" + itoa(MaxInviteText) + " characters.", Fields: map[string]string{"invite.text": "Invalid invitation."}}
	}
	if e := textProblem("invite.name", "The invitation's name", inv.Name); e != nil {
		return e
	}
	if utf8.RuneCountInString(inv.Name) > MaxInviteName || !oneLine(inv.Name) {
		return &Error{Code: CodeInvalid, Message: "invite.name must be at most " + itoa(MaxInviteName) + " characters on one line.", Fields: map[string]string{"invite.name": "Invalid name."}}
	}
	return nil
}

type startResponse struct {
	Token        string                  `json:"token"`
	Conversation visitorConversationJSON `json:"conversation"`
}

// startConversation creates a conversation and its visitor token. The token
// is shown once; only its hash is stored, with the keyed hash of the
// visitor's network (for network bans). A blocked network gets 403 banned.
func (s *Server) startConversation(w http.ResponseWriter, r *http.Request) {
	if ok, wait := s.startLimit.allow(clientKey(r), s.now()); !ok {
		s.writeError(w, r, &Error{Code: CodeRateLimited, Message: "Too many new conversations; try again later.", RetryAfter: wait})
		return
	}
	var req startRequest
	if err := decode(w, r, bodyStart, &req, true); err != nil {
		s.writeError(w, r, err)
		return
	}
	if e := checkInvite(req.Invite); e != nil {
		s.writeError(w, r, e)
		return
	}
	if len(req.Site) > MaxSite || !validText(req.Site) || strings.ContainsAny(req.Site, "\r\n\t") {
		s.writeError(w, r, &Error{Code: CodeInvalid, Message: "site must be at most 64 characters on one line.", Fields: map[string]string{"site": "Invalid site."}})
		return
	}
	if bad := s.checkDetails(req.Name, req.Email); bad != nil {
		s.writeError(w, r, bad)
		return
	}
	network := s.networkHash(r)
	if b, err := s.store.NetworkBan(r.Context(), network, s.nowMS()); err == nil {
		s.writeError(w, r, &Error{Code: CodeBanned, Message: "New conversations from this network are blocked.", Reason: b.Reason})
		return
	} else if !errors.Is(err, storage.ErrNotFound) {
		s.writeError(w, r, err)
		return
	}
	token := newToken(prefixVisitor)
	var inv storage.Invitation
	if req.Invite != nil {
		inv = storage.Invitation{Text: req.Invite.Text, Name: strings.TrimSpace(req.Invite.Name)}
	}
	c, err := s.store.StartConversation(r.Context(), hashToken(token), req.Site, network, strings.TrimSpace(req.Name), req.Email, inv, s.nowMS())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.publishConversation(r.Context(), c.ID)
	writeJSON(w, http.StatusCreated, startResponse{Token: token, Conversation: toVisitorJSON(c)})
}

func (s *Server) getConversation(w http.ResponseWriter, r *http.Request) {
	c, err := s.visitor(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"conversation": toVisitorJSON(c), "online": s.online(), "mail": s.cfg.Mail})
}

// pageParams reads ?after= (a message id, default 0) and ?limit= (1-500,
// default 100).
func pageParams(r *http.Request) (after int64, limit int, err error) {
	limit = 100
	q := r.URL.Query()
	if v := q.Get("after"); v != "" {
		after, err = strconv.ParseInt(v, 10, 64)
		if err != nil || after < 0 {
			return 0, 0, &Error{Code: CodeInvalid, Message: "after must be a message id.", Fields: map[string]string{"after": "Not a message id."}}
		}
	}
	if v := q.Get("limit"); v != "" {
		limit, err = strconv.Atoi(v)
		if err != nil || limit < 1 || limit > 500 {
			return 0, 0, &Error{Code: CodeInvalid, Message: "limit must be 1-500.", Fields: map[string]string{"limit": "Must be 1-500."}}
		}
	}
	return after, limit, nil
}

// listMessages returns the conversation's messages after ?after=, oldest
// first, with the conversation (for unread counts).
func (s *Server) listMessages(w http.ResponseWriter, r *http.Request) {
	c, err := s.visitor(r)
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
	writeJSON(w, http.StatusOK, map[string]any{"conversation": toVisitorJSON(c), "messages": toMessagesJSON(msgs)})
}

type sendRequest struct {
	ID   string `json:"id"`   // client-generated, makes retries idempotent
	Body string `json:"body"` // 1-2000 characters
}

// sendMessage stores a visitor message: 201 the first time, 200 with the
// same message when the id was seen before, 409 when the id was used with
// another body.
func (s *Server) sendMessage(w http.ResponseWriter, r *http.Request) {
	c, err := s.visitor(r)
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
	if ok, wait := s.messageLimit.allow("c"+strconv.FormatInt(c.ID, 10), s.now()); !ok {
		s.writeError(w, r, &Error{Code: CodeRateLimited, Message: "You are sending messages too fast.", RetryAfter: wait})
		return
	}
	m, created, err := s.store.AddMessage(r.Context(), storage.Message{
		ConversationID: c.ID, ClientID: req.ID, Author: storage.Visitor, Body: req.Body, Created: s.nowMS(),
	})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	st := http.StatusOK
	if created {
		st = http.StatusCreated
		s.publishMessage(r.Context(), m)
		if c.State != storage.StateOpen { // the message reopened it
			s.publishState(r.Context(), c.ID)
		}
	}
	writeJSON(w, st, map[string]any{"message": toMessageJSON(m)})
}

type readRequest struct {
	Message int64 `json:"message"` // last message id read
}

// markRead moves the visitor's read cursor forward.
func (s *Server) markRead(w http.ResponseWriter, r *http.Request) {
	c, err := s.visitor(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	c, ok := s.moveReadCursor(w, r, c, storage.Visitor, c.VisitorRead)
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"conversation": toVisitorJSON(c)})
}

type typingRequest struct {
	Typing bool `json:"typing"`
}

// visitorTyping tells the agents the visitor is (or stopped) typing.
func (s *Server) visitorTyping(w http.ResponseWriter, r *http.Request) {
	c, err := s.visitor(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var req typingRequest
	if err := decode(w, r, bodySmall, &req, false); err != nil {
		s.writeError(w, r, err)
		return
	}
	if ok, wait := s.messageLimit.allow("t"+strconv.FormatInt(c.ID, 10), s.now()); !ok {
		s.writeError(w, r, &Error{Code: CodeRateLimited, Message: "Too many typing updates.", RetryAfter: wait})
		return
	}
	s.hub.publish(event{Name: "typing", Conversation: c.ID, ToAgents: true,
		Data: mustJSON(map[string]any{"conversation": c.ID, "author": storage.Visitor, "typing": req.Typing})})
	w.WriteHeader(http.StatusNoContent)
}

// newTicket returns a short-lived ticket for opening the event stream with
// EventSource (?ticket=), which cannot send the Authorization header.
func (s *Server) newTicket(w http.ResponseWriter, r *http.Request) {
	c, err := s.visitor(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	// Stored, so that every instance sharing the database accepts it.
	now := s.now()
	t := newToken(prefixTicket)
	expires := now.Add(s.cfg.TicketTTL)
	if err := s.store.CreateTicket(r.Context(), hashToken(t), c.ID, now.UnixMilli(), expires.UnixMilli()); err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"ticket": t, "expires": expires.UnixMilli()})
}

// visitorEvents streams the conversation's events. Authorization is the
// bearer token (fetch-based streaming) or ?ticket= (EventSource).
func (s *Server) visitorEvents(w http.ResponseWriter, r *http.Request) {
	var c storage.Conversation
	var err error
	if t := r.URL.Query().Get("ticket"); t != "" {
		c, err = s.ticketConversation(r.Context(), t)
	} else {
		c, err = s.visitor(r)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.stream(w, r, c.ID, func(ctx context.Context, after int64) ([]storage.Message, error) {
		return s.store.Messages(ctx, c.ID, after, 500)
	})
}

func (s *Server) ticketConversation(ctx context.Context, t string) (storage.Conversation, error) {
	id, err := s.store.TicketConversation(ctx, hashToken(t), s.nowMS())
	if errors.Is(err, storage.ErrNotFound) {
		return storage.Conversation{}, errorf(CodeUnauthorized, "Unknown or expired ticket; ask for a new one.")
	}
	if err != nil {
		return storage.Conversation{}, err
	}
	c, err := s.store.Conversation(ctx, id)
	if err != nil {
		return c, err
	}
	if c.Banned() {
		return c, &Error{Code: CodeBanned, Message: "This visitor is banned.", Reason: c.BannedReason}
	}
	return c, nil
}

// publishMessage sends a new message to the conversation's visitor and to
// the agents, then the conversation's new counts to the agents.
func (s *Server) publishMessage(ctx context.Context, m storage.Message) {
	s.hub.publish(event{ID: m.ID, Name: "message", Conversation: m.ConversationID, ToVisitor: true, ToAgents: true,
		Data: mustJSON(toMessageJSON(m))})
	s.publishConversation(ctx, m.ConversationID)
}

// publishConversation sends the agents' view of a conversation (unread
// counts, last message, ban, state, assignee, rating) to the agents.
func (s *Server) publishConversation(ctx context.Context, id int64) {
	c, err := s.store.Conversation(ctx, id)
	if err != nil {
		s.log.Warn("publish conversation", "id", id, "err", err)
		return
	}
	out := toAgentJSON(c)
	if out.UnreadBy, err = s.store.UnreadByAgent(ctx, id); err != nil {
		s.log.Warn("publish conversation", "id", id, "err", err)
		return
	}
	s.hub.publish(event{Name: "conversation", Conversation: id, ToAgents: true, Data: mustJSON(out)})
}

// moveReadCursor reads a readRequest from r and moves reader's cursor in c
// forward, telling both sides when it moved. It returns the conversation as
// stored afterwards; on failure it has written the error and ok is false.
func (s *Server) moveReadCursor(w http.ResponseWriter, r *http.Request, c storage.Conversation, reader string, previous int64) (_ storage.Conversation, ok bool) {
	var req readRequest
	if err := decode(w, r, bodySmall, &req, false); err != nil {
		s.writeError(w, r, err)
		return c, false
	}
	if req.Message <= 0 {
		s.writeError(w, r, &Error{Code: CodeInvalid, Message: "message must be a message id.", Fields: map[string]string{"message": "Not a message id."}})
		return c, false
	}
	cursor, err := s.store.MarkRead(r.Context(), c.ID, reader, req.Message)
	if err != nil {
		s.writeError(w, r, err)
		return c, false
	}
	if cursor > previous {
		s.hub.publish(event{Name: "read", Conversation: c.ID, ToAgents: true, ToVisitor: true,
			Data: mustJSON(map[string]any{"conversation": c.ID, "reader": reader, "message": cursor})})
		s.publishConversation(r.Context(), c.ID)
	}
	c, err = s.store.Conversation(r.Context(), c.ID)
	if err != nil {
		s.writeError(w, r, err)
		return c, false
	}
	return c, true
}
