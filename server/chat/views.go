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
	Email     string `json:"email,omitempty"` // where the visitor asked for replies
}

func toVisitorJSON(c storage.Conversation) visitorConversationJSON {
	return visitorConversationJSON{ID: c.ID, Site: c.Site, Created: c.Created, Updated: c.Updated,
		Read: c.VisitorRead, AgentRead: c.AgentRead, Unread: c.UnreadVisitor, Email: c.Email}
}

// agentConversationJSON is a conversation in the inbox: read is the agents'
// cursor, unread the visitor messages after it.
type agentConversationJSON struct {
	ID          int64        `json:"id"`
	Site        string       `json:"site"`
	Created     int64        `json:"created"`
	Updated     int64        `json:"updated"`
	Read        int64        `json:"read"`
	VisitorRead int64        `json:"visitorRead"`
	Unread      int          `json:"unread"`
	Banned      string       `json:"banned,omitempty"`
	Last        *messageJSON `json:"last,omitempty"`
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
		Read: c.AgentRead, VisitorRead: c.VisitorRead, Unread: c.UnreadAgent, Banned: c.BannedReason}
	if c.Last != nil {
		m := toMessageJSON(*c.Last)
		out.Last = &m
	}
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
