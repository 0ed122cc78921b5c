// Package storage keeps the chat backend's data: conversations, messages,
// agents and their sessions, and form submissions.
//
// Store is the one interface the chat package uses; SQLite (pure Go
// through modernc.org/sqlite) is the embedded default, PostgreSQL (pure Go
// through github.com/jackc/pgx/v5) the database several server instances
// can share. Both pass the same test suite. Every method that returns
// without error has committed its write durably (SQLite: WAL with
// synchronous=FULL; PostgreSQL: COMMIT), so a crash right after an
// acknowledgement loses nothing.
//
// Tokens never reach the store in clear: callers pass SHA-256 hashes.
package storage

import (
	"context"
	"errors"
)

// Errors callers tell apart with errors.Is.
var (
	ErrNotFound = errors.New("not found")
	ErrConflict = errors.New("conflict")
)

// Authors of a message. Invite is not a person: it is the invitation
// (static/invite.js's teaser) the visitor saw before they wrote, text the
// page configured, kept first in the conversation it led to. Its
// AgentName is the name the invitation showed ("" for none), and no agent
// wrote it; it counts as neither side's message (unread, statistics, mail).
const (
	Visitor = "visitor"
	Agent   = "agent"
	Invite  = "invite"
)

// Invitation is the teaser a visitor saw before starting a conversation:
// its text and the name it showed ("" for none). A zero Invitation is none.
type Invitation struct {
	Text, Name string
}

