package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Retention says how long data is kept; SweepRetention applies it.
type Retention struct {
	// Conversations: a conversation neither updated (a message) nor seen
	// (its visitor's token used) for longer is erased, as are form
	// submissions older than this. 0 keeps them until erased.
	Conversations time.Duration
	// Networks: the keyed network hash of a conversation started longer
	// ago is dropped unless a network ban in force uses it (DefaultNetworks
	// when 0). Expired network bans are dropped too.
	Networks time.Duration
	// Stats: statistics (stat_counts) of a UTC day that ended longer
	// ago are deleted; 0 keeps them. The words of the searches that found
	// nothing, which a visitor typed, go with the conversations: when
	// Conversations is set and shorter, they are deleted after it.
	Stats time.Duration
	// Every is the sweep's period (DefaultSweepEvery when 0): the
	// instances sharing a database sweep once per period between them.
	Every time.Duration
}

// Retention defaults.
const (
	DefaultNetworks   = 30 * 24 * time.Hour
	DefaultSweepEvery = time.Hour
)

// Swept counts what a sweep deleted.
type Swept struct {
	Conversations, Submissions, Networks, NetworkBans int64
	Stats                                             int64 // rows of stat_counts
}

// sweepBatch is how many conversations one transaction of a sweep erases,
// so that a first sweep over years of data stays within the database's
// statement timeout.
const sweepBatch = 500

// SweepRetention implements Store. The period is claimed on a lease row
// (sweeps) with one conditional UPDATE: on PostgreSQL the row lock makes a
// concurrent claim from another instance wait and then find the period
// taken, so exactly one instance sweeps each period. A failed sweep gives
// its period back.
func (s *store) SweepRetention(ctx context.Context, p Retention, now int64) (Swept, bool, error) {
	if p.Networks <= 0 {
		p.Networks = DefaultNetworks
	}
	if p.Every <= 0 {
		p.Every = DefaultSweepEvery
	}
	ok, err := s.claimSweep(ctx, "retention", now, now+p.Every.Milliseconds())
	if err != nil || !ok {
		return Swept{}, false, err
	}
	swept, err := s.sweep(ctx, p, now)
	if err != nil {
		if _, rerr := s.exec(ctx, `UPDATE sweeps SET next_at = ? WHERE name = ?`, now, "retention"); rerr != nil {
			err = errors.Join(err, rerr)
		}
		return swept, true, fmt.Errorf("retention sweep: %w", err)
	}
	return swept, true, nil
}

// claimSweep takes the period of sweep name that holds now, ending at next;
// false when a run took it already.
func (s *store) claimSweep(ctx context.Context, name string, now, next int64) (bool, error) {
	var got int64
	err := s.tx(ctx, func(tx runner) error {
		if _, err := tx.exec(ctx, `INSERT INTO sweeps (name, next_at) VALUES (?, 0) ON CONFLICT (name) DO NOTHING`, name); err != nil {
			return err
		}
		return tx.row(ctx, `UPDATE sweeps SET next_at = ? WHERE name = ? AND next_at <= ? RETURNING next_at`, next, name, now).Scan(&got)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("claim sweep %s: %w", name, err)
	}
	return true, nil
}

func (s *store) sweep(ctx context.Context, p Retention, now int64) (Swept, error) {
	var out Swept
	if p.Conversations > 0 {
		cutoff := now - p.Conversations.Milliseconds()
		for {
			rows, err := s.query(ctx, `SELECT id FROM conversations WHERE updated_at < ? AND seen_at < ? ORDER BY id LIMIT ?`, cutoff, cutoff, sweepBatch)
			ids, err := scanAll(rows, err, func(r scanner) (int64, error) {
				var id int64
				return id, r.Scan(&id)
			})
			if err != nil {
				return out, fmt.Errorf("stale conversations: %w", err)
			}
			n, err := s.eraseConversations(ctx, ids)
			out.Conversations += n
			if err != nil && !errors.Is(err, ErrScrubIncomplete) {
				return out, err
			}
			if len(ids) < sweepBatch {
				break
			}
		}
		res, err := s.exec(ctx, `DELETE FROM submissions WHERE created_at < ?`, cutoff)
		if err != nil {
			return out, fmt.Errorf("old submissions: %w", err)
		}
		out.Submissions, _ = res.RowsAffected()
	}
	res, err := s.exec(ctx, `DELETE FROM network_bans WHERE expires_at <= ?`, now)
	if err != nil {
		return out, fmt.Errorf("expired network bans: %w", err)
	}
	out.NetworkBans, _ = res.RowsAffected()
	res, err = s.exec(ctx, `DELETE FROM conversation_networks
		WHERE conversation_id IN (SELECT id FROM conversations WHERE created_at < ?)
		AND network_hash NOT IN (SELECT network_hash FROM network_bans)`, now-p.Networks.Milliseconds())
	if err != nil {
		return out, fmt.Errorf("old network hashes: %w", err)
	}
	out.Networks, _ = res.RowsAffected()
	if out.Stats, err = s.sweepStats(ctx, p, now); err != nil {
		return out, err
	}
	if out.Submissions+out.Networks+out.NetworkBans+out.Stats > 0 {
		if err := s.scrubFiles(ctx); err != nil && !errors.Is(err, ErrScrubIncomplete) {
			return out, err
		}
	}
	return out, nil
}

// sweepStats deletes the statistics of the days before now-p.Stats, and
// the searches that found nothing (their words) of the days before
// now-p.Conversations when that is sooner. A day is kept while any of it
// is within the retention.
func (s *store) sweepStats(ctx context.Context, p Retention, now int64) (int64, error) {
	var n int64
	if p.Stats > 0 {
		res, err := s.exec(ctx, `DELETE FROM stat_counts WHERE day < ?`, statDay(now-p.Stats.Milliseconds()))
		if err != nil {
			return 0, fmt.Errorf("old statistics: %w", err)
		}
		n, _ = res.RowsAffected()
	}
	if p.Conversations > 0 && (p.Stats <= 0 || p.Conversations < p.Stats) {
		res, err := s.exec(ctx, `DELETE FROM stat_counts WHERE kind = ? AND day < ?`, StatNoHit, statDay(now-p.Conversations.Milliseconds()))
		if err != nil {
			return n, fmt.Errorf("old searches' words: %w", err)
		}
		m, _ := res.RowsAffected()
		n += m
	}
	return n, nil
}
