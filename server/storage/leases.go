package storage

import (
	"context"
	"fmt"
	"time"
)

// StreamLease is one open event stream, as a Store shared by several
// instances records it.
type StreamLease struct {
	ID       string // unique
	Instance string // the instance serving it
	// Conversation is the visitor conversation the stream is for; 0 or
	// less for a stream of no conversation (agents', availability).
	Conversation int64
	Network      string // the client network's keyed hash, never its address
}

// StreamCaps are the caps LeaseStream enforces; 0 or less is none.
type StreamCaps struct {
	PerConversation int // streams per visitor conversation
	PerNetwork      int // streams per client network
	Total           int // streams in all
}

// LeaseRefusal says which cap refused a lease; LeaseGranted is none.
type LeaseRefusal int

// Lease outcomes.
const (
	LeaseGranted LeaseRefusal = iota
	LeaseConversationFull
	LeaseNetworkFull
	LeaseTotalFull
)

// StreamLeases is what a Store shared by several instances offers so that
// the caps of open streams count them on every instance.
type StreamLeases interface {
	// LeaseStream records l unless that would pass one of caps, counting
	// the leases refreshed less than lapse ago on every instance. Leases
	// of one conversation, and of one network, are taken one at a time, so
	// that concurrent leases cannot pass those caps together; the total
	// is counted without waiting, so concurrent leases may pass it by as
	// many as are being taken at that moment.
	LeaseStream(ctx context.Context, l StreamLease, caps StreamCaps, lapse time.Duration) (LeaseRefusal, error)
	// ReleaseStream removes a lease.
	ReleaseStream(ctx context.Context, id string) error
	// RefreshStreams marks instance's leases as still open and removes the
	// leases nobody refreshed for lapse.
	RefreshStreams(ctx context.Context, instance string, lapse time.Duration) error
}

var _ StreamLeases = (*Postgres)(nil)

// lockLeases and lockNetworkLeases are the first keys of the advisory
// locks that order the leases of one conversation and of one network;
// every lease takes them in that order.
const (
	lockLeases        = 7_291_004
	lockNetworkLeases = 7_291_005
)

// LeaseStream implements StreamLeases.
func (s *Postgres) LeaseStream(ctx context.Context, l StreamLease, caps StreamCaps, lapse time.Duration) (LeaseRefusal, error) {
	refused := LeaseGranted
	err := s.tx(ctx, func(tx runner) error {
		live := `seen_at >= now() - make_interval(secs => ?)`
		full := func(max int, where string, args ...any) (bool, error) {
			if max <= 0 {
				return false, nil
			}
			// Counting stops at max: enough to know.
			var n int
			err := tx.row(ctx, `SELECT count(*) FROM (SELECT 1 FROM stream_leases WHERE `+where+` AND `+live+` LIMIT ?) l`,
				append(args, lapse.Seconds(), max)...).Scan(&n)
			return n >= max, err
		}
		if l.Conversation > 0 && caps.PerConversation > 0 {
			if _, err := tx.exec(ctx, `SELECT pg_advisory_xact_lock(?, hashint8(?))`, lockLeases, l.Conversation); err != nil {
				return err
			}
			if ok, err := full(caps.PerConversation, `conversation_id = ?`, l.Conversation); err != nil || ok {
				refused = LeaseConversationFull
				return err
			}
		}
		if caps.PerNetwork > 0 {
			if _, err := tx.exec(ctx, `SELECT pg_advisory_xact_lock(?, hashtext(?))`, lockNetworkLeases, l.Network); err != nil {
				return err
			}
			if ok, err := full(caps.PerNetwork, `network = ?`, l.Network); err != nil || ok {
				refused = LeaseNetworkFull
				return err
			}
		}
		if ok, err := full(caps.Total, `true`); err != nil || ok {
			refused = LeaseTotalFull
			return err
		}
		_, err := tx.exec(ctx, `INSERT INTO stream_leases (id, conversation_id, network, instance, seen_at) VALUES (?, ?, ?, ?, now())`,
			l.ID, max(l.Conversation, 0), l.Network, l.Instance)
		return err
	})
	if err != nil {
		return LeaseGranted, fmt.Errorf("lease stream: %w", err)
	}
	return refused, nil
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