// Store is what the chat backend needs from a database. All times are unix
// milliseconds.
type Store interface {
	// CreateConversation stores a new conversation owned by tokenHash and,
	// unless networkHash is nil, the keyed hash of the network its visitor
	// came from (never the address itself), in one transaction.
	CreateConversation(ctx context.Context, tokenHash []byte, site string, networkHash []byte, now int64) (Conversation, error)
	// StartConversation is CreateConversation that also keeps the
	// visitor's pre-chat name and email and, unless inv is zero, the
	// invitation the visitor saw as the conversation's first message
	// (author Invite), in the same transaction.
	StartConversation(ctx context.Context, tokenHash []byte, site string, networkHash []byte, name, email string, inv Invitation, now int64) (Conversation, error)
	// ConversationByToken finds the conversation owned by tokenHash.
	ConversationByToken(ctx context.Context, tokenHash []byte) (Conversation, error)
	// Conversation finds a conversation by id.
	Conversation(ctx context.Context, id int64) (Conversation, error)
	// Conversations lists the most recently active conversations first.
	Conversations(ctx context.Context, limit int) ([]Conversation, error)
	// SeenConversation records that the conversation's visitor used its
	// token at now (the token's lifetime is renewed on use).
	SeenConversation(ctx context.Context, id, now int64) error

	// EraseConversation deletes a conversation and every row that
	// references it (messages, form submissions, network hash, stream
	// tickets and leases) in one transaction; network bans made from it
	// stay until they expire, no longer linked to it. On SQLite the
	// deleted bytes are overwritten and the WAL is checkpointed, so they
	// are gone from the files too. ErrNotFound when there is none.
	EraseConversation(ctx context.Context, id int64) error
	// ExportConversation returns everything stored about a conversation.
	ExportConversation(ctx context.Context, id int64) (Export, error)

	// SetVisitorDetails keeps the pre-chat name and email with the
	// conversation (ErrNotFound when it is gone).
	SetVisitorDetails(ctx context.Context, id int64, name, email string, now int64) error
	// SetVisitorContext keeps where the visitor is now; the first one a
	// conversation gets is also where it started (ErrNotFound when it is gone).
	SetVisitorContext(ctx context.Context, id int64, c VisitorContext, now int64) error
	// VisitorInfo returns what is known about the conversation's visitor; the
	// zero Visitor when nothing is.
	VisitorInfo(ctx context.Context, id int64) (VisitorInfo, error)
	// SweepRetention runs the retention sweep at now unless another run
	// (on any instance sharing the database) claimed the period that
	// holds now; ran reports whether this call did the work.
	SweepRetention(ctx context.Context, p Retention, now int64) (swept Swept, ran bool, err error)

	// AddMessage stores m unless a message with the same conversation,
	// author and client id exists: then it returns that one and false.
	// ErrConflict means the same client id was used with another body.
	AddMessage(ctx context.Context, m Message) (Message, bool, error)
	// Messages returns up to limit messages of a conversation with an id
	// above after, oldest first.
	Messages(ctx context.Context, conversationID, after int64, limit int) ([]Message, error)
	// AllMessages returns up to limit messages of every conversation with an
	// id above after, oldest first (the agents' stream resume).
	AllMessages(ctx context.Context, after int64, limit int) ([]Message, error)
	// MarkRead moves the reader's (Visitor or Agent) cursor forward to
	// messageID (never backward) and returns the cursor.
	MarkRead(ctx context.Context, conversationID int64, reader string, messageID int64) (int64, error)

	// Ban bans a conversation's visitor with a reason code; an empty reason
	// lifts the ban.
	Ban(ctx context.Context, conversationID int64, reason string, now int64) error

	// SetConversationNetwork records or replaces the keyed hash of the
	// network a conversation's visitor came from.
	SetConversationNetwork(ctx context.Context, conversationID int64, networkHash []byte) error
	// BanNetwork blocks the network recorded for a conversation until
	// expires, replacing an earlier ban of that network; an empty reason
	// lifts the bans made from the conversation. ErrNotFound when no network
	// is recorded for it.
	BanNetwork(ctx context.Context, conversationID int64, reason string, now, expires int64) error
	// NetworkBan returns the ban of a network in force at now, ErrNotFound
	// when there is none.
	NetworkBan(ctx context.Context, networkHash []byte, now int64) (NetworkBan, error)
	// ConversationNetworkBan returns the ban in force at now on the network
	// recorded for a conversation, ErrNotFound when there is none.
	ConversationNetworkBan(ctx context.Context, conversationID, now int64) (NetworkBan, error)

	// AddSubmission stores a form submission unless one with the same form
	// and client id exists: then it returns that one and false.
	AddSubmission(ctx context.Context, s Submission) (Submission, bool, error)
	// Submissions returns up to limit submissions, newest first.
	Submissions(ctx context.Context, limit int) ([]Submission, error)
	// Submission finds a submission by id.
	Submission(ctx context.Context, id int64) (Submission, error)

	// CreateTicket stores a stream ticket for a conversation that ends at
	// expires (and sweeps the tickets that have ended at now).
	CreateTicket(ctx context.Context, tokenHash []byte, conversationID, now, expires int64) error
	// TicketConversation returns the conversation of a ticket that has not
	// ended at now.
	TicketConversation(ctx context.Context, tokenHash []byte, now int64) (int64, error)

	// AddAgent creates an agent; ErrConflict when the name is taken.
	AddAgent(ctx context.Context, name, passwordHash string, now int64) (AgentAccount, error)
	// AgentByName finds an agent by name.
	AgentByName(ctx context.Context, name string) (AgentAccount, error)
	// CreateSession stores an agent session that ends at expires.
	CreateSession(ctx context.Context, tokenHash []byte, agentID, now, expires int64) error
	// SessionAgent returns the agent of a session that has not ended at now.
	SessionAgent(ctx context.Context, tokenHash []byte, now int64) (AgentAccount, error)
	// DeleteSession ends a session.
	DeleteSession(ctx context.Context, tokenHash []byte) error
	// Agents lists the agents by name, with how many sessions each has
	// open at now.
	Agents(ctx context.Context, now int64) ([]AgentSummary, error)
	// RemoveAgent deletes an agent and ends its sessions (their messages
	// stay, without the name); ErrNotFound when there is no such agent.
	RemoveAgent(ctx context.Context, name string) error
	// SetAgentPassword replaces an agent's password hash and ends its
	// sessions; ErrNotFound when there is no such agent.
	SetAgentPassword(ctx context.Context, name, passwordHash string) error
	// EndAgentSessions ends every session of an agent and returns how many
	// there were; ErrNotFound when there is no such agent.
	EndAgentSessions(ctx context.Context, name string) (int64, error)

	// Search returns up to limit messages and form submissions, after
	// skipping offset, whose text holds every term (lower-case words from
	// search.Terms) as a word prefix, newest first.
	Search(ctx context.Context, terms []string, offset, limit int) ([]SearchHit, error)

	// Replies lists the saved replies by name.
	Replies(ctx context.Context) ([]Reply, error)
	// AddReply stores a saved reply; ErrConflict when the name is taken.
	AddReply(ctx context.Context, name, body string, now int64) (Reply, error)
	// UpdateReply renames or rewrites a saved reply; ErrNotFound when
	// there is none, ErrConflict when the name is taken.
	UpdateReply(ctx context.Context, id int64, name, body string, now int64) (Reply, error)
	// DeleteReply deletes a saved reply; ErrNotFound when there is none.
	DeleteReply(ctx context.Context, id int64) error
	Workflow

	Close() error
}

