// Package inbox is the operator console's state, free of the browser: the
// conversations in order of latest activity with their unread counts, the
// open conversation's transcript, drafts per conversation, and which
// visitor messages deserve a notification. The console's views read it;
// its tests run on the host.
package inbox

import (
	"sort"
	"strconv"
)

// Message is a message as the agent API sends it (responses and events).
// The js tags are the API's JSON names, read through vert.
type Message struct {
	ID           int64  `js:"id"`
	Conversation int64  `js:"conversation"`
	ClientID     string `js:"clientId"`
	Author       string `js:"author"` // "visitor", "agent" or "invite" (the invitation the visitor saw)
	Agent        string `js:"agent"`
	Body         string `js:"body"`
	Created      int64  `js:"created"` // unix ms
}

// NetworkBan is a ban of the network a conversation came from.
type NetworkBan struct {
	Reason       string `js:"reason"`
	Conversation int64  `js:"conversation"`
	Created      int64  `js:"created"`
	Expires      int64  `js:"expires"`
}

// Rating is a visitor's rating of one resolution of a conversation.
type Rating struct {
	Score      string `js:"score"` // "good" or "bad"
	Comment    string `js:"comment"`
	Resolution int64  `js:"resolution"`
	Created    int64  `js:"created"`
}

// Conversation is a conversation in the inbox: Read is this agent's
// cursor, Unread the visitor messages after it. Events carry every
// agent's count in UnreadBy instead (Put picks this agent's).
type Conversation struct {
	ID          int64       `js:"id"`
	Site        string      `js:"site"`
	Created     int64       `js:"created"`
	Updated     int64       `js:"updated"`
	Read        int64       `js:"read"`
	VisitorRead int64       `js:"visitorRead"`
	Unread      int         `js:"unread"`
	Banned      string      `js:"banned"`
	Last        *Message    `js:"last"`
	Network     *NetworkBan `js:"network"`

	State        string         `js:"state"` // "open", "snoozed" or "resolved"
	SnoozedUntil int64          `js:"snoozedUntil"`
	ResolvedAt   int64          `js:"resolvedAt"`
	Assignee     string         `js:"assignee"`
	Rating       *Rating        `js:"rating"`
	UnreadBy     map[string]int `js:"unreadBy"`
}

// Submission is a form submission.
type Submission struct {
	ID           int64             `js:"id"`
	Form         string            `js:"form"`
	Conversation int64             `js:"conversation"`
	ClientID     string            `js:"clientId"`
	Fields       map[string]string `js:"fields"`
	Created      int64             `js:"created"`
	Lang         string            `js:"lang"`
}

// Inbox holds what the console knows. The zero value is not usable: call New.
type Inbox struct {
	// Me is the signed-in agent's name: "mine", and whose unread count
	// an event's UnreadBy gives.
	Me          string
	convs       map[int64]Conversation
	current     int64
	transcript  []Message
	drafts      map[int64]string
	submissions []Submission
	// notified is the highest visitor message id a notification was
	// decided for: replays after a reconnect never notify twice.
	notified int64
}

// New returns an empty inbox.
func New() *Inbox {
	return &Inbox{convs: map[int64]Conversation{}, drafts: map[int64]string{}}
}

// Reset replaces the conversation list (a fresh load) and returns the
// highest message id it holds, from which the event stream resumes.
func (in *Inbox) Reset(list []Conversation) (lastID int64) {
	in.convs = make(map[int64]Conversation, len(list))
	for _, c := range list {
		in.convs[c.ID] = c
		if c.Last != nil && c.Last.ID > lastID {
			lastID = c.Last.ID
		}
	}
	if lastID > in.notified {
		in.notified = lastID
	}
	return lastID
}

// Put stores c, as a list or an event gives it. Events carry no network
// ban (the answers about one conversation do): the known one is kept while
// the visitor stays banned.
func (in *Inbox) Put(c Conversation) {
	prev, known := in.convs[c.ID]
	if known && c.Network == nil && c.Banned != "" {
		c.Network = prev.Network
	}
	if c.UnreadBy != nil { // an event: Read is the furthest agent's
		c.Unread, c.Read = c.UnreadBy[in.Me], prev.Read
		c.UnreadBy = nil
	}
	in.convs[c.ID] = c
}

// Get returns the conversation id.
func (in *Inbox) Get(id int64) (Conversation, bool) {
	c, ok := in.convs[id]
	return c, ok
}

