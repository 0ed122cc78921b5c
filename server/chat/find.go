package chat

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/crumbless/crumbless/server/search"
	"github.com/crumbless/crumbless/server/storage"
)

// Search over messages and form submissions for agents. Every agent may
// read every conversation of the instance, so a search covers them all.

// searchResultJSON is one hit: a message (kind "visitor" or "agent") or a
// form submission (kind "form"), with a snippet whose matching words are
// segments marked hit (plain text: the console sets textContent).
type searchResultJSON struct {
	Kind         string           `json:"kind"`
	ID           int64            `json:"id"`
	Conversation int64            `json:"conversation"`
	Created      int64            `json:"created"`
	Snippet      []search.Segment `json:"snippet"`
}

// searchDefaultLimit is the page size when the request names none.
const searchDefaultLimit = 20

// agentSearch answers GET /api/v1/agent/search?q=…&cursor=…&limit=….
func (s *Server) agentSearch(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	query := q.Get("q")
	if e := textProblem("q", "The search", query); e != nil {
		s.writeError(w, r, e)
		return
	}
	terms, err := search.Terms(query)
	if err != nil {
		s.writeError(w, r, &Error{Code: CodeInvalid, Message: "Search: " + err.Error() + ".", Fields: map[string]string{"q": err.Error()}})
		return
	}
	limit := searchDefaultLimit
	if v := q.Get("limit"); v != "" {
		limit, err = strconv.Atoi(v)
		if err != nil || limit < 1 || limit > search.MaxPage {
			s.writeError(w, r, &Error{Code: CodeInvalid, Message: "limit must be 1-50.", Fields: map[string]string{"limit": "Must be 1-50."}})
			return
		}
	}
	offset := 0
	if v := q.Get("cursor"); v != "" {
		offset, err = strconv.Atoi(v)
		if err != nil || offset < 0 {
			s.writeError(w, r, &Error{Code: CodeInvalid, Message: "cursor must be a value from next.", Fields: map[string]string{"cursor": "Not a cursor."}})
			return
		}
		if offset > search.MaxOffset {
			s.writeError(w, r, &Error{Code: CodeInvalid, Message: "Search: too many results to page through; add words to narrow the search.", Fields: map[string]string{"q": "Too broad."}})
			return
		}
	}
	hits, err := s.store.Search(r.Context(), terms, offset, limit+1)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := map[string]any{}
	if len(hits) > limit {
		hits = hits[:limit]
		if next := offset + limit; next <= search.MaxOffset {
			out["next"] = strconv.Itoa(next)
		}
	}
	results := make([]searchResultJSON, len(hits))
	for i, h := range hits {
		results[i] = searchResultJSON{Kind: h.Kind, ID: h.Ref, Conversation: h.ConversationID, Created: h.Created,
			Snippet: search.Snippet(h.Text, terms)}
	}
	out["results"] = results
	writeJSON(w, http.StatusOK, out)
}

// Saved replies.

// Saved reply limits.
const (
	MaxReplyName = 64   // characters
	MaxReplyBody = 4000 // characters
	bodyReply    = 32 << 10
)

type replyJSON struct {
	ID      int64  `json:"id"`
	Name    string `json:"name"`
	Body    string `json:"body"`
	Created int64  `json:"created"`
	Updated int64  `json:"updated"`
}

func toReplyJSON(p storage.Reply) replyJSON {
	return replyJSON{ID: p.ID, Name: p.Name, Body: p.Body, Created: p.Created, Updated: p.Updated}
}

type replyRequest struct {
	Name string `json:"name"`
	Body string `json:"body"`
}

// check validates a saved reply: a name of 1-64 characters on one line
// and a body of 1-4,000 characters, both following the text rule.
func (req replyRequest) check() *Error {
	fields := map[string]string{}
	switch n := runeCount(req.Name); {
	case n == 0 || isBlank(req.Name):
		fields["name"] = "Required."
	case n > MaxReplyName:
		fields["name"] = "At most 64 characters."
	}
	switch n := runeCount(req.Body); {
	case n == 0 || isBlank(req.Body):
		fields["body"] = "Required."
	case n > MaxReplyBody:
		fields["body"] = "At most 4,000 characters."
	}
	if len(fields) > 0 {
		return &Error{Code: CodeInvalid, Message: "A saved reply needs a name (1-64 characters) and a text (1-4,000 characters).", Fields: fields}
	}
	if e := textProblem("name", "The name", req.Name); e != nil {
		return e
	}
	for _, c := range req.Name {
		if c == '\n' || c == '\r' {
			return &Error{Code: CodeInvalid, Message: "The name must be one line.", Fields: map[string]string{"name": "One line."}}
		}
	}
	return textProblem("body", "The text", req.Body)
}

func (s *Server) listReplies(w http.ResponseWriter, r *http.Request) {
	list, err := s.store.Replies(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := make([]replyJSON, len(list))
	for i, p := range list {
		out[i] = toReplyJSON(p)
	}
	writeJSON(w, http.StatusOK, map[string]any{"replies": out})
}

func (s *Server) readReply(w http.ResponseWriter, r *http.Request) (replyRequest, bool) {
	var req replyRequest
	if err := decode(w, r, bodyReply, &req, false); err != nil {
		s.writeError(w, r, err)
		return req, false
	}
	if e := req.check(); e != nil {
		s.writeError(w, r, e)
		return req, false
	}
	return req, true
}

func (s *Server) replyError(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, storage.ErrConflict):
		err = &Error{Code: CodeConflict, Message: "A saved reply with this name exists.", Fields: map[string]string{"name": "Taken."}}
	case errors.Is(err, storage.ErrNotFound):
		err = errorf(CodeNotFound, "No such saved reply.")
	}
	s.writeError(w, r, err)
}

func (s *Server) addReply(w http.ResponseWriter, r *http.Request) {
	req, ok := s.readReply(w, r)
	if !ok {
		return
	}
	p, err := s.store.AddReply(r.Context(), req.Name, req.Body, s.nowMS())
	if err != nil {
		s.replyError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"reply": toReplyJSON(p)})
}

func replyID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errorf(CodeNotFound, "No such saved reply.")
	}
	return id, nil
}

func (s *Server) updateReply(w http.ResponseWriter, r *http.Request) {
	id, err := replyID(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	req, ok := s.readReply(w, r)
	if !ok {
		return
	}
	p, err := s.store.UpdateReply(r.Context(), id, req.Name, req.Body, s.nowMS())
	if err != nil {
		s.replyError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"reply": toReplyJSON(p)})
}

func (s *Server) deleteReply(w http.ResponseWriter, r *http.Request) {
	id, err := replyID(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := s.store.DeleteReply(r.Context(), id); err != nil {
		s.replyError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// findRoutes adds search, saved replies and transcripts to the agent API.
func (s *Server) findRoutes(api *http.ServeMux) {
	api.HandleFunc("GET /api/v1/agent/search", s.agentOnly(s.agentSearch))
	api.HandleFunc("GET /api/v1/agent/replies", s.agentOnly(s.listReplies))
	api.HandleFunc("POST /api/v1/agent/replies", s.agentOnly(s.addReply))
	api.HandleFunc("PUT /api/v1/agent/replies/{id}", s.agentOnly(s.updateReply))
	api.HandleFunc("DELETE /api/v1/agent/replies/{id}", s.agentOnly(s.deleteReply))
	api.HandleFunc("GET /api/v1/agent/conversations/{id}/transcript", s.agentOnly(s.transcript))
}

func runeCount(s string) int { return utf8.RuneCountInString(s) }

func isBlank(s string) bool { return strings.TrimSpace(s) == "" }
