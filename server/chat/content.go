package chat

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/crumbless/crumbless/internal/shared/answers"
	"github.com/crumbless/crumbless/internal/shared/forms"
	"github.com/crumbless/crumbless/internal/shared/forms/regexpmatch"
	"github.com/crumbless/crumbless/server/storage"
)

// The server checks form patterns with Go's regexp; internal/shared/forms leaves
// the matcher unset so that the wasm runtime does not carry regexp.
func init() { forms.MatchPattern = regexpmatch.Match }

// LoadContent reads answers.json and forms.json from dir. A missing file
// yields the fallback's content (the sample content shipped in the binary);
// a file that is present but broken is an error.
func LoadContent(dir string, fallbackAnswers, fallbackForms []byte) (answers.Content, forms.Content, error) {
	var a answers.Content
	var f forms.Content
	if err := loadJSON(filepath.Join(dir, "answers.json"), fallbackAnswers, &a); err != nil {
		return a, f, err
	}
	if err := a.Validate(); err != nil {
		return a, f, err
	}
	if err := loadJSON(filepath.Join(dir, "forms.json"), fallbackForms, &f); err != nil {
		return a, f, err
	}
	if err := f.Validate(); err != nil {
		return a, f, err
	}
	return a, f, nil
}

func loadJSON(path string, fallback []byte, dst any) error {
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		raw = fallback
	} else if err != nil {
		return fmt.Errorf("content: %w", err)
	}
	if err := decodeBytes(raw, dst); err != nil {
		return fmt.Errorf("content %s: %w", filepath.Base(path), err)
	}
	return nil
}

type answerResult struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Snippet string `json:"snippet"`
	Score   int    `json:"score"`
	Updated int64  `json:"updated"`
}

// searchAnswers ranks the articles for ?q= with the widget's own ranking
// (internal/shared/answers); without q it lists every article.
func (s *Server) searchAnswers(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query().Get("q")
	if len(q) > 4*answers.MaxQueryLength || !utf8.ValidString(q) {
		s.writeError(w, r, &Error{Code: CodeInvalid, Message: "q must be at most 200 characters.", Fields: map[string]string{"q": "Too long."}})
		return
	}
	out := []answerResult{}
	if strings.TrimSpace(q) == "" {
		for _, a := range s.answers.Articles {
			out = append(out, answerResult{ID: a.ID, Title: a.Title, Snippet: answers.Snippet(a.Body, "", 160), Updated: a.Updated})
		}
	} else {
		for _, res := range s.answers.Search(q) {
			a := res.Article
			out = append(out, answerResult{ID: a.ID, Title: a.Title, Snippet: answers.Snippet(a.Body, q, 160), Score: res.Score, Updated: a.Updated})
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"query": q, "results": out})
}

func (s *Server) getAnswer(w http.ResponseWriter, r *http.Request) {
	a, ok := s.answers.Find(r.PathValue("id"))
	if !ok {
		s.writeError(w, r, errorf(CodeNotFound, "No such article."))
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"article": a})
}

func (s *Server) listForms(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, s.forms)
}

func (s *Server) getForm(w http.ResponseWriter, r *http.Request) {
	f, ok := s.forms.Find(r.PathValue("id"))
	if !ok {
		s.writeError(w, r, errorf(CodeNotFound, "No such form."))
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"form": f})
}

type submitRequest struct {
	ID     string            `json:"id"` // client-generated, makes retries idempotent
	Fields map[string]string `json:"fields"`
}

// submitForm validates a submission with internal/shared/forms (the widget's own
// rules) and stores it. A visitor token is optional: with one, the
// submission is linked to the conversation (and refused when banned).
func (s *Server) submitForm(w http.ResponseWriter, r *http.Request) {
	f, ok := s.forms.Find(r.PathValue("id"))
	if !ok {
		s.writeError(w, r, errorf(CodeNotFound, "No such form."))
		return
	}
	var conversation int64
	if r.Header.Get("Authorization") != "" {
		c, err := s.visitor(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		conversation = c.ID
	}
	if ok, wait := s.messageLimit.allow("f"+clientKey(r), s.now()); !ok {
		s.writeError(w, r, &Error{Code: CodeRateLimited, Message: "Too many submissions; try again later.", RetryAfter: wait})
		return
	}
	var req submitRequest
	if err := decode(w, r, bodyForm, &req, false); err != nil {
		s.writeError(w, r, err)
		return
	}
	if !validClientID(req.ID) {
		s.writeError(w, r, &Error{Code: CodeInvalid, Message: "id must be 1-64 characters of A-Z, a-z, 0-9, - and _.", Fields: map[string]string{"id": "Invalid id."}})
		return
	}
	if problems := f.Check(req.Fields); len(problems) > 0 {
		fields := make(map[string]string, len(problems))
		for _, p := range problems {
			name := p.Field
			if name == "" {
				name = "_"
			}
			fields[name] = p.Message
		}
		s.writeError(w, r, &Error{Code: CodeInvalid, Message: "Some fields need attention.", Fields: fields})
		return
	}
	sub, created, err := s.store.AddSubmission(r.Context(), storage.Submission{
		FormID: f.ID, ConversationID: conversation, ClientID: req.ID, Fields: f.Clean(req.Fields), Created: s.nowMS(),
	})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	st := http.StatusOK
	if created {
		st = http.StatusCreated
		s.hub.publish(event{Name: "submission", ToAgents: true, Data: mustJSON(toSubmissionJSON(sub))})
	}
	writeJSON(w, st, map[string]any{"submission": map[string]any{"id": sub.ID, "form": sub.FormID, "created": sub.Created}, "success": f.Success})
}
