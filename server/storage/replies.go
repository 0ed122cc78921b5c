package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Reply is a saved reply: a named snippet every agent can insert.
type Reply struct {
	ID      int64
	Name    string
	Body    string
	Created int64
	Updated int64
}

const replySelect = `SELECT id, name, body, created_at, updated_at FROM replies `

func scanReply(r scanner) (Reply, error) {
	var p Reply
	err := r.Scan(&p.ID, &p.Name, &p.Body, &p.Created, &p.Updated)
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	return p, err
}

// Replies implements Store.
func (s *store) Replies(ctx context.Context) ([]Reply, error) {
	rows, err := s.query(ctx, replySelect+`ORDER BY name`)
	list, err := scanAll(rows, err, scanReply)
	if err != nil {
		return nil, fmt.Errorf("replies: %w", err)
	}
	return list, nil
}

// AddReply implements Store.
func (s *store) AddReply(ctx context.Context, name, body string, now int64) (Reply, error) {
	p, err := scanReply(s.row(ctx, `INSERT INTO replies (name, body, created_at, updated_at) VALUES (?, ?, ?, ?)
		RETURNING id, name, body, created_at, updated_at`, name, body, now, now))
	if err != nil && s.d.isUnique(err) {
		err = ErrConflict
	}
	if err != nil {
		return Reply{}, fmt.Errorf("add reply: %w", err)
	}
	return p, nil
}

// UpdateReply implements Store.
func (s *store) UpdateReply(ctx context.Context, id int64, name, body string, now int64) (Reply, error) {
	p, err := scanReply(s.row(ctx, `UPDATE replies SET name = ?, body = ?, updated_at = ? WHERE id = ?
		RETURNING id, name, body, created_at, updated_at`, name, body, now, id))
	if err != nil && s.d.isUnique(err) {
		err = ErrConflict
	}
	if err != nil {
		return Reply{}, fmt.Errorf("update reply %d: %w", id, err)
	}
	return p, nil
}

// DeleteReply implements Store.
func (s *store) DeleteReply(ctx context.Context, id int64) error {
	res, err := s.exec(ctx, `DELETE FROM replies WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("delete reply %d: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return fmt.Errorf("delete reply %d: %w", id, ErrNotFound)
	}
	return nil
}
