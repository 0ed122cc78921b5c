package storage

import (
	"context"
	"fmt"
	"time"
)

// StreamLeases is what a Store shared by several instances offers so that
// the cap of open streams per conversation counts them on every instance.
type StreamLeases interface {
	// LeaseStream records stream id of instance on a conversation unless
	// max streams of it, refreshed less than lapse ago, are open already:
	// then it returns false. Concurrent leases of one conversation, from
	// any instance, are taken one at a time.
	LeaseStream(ctx context.Context, id, instance string, conversationID int64, max int, lapse time.Duration) (bool, error)
	// ReleaseStream removes a lease.
	ReleaseStream(ctx context.Context, id string) error
	// RefreshStreams marks instance's leases as still open and removes the
	// leases nobody refreshed for lapse.
	RefreshStreams(ctx context.Context, instance string, lapse time.Duration) error
}

var _ StreamLeases = (*Postgres)(nil)

// lockLeases is the first key of the advisory locks that order the leases
// of one conversation.
const lockLeases = 7_291_004

// LeaseStream implements StreamLeases.
func (s *Postgres) LeaseStream(ctx context.Context, id, instance string, conversationID int64, max int, lapse time.Duration) (bool, error) {
	ok := false
	err := s.tx(ctx, func(tx runner) error {
		if _, err := tx.exec(ctx, `SELECT pg_advisory_xact_lock(?, hashint8(?))`, lockLeases, conversationID); err != nil {
			return err
		}
		var n int
		if err := tx.row(ctx, `SELECT count(*) FROM stream_leases WHERE conversation_id = ? AND seen_at >= now() - make_interval(secs => ?)`,
			conversationID, lapse.Seconds()).Scan(&n); err != nil {
			return err
		}
		if n >= max {
			return nil
		}
		ok = true
		_, err := tx.exec(ctx, `INSERT INTO stream_leases (id, conversation_id, instance, seen_at) VALUES (?, ?, ?, now())`, id, conversationID, instance)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("lease stream: %w", err)
	}
	return ok, nil
}

// ReleaseStream implements StreamLeases.
func (s *Postgres) ReleaseStream(ctx context.Context, id string) error {
	if _, err := s.exec(ctx, `DELETE FROM stream_leases WHERE id = ?`, id); err != nil {
		return fmt.Errorf("release stream: %w", err)
	}
	return nil
}

// RefreshStreams implements StreamLeases.
func (s *Postgres) RefreshStreams(ctx context.Context, instance string, lapse time.Duration) error {
	err := s.tx(ctx, func(tx runner) error {
		if _, err := tx.exec(ctx, `UPDATE stream_leases SET seen_at = now() WHERE instance = ?`, instance); err != nil {
			return err
		}
		_, err := tx.exec(ctx, `DELETE FROM stream_leases WHERE seen_at < now() - make_interval(secs => ?)`, lapse.Seconds())
		return err
	})
	if err != nil {
		return fmt.Errorf("refresh streams: %w", err)
	}
	return nil
}
