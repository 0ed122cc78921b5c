package storage

import (
	"context"
	"fmt"
	"time"
)

// Presence is what a Store shared by several instances offers so that the
// team counts as online when an agent is online on any of them. Times are
// the database's clock, so the instances' clocks need not agree.
type Presence interface {
	// SetPresent records that instance has an agent online (refreshing its
	// time) or, when present is false, that it has none. Rows older than
	// lapse are swept.
	SetPresent(ctx context.Context, instance string, present bool, lapse time.Duration) error
	// AnyPresent reports whether some instance recorded an agent online
	// less than lapse ago.
	AnyPresent(ctx context.Context, lapse time.Duration) (bool, error)
}

var _ Presence = (*Postgres)(nil)

// SetPresent implements Presence.
func (s *Postgres) SetPresent(ctx context.Context, instance string, present bool, lapse time.Duration) error {
	err := s.tx(ctx, func(tx runner) error {
		if _, err := tx.exec(ctx, `DELETE FROM presence WHERE seen_at < now() - make_interval(secs => ?) OR instance = ?`,
			lapse.Seconds(), instance); err != nil {
			return err
		}
		if !present {
			return nil
		}
		_, err := tx.exec(ctx, `INSERT INTO presence (instance, seen_at) VALUES (?, now())`, instance)
		return err
	})
	if err != nil {
		return fmt.Errorf("set presence: %w", err)
	}
	return nil
}

// AnyPresent implements Presence.
func (s *Postgres) AnyPresent(ctx context.Context, lapse time.Duration) (bool, error) {
	var yes bool
	if err := s.row(ctx, `SELECT EXISTS (SELECT 1 FROM presence WHERE seen_at >= now() - make_interval(secs => ?))`,
		lapse.Seconds()).Scan(&yes); err != nil {
		return false, fmt.Errorf("presence: %w", err)
	}
	return yes, nil
}
