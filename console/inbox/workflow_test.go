package inbox

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestFilters(t *testing.T) {
	in := New()
	in.Me = "ana"
	in.Reset([]Conversation{
		{ID: 1, Updated: 1, State: Open},
		{ID: 2, Updated: 2, State: Open, Assignee: "ana"},
		{ID: 3, Updated: 3, State: Open, Assignee: "bo"},
		{ID: 4, Updated: 4, State: Snoozed},
		{ID: 5, Updated: 5, State: Resolved, Assignee: "ana", Rating: &Rating{Score: "good"}},
		{ID: 6, Updated: 6, State: Resolved, Rating: &Rating{Score: "bad"}},
		{ID: 7, Updated: 7}, // no state: open
	})
	ids := func(list []Conversation) []int64 {
		var out []int64
		for _, c := range list {
			out = append(out, c.ID)
		}
		return out
	}
	cases := []struct {
		state, assigned string
		want            []int64
	}{
		{Open, All, []int64{7, 3, 2, 1}},
		{Open, Mine, []int64{2}},
		{Open, Unassigned, []int64{7, 1}},
		{Resolved, Mine, []int64{5}},
		{Snoozed, Mine, nil},
	}
	for _, c := range cases {
		t.Run(c.state+" "+c.assigned, func(t *testing.T) {
			assert.Equal(t, c.want, ids(in.Filtered(c.state, c.assigned)))
		})
	}

	// Another console takes conversation 1: it leaves "unassigned".
	in.Put(Conversation{ID: 1, Updated: 1, State: Open, Assignee: "bo", UnreadBy: map[string]int{"ana": 2, "bo": 0}})
	assert.Equal(t, []int64{7}, ids(in.Filtered(Open, Unassigned)))
	c, _ := in.Get(1)
	assert.Equal(t, 2, c.Unread, "ana's own count from the event")
}

func TestEventKeepsOwnCursor(t *testing.T) {
	in := New()
	in.Me = "ana"
	in.Reset([]Conversation{{ID: 1, Read: 5, Unread: 1}})
	in.Put(Conversation{ID: 1, Read: 9, UnreadBy: map[string]int{"bo": 0}})
	c, _ := in.Get(1)
	assert.Equal(t, int64(5), c.Read, "an event's read is the furthest agent's, not ana's")
	assert.Equal(t, 0, c.Unread, "no count for ana: none unread")
	assert.Nil(t, c.UnreadBy)
}

func TestSnoozeUntil(t *testing.T) {
	zone := time.FixedZone("CET", 3600)
	thursday := time.Date(2026, 12, 3, 22, 30, 0, 0, zone)
	monday := time.Date(2026, 12, 7, 8, 0, 0, 0, zone)
	cases := []struct {
		preset string
		now    time.Time
		want   time.Time
	}{
		{SnoozeHour, thursday, thursday.Add(time.Hour)},
		{SnoozeTomorrow, thursday, time.Date(2026, 12, 4, 9, 0, 0, 0, zone)},
		{SnoozeWeek, thursday, time.Date(2026, 12, 7, 9, 0, 0, 0, zone)},
		{SnoozeWeek, monday, time.Date(2026, 12, 14, 9, 0, 0, 0, zone)},
		{SnoozeTomorrow, time.Date(2026, 12, 31, 12, 0, 0, 0, zone), time.Date(2027, 1, 1, 9, 0, 0, 0, zone)},
		{"never", thursday, time.Time{}},
	}
	for _, c := range cases {
		t.Run(c.preset+" "+c.now.Format(time.RFC3339), func(t *testing.T) {
			assert.Equal(t, c.want, SnoozeUntil(c.preset, c.now))
		})
	}
}
