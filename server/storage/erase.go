package storage

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Export is everything stored about one conversation (GDPR Article 15):
// the conversation, all its messages, the form submissions sent with its
// token, the visitor's ratings, what the visitor's use of the widget told
// (pre-chat details and visitor context), and the keyed hash of the
// network it was started from, if kept.
type Export struct {
	Conversation Conversation
	Visitor      VisitorInfo
	Messages     []Message
	Submissions  []Submission
	Ratings      []Rating // every resolution's, oldest first
	NetworkHash  []byte
}

// SeenConversation implements Store.
func (s *store) SeenConversation(ctx context.Context, id, now int64) error {
	if _, err := s.exec(ctx, `UPDATE conversations SET seen_at = `+s.d.greatest+`(seen_at, ?) WHERE id = ?`, now, id); err != nil {
		return fmt.Errorf("seen conversation: %w", err)
	}
	return nil
}

// EraseConversation implements Store.
func (s *store) EraseConversation(ctx context.Context, id int64) error {
	n, err := s.eraseConversations(ctx, []int64{id})
	if err == nil && n == 0 {
		err = ErrNotFound
	}
	if errors.Is(err, ErrScrubIncomplete) {
		return err
	}
	if err != nil {
		return fmt.Errorf("erase conversation %d: %w", id, err)
	}
	return nil
}

// eraseConversations deletes the conversations ids and every row that
// references them in one transaction, then scrubs (SQLite); it returns how
// many conversations there were.
func (s *store) eraseConversations(ctx context.Context, ids []int64) (int64, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	in := idList(ids)
	var n int64
	err := s.tx(ctx, func(tx runner) error {
		// Explicit deletions, not only ON DELETE CASCADE: submissions are
		// SET NULL by their foreign key, and a table without one (stream
		// leases) must go too.
		statements := append([]string{
			`DELETE FROM submissions WHERE conversation_id IN `,
			`UPDATE network_bans SET conversation_id = NULL WHERE conversation_id IN `,
			`DELETE FROM tickets WHERE conversation_id IN `,
			`DELETE FROM messages WHERE conversation_id IN `,
			`DELETE FROM conversation_networks WHERE conversation_id IN `,
			`DELETE FROM conversation_visitors WHERE conversation_id IN `,
			`DELETE FROM webhook_deliveries WHERE conversation_id IN `,
			`DELETE FROM agent_reads WHERE conversation_id IN `,
			`DELETE FROM ratings WHERE conversation_id IN `,
			`DELETE FROM mail_outbox WHERE conversation_id IN `,
			`DELETE FROM mail_log WHERE conversation_id IN `,
			`DELETE FROM restore_codes WHERE conversation_id IN `,
		}, s.d.eraseAlso...)
		for _, q := range statements {
			if _, err := tx.exec(ctx, q+in); err != nil {
				return fmt.Errorf("%s: %w", strings.Fields(q)[2], err)
			}
		}
		res, err := tx.exec(ctx, `DELETE FROM conversations WHERE id IN `+in)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, err
	}
	if n > 0 {
		if err := s.scrubFiles(ctx); err != nil {
			return n, err
		}
	}
	return n, nil
}

// scrubFiles runs the dialect's scrub: on SQLite a WAL checkpoint that
// moves the zeroed pages into the database file and truncates the WAL.
func (s *store) scrubFiles(ctx context.Context) error {
	if s.d.scrub == "" {
		return nil
	}
	var busy, logFrames, checkpointed int
	if err := s.row(ctx, s.d.scrub).Scan(&busy, &logFrames, &checkpointed); err != nil {
		return fmt.Errorf("scrub: %w", err)
	}
	if busy != 0 {
		return ErrScrubIncomplete
	}
	return nil
}

// ErrScrubIncomplete is returned with a committed erasure whose bytes may
// still be in SQLite's WAL: a reader kept the checkpoint from finishing
// within the busy timeout. The rows are gone; the next erasure, sweep or
// SQLite's own checkpoint (every 1,000 pages) moves the zeroed pages in.
var ErrScrubIncomplete = errors.New("erased; WAL checkpoint blocked by a reader")

// idList renders ids as "(1, 2, 3)": integers only, so no injection.
func idList(ids []int64) string {
	var b strings.Builder
	b.WriteByte('(')
	for i, id := range ids {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.FormatInt(id, 10))
	}
	b.WriteByte(')')
	return b.String()
}

// ExportConversation implements Store. It reads in one transaction, so
// that the parts agree.
func (s *store) ExportConversation(ctx context.Context, id int64) (Export, error) {
	var e Export
	err := s.tx(ctx, func(tx runner) error {
		var err error
		e.Conversation, err = scanConversation(tx.row(ctx, conversationSelect+`WHERE c.id = ?`, id))
		if err != nil {
			return err
		}
		if e.Visitor, err = scanVisitor(tx.row(ctx, visitorSelect, id)); err != nil {
			return err
		}
		rows, err := tx.query(ctx, messageSelect+`WHERE m.conversation_id = ? ORDER BY m.id`, id)
		if e.Messages, err = scanAll(rows, err, scanMessage); err != nil {
			return err
		}
		rows, err = tx.query(ctx, submissionSelect+`WHERE conversation_id = ? ORDER BY id`, id)
		if e.Submissions, err = scanAll(rows, err, scanSubmission); err != nil {
			return err
		}
		rows, err = tx.query(ctx, `SELECT resolved_at, score, comment, created_at FROM ratings WHERE conversation_id = ? ORDER BY resolved_at`, id)
		if e.Ratings, err = scanAll(rows, err, func(r scanner) (Rating, error) {
			x := Rating{ConversationID: id}
			return x, r.Scan(&x.Resolution, &x.Score, &x.Comment, &x.Created)
		}); err != nil {
			return err
		}
		rows, err = tx.query(ctx, `SELECT network_hash FROM conversation_networks WHERE conversation_id = ?`, id)
		hashes, err := scanAll(rows, err, func(r scanner) ([]byte, error) {
			var h []byte
			return h, r.Scan(&h)
		})
		if len(hashes) > 0 {
			e.NetworkHash = hashes[0]
		}
		return err
	})
	if err != nil {
		return Export{}, fmt.Errorf("export conversation %d: %w", id, err)
	}
	return e, nil
}