// Fanout is what a Store shared by several server instances (Postgres)
// offers so that they behave as one: small notices that reach every
// instance, and where the new messages start.
type Fanout interface {
	// Notify sends payload (at most 7,900 bytes) to every instance's
	// Listen, this one's included, in commit order.
	Notify(ctx context.Context, payload []byte) error
	// Listen calls notice with every payload notified until ctx ends. When
	// its connection breaks it reconnects with a growing pause; state is
	// called with nil each time it listens again (what was notified
	// meanwhile is lost: catch up from the rows) and with the error each
	// time the connection is lost.
	Listen(ctx context.Context, notice func(payload []byte), state func(err error))
	// LastMessageID returns an id such that every message at or below it
	// that will ever exist is readable already: reading the messages above
	// it gets every newer one.
	LastMessageID(ctx context.Context) (int64, error)
}

// Conversation is one visitor's thread with the agents.
type Conversation struct {
	ID           int64
	Site         string
	Created      int64
	Updated      int64
	VisitorRead  int64 // last message id the visitor has read
	AgentRead    int64 // last message id an agent has read
	BannedReason string
	BannedAt     int64
	Seen         int64  // when the visitor last used the token
	Email        string // where the visitor wants replies mailed; "" for nowhere
	Lang         string // the language of those mails
	// Filled by the queries that count: messages from the other side after
	// each reader's cursor, and the last message.
	UnreadVisitor int // agent messages after VisitorRead
	UnreadAgent   int // visitor messages after AgentRead
	Last          *Message

	State        string // StateOpen, StateSnoozed or StateResolved
	SnoozedUntil int64  // while snoozed: when it opens again
	ResolvedAt   int64  // the last resolution (0: never resolved)
	AssigneeID   int64  // 0: unassigned
	Assignee     string // the assignee's name
	// Filled for a viewing agent (AgentConversation, AgentConversations):
	// their own read cursor and the visitor messages after it.
	MyRead     int64
	UnreadMine int
	Rating     *Rating // the latest rating, nil when none
}

// Conversation states. A conversation starts open; a visitor message
// reopens a snoozed or resolved one, and a snooze that ends opens it.
const (
	StateOpen     = "open"
	StateSnoozed  = "snoozed"
	StateResolved = "resolved"
)

// Rating is a visitor's rating of one resolution of a conversation.
type Rating struct {
	ConversationID int64
	Resolution     int64  // the ResolvedAt it rates
	Score          string // RatingGood or RatingBad
	Comment        string
	Created        int64
}

// Rating scores.
const (
	RatingGood = "good"
	RatingBad  = "bad"
)

// Banned reports whether the conversation's visitor is banned.
func (c Conversation) Banned() bool { return c.BannedReason != "" }

// NetworkBan blocks new conversations from a network (an IPv4 address or
// an IPv6 /64, known only by its keyed hash) until Expires.
type NetworkBan struct {
	Reason         string
	ConversationID int64 // the conversation it was made from
	Created        int64
	Expires        int64
}

// Message is one chat message. ID is global and increasing; it is also the
// SSE event id.
type Message struct {
	ID             int64
	ConversationID int64
	ClientID       string
	Author         string // Visitor, Agent or Invite
	AgentName      string // for agent messages; for Invite the name it showed
	AgentID        int64
	Body           string
	Created        int64
}

// Submission is one stored form submission.
type Submission struct {
	ID             int64
	FormID         string
	ConversationID int64 // 0 when sent without a conversation
	ClientID       string
	Fields         map[string]string
	Created        int64
	Lang           string // the language the form was shown in ("" when not recorded)
}

// AgentSummary is an agent as the CLI lists it.
type AgentSummary struct {
	Name     string
	Created  int64 // unix ms
	Sessions int   // open at the time asked
	Email    string
	MailMe   bool // the agent wants mail about unseen visitor messages
}

// AgentAccount is a person who answers in the inbox.
type AgentAccount struct {
	ID           int64
	Name         string
	PasswordHash string
	Created      int64
	Email        string
	MailMe       bool
}
