package storage

import (
	"context"
	"fmt"
	"math"
	"time"
)

// RateLimits is what a Store shared by several instances offers so that a
// rate limit counts a client's requests on all of them: token buckets in
// the database, taken from atomically, timed by the database's clock.
type RateLimits interface {
	// Take takes one token from bucket, which holds at most burst tokens
	// and gains perSecond a second (a new bucket is full). When none is
	// left it returns false and how long until one is.
	Take(ctx context.Context, bucket string, perSecond float64, burst int) (bool, time.Duration, error)
	// SweepRateLimits forgets the buckets untouched for idle (they would
	// be full again by then).
	SweepRateLimits(ctx context.Context, idle time.Duration) error
}

var _ RateLimits = (*Postgres)(nil)

// take is one statement: the row lock of the upsert makes concurrent
// takes from any instance queue on the bucket, never both take the last
// token.
const take = `INSERT INTO rate_limits AS l (bucket, tokens, ok, at) VALUES ($1, $3::float8 - 1, true, now())
ON CONFLICT (bucket) DO UPDATE SET
	ok = least($3::float8, l.tokens + extract(epoch FROM now() - l.at) * $2::float8) >= 1,
	tokens = least($3::float8, l.tokens + extract(epoch FROM now() - l.at) * $2::float8)
		- CASE WHEN least($3::float8, l.tokens + extract(epoch FROM now() - l.at) * $2::float8) >= 1 THEN 1 ELSE 0 END,
	at = now()
RETURNING ok, tokens`

// Take implements RateLimits.
func (s *Postgres) Take(ctx context.Context, bucket string, perSecond float64, burst int) (bool, time.Duration, error) {
	var ok bool
	var tokens float64
	if err := s.pool.QueryRow(ctx, take, bucket, perSecond, float64(burst)).Scan(&ok, &tokens); err != nil {
		return false, 0, fmt.Errorf("rate limit: %w", err)
	}
	if ok {
		return true, 0, nil
	}
	wait := time.Duration(math.Ceil((1 - tokens) / perSecond * float64(time.Second)))
	return false, max(wait, time.Millisecond), nil
}

// SweepRateLimits implements RateLimits.
func (s *Postgres) SweepRateLimits(ctx context.Context, idle time.Duration) error {
	if _, err := s.exec(ctx, `DELETE FROM rate_limits WHERE at < now() - make_interval(secs => ?)`, idle.Seconds()); err != nil {
		return fmt.Errorf("sweep rate limits: %w", err)
	}
	return nil
}
