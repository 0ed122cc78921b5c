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
	"github.com/crumbless/crumbless/internal/shared/localized"
	"github.com/crumbless/crumbless/server/storage"
)

// The server checks form patterns with Go's regexp; internal/shared/forms leaves
// the matcher unset so that the wasm runtime does not carry regexp.
func init() { forms.MatchPattern = regexpmatch.Match }

// LoadContent reads answers.json and forms.json, with their translations
// (internal/shared/localized), from dir. A missing file yields the
// fallback's content (the sample content shipped in the binary); a file
// that is present but broken is an error.
func LoadContent(dir string, fallbackAnswers, fallbackForms []byte) (localized.Answers, localized.Forms, error) {
	var a localized.Answers
	var f localized.Forms
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

// library is the content resolved into each of its languages once, at
// start; a language it lacks gets the default language's.
type library struct {
	answers                map[string]answers.Content
	forms                  map[string]forms.Content
	answersLang, formsLang string // the defaults
}

func newLibrary(a localized.Answers, f localized.Forms) *library {
	l := &library{answers: map[string]answers.Content{}, forms: map[string]forms.Content{}, answersLang: a.Lang(), formsLang: f.Lang()}
	for _, lang := range a.Languages() {
		l.answers[lang] = a.In(lang)
	}
	for _, lang := range f.Languages() {
		l.forms[lang] = f.In(lang)
	}
	return l
}

func (l *library) answersIn(lang string) answers.Content {
	if c, ok := l.answers[lang]; ok {
		return c
	}
	return l.answers[l.answersLang]
}

func (l *library) formsIn(lang string) forms.Content {
	if c, ok := l.forms[lang]; ok {
		return c
	}
	return l.forms[l.formsLang]
}

// language reads the language a request asks for: a BCP 47 tag whose
// primary subtag counts ("sv-SE" is "sv"); "" when it names none.
func language(tag string) (string, error) {
	base, _, _ := strings.Cut(strings.TrimSpace(tag), "-")
	base = strings.ToLower(base)
	if base == "" {
		return "", nil
	}
	if !localized.ValidLanguage(base) {
		return "", &Error{Code: CodeInvalid, Message: "lang must be a language tag such as \"sv\".", Fields: map[string]string{"lang": "Not a language tag."}}
	}
	return base, nil
}

// requestLanguage is the language of ?lang=.
func requestLanguage(r *http.Request) (string, error) {
	return language(r.URL.Query().Get("lang"))
}

type answerResult struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Snippet string `json:"snippet"`
	Score   int    `json:"score"`
	Updated int64  `json:"updated"`
	Lang    string `json:"lang"` // the language of the title and snippet
}

// searchAnswers ranks the articles in ?lang= for ?q= with the widget's
// own ranking (internal/shared/answers); without q it lists every article.
func (s *Server) searchAnswers(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query().Get("q")
	if len(q) > 4*answers.MaxQueryLength || !utf8.ValidString(q) {
		s.writeError(w, r, &Error{Code: CodeInvalid, Message: "q must be at most 200 characters.", Fields: map[string]string{"q": "Too long."}})
		return
	}
	lang, err := requestLanguage(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	content := s.content.answersIn(lang)
	out := []answerResult{}
	if strings.TrimSpace(q) == "" {
		for _, a := range content.Articles {
			out = append(out, answerResult{ID: a.ID, Title: a.Title, Snippet: answers.Snippet(a.Body, "", 160), Updated: a.Updated, Lang: a.Lang})
		}
	} else {
		for _, res := range content.Search(q) {
			a := res.Article
			out = append(out, answerResult{ID: a.ID, Title: a.Title, Snippet: answers.Snippet(a.Body, q, 160), Score: res.Score, Updated: a.Updated, Lang: a.Lang})
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"query": q, "results": out})
}

func (s *Server) getAnswer(w http.ResponseWriter, r *http.Request) {
	lang, err := requestLanguage(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	a, ok := s.content.answersIn(lang).Find(r.PathValue("id"))
	if !ok {
		s.writeError(w, r, errorf(CodeNotFound, "No such article."))
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"article": a})
}

func (s *Server) listForms(w http.ResponseWriter, r *http.Request) {
	lang, err := requestLanguage(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.content.formsIn(lang))
}

func (s *Server) getForm(w http.ResponseWriter, r *http.Request) {
	lang, err := requestLanguage(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	f, ok := s.content.formsIn(lang).Find(r.PathValue("id"))
	if !ok {
		s.writeError(w, r, errorf(CodeNotFound, "No such form."))
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"form": f})
}

type submitRequest struct {
	ID     string            `json:"id"` // client-generated, makes retries idempotent
	Fields map[string]string `json:"fields"`
	Lang   string            `json:"lang"` // the language the form was shown in
}

// submitForm validates a submission with internal/shared/forms (the widget's own
// rules) against the form in the language it was shown in (its labels and
// options), and stores it with that language. A visitor token is optional:
// with one, the submission is linked to the conversation (and refused when
// banned).
func (s *Server) submitForm(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.content.formsIn("").Find(r.PathValue("id")); !ok {
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
	lang, err := language(req.Lang)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	f, _ := s.content.formsIn(lang).Find(r.PathValue("id"))
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
		FormID: f.ID, ConversationID: conversation, ClientID: req.ID, Fields: f.Clean(req.Fields), Created: s.nowMS(), Lang: f.Lang,
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
