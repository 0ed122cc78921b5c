package chat

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/crumbless/crumbless/server/storage"
)

// Error codes of the conversation workflow.
const (
	CodeTransition   = "invalid_transition" // 409: the conversation's state does not allow the change
	CodeUnknownAgent = "unknown_agent"      // 422: no such agent (removed, or never added)
	CodeNotResolved  = "not_resolved"       // 409: only a resolved conversation can be rated
)

// MaxRatingComment bounds a rating's comment, in runes.
const MaxRatingComment = 500

// maxSnooze is how far ahead a snooze may end.
const maxSnooze = 365 * 24 * time.Hour

// agentView loads a conversation as the asking agent sees it (their own
// read cursor and unread count).
func (s *Server) agentView(ctx context.Context, id int64, a storage.AgentAccount) (agentConversationJSON, error) {
	c, err := s.store.AgentConversation(ctx, id, a.ID)
	if errors.Is(err, storage.ErrNotFound) {
		return agentConversationJSON{}, errorf(CodeNotFound, "No such conversation.")
	}
	if err != nil {
		return agentConversationJSON{}, err
	}
	return toAgentViewJSON(c), nil
}

// agentConversations lists the conversations, latest activity first:
// ?state=open|snoozed|resolved and ?assigned=mine|unassigned filter,
// ?limit (0 to 200, default 200) sizes the page and ?before (the answer's
// "next") asks for the page after. The answer carries the counts per
// state and assignment and the ratings' totals (limit=0 asks for those
// alone). Ended snoozes are opened first, so that the lists and counts
// agree with the clock.
func (s *Server) agentConversations(w http.ResponseWriter, r *http.Request) {
	a := agentFrom(r)
	q := r.URL.Query()
	f := storage.ConversationFilter{Viewer: a.ID, State: q.Get("state"), Assigned: q.Get("assigned"), Limit: maxConversationPage}
	switch f.State {
	case "", storage.StateOpen, storage.StateSnoozed, storage.StateResolved:
	default:
		s.writeError(w, r, &Error{Code: CodeInvalid, Message: "state must be open, snoozed or resolved.", Fields: map[string]string{"state": "Unknown state."}})
		return
	}
	switch f.Assigned {
	case storage.AssignedAny, storage.AssignedMine, storage.AssignedUnassigned:
	default:
		s.writeError(w, r, &Error{Code: CodeInvalid, Message: "assigned must be mine or unassigned.", Fields: map[string]string{"assigned": "Unknown filter."}})
		return
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > maxConversationPage {
			s.writeError(w, r, &Error{Code: CodeInvalid, Message: "limit must be a number from 0 to 200.", Fields: map[string]string{"limit": "Out of range."}})
			return
		}
		f.Limit = n
	}
	if v := q.Get("before"); v != "" {
		pos, ok := parsePosition(v)
		if !ok {
			s.writeError(w, r, &Error{Code: CodeInvalid, Message: "before must be the next value of an earlier answer.", Fields: map[string]string{"before": "Not a list position."}})
			return
		}
		f.Before = &pos
	}
	s.wakeSnoozed(r.Context())
	out := []agentConversationJSON{}
	next := ""
	if f.Limit > 0 {
		f.Limit++ // one more tells whether a next page exists
		list, err := s.store.AgentConversations(r.Context(), f)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if len(list) == f.Limit {
			list = list[:len(list)-1]
			last := list[len(list)-1]
			next = formatPosition(storage.Position{Updated: last.Updated, ID: last.ID})
		}
		for _, c := range list {
			out = append(out, toAgentViewJSON(c))
		}
	}
	counts, err := s.store.ConversationCounts(r.Context(), a.ID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	states := map[string]stateCountJSON{}
	for st, n := range counts.States {
		states[st] = stateCountJSON{All: n.All, Mine: n.Mine, Unassigned: n.Unassigned}
	}
	body := map[string]any{"conversations": out, "counts": states,
		"ratings": map[string]int{storage.RatingGood: counts.Good, storage.RatingBad: counts.Bad}}
	if next != "" {
		body["next"] = next
	}
	writeJSON(w, http.StatusOK, body)
}

// maxConversationPage is the most conversations one list answer holds.
const maxConversationPage = 200

// formatPosition and parsePosition write and read a list position as the
// API passes it: "UPDATED.ID", both decimal.
func formatPosition(p storage.Position) string {
	return strconv.FormatInt(p.Updated, 10) + "." + strconv.FormatInt(p.ID, 10)
}

func parsePosition(v string) (storage.Position, bool) {
	updated, id, ok := strings.Cut(v, ".")
	if !ok || len(v) > 41 {
		return storage.Position{}, false
	}
	u, err1 := strconv.ParseInt(updated, 10, 64)
	i, err2 := strconv.ParseInt(id, 10, 64)
	if err1 != nil || err2 != nil || u < 0 || i <= 0 {
		return storage.Position{}, false
	}
	return storage.Position{Updated: u, ID: i}, true
}

type stateCountJSON struct {
	All        int `json:"all"`
	Mine       int `json:"mine"`
	Unassigned int `json:"unassigned"`
}

type stateRequest struct {
	State string `json:"state"` // open, snoozed or resolved
	Until int64  `json:"until"` // snoozed: when it opens again, unix ms
}

// setState moves a conversation to another state: 200 with the
// conversation, 409 invalid_transition when its state does not allow it.
func (s *Server) setState(w http.ResponseWriter, r *http.Request) {
	c, err := s.pathConversation(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var req stateRequest
	if err := decode(w, r, bodySmall, &req, false); err != nil {
		s.writeError(w, r, err)
		return
	}
	now := s.now()
	switch {
	case req.State != storage.StateOpen && req.State != storage.StateSnoozed && req.State != storage.StateResolved:
		s.writeError(w, r, &Error{Code: CodeInvalid, Message: "state must be open, snoozed or resolved.", Fields: map[string]string{"state": "Unknown state."}})
		return
	case req.State == storage.StateSnoozed && (req.Until <= now.UnixMilli() || req.Until > now.Add(maxSnooze).UnixMilli()):
		s.writeError(w, r, &Error{Code: CodeInvalid, Message: "until must be a time in the coming year (unix ms).", Fields: map[string]string{"until": "Choose a time in the coming year."}})
		return
	case req.State != storage.StateSnoozed && req.Until != 0:
		s.writeError(w, r, &Error{Code: CodeInvalid, Message: "until goes with state snoozed.", Fields: map[string]string{"until": "Only for a snooze."}})
		return
	}
	err = s.store.SetState(r.Context(), c.ID, req.State, req.Until, now.UnixMilli())
	if errors.Is(err, storage.ErrTransition) {
		s.writeError(w, r, errorf(CodeTransition, "A "+c.State+" conversation cannot become "+req.State+"."))
		return
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.publishState(r.Context(), c.ID)
	s.writeAgentView(w, r, c.ID)
}

type assignRequest struct {
	Agent string `json:"agent"` // an agent's name; "" unassigns
}

// assign assigns a conversation to an agent (or to nobody): 422
// unknown_agent for a name that is not an agent's.
func (s *Server) assign(w http.ResponseWriter, r *http.Request) {
	var req assignRequest
	if err := decode(w, r, bodySmall, &req, false); err != nil {
		s.writeError(w, r, err)
		return
	}
	if req.Agent != "" && !ValidAgentName(req.Agent) {
		s.writeError(w, r, &Error{Code: CodeUnknownAgent, Message: "No agent has that name.", Fields: map[string]string{"agent": "Unknown agent."}})
		return
	}
	s.assignTo(w, r, req.Agent)
}

// take assigns a conversation to the agent asking.
func (s *Server) take(w http.ResponseWriter, r *http.Request) {
	s.assignTo(w, r, agentFrom(r).Name)
}

func (s *Server) assignTo(w http.ResponseWriter, r *http.Request, agent string) {
	c, err := s.pathConversation(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	err = s.store.Assign(r.Context(), c.ID, agent)
	if errors.Is(err, storage.ErrUnknownAgent) {
		s.writeError(w, r, &Error{Code: CodeUnknownAgent, Message: "No agent has that name (removed, or never added).", Fields: map[string]string{"agent": "Unknown agent."}})
		return
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.publishConversation(r.Context(), c.ID)
	s.writeAgentView(w, r, c.ID)
}

func (s *Server) writeAgentView(w http.ResponseWriter, r *http.Request, id int64) {
	out, err := s.agentView(r.Context(), id, agentFrom(r))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"conversation": out})
}

// agentList lists the agents' names (the console's assign menu).
func (s *Server) agentList(w http.ResponseWriter, r *http.Request) {
	list, err := s.store.Agents(r.Context(), s.nowMS())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	names := make([]string, len(list))
	for i, a := range list {
		names[i] = a.Name
	}
	writeJSON(w, http.StatusOK, map[string]any{"agents": names})
}

// agentRead moves the asking agent's own read cursor forward and the
// shared one (the visitor's "seen" marks) with it.
func (s *Server) agentRead(w http.ResponseWriter, r *http.Request) {
	c, err := s.pathConversation(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var req readRequest
	if err := decode(w, r, bodySmall, &req, false); err != nil {
		s.writeError(w, r, err)
		return
	}
	if req.Message <= 0 {
		s.writeError(w, r, &Error{Code: CodeInvalid, Message: "message must be a message id.", Fields: map[string]string{"message": "Not a message id."}})
		return
	}
	a := agentFrom(r)
	if _, err := s.store.MarkAgentRead(r.Context(), c.ID, a.ID, req.Message); err != nil {
		s.writeError(w, r, err)
		return
	}
	after, err := s.store.Conversation(r.Context(), c.ID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if after.AgentRead > c.AgentRead {
		s.hub.publish(event{Name: "read", Conversation: c.ID, ToAgents: true, ToVisitor: true,
			Data: mustJSON(map[string]any{"conversation": c.ID, "reader": storage.Agent, "message": after.AgentRead})})
	}
	s.publishConversation(r.Context(), c.ID)
	s.writeAgentView(w, r, c.ID)
}

type ratingRequest struct {
	Score   string `json:"score"`   // good or bad
	Comment string `json:"comment"` // optional, up to MaxRatingComment runes
}

// rate stores the visitor's rating of the resolved conversation: 201, or
// 200 when it replaced their earlier rating of the same resolution; 409
// not_resolved while the conversation is not resolved.
func (s *Server) rate(w http.ResponseWriter, r *http.Request) {
	c, err := s.visitor(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var req ratingRequest
	if err := decode(w, r, bodySmall+12*MaxRatingComment, &req, false); err != nil {
		s.writeError(w, r, err)
		return
	}
	if req.Score != storage.RatingGood && req.Score != storage.RatingBad {
		s.writeError(w, r, &Error{Code: CodeInvalid, Message: "score must be good or bad.", Fields: map[string]string{"score": "Choose good or bad."}})
		return
	}
	if utf8.RuneCountInString(req.Comment) > MaxRatingComment || !validText(req.Comment) {
		s.writeError(w, r, &Error{Code: CodeInvalid, Message: "comment must be at most 500 characters of text.", Fields: map[string]string{"comment": "At most 500 characters."}})
		return
	}
	if ok, wait := s.messageLimit.allow("r"+itoa(int(c.ID)), s.now()); !ok {
		s.writeError(w, r, &Error{Code: CodeRateLimited, Message: "Too many ratings.", RetryAfter: wait})
		return
	}
	rt, err := s.store.Rate(r.Context(), c.ID, req.Score, req.Comment, s.nowMS())
	if errors.Is(err, storage.ErrNotResolved) {
		s.writeError(w, r, errorf(CodeNotResolved, "Only a resolved conversation can be rated."))
		return
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	st := http.StatusCreated
	if c.Rating != nil && c.Rating.Resolution == rt.Resolution {
		st = http.StatusOK
	}
	s.publishConversation(r.Context(), c.ID)
	writeJSON(w, st, map[string]any{"rating": toRatingJSON(&rt)})
}

// publishState tells the agents (the conversation) and the visitor (a
// "state" event) that a conversation's state changed.
func (s *Server) publishState(ctx context.Context, id int64) {
	c, err := s.store.Conversation(ctx, id)
	if err != nil {
		s.log.Warn("publish state", "id", id, "err", err)
		return
	}
	s.hub.publish(event{Name: "state", Conversation: id, ToVisitor: true,
		Data: mustJSON(map[string]any{"conversation": id, "state": c.State, "rated": ratedNow(c)})})
	s.publishConversation(ctx, id)
}

// wakeSnoozed opens the conversations whose snooze has ended and tells
// both sides.
func (s *Server) wakeSnoozed(ctx context.Context) {
	ids, err := s.store.WakeSnoozed(ctx, s.nowMS())
	if err != nil {
		s.log.Warn("wake snoozed", "err", err)
		return
	}
	for _, id := range ids {
		s.publishState(ctx, id)
	}
}

// wakeLoop runs wakeSnoozed every SnoozeCheck until Close.
func (s *Server) wakeLoop() {
	defer close(s.woken)
	tick := time.NewTicker(s.cfg.SnoozeCheck)
	defer tick.Stop()
	for {
		select {
		case <-s.done:
			return
		case <-tick.C:
		}
		ctx, cancel := context.WithTimeout(context.Background(), s.cfg.RequestTimeout)
		s.wakeSnoozed(ctx)
		cancel()
	}
}
