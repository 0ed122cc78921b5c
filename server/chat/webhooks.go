package chat

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/crumbless/crumbless/server/storage"
	"github.com/crumbless/crumbless/server/webhook"
)

// The console's webhook endpoints: what `crumbless webhook add|list|remove|log`
// do, for a signed-in agent. A secret is shown once, in the answer to add.

type webhookJSON struct {
	ID      int64    `json:"id"`
	URL     string   `json:"url"`
	Events  []string `json:"events"`
	Created int64    `json:"created"`
	Pending int      `json:"pending"`
	Secret  string   `json:"secret,omitempty"` // only when added
}

type attemptJSON struct {
	MsgID     string `json:"id"`
	Type      string `json:"type"`
	Attempt   int    `json:"attempt"`
	At        int64  `json:"at"`
	Status    int    `json:"status"`
	LatencyMS int64  `json:"latencyMs"`
	Outcome   string `json:"outcome"`
	Error     string `json:"error,omitempty"`
}

func (s *Server) webhookStore() (storage.Webhooks, error) {
	st, ok := s.store.(storage.Webhooks)
	if !ok {
		return nil, errorf(CodeNotFound, "This database keeps no webhooks.")
	}
	return st, nil
}

// listWebhooks lists the endpoints, without their secrets, and the events
// there are.
func (s *Server) listWebhooks(w http.ResponseWriter, r *http.Request) {
	st, err := s.webhookStore()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	list, err := st.WebhookEndpoints(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := make([]webhookJSON, len(list))
	for i, e := range list {
		out[i] = webhookJSON{ID: e.ID, URL: e.URL, Events: e.Events, Created: e.Created, Pending: e.Pending}
	}
	writeJSON(w, http.StatusOK, map[string]any{"webhooks": out, "events": webhook.Events})
}

type addWebhookRequest struct {
	URL    string   `json:"url"`
	Events []string `json:"events"` // empty: all
}

// addWebhook adds an endpoint with a new secret, which the answer shows
// this once.
func (s *Server) addWebhook(w http.ResponseWriter, r *http.Request) {
	st, err := s.webhookStore()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var req addWebhookRequest
	if err := decode(w, r, bodySmall*4, &req, false); err != nil {
		s.writeError(w, r, err)
		return
	}
	url, err := webhook.ValidateURL(req.URL)
	if err != nil {
		s.writeError(w, r, &Error{Code: CodeInvalid, Message: err.Error(), Fields: map[string]string{"url": err.Error()}})
		return
	}
	events, err := webhook.ParseEvents(strings.Join(req.Events, ","))
	if err != nil {
		s.writeError(w, r, &Error{Code: CodeInvalid, Message: err.Error(), Fields: map[string]string{"events": err.Error()}})
		return
	}
	secret, err := webhook.NewSecret()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	e, err := st.AddWebhook(r.Context(), url, secret, events, s.nowMS())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.log.Info("webhook added", "by", agentFrom(r).Name, "id", e.ID, "url", e.URL)
	writeJSON(w, http.StatusCreated, webhookJSON{ID: e.ID, URL: e.URL, Events: e.Events, Created: e.Created, Secret: secret})
}

func pathWebhook(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errorf(CodeNotFound, "No such webhook.")
	}
	return id, nil
}

// removeWebhook removes an endpoint with its pending deliveries and log.
func (s *Server) removeWebhook(w http.ResponseWriter, r *http.Request) {
	st, err := s.webhookStore()
	id, idErr := pathWebhook(r)
	if err == nil {
		err = idErr
	}
	if err == nil {
		err = st.RemoveWebhook(r.Context(), id)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.log.Info("webhook removed", "by", agentFrom(r).Name, "id", id)
	w.WriteHeader(http.StatusNoContent)
}

// webhookLog returns an endpoint's latest 100 attempts, newest first.
func (s *Server) webhookLog(w http.ResponseWriter, r *http.Request) {
	st, err := s.webhookStore()
	id, idErr := pathWebhook(r)
	if err == nil {
		err = idErr
	}
	var log []storage.WebhookAttempt
	if err == nil {
		log, err = st.WebhookLog(r.Context(), id, 100)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := make([]attemptJSON, len(log))
	for i, a := range log {
		out[i] = attemptJSON{MsgID: a.MsgID, Type: a.Type, Attempt: a.Attempt, At: a.At, Status: a.Status, LatencyMS: a.LatencyMS, Outcome: a.Outcome, Error: a.Error}
	}
	writeJSON(w, http.StatusOK, map[string]any{"log": out})
}
