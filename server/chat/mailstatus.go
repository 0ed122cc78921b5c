package chat

import (
	"net/http"
	"strconv"

	"github.com/crumbless/crumbless/server/storage"
)

// The console's view of the mail: whether the server sends any, how the
// deliveries went (the store's delivery log, storage.MailStatus), and a
// way to try the waiting ones again at once after fixing the SMTP server.

// MaxMailLog bounds the deliveries one GET /api/v1/agent/mail returns.
const MaxMailLog = 100

type mailHealthJSON struct {
	LastSent    int64  `json:"lastSent"`    // unix ms; 0: none
	LastFailure int64  `json:"lastFailure"` // unix ms; 0: none
	LastError   string `json:"lastError"`
	Retrying    int    `json:"retrying"` // mails waiting for their next attempt
}

type mailDeliveryJSON struct {
	ID           int64  `json:"id"`
	Conversation int64  `json:"conversation"`
	Kind         string `json:"kind"`  // agent or visitor
	Agent        string `json:"agent"` // the agent's name, for kind agent
	To           string `json:"to"`
	State        string `json:"state"` // sent, retrying, failed, rejected
	Attempts     int    `json:"attempts"`
	Error        string `json:"error"`
	NextAt       int64  `json:"nextAt"` // unix ms, while retrying
	Created      int64  `json:"created"`
	Updated      int64  `json:"updated"`
}

type mailStatusJSON struct {
	Configured bool               `json:"configured"` // the server sends mail (-smtp)
	Health     mailHealthJSON     `json:"health"`
	Deliveries []mailDeliveryJSON `json:"deliveries"`
	Next       int64              `json:"next"` // ?before= for the next page; 0: no more
}

func (s *Server) mailStatusStore() (storage.MailStatus, error) {
	st, ok := s.store.(storage.MailStatus)
	if !ok {
		return nil, errorf(CodeNotFound, "This database keeps no mail log.")
	}
	return st, nil
}

// mailLogParams reads ?limit= (1-MaxMailLog, default 20) and ?before= (a
// delivery id).
func mailLogParams(r *http.Request) (storage.MailLogQuery, error) {
	q := storage.MailLogQuery{Limit: 20}
	v := r.URL.Query()
	if b := v.Get("before"); b != "" {
		n, err := strconv.ParseInt(b, 10, 64)
		if err != nil || n < 1 {
			return q, &Error{Code: CodeInvalid, Message: "before must be a delivery id.", Fields: map[string]string{"before": "Not a delivery id."}}
		}
		q.Before = n
	}
	if l := v.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > MaxMailLog {
			msg := "Must be 1-" + strconv.Itoa(MaxMailLog) + "."
			return q, &Error{Code: CodeInvalid, Message: "limit must be 1-" + strconv.Itoa(MaxMailLog) + ".", Fields: map[string]string{"limit": msg}}
		}
		q.Limit = n
	}
	return q, nil
}

// agentMail returns whether the server sends mail, the health of its
// deliveries and a page of them, newest first.
func (s *Server) agentMail(w http.ResponseWriter, r *http.Request) {
	q, err := mailLogParams(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	st, err := s.mailStatusStore()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	h, err := st.MailHealth(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	q.Limit++ // one more: is there a next page?
	list, err := st.MailLog(r.Context(), q)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := mailStatusJSON{Configured: s.cfg.Mail, Deliveries: []mailDeliveryJSON{},
		Health: mailHealthJSON{LastSent: h.LastSent, LastFailure: h.LastFailure, LastError: h.LastError, Retrying: h.Retrying}}
	if len(list) == q.Limit {
		list = list[:q.Limit-1]
		out.Next = list[len(list)-1].ID
	}
	for _, d := range list {
		kind := "visitor"
		if d.AgentID != 0 {
			kind = "agent"
		}
		out.Deliveries = append(out.Deliveries, mailDeliveryJSON{ID: d.ID, Conversation: d.ConversationID, Kind: kind, Agent: d.AgentName,
			To: d.To, State: d.State, Attempts: d.Attempts, Error: d.Error, NextAt: d.NextAt, Created: d.Created, Updated: d.Updated})
	}
	writeJSON(w, http.StatusOK, out)
}

// retryMail makes every mail waiting for its next attempt due now (after
// the SMTP server was fixed, say). 404 when the server sends no mail.
func (s *Server) retryMail(w http.ResponseWriter, r *http.Request) {
	st, err := s.mailStatusStore()
	if err == nil && !s.cfg.Mail {
		err = errorf(CodeNotFound, "This server sends no mail.")
	}
	var n int
	if err == nil {
		n, err = st.RetryMails(r.Context(), s.nowMS())
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.log.Info("mail retried", "by", agentFrom(r).Name, "mails", n)
	writeJSON(w, http.StatusOK, map[string]int{"retried": n})
}

// ownMailProblem is the last failed delivery to agent a's present
// address, when their last delivery failed: the console shows it next to
// the address.
func (s *Server) ownMailProblem(r *http.Request, a storage.AgentAccount) (state, text string) {
	st, ok := s.store.(storage.MailStatus)
	if !ok || a.Email == "" {
		return "", ""
	}
	list, err := st.MailLog(r.Context(), storage.MailLogQuery{AgentID: a.ID, Limit: 1})
	if err != nil || len(list) == 0 || list[0].To != a.Email || list[0].State == storage.MailSent {
		return "", ""
	}
	return list[0].State, list[0].Error
}
