package chat

import (
	"encoding/json"

	"github.com/crumbless/crumbless/server/storage"
)

// messageJSON is a message on the wire (responses and SSE data).
type messageJSON struct {
	ID           int64  `json:"id"`
	Conversation int64  `json:"conversation"`
	ClientID     string `json:"clientId"`
	Author       string `json:"author"`
	Agent        string `json:"agent,omitempty"`
	Body         string `json:"body"`
	Created      int64  `json:"created"`
}

func toMessageJSON(m storage.Message) messageJSON {
	return messageJSON{ID: m.ID, Conversation: m.ConversationID, ClientID: m.ClientID, Author: m.Author,
		Agent: m.AgentName, Body: m.Body, Created: m.Created}
}

func toMessagesJSON(ms []storage.Message) []messageJSON {
	out := make([]messageJSON, len(ms))
	for i, m := range ms {
		out[i] = toMessageJSON(m)
	}
	return out
}

// visitorConversationJSON is what a visitor sees of their conversation:
// read is their cursor, unread the agent messages after it, agentRead the
// agents' cursor (for "seen" marks).
type visitorConversationJSON struct {
	ID        int64  `json:"id"`
	Site      string `json:"site"`
	Created   int64  `json:"created"`
	Updated   int64  `json:"updated"`
	Read      int64  `json:"read"`
	AgentRead int64  `json:"agentRead"`
	Unread    int    `json:"unread"`
	State     string `json:"state"`           // open, snoozed or resolved
	Rated     string `json:"rated,omitempty"` // resolved: the visitor's score of this resolution
	Email     string `json:"email,omitempty"` // where the visitor asked for replies
}

func toVisitorJSON(c storage.Conversation) visitorConversationJSON {
	return visitorConversationJSON{ID: c.ID, Site: c.Site, Created: c.Created, Updated: c.Updated,
		Read: c.VisitorRead, AgentRead: c.AgentRead, Unread: c.UnreadVisitor, State: c.State, Rated: ratedNow(c), Email: c.Email}
}

// ratedNow is the score the visitor gave the conversation's current
// resolution: "" unless it is resolved and rated.
func ratedNow(c storage.Conversation) string {
	if c.State != storage.StateResolved || c.Rating == nil || c.Rating.Resolution != c.ResolvedAt {
		return ""
	}
	return c.Rating.Score
}

// ratingJSON is a visitor's rating of one resolution.
type ratingJSON struct {
	Score      string `json:"score"` // good or bad
	Comment    string `json:"comment,omitempty"`
	Resolution int64  `json:"resolution"` // the resolution it rates (its time)
	Created    int64  `json:"created"`
}

func toRatingJSON(r *storage.Rating) *ratingJSON {
	if r == nil {
		return nil
	}
	return &ratingJSON{Score: r.Score, Comment: r.Comment, Resolution: r.Resolution, Created: r.Created}
}

// agentConversationJSON is a conversation in the inbox. In the answers to
// an agent read is their own cursor and unread the visitor messages after
// it; in the events, which every agent gets, read is the furthest agent's
// cursor and unreadBy each agent's count by name.
type agentConversationJSON struct {
	ID           int64          `json:"id"`
	Site         string         `json:"site"`
	Created      int64          `json:"created"`
	Updated      int64          `json:"updated"`
	Read         int64          `json:"read"`
	VisitorRead  int64          `json:"visitorRead"`
	Unread       int            `json:"unread"`
	Banned       string         `json:"banned,omitempty"`
	Last         *messageJSON   `json:"last,omitempty"`
	State        string         `json:"state"`                  // open, snoozed or resolved
	SnoozedUntil int64          `json:"snoozedUntil,omitempty"` // while snoozed
	ResolvedAt   int64          `json:"resolvedAt,omitempty"`   // the last resolution
	Assignee     string         `json:"assignee,omitempty"`     // the assigned agent's name
	Rating       *ratingJSON    `json:"rating,omitempty"`       // the latest rating
	UnreadBy     map[string]int `json:"unreadBy,omitempty"`     // events: each agent's unread count
	// Network is the ban on the conversation's network, in the answers
	// about one conversation (not in lists and events).
	Network *networkBanJSON `json:"network,omitempty"`
}

// networkBanJSON is a ban of the network a conversation came from; the
// network itself is never shown (the server knows only its keyed hash).
type networkBanJSON struct {
	Reason       string `json:"reason"`
	Conversation int64  `json:"conversation"` // the conversation the ban was made from
	Created      int64  `json:"created"`
	Expires      int64  `json:"expires"`
}

func toAgentJSON(c storage.Conversation) agentConversationJSON {
	out := agentConversationJSON{ID: c.ID, Site: c.Site, Created: c.Created, Updated: c.Updated,
		Read: c.AgentRead, VisitorRead: c.VisitorRead, Unread: c.UnreadAgent, Banned: c.BannedReason,
		State: c.State, SnoozedUntil: c.SnoozedUntil, ResolvedAt: c.ResolvedAt, Assignee: c.Assignee, Rating: toRatingJSON(c.Rating)}
	if c.Last != nil {
		m := toMessageJSON(*c.Last)
		out.Last = &m
	}
	return out
}

// toAgentViewJSON is toAgentJSON for the agent who asked: their cursor
// and unread count.
func toAgentViewJSON(c storage.Conversation) agentConversationJSON {
	out := toAgentJSON(c)
	out.Read, out.Unread = c.MyRead, c.UnreadMine
	return out
}

type submissionJSON struct {
	ID           int64             `json:"id"`
	Form         string            `json:"form"`
	Conversation int64             `json:"conversation,omitempty"`
	ClientID     string            `json:"clientId"`
	Fields       map[string]string `json:"fields"`
	Created      int64             `json:"created"`
	Lang         string            `json:"lang,omitempty"` // the language the form was shown in
}

func toSubmissionJSON(s storage.Submission) submissionJSON {
	return submissionJSON{ID: s.ID, Form: s.FormID, Conversation: s.ConversationID, ClientID: s.ClientID, Fields: s.Fields, Created: s.Created, Lang: s.Lang}
}

// mustJSON encodes values this package built; failing is a programmer error.
func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic("crumbless: encode event: " + err.Error())
	}
	return b
}
