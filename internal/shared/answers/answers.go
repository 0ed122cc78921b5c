// Package answers holds the help-centre content shown by the widget's
// answers view and served by GET /api/v1/answers, and the one search ranking
// both use: accent- and case-insensitive, every query word must match, and a
// match in the title outranks one in a heading, which outranks one in the
// body.
//
// It is pure Go without fmt, encoding/json or net/http because the wasm
// runtime compiles it too. Struct tags carry both `json` (server) and `js`
// (the browser: wasm/views/codec.go decodes these names, a test checks they
// agree) names.
package answers

import (
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/crumbless/crumbless/internal/shared/stablesort"
)

// Limits on queries and content.
const (
	MaxQueryLength = 200 // runes; a longer query is cut
	MaxTerms       = 8   // words of a query that count
	MaxIDLength    = 64
)

// Content is the answers.json file: {"articles":[…]}.
type Content struct {
	Articles []Article `json:"articles" js:"articles"`
}

// Article is one help article. Updated is unix milliseconds. Lang is the
// language its text is in, when the content says (see
// internal/shared/localized).
type Article struct {
	ID       string   `json:"id" js:"id"`
	Title    string   `json:"title" js:"title"`
	Headings []string `json:"headings" js:"headings"`
	Body     string   `json:"body" js:"body"`
	Updated  int64    `json:"updated" js:"updated"`
	Lang     string   `json:"lang,omitempty" js:"lang"`
}

// Weights of a query word found in each part of an article. A title match is
// worth more than any number of heading matches of the same word can add up
// to, because each word counts once, at its best place.
const (
	weightTitle   = 100
	weightHeading = 10
	weightBody    = 1
)

// Result is one ranked article.
type Result struct {
	Article Article `json:"article" js:"article"`
	Score   int     `json:"score" js:"score"`
}

// Validate reports the first problem with the content: an article without
// id or title, an id that is too long or not made of a-z, 0-9 and '-', or an
// id used twice.
func (c Content) Validate() error {
	seen := make(map[string]bool, len(c.Articles))
	for i, a := range c.Articles {
		if !ValidID(a.ID) {
			return errors.New("answers: article " + strconv.Itoa(i) + ": id " + quote(a.ID) + " must be 1-64 characters of a-z, 0-9 and -")
		}
		if seen[a.ID] {
			return errors.New("answers: article id " + quote(a.ID) + " is used twice")
		}
		seen[a.ID] = true
		if strings.TrimSpace(a.Title) == "" {
			return errors.New("answers: article " + quote(a.ID) + " has no title")
		}
	}
	return nil
}

// Find returns the article with the given id.
func (c Content) Find(id string) (Article, bool) {
	for _, a := range c.Articles {
		if a.ID == id {
			return a, true
		}
	}
	return Article{}, false
}

// Search ranks the articles that contain every word of query (after
// folding, as a substring of their folded text). Results are ordered by
// score, then by the order of the content. An empty query matches nothing.
func (c Content) Search(query string) []Result {
	words := terms(query)
	if len(words) == 0 {
		return nil
	}
	var out []Result
	for _, a := range c.Articles {
		if score := scoreArticle(a, words); score > 0 {
			out = append(out, Result{Article: a, Score: score})
		}
	}
	stablesort.Func(out, func(a, b Result) int { return b.Score - a.Score })
	return out
}

// scoreArticle sums, for each word, the weight of the best place it occurs
// in; it returns 0 when any word is missing.
func scoreArticle(a Article, words []string) int {
	title := Fold(a.Title)
	headings := make([]string, len(a.Headings))
	for i, h := range a.Headings {
		headings[i] = Fold(h)
	}
	body := Fold(a.Body)
	total := 0
	for _, w := range words {
		switch {
		case strings.Contains(title, w):
			total += weightTitle
		case containsAny(headings, w):
			total += weightHeading
		case strings.Contains(body, w):
			total += weightBody
		default:
			return 0
		}
	}
	return total
}

func containsAny(list []string, w string) bool {
	for _, s := range list {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// ValidID reports whether id is 1-64 characters of a-z, 0-9 and '-'.
func ValidID(id string) bool {
	if id == "" || len(id) > MaxIDLength {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// Snippet returns up to max runes of the body around the first place a word
// of query occurs (from the start when none does), with "…" marking cuts.
func Snippet(body, query string, max int) string {
	runes := []rune(body)
	if len(runes) <= max {
		return body
	}
	start := 0
	folded := make([]rune, len(runes))
	for i, r := range runes {
		folded[i] = foldRune(r)
	}
	for _, w := range terms(query) {
		if i := indexRunes(folded, []rune(w)); i >= 0 {
			start = i - max/4
			break
		}
	}
	if start < 0 {
		start = 0
	}
	if start+max > len(runes) {
		start = len(runes) - max
	}
	out := string(runes[start : start+max])
	if start > 0 {
		out = "…" + out
	}
	if start+max < len(runes) {
		out += "…"
	}
	return out
}

func indexRunes(s, sub []rune) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		match := true
		for j := range sub {
			if s[i+j] != sub[j] {
				match = false
				break
			}
		}
		if match {
			return i
		}
	}
	return -1
}

func quote(s string) string {
	if utf8.RuneCountInString(s) > 40 {
		s = string([]rune(s)[:40]) + "…"
	}
	return `"` + s + `"`
}
