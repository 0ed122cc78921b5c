package storage

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Stats keeps the site's statistics: counts per day and dimensions, with
// no visitor identifier (package server/stats says what is counted). Both
// stores keep them.
type Stats interface {
	// CountStats adds one to the count of each event (a StatCount whose N
	// is ignored), in one transaction.
	CountStats(ctx context.Context, events []StatCount) error
	// StatCounts returns the counts of the days from to to (YYYY-MM-DD,
	// inclusive).
	StatCounts(ctx context.Context, from, to string) ([]StatCount, error)
	// ResponseSamples returns, for every conversation whose first visitor
	// message was sent in [from, to) (unix ms), when it was sent and when
	// and by whom the first agent message after it was (Replied 0 when
	// none). Erased conversations are gone from these samples.
	ResponseSamples(ctx context.Context, from, to int64) ([]ResponseSample, error)
	// ResolutionSamples returns, for every conversation resolved in
	// [from, to) (unix ms) and resolved still, when its first visitor
	// message was sent (Asked), when it was resolved (Replied) and the
	// agent it is assigned to. ErrNoResolution when the database has no
	// conversation states (conversations.state, resolved_at, assignee_id).
	ResolutionSamples(ctx context.Context, from, to int64) ([]ResponseSample, error)
}

// ErrNoResolution: the conversations have no resolved state to measure.
var ErrNoResolution = errors.New("conversations have no resolved state")

var (
	_ Stats = (*SQLite)(nil)
	_ Stats = (*Postgres)(nil)
)

// StatCount is the count of one kind of event on a day under some
// dimensions.
type StatCount struct {
	Day      string // YYYY-MM-DD, UTC
	Kind     string
	Detail   string // an article or form id, a search's query, or ""
	Path     string
	Referrer string
	Lang     string
	Device   string
	N        int64
}

// ResponseSample is one conversation's wait for its first answer.
type ResponseSample struct {
	Asked   int64  // the first visitor message, unix ms
	Replied int64  // the first agent message after it, 0 when none
	Agent   string // the name of the agent who replied ("" when removed)
}

// Kinds of the counts the store writes itself, in the transaction of the
// event they count (package server/stats names them all), and the kind
// whose detail holds a visitor's words.
const (
	StatConversation = "conversation"
	StatVisitorMsg   = "message_visitor"
	StatAgentMsg     = "message_agent"
	StatForm         = "form"
	StatRating       = "rating"
	StatNoHit        = "nohit"
)

// messageStat is the kind of the count of a message by author.
func messageStat(author string) string {
	if author == Agent {
		return StatAgentMsg
	}
	return StatVisitorMsg
}

// statDay is the UTC day (YYYY-MM-DD) of a unix ms time, as counts keep it.
func statDay(ms int64) string { return time.UnixMilli(ms).UTC().Format("2006-01-02") }

// countStat is one upsert, the same in both dialects.
const countStat = `INSERT INTO stat_counts (day, kind, detail, path, referrer, lang, device, n) VALUES (?, ?, ?, ?, ?, ?, ?, 1)
ON CONFLICT (day, kind, detail, path, referrer, lang, device) DO UPDATE SET n = stat_counts.n + 1`

// countEvent adds one to the count of an event the store writes, in the
// transaction tx that writes the event: the count commits with the event
// or not at all.
func countEvent(ctx context.Context, tx runner, at int64, kind, detail, lang string) error {
	if _, err := tx.exec(ctx, countStat, statDay(at), kind, detail, "", "", lang, ""); err != nil {
		return fmt.Errorf("count %s: %w", kind, err)
	}
	return nil
}

// CountStats implements Stats.
func (s *store) CountStats(ctx context.Context, events []StatCount) error {
	if len(events) == 0 {
		return nil
	}
	err := s.tx(ctx, func(tx runner) error {
		for _, e := range events {
			if _, err := tx.exec(ctx, countStat, e.Day, e.Kind, e.Detail, e.Path, e.Referrer, e.Lang, e.Device); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("count stats: %w", err)
	}
	return nil
}

// StatCounts implements Stats.
func (s *store) StatCounts(ctx context.Context, from, to string) ([]StatCount, error) {
	rows, err := s.query(ctx, `SELECT day, kind, detail, path, referrer, lang, device, n FROM stat_counts
		WHERE day >= ? AND day <= ? ORDER BY day, kind, detail, path, referrer, lang, device`, from, to)
	list, err := scanAll(rows, err, func(r scanner) (StatCount, error) {
		var c StatCount
		err := r.Scan(&c.Day, &c.Kind, &c.Detail, &c.Path, &c.Referrer, &c.Lang, &c.Device, &c.N)
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("stat counts: %w", err)
	}
	return list, nil
}

// ResponseSamples implements Stats.
func (s *store) ResponseSamples(ctx context.Context, from, to int64) ([]ResponseSample, error) {
	rows, err := s.query(ctx, `SELECT v.asked, coalesce(m.created_at, 0), coalesce(a.name, '')
		FROM (`+firstAsked+` HAVING min(created_at) >= ? AND min(created_at) < ?) v
		LEFT JOIN messages m ON m.id = (SELECT min(r.id) FROM messages r
			WHERE r.conversation_id = v.conversation_id AND r.author = 'agent' AND r.created_at >= v.asked)
		LEFT JOIN agents a ON a.id = m.agent_id
		ORDER BY v.asked`, from, to)
	list, err := scanAll(rows, err, func(r scanner) (ResponseSample, error) {
		var x ResponseSample
		err := r.Scan(&x.Asked, &x.Replied, &x.Agent)
		return x, err
	})
	if err != nil {
		return nil, fmt.Errorf("response samples: %w", err)
	}
	return list, nil
}

// firstAsked is each conversation's first visitor message.
const firstAsked = `SELECT conversation_id, min(created_at) AS asked FROM messages WHERE author = 'visitor' GROUP BY conversation_id`

// ResolutionSamples implements Stats. It reads the columns of the
// conversation states when the database has them, so that it works from
// the migration that adds them on.
func (s *store) ResolutionSamples(ctx context.Context, from, to int64) ([]ResponseSample, error) {
	if _, err := s.exec(ctx, `SELECT state, resolved_at, assignee_id FROM conversations WHERE 1 = 0`); err != nil {
		return nil, ErrNoResolution
	}
	rows, err := s.query(ctx, `SELECT v.asked, c.resolved_at, coalesce(a.name, '')
		FROM conversations c JOIN (`+firstAsked+`) v ON v.conversation_id = c.id
		LEFT JOIN agents a ON a.id = c.assignee_id
		WHERE c.state = 'resolved' AND c.resolved_at >= ? AND c.resolved_at < ?
		ORDER BY c.resolved_at`, from, to)
	list, err := scanAll(rows, err, func(r scanner) (ResponseSample, error) {
		var x ResponseSample
		err := r.Scan(&x.Asked, &x.Replied, &x.Agent)
		return x, err
	})
	if err != nil {
		return nil, fmt.Errorf("resolution samples: %w", err)
	}
	return list, nil
}
