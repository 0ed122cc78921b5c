package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// SetConversationNetwork implements Store.
func (s *store) SetConversationNetwork(ctx context.Context, conversationID int64, networkHash []byte) error {
	if _, err := s.exec(ctx, `INSERT INTO conversation_networks (conversation_id, network_hash) VALUES (?, ?)
		ON CONFLICT (conversation_id) DO UPDATE SET network_hash = excluded.network_hash`, conversationID, networkHash); err != nil {
		return fmt.Errorf("set conversation network: %w", err)
	}
	return nil
}

// BanNetwork implements Store.
func (s *store) BanNetwork(ctx context.Context, conversationID int64, reason string, now, expires int64) error {
	err := s.tx(ctx, func(tx runner) error {
		if reason == "" {
			_, err := tx.exec(ctx, `DELETE FROM network_bans WHERE conversation_id = ?
				OR network_hash = (SELECT network_hash FROM conversation_networks WHERE conversation_id = ?)`, conversationID, conversationID)
			return err
		}
		var hash []byte
		err := tx.row(ctx, `SELECT network_hash FROM conversation_networks WHERE conversation_id = ?`, conversationID).Scan(&hash)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		// Expired bans are swept here rather than by a timer.
		if _, err := tx.exec(ctx, `DELETE FROM network_bans WHERE expires_at <= ?`, now); err != nil {
			return err
		}
		_, err = tx.exec(ctx, `INSERT INTO network_bans (network_hash, reason, conversation_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (network_hash) DO UPDATE SET reason = excluded.reason, conversation_id = excluded.conversation_id,
				created_at = excluded.created_at, expires_at = excluded.expires_at`,
			hash, reason, conversationID, now, expires)
		return err
	})
	if err != nil {
		return fmt.Errorf("ban network: %w", err)
	}
	return nil
}

// NetworkBan implements Store.
func (s *store) NetworkBan(ctx context.Context, networkHash []byte, now int64) (NetworkBan, error) {
	return s.networkBan(ctx, `WHERE network_hash = ? AND expires_at > ?`, networkHash, now)
}

// ConversationNetworkBan implements Store.
func (s *store) ConversationNetworkBan(ctx context.Context, conversationID, now int64) (NetworkBan, error) {
	return s.networkBan(ctx, `WHERE network_hash = (SELECT network_hash FROM conversation_networks WHERE conversation_id = ?) AND expires_at > ?`,
		conversationID, now)
}

func (s *store) networkBan(ctx context.Context, where string, args ...any) (NetworkBan, error) {
	var b NetworkBan
	err := s.row(ctx, `SELECT reason, coalesce(conversation_id, 0), created_at, expires_at FROM network_bans `+where, args...).
		Scan(&b.Reason, &b.ConversationID, &b.Created, &b.Expires)
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return b, fmt.Errorf("network ban: %w", err)
	}
	return b, nil
}
