package webhook

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/crumbless/crumbless/server/storage"
)

// Store is what a Deliverer needs: the outbox, and the rows the events
// are about, read when a delivery goes out (they never change, so every
// attempt sends the same body).
type Store interface {
	storage.Webhooks
	Conversation(ctx context.Context, id int64) (storage.Conversation, error)
	Submission(ctx context.Context, id int64) (storage.Submission, error)
}

// Payload is the body of every webhook: the event type, when it
// happened, and its data.
type Payload struct {
	Type      string `json:"type"`
	Timestamp string `json:"timestamp"` // RFC 3339, UTC
	Data      any    `json:"data"`
}

// ConversationData is the data of conversation.created.
type ConversationData struct {
	ConversationID int64  `json:"conversation_id"`
	Site           string `json:"site"`
	Created        string `json:"created"`
}

// ResolvedData is the data of conversation.resolved: the conversation and
// when this resolution happened (an agent may resolve it again after a
// visitor's message reopened it: each resolution is an event).
type ResolvedData struct {
	ConversationID int64  `json:"conversation_id"`
	Site           string `json:"site"`
	Resolved       string `json:"resolved"`
}

// MessageData is the data of message.created: the message with its body.
type MessageData struct {
	ConversationID int64  `json:"conversation_id"`
	MessageID      int64  `json:"message_id"`
	Author         string `json:"author"`               // visitor, agent or invite (the invitation the visitor saw)
	Agent          string `json:"agent,omitempty"`      // the agent's name, for an agent's message
	ShownName      string `json:"shown_name,omitempty"` // the name an invitation showed: no agent wrote it
	Body           string `json:"body"`
	Created        string `json:"created"`
}

// SubmissionData is the data of form.submitted: the fields as filled in.
type SubmissionData struct {
	SubmissionID   int64             `json:"submission_id"`
	FormID         string            `json:"form_id"`
	ConversationID int64             `json:"conversation_id,omitempty"` // absent when sent without a conversation
	Fields         map[string]string `json:"fields"`
	Lang           string            `json:"lang,omitempty"`
	Created        string            `json:"created"`
}

// timestamp renders unix milliseconds as RFC 3339 in UTC.
func timestamp(ms int64) string { return time.UnixMilli(ms).UTC().Format(time.RFC3339Nano) }

// payload builds the body of a delivery from the rows it is about;
// storage.ErrNotFound when they were erased meanwhile.
func payload(ctx context.Context, st Store, d storage.Delivery) ([]byte, error) {
	var data any
	switch d.Type {
	case storage.EventConversationCreated:
		c, err := st.Conversation(ctx, d.SubjectID)
		if err != nil {
			return nil, err
		}
		data = ConversationData{ConversationID: c.ID, Site: c.Site, Created: timestamp(c.Created)}
	case storage.EventConversationResolved:
		c, err := st.Conversation(ctx, d.SubjectID)
		if err != nil {
			return nil, err
		}
		data = ResolvedData{ConversationID: c.ID, Site: c.Site, Resolved: timestamp(d.Created)}
	case storage.EventMessageCreated:
		m, err := st.Message(ctx, d.SubjectID)
		if err != nil {
			return nil, err
		}
		d := MessageData{ConversationID: m.ConversationID, MessageID: m.ID, Author: m.Author, Agent: m.AgentName,
			Body: m.Body, Created: timestamp(m.Created)}
		if m.Author == storage.Invite { // text the page configured, under the name it showed
			d.Agent, d.ShownName = "", m.AgentName
		}
		data = d
	case storage.EventFormSubmitted:
		s, err := st.Submission(ctx, d.SubjectID)
		if err != nil {
			return nil, err
		}
		data = SubmissionData{SubmissionID: s.ID, FormID: s.FormID, ConversationID: s.ConversationID, Fields: s.Fields,
			Lang: s.Lang, Created: timestamp(s.Created)}
	default:
		return nil, fmt.Errorf("webhook: unknown event type %q", d.Type)
	}
	return json.Marshal(Payload{Type: d.Type, Timestamp: timestamp(d.Created), Data: data})
}
