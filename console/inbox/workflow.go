package inbox

import "time"

// Conversation states and assignment filters, as the agent API names them.
const (
	Open     = "open"
	Snoozed  = "snoozed"
	Resolved = "resolved"

	All        = "all"
	Mine       = "mine"
	Unassigned = "unassigned"
)

// States are the state filters in the order the console shows them.
var States = []string{Open, Snoozed, Resolved}

// Assignments are the assignment filters in the order the console shows
// them.
var Assignments = []string{Unassigned, Mine, All}

// state is c's state; a conversation from a server without states is open.
func state(c Conversation) string {
	if c.State == "" {
		return Open
	}
	return c.State
}

// matches reports whether c passes the assignment filter for the agent me.
func matches(c Conversation, assigned, me string) bool {
	switch assigned {
	case Mine:
		return c.Assignee != "" && c.Assignee == me
	case Unassigned:
		return c.Assignee == ""
	}
	return true
}

// Filtered is Sorted limited to one state and assignment filter.
func (in *Inbox) Filtered(st, assigned string) []Conversation {
	var out []Conversation
	for _, c := range in.Sorted() {
		if state(c) == st && matches(c, assigned, in.Me) {
			out = append(out, c)
		}
	}
	return out
}

// Snooze presets.
const (
	SnoozeHour     = "hour"
	SnoozeTomorrow = "tomorrow"
	SnoozeWeek     = "week"
)

// SnoozeUntil is when a snooze chosen at now with a preset ends: in an
// hour, tomorrow at 09:00, or next Monday at 09:00, in now's time zone
// (the agent's). Zero for an unknown preset.
func SnoozeUntil(preset string, now time.Time) time.Time {
	nine := func(days int) time.Time {
		y, m, d := now.Date()
		return time.Date(y, m, d+days, 9, 0, 0, 0, now.Location())
	}
	switch preset {
	case SnoozeHour:
		return now.Add(time.Hour)
	case SnoozeTomorrow:
		return nine(1)
	case SnoozeWeek:
		days := (8 - int(now.Weekday())) % 7
		if days == 0 {
			days = 7
		}
		return nine(days)
	}
	return time.Time{}
}
