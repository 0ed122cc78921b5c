package storage

import (
	"context"
	"fmt"

	"github.com/crumbless/crumbless/server/search"
)

// SearchHit is a message or form submission whose text matched a search.
type SearchHit struct {
	Kind           string // Visitor, Agent, Invite or "form"
	Ref            int64  // the message or submission id
	ConversationID int64  // 0 for a submission sent without a conversation
	Created        int64
	Text           string // the message body, or the submission's field values
}

// searchSQL is how a dialect searches: match renders the terms, and query
// takes the match (count times), limit and offset, newest first.
type searchSQL struct {
	match func(terms []string) string
	query string
	count int
}

func init() {
	sqliteDialect.search = searchSQL{
		match: search.FTS5,
		query: `SELECT kind, ref, conversation_id, created, text FROM search_index
			WHERE search_index MATCH ? ORDER BY created DESC, rowid DESC LIMIT ? OFFSET ?`,
		count: 1,
	}
	postgresDialect.search = searchSQL{
		match: search.TSQuery,
		query: `SELECT kind, ref, conversation_id, created, text FROM (
			SELECT m.author AS kind, m.id AS ref, m.conversation_id, m.created_at AS created, m.body AS text, 0 AS sub
			FROM messages m WHERE m.search @@ to_tsquery('simple', ?)
			UNION ALL
			SELECT 'form', s.id, coalesce(s.conversation_id, 0), s.created_at,
				(SELECT coalesce(string_agg(value, ' '), '') FROM jsonb_each_text(s.fields)), 1
			FROM submissions s WHERE s.search @@ to_tsquery('simple', ?)
		) x ORDER BY created DESC, sub DESC, ref DESC LIMIT ? OFFSET ?`,
		count: 2,
	}
}

// Search implements Store: the messages and form submissions whose text
// holds every term (as a word prefix), newest first.
func (s *store) Search(ctx context.Context, terms []string, offset, limit int) ([]SearchHit, error) {
	if len(terms) == 0 {
		return nil, nil
	}
	match := s.d.search.match(terms)
	args := make([]any, 0, s.d.search.count+2)
	for range s.d.search.count {
		args = append(args, match)
	}
	rows, err := s.query(ctx, s.d.search.query, append(args, limit, offset)...)
	hits, err := scanAll(rows, err, func(r scanner) (SearchHit, error) {
		var h SearchHit
		return h, r.Scan(&h.Kind, &h.Ref, &h.ConversationID, &h.Created, &h.Text)
	})
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	return hits, nil
}
