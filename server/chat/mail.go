package chat

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/crumbless/crumbless/server/mail"
	"github.com/crumbless/crumbless/server/restore"
	"github.com/crumbless/crumbless/server/storage"
)

// Mail to visitors and agents, and the restore codes that bring a
// conversation to another browser (package restore). The store must keep
// mail (storage.Mail); both stores do.

// mailStore returns the store's mail side, or an error when it has none.
func (s *Server) mailStore() (storage.Mail, error) {
	m, ok := s.store.(storage.Mail)
	if !ok {
		return nil, errorf(CodeNotFound, "This server sends no mail.")
	}
	return m, nil
}

type emailRequest struct {
	Email string `json:"email"` // "" stops the mails
	Lang  string `json:"lang"`  // the language of the mails (BCP 47)
}

// validLang accepts a BCP 47 tag as people's browsers send them.
func validLang(s string) bool {
	if len(s) > 35 {
		return false
	}
	for _, r := range s {
		if !(r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

// setVisitorEmail keeps the address a visitor wants the agents' replies
// mailed to, with the conversation only ("" forgets it). 404 when the
// server sends no mail (no -smtp).
func (s *Server) setVisitorEmail(w http.ResponseWriter, r *http.Request) {
	c, err := s.visitor(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var req emailRequest
	if err := decode(w, r, bodySmall, &req, false); err != nil {
		s.writeError(w, r, err)
		return
	}
	if req.Email != "" && !mail.ValidAddress(req.Email) {
		s.writeError(w, r, &Error{Code: CodeInvalid, Message: "Not an email address.", Fields: map[string]string{"email": "Not an email address."}})
		return
	}
	if !validLang(req.Lang) {
		s.writeError(w, r, &Error{Code: CodeInvalid, Message: "lang must be a language tag.", Fields: map[string]string{"lang": "Not a language tag."}})
		return
	}
	st, err := s.mailStore()
	if err == nil && !s.cfg.Mail {
		err = errorf(CodeNotFound, "This server sends no mail.")
	}
	if err == nil {
		err = st.SetVisitorEmail(r.Context(), c.ID, req.Email, req.Lang)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	c.Email = req.Email
	writeJSON(w, http.StatusOK, map[string]any{"conversation": toVisitorJSON(c)})
}

type restoreCodeJSON struct {
	Code    string `json:"code"`    // grouped for people: ABCD-EFGH-…
	Expires int64  `json:"expires"` // unix ms
}

// newRestoreCode gives the visitor a code to write down that brings the
// conversation to another browser (POST /api/v1/restore) within
// restore.WrittenTTL.
func (s *Server) newRestoreCode(w http.ResponseWriter, r *http.Request) {
	c, err := s.visitor(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if ok, wait := s.messageLimit.allow("r"+strconv.FormatInt(c.ID, 10), s.now()); !ok {
		s.writeError(w, r, &Error{Code: CodeRateLimited, Message: "Too many codes; try again later.", RetryAfter: wait})
		return
	}
	st, err := s.mailStore()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	code, selector, hash := restore.New()
	now := s.now()
	expires := now.Add(restore.WrittenTTL).UnixMilli()
	if err := st.AddRestoreCode(r.Context(), c.ID, selector, hash, now.UnixMilli(), expires); err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, restoreCodeJSON{Code: restore.Group(code), Expires: expires})
}

type restoreRequest struct {
	Code string `json:"code"`
}

// errRestore is the one answer to every code that does not work: unknown,
// forged, expired or used.
var errRestore = errorf(CodeUnauthorized, "That code does not work. Codes work once and expire.")

// restoreConversation exchanges a restore code for a new visitor token of
// its conversation; the old token stops working, and its streams open on
// this instance end (on another instance sharing the database they end
// when they reconnect: the token then gets 401). Rate-limited per client
// network; every failure gets the same answer after the same comparison.
func (s *Server) restoreConversation(w http.ResponseWriter, r *http.Request) {
	if ok, wait := s.restoreLimit.allow(clientKey(r), s.now()); !ok {
		s.writeError(w, r, &Error{Code: CodeRateLimited, Message: "Too many tries; try again later.", RetryAfter: wait})
		return
	}
	var req restoreRequest
	if err := decode(w, r, bodySmall, &req, false); err != nil {
		s.writeError(w, r, err)
		return
	}
	st, err := s.mailStore()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	code, ok := restore.Normalize(req.Code)
	if !ok {
		restore.Check(req.Code, nil) // as long as a code that was looked up
		s.writeError(w, r, errRestore)
		return
	}
	token := newToken(prefixVisitor)
	id, err := st.Restore(r.Context(), restore.Selector(code), func(hash []byte) bool { return restore.Check(code, hash) },
		hashToken(token), s.nowMS())
	if errors.Is(err, storage.ErrNotFound) {
		s.writeError(w, r, errRestore)
		return
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	c, err := s.store.Conversation(r.Context(), id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.hub.endVisitorStreams(id)
	s.log.Info("restored", "conversation", id)
	writeJSON(w, http.StatusOK, startResponse{Token: token, Conversation: toVisitorJSON(c)})
}

type agentMeJSON struct {
	Name   string `json:"name"`
	Email  string `json:"email"`
	MailMe bool   `json:"mailMe"` // mail me about visitor messages no agent has seen
	Mail   bool   `json:"mail"`   // the server sends mail (-smtp)
	// MailState and MailError tell of the last delivery to Email when it
	// failed (retrying, failed or rejected): the console shows them next
	// to the address.
	MailState string `json:"mailState,omitempty"`
	MailError string `json:"mailError,omitempty"`
}

// agentMe returns the signed-in agent's mail settings.
func (s *Server) agentMe(w http.ResponseWriter, r *http.Request) {
	a := agentFrom(r)
	state, text := s.ownMailProblem(r, a)
	writeJSON(w, http.StatusOK, agentMeJSON{Name: a.Name, Email: a.Email, MailMe: a.MailMe, Mail: s.cfg.Mail, MailState: state, MailError: text})
}

type agentMeRequest struct {
	Email  string `json:"email"`
	MailMe bool   `json:"mailMe"`
}

// setAgentMe sets the signed-in agent's address ("" clears it) and
// whether they want mail.
func (s *Server) setAgentMe(w http.ResponseWriter, r *http.Request) {
	var req agentMeRequest
	if err := decode(w, r, bodySmall, &req, false); err != nil {
		s.writeError(w, r, err)
		return
	}
	if req.Email != "" && !mail.ValidAddress(req.Email) {
		s.writeError(w, r, &Error{Code: CodeInvalid, Message: "Not an email address.", Fields: map[string]string{"email": "Not an email address."}})
		return
	}
	st, err := s.mailStore()
	a := agentFrom(r)
	if err == nil {
		err = st.SetAgentEmail(r.Context(), a.Name, req.Email, req.MailMe)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	a.Email = req.Email
	state, text := s.ownMailProblem(r, a)
	writeJSON(w, http.StatusOK, agentMeJSON{Name: a.Name, Email: req.Email, MailMe: req.MailMe, Mail: s.cfg.Mail, MailState: state, MailError: text})
}
