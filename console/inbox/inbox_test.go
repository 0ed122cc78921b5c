package inbox

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func msg(id, conv int64, author string) Message {
	return Message{ID: id, Conversation: conv, Author: author, Body: "m"}
}

func TestSortedNewestActivityFirst(t *testing.T) {
	in := New()
	last := in.Reset([]Conversation{
		{ID: 1, Updated: 100, Last: &Message{ID: 4}},
		{ID: 2, Updated: 300, Last: &Message{ID: 9}},
		{ID: 3, Updated: 100},
		{ID: 4, Updated: 200, Unread: 2},
	})
	assert.EqualValues(t, 9, last, "the stream resumes after the newest message listed")
	var ids []int64
	for _, c := range in.Sorted() {
		ids = append(ids, c.ID)
	}
	assert.Equal(t, []int64{2, 4, 3, 1}, ids)
	in.Put(Conversation{ID: 1, Updated: 400, Unread: 3})
	assert.EqualValues(t, 1, in.Sorted()[0].ID, "new activity moves a conversation up")
	assert.Equal(t, 5, in.Unread())
}

func TestTitle(t *testing.T) {
	cases := []struct {
		unread int
		want   string
	}{{0, "Crumbless"}, {3, "(3) Crumbless"}, {12, "(12) Crumbless"}}
	for _, c := range cases {
		t.Run(c.want, func(t *testing.T) { assert.Equal(t, c.want, Title("Crumbless", c.unread)) })
	}
}

func TestPutKeepsTheNetworkBanWhileBanned(t *testing.T) {
	in := New()
	ban := &NetworkBan{Reason: "abuse", Expires: 5}
	in.Put(Conversation{ID: 1, Banned: "abuse", Network: ban})
	in.Put(Conversation{ID: 1, Banned: "abuse"}) // an event: no network field
	c, _ := in.Get(1)
	assert.Equal(t, ban, c.Network)
	in.Put(Conversation{ID: 1}) // lifted
	c, _ = in.Get(1)
	assert.Nil(t, c.Network)
}

func TestTranscriptInOrderOnce(t *testing.T) {
	in := New()
	in.Open(7)
	added := in.Add(msg(5, 7, "visitor"), msg(3, 7, "visitor"), msg(9, 8, "visitor"), msg(5, 7, "visitor"), msg(4, 7, "agent"))
	var ids []int64
	for _, m := range added {
		ids = append(ids, m.ID)
	}
	assert.Equal(t, []int64{5, 3, 4}, ids, "new ones, once, of the open conversation only")
	ids = nil
	for _, m := range in.Transcript() {
		ids = append(ids, m.ID)
	}
	assert.Equal(t, []int64{3, 4, 5}, ids)
	assert.Equal(t, 1, in.Index(4))
	assert.Equal(t, -1, in.Index(6))
	assert.EqualValues(t, 5, in.LastID())
}

func TestDraftsPerConversation(t *testing.T) {
	in := New()
	in.SetDraft(1, "half a reply")
	in.SetDraft(2, "another")
	in.Open(2)
	assert.Equal(t, "half a reply", in.Draft(1))
	in.SetDraft(2, "")
	assert.Equal(t, map[int64]string{1: "half a reply"}, in.Drafts())
	in.SetSubmissions([]Submission{{ID: 1, Conversation: 1}, {ID: 2, Conversation: 3}})
	in.Open(1)
	assert.True(t, in.Remove(1), "the open conversation was erased")
	assert.Zero(t, in.Current())
	assert.Empty(t, in.Draft(1), "an erased conversation's draft goes too")
	require.Len(t, in.Submissions(), 1)
	assert.EqualValues(t, 2, in.Submissions()[0].ID)
}

func TestNotify(t *testing.T) {
	in := New()
	in.Reset([]Conversation{{ID: 1, Last: &Message{ID: 10}}, {ID: 2, Last: &Message{ID: 11}}})
	in.Open(1)
	cases := []struct {
		name            string
		m               Message
		visible         bool
		notify, isFresh bool
	}{
		{"replayed before the list", msg(9, 2, "visitor"), false, false, false},
		{"agent's own", msg(12, 2, "agent"), false, false, false},
		{"other conversation", msg(13, 2, "visitor"), true, true, false},
		{"same message again", msg(13, 2, "visitor"), true, false, false},
		{"open one, visible tab", msg(14, 1, "visitor"), true, false, false},
		{"open one, hidden tab", msg(15, 1, "visitor"), false, true, false},
		{"a new conversation", msg(16, 3, "visitor"), true, true, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			notify, isNew := in.Notify(c.m, c.visible)
			assert.Equal(t, c.notify, notify, "notify")
			assert.Equal(t, c.isFresh, isNew, "new conversation")
		})
	}
}
