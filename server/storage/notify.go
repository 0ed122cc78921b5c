package storage

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// notifyChannel is the LISTEN/NOTIFY channel the instances share.
const notifyChannel = "crumbless_events"

// MaxNotice is the largest payload Notify takes (PostgreSQL's limit is
// 8,000 bytes).
const MaxNotice = 7900

var _ Fanout = (*Postgres)(nil)

// Notify implements Fanout with pg_notify: the notice is delivered when
// the statement commits, after the notices committed before it.
func (s *Postgres) Notify(ctx context.Context, payload []byte) error {
	if len(payload) > MaxNotice {
		return fmt.Errorf("notify: %d bytes is over %d", len(payload), MaxNotice)
	}
	if _, err := s.pool.Exec(ctx, `SELECT pg_notify($1, $2)`, notifyChannel, string(payload)); err != nil {
		return fmt.Errorf("notify: %w", err)
	}
	return nil
}

// Listen implements Fanout on a connection of its own (outside the pool,
// which could hand a LISTENing connection to someone else). It reconnects
// after 100 ms, then 200 ms… up to 5 s between tries.
func (s *Postgres) Listen(ctx context.Context, notice func(payload []byte), state func(err error)) {
	pause := 100 * time.Millisecond
	for {
		err := s.listen(ctx, notice, func() {
			pause = 100 * time.Millisecond
			state(nil)
		})
		if ctx.Err() != nil {
			return
		}
		state(err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(pause):
		}
		pause = min(2*pause, 5*time.Second)
	}
}

// listen holds one LISTEN connection until it fails or ctx ends.
func (s *Postgres) listen(ctx context.Context, notice func([]byte), listening func()) error {
	conn, err := pgx.ConnectConfig(ctx, s.pool.Config().ConnConfig.Copy())
	if err != nil {
		return fmt.Errorf("listen: connect: %w", err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, `LISTEN `+notifyChannel); err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	listening()
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			if errors.Is(err, context.Canceled) {
				return nil
			}
			return fmt.Errorf("listen: %w", err)
		}
		notice([]byte(n.Payload))
	}
}
