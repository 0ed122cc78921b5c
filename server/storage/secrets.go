package storage

import (
	"context"
	"fmt"
)

// Secrets is what a Store shared by several instances offers so that they
// use one server secret (the network bans' key) rather than one each.
type Secrets interface {
	// Secret returns the secret called name, storing seed as its value
	// when it has none yet: the first caller's seed wins, however many
	// instances ask at once.
	Secret(ctx context.Context, name string, seed []byte) ([]byte, error)
}

// Secret implements Secrets.
func (s *store) Secret(ctx context.Context, name string, seed []byte) ([]byte, error) {
	if _, err := s.exec(ctx, `INSERT INTO secrets (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING`, name, seed); err != nil {
		return nil, fmt.Errorf("secret %s: %w", name, err)
	}
	var v []byte
	if err := s.row(ctx, `SELECT value FROM secrets WHERE name = ?`, name).Scan(&v); err != nil {
		return nil, fmt.Errorf("secret %s: %w", name, err)
	}
	return v, nil
}

var (
	_ Secrets = (*Postgres)(nil)
	_ Secrets = (*SQLite)(nil)
)
