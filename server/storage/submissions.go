package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
)

// AddSubmission implements Store: the submission, its count in the
// statistics (the form id and language) and its webhook deliveries in one
// transaction.
func (s *store) AddSubmission(ctx context.Context, sub Submission) (Submission, bool, error) {
	fields, err := json.Marshal(sub.Fields)
	if err != nil {
		return Submission{}, false, fmt.Errorf("add submission: %w", err)
	}
	var conv any
	if sub.ConversationID != 0 {
		conv = sub.ConversationID
	}
	created := false
	var id int64
	err = s.tx(ctx, func(tx runner) error {
		err := tx.row(ctx, `INSERT INTO submissions (form_id, conversation_id, client_id, fields, created_at, lang)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (form_id, client_id) DO NOTHING RETURNING id`,
			sub.FormID, conv, sub.ClientID, string(fields), sub.Created, sub.Lang).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) { // sent before: the same fields, or a conflict
			var existing string
			err = tx.row(ctx, `SELECT id, CAST(fields AS TEXT) FROM submissions WHERE form_id = ? AND client_id = ?`,
				sub.FormID, sub.ClientID).Scan(&id, &existing)
			if err == nil && !sameJSON(existing, fields) {
				err = ErrConflict
			}
			return err
		}
		if err != nil {
			return err
		}
		created = true
		if err := countEvent(ctx, tx, sub.Created, StatForm, sub.FormID, sub.Lang); err != nil {
			return err
		}
		return queueWebhooks(ctx, tx, EventFormSubmitted, sub.ConversationID, id, sub.Created)
	})
	if err != nil {
		return Submission{}, false, fmt.Errorf("add submission: %w", err)
	}
	if created {
		s.signalQueued()
	}
	got, err := s.Submission(ctx, id)
	if err != nil {
		return Submission{}, false, fmt.Errorf("add submission: read back: %w", err)
	}
	return got, created, nil
}

// sameJSON reports whether stored fields equal marshalled ones. PostgreSQL
// stores jsonb, which prints with its own spacing, so both go through a
// map and json.Marshal (which sorts the keys).
func sameJSON(stored string, marshalled []byte) bool {
	var m map[string]string
	if err := json.Unmarshal([]byte(stored), &m); err != nil {
		return false
	}
	again, err := json.Marshal(m)
	return err == nil && string(again) == string(marshalled)
}

// Submissions implements Store.
func (s *store) Submissions(ctx context.Context, limit int) ([]Submission, error) {
	return s.submissions(ctx, `ORDER BY id DESC LIMIT ?`, limit)
}

// Submission implements Store.
func (s *store) Submission(ctx context.Context, id int64) (Submission, error) {
	got, err := s.submissions(ctx, `WHERE id = ?`, id)
	if err == nil && len(got) == 0 {
		err = ErrNotFound
	}
	if err != nil {
		return Submission{}, fmt.Errorf("submission %d: %w", id, err)
	}
	return got[0], nil
}

const submissionSelect = `SELECT id, form_id, coalesce(conversation_id, 0), client_id, CAST(fields AS TEXT), created_at, lang FROM submissions `

func (s *store) submissions(ctx context.Context, query string, args ...any) ([]Submission, error) {
	rows, err := s.query(ctx, submissionSelect+query, args...)
	list, err := scanAll(rows, err, scanSubmission)
	if err != nil {
		return nil, fmt.Errorf("submissions: %w", err)
	}
	return list, nil
}

func scanSubmission(row scanner) (Submission, error) {
	var sub Submission
	var fields string
	if err := row.Scan(&sub.ID, &sub.FormID, &sub.ConversationID, &sub.ClientID, &fields, &sub.Created, &sub.Lang); err != nil {
		return sub, err
	}
	if err := json.Unmarshal([]byte(fields), &sub.Fields); err != nil {
		return sub, fmt.Errorf("submission %d: %w", sub.ID, err)
	}
	return sub, nil
}
