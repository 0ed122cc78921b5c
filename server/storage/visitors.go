package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// VisitorInfo is what the visitor's own use of the widget tells about them,
// kept with their conversation and erased and exported with it: the
// pre-chat name and email, when the site asks for them, and the visitor
// context the widget sends while the chat is open and only after the
// visitor wrote. Never a user agent, an address or a fingerprint.
type VisitorInfo struct {
	Name, Email    string
	Start          Page // where the chat started
	VisitorContext      // the latest the widget sent
	Updated        int64
}

// Page is a page of the site: its path (no query string) and title.
type Page struct {
	Path, Title string
}

// VisitorContext is what the widget sends about where the visitor is: the page,
// the widget's language, the visitor's time zone (an IANA name or a UTC
// offset) and the widget's version.
type VisitorContext struct {
	Page
	Lang, Zone, Version string
}

// Empty reports whether nothing is known about the visitor.
func (v VisitorInfo) Empty() bool { return v == VisitorInfo{} }

// SetVisitorDetails implements Store.
func (s *store) SetVisitorDetails(ctx context.Context, id int64, name, email string, now int64) error {
	_, err := s.exec(ctx, `INSERT INTO conversation_visitors (conversation_id, name, email, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (conversation_id) DO UPDATE SET name = excluded.name, email = excluded.email, updated_at = excluded.updated_at`,
		id, name, email, now)
	if err != nil {
		return fmt.Errorf("visitor details %d: %w", id, s.missing(err))
	}
	return nil
}

// SetVisitorContext implements Store: the first context a conversation
// gets is also where it started.
func (s *store) SetVisitorContext(ctx context.Context, id int64, c VisitorContext, now int64) error {
	_, err := s.exec(ctx, `INSERT INTO conversation_visitors
		(conversation_id, start_path, start_title, path, title, lang, zone, version, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (conversation_id) DO UPDATE SET
		start_path = CASE WHEN conversation_visitors.start_path = '' THEN excluded.start_path ELSE conversation_visitors.start_path END,
		start_title = CASE WHEN conversation_visitors.start_path = '' THEN excluded.start_title ELSE conversation_visitors.start_title END,
		path = excluded.path, title = excluded.title, lang = excluded.lang, zone = excluded.zone,
		version = excluded.version, updated_at = excluded.updated_at`,
		id, c.Path, c.Title, c.Path, c.Title, c.Lang, c.Zone, c.Version, now)
	if err != nil {
		return fmt.Errorf("visitor context %d: %w", id, s.missing(err))
	}
	return nil
}

// missing turns the foreign key's refusal (the conversation was erased
// meanwhile) into ErrNotFound.
func (s *store) missing(err error) error {
	if s.d.isForeignKey(err) {
		return ErrNotFound
	}
	return err
}

const visitorSelect = `SELECT name, email, start_path, start_title, path, title, lang, zone, version, updated_at
	FROM conversation_visitors WHERE conversation_id = ?`

func scanVisitor(row scanner) (VisitorInfo, error) {
	var v VisitorInfo
	err := row.Scan(&v.Name, &v.Email, &v.Start.Path, &v.Start.Title, &v.Path, &v.Title, &v.Lang, &v.Zone, &v.Version, &v.Updated)
	if errors.Is(err, sql.ErrNoRows) {
		return VisitorInfo{}, nil
	}
	return v, err
}

// VisitorInfo implements Store.
func (s *store) VisitorInfo(ctx context.Context, id int64) (VisitorInfo, error) {
	v, err := scanVisitor(s.row(ctx, visitorSelect, id))
	if err != nil {
		return VisitorInfo{}, fmt.Errorf("visitor %d: %w", id, err)
	}
	return v, nil
}