// Remove drops an erased conversation, its submissions and its draft; it
// reports whether it was the open one (which is then closed).
func (in *Inbox) Remove(id int64) (wasOpen bool) {
	delete(in.convs, id)
	delete(in.drafts, id)
	kept := in.submissions[:0]
	for _, s := range in.submissions {
		if s.Conversation != id {
			kept = append(kept, s)
		}
	}
	in.submissions = kept
	if in.current == id {
		in.current, in.transcript = 0, nil
		return true
	}
	return false
}

// Sorted returns the conversations, newest activity first (ties: newest
// conversation first).
func (in *Inbox) Sorted() []Conversation {
	out := make([]Conversation, 0, len(in.convs))
	for _, c := range in.convs {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Updated != out[j].Updated {
			return out[i].Updated > out[j].Updated
		}
		return out[i].ID > out[j].ID
	})
	return out
}

// Len is the number of conversations.
func (in *Inbox) Len() int { return len(in.convs) }

// Unread is the visitor messages no agent has read, over every conversation.
func (in *Inbox) Unread() int {
	n := 0
	for _, c := range in.convs {
		n += c.Unread
	}
	return n
}

// Title is the page title for unread messages: "(3) Crumbless", or the
// name alone when nothing is unread.
func Title(name string, unread int) string {
	if unread <= 0 {
		return name
	}
	return "(" + strconv.Itoa(unread) + ") " + name
}

// Open makes id the open conversation with an empty transcript.
func (in *Inbox) Open(id int64) {
	in.current, in.transcript = id, nil
}

// Current is the open conversation's id, 0 when none is.
func (in *Inbox) Current() int64 { return in.current }

// Transcript is the open conversation's messages, oldest first.
func (in *Inbox) Transcript() []Message { return in.transcript }

// Add puts messages of the open conversation into its transcript in id
// order, once each; it returns the ones that were new, in order. Messages
// of other conversations are ignored.
func (in *Inbox) Add(msgs ...Message) []Message {
	var added []Message
	for _, m := range msgs {
		if m.Conversation != in.current || in.current == 0 {
			continue
		}
		i := sort.Search(len(in.transcript), func(i int) bool { return in.transcript[i].ID >= m.ID })
		if i < len(in.transcript) && in.transcript[i].ID == m.ID {
			continue
		}
		in.transcript = append(in.transcript, Message{})
		copy(in.transcript[i+1:], in.transcript[i:])
		in.transcript[i] = m
		added = append(added, m)
	}
	return added
}

// Index is the position of message id in the transcript, or -1.
func (in *Inbox) Index(id int64) int {
	i := sort.Search(len(in.transcript), func(i int) bool { return in.transcript[i].ID >= id })
	if i < len(in.transcript) && in.transcript[i].ID == id {
		return i
	}
	return -1
}

// LastID is the newest message id of the transcript, 0 when empty.
func (in *Inbox) LastID() int64 {
	if len(in.transcript) == 0 {
		return 0
	}
	return in.transcript[len(in.transcript)-1].ID
}

// SetDraft keeps what the agent typed for conversation id ("" clears it).
func (in *Inbox) SetDraft(id int64, text string) {
	if text == "" {
		delete(in.drafts, id)
		return
	}
	in.drafts[id] = text
}

// Draft is what the agent typed for conversation id and has not sent.
func (in *Inbox) Draft(id int64) string { return in.drafts[id] }

// Drafts returns every draft (for keeping them in the tab's storage).
func (in *Inbox) Drafts() map[int64]string { return in.drafts }

// SetSubmissions replaces the form submissions, newest first.
func (in *Inbox) SetSubmissions(s []Submission) { in.submissions = s }

// AddSubmission puts a new submission first.
func (in *Inbox) AddSubmission(s Submission) {
	in.submissions = append([]Submission{s}, in.submissions...)
}

// Submissions are the form submissions, newest first.
func (in *Inbox) Submissions() []Submission { return in.submissions }

// Notify decides whether the visitor message m deserves a notification:
// a visitor's, not decided before (a reconnect's replay), and not in the
// conversation the agent is looking at (onScreen: the open one, in a
// visible tab). isNew is whether m begins its conversation (call it
// before the conversation's own event moves its last message).
func (in *Inbox) Notify(m Message, visible bool) (notify, isNew bool) {
	if m.Author != "visitor" || m.ID <= in.notified {
		return false, false
	}
	in.notified = m.ID
	c, known := in.convs[m.Conversation]
	isNew = !known || c.Last == nil || c.Last.ID == m.ID
	if visible && m.Conversation == in.current {
		return false, isNew
	}
	return true, isNew
}
