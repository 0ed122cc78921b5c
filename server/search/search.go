// Package search turns what an agent types into search terms that are
// safe to hand to SQLite FTS5 and PostgreSQL full text search, and cuts
// highlighted snippets out of the texts found.
//
// A term is a run of letters, digits and combining marks (so Arabic words
// with their vowel marks and Swedish å, ä, ö stay whole), lower-cased in
// Go; everything else the agent typed (quotes, operators such as OR, NEAR,
// *, parentheses) separates terms and is never passed through as query
// syntax. Every term matches as a prefix, and all terms must match.
package search

import (
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits of a query.
const (
	MaxQuery   = 200 // characters
	MinTerm    = 2   // characters of the longest term
	MaxTerms   = 8
	MaxPage    = 50
	MaxOffset  = 1000 // deeper pages: narrow the query instead
	SnippetLen = 160  // characters around the first hit
)

// Errors of Terms; each says what to change.
var (
	ErrEmpty    = errors.New("type at least two letters or digits")
	ErrTooLong  = errors.New("the search is longer than 200 characters")
	ErrTooBroad = errors.New("the search is too broad: use a word of at least two letters or digits")
	ErrTooMany  = errors.New("the search has more than 8 words")
)

func termRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsMark(r)
}

// split returns the runs of term runes of s, lower-cased.
func split(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !termRune(r) })
}

// Terms parses a query into at most MaxTerms distinct lower-case terms.
func Terms(q string) ([]string, error) {
	if utf8.RuneCountInString(q) > MaxQuery {
		return nil, ErrTooLong
	}
	words := split(q)
	if len(words) == 0 {
		return nil, ErrEmpty
	}
	var terms []string
	longest := 0
	seen := map[string]bool{}
	for _, w := range words {
		if seen[w] {
			continue
		}
		seen[w] = true
		terms = append(terms, w)
		longest = max(longest, utf8.RuneCountInString(w))
	}
	if len(terms) > MaxTerms {
		return nil, ErrTooMany
	}
	if longest < MinTerm {
		return nil, ErrTooBroad
	}
	return terms, nil
}

// FTS5 renders terms as an SQLite FTS5 query: each a quoted prefix, all
// required. Terms hold no quotes, so the quoting cannot be broken.
func FTS5(terms []string) string {
	parts := make([]string, len(terms))
	for i, t := range terms {
		parts[i] = `"` + t + `"*`
	}
	return strings.Join(parts, " AND ")
}

// TSQuery renders terms as a PostgreSQL to_tsquery argument: each a
// quoted prefix, all required. Terms hold no quotes or backslashes.
func TSQuery(terms []string) string {
	parts := make([]string, len(terms))
	for i, t := range terms {
		parts[i] = `'` + t + `':*`
	}
	return strings.Join(parts, " & ")
}

// Segment is a piece of a snippet; Hit marks a piece that matched a term.
type Segment struct {
	Text string `json:"text"`
	Hit  bool   `json:"hit,omitempty"`
}

// Snippet cuts up to about SnippetLen characters of text around its first
// hit and splits them into segments, the words that begin with a term
// marked. "…" marks text left out at either end.
func Snippet(text string, terms []string) []Segment {
	text = strings.Join(strings.Fields(text), " ")
	type span struct{ start, end int } // byte offsets of a hit word
	var hits []span
	for i := 0; i < len(text); {
		r, n := utf8.DecodeRuneInString(text[i:])
		if !termRune(r) {
			i += n
			continue
		}
		j := i
		for j < len(text) {
			r, n := utf8.DecodeRuneInString(text[j:])
			if !termRune(r) {
				break
			}
			j += n
		}
		word := strings.ToLower(text[i:j])
		for _, t := range terms {
			if strings.HasPrefix(word, t) {
				hits = append(hits, span{i, j})
				break
			}
		}
		i = j
	}
	from, to := 0, len(text)
	if utf8.RuneCountInString(text) > SnippetLen {
		first := 0
		if len(hits) > 0 {
			first = hits[0].start
		}
		from = back(text, first, SnippetLen/4)
		to = forward(text, from, SnippetLen)
	}
	var out []Segment
	if from > 0 {
		out = append(out, Segment{Text: "…"})
	}
	at := from
	for _, h := range hits {
		if h.end <= from || h.start >= to {
			continue
		}
		start, end := max(h.start, from), min(h.end, to)
		if start > at {
			out = append(out, Segment{Text: text[at:start]})
		}
		out = append(out, Segment{Text: text[start:end], Hit: true})
		at = end
	}
	if at < to {
		out = append(out, Segment{Text: text[at:to]})
	}
	if to < len(text) {
		out = append(out, Segment{Text: "…"})
	}
	return out
}

// back returns the byte offset n characters before i, moved forward to
// the start of a word when one begins within that stretch.
func back(s string, i, n int) int {
	j := i
	for k := 0; k < n && j > 0; k++ {
		_, size := utf8.DecodeLastRuneInString(s[:j])
		j -= size
	}
	if j == 0 {
		return 0
	}
	if sp := strings.IndexByte(s[j:i], ' '); sp >= 0 {
		return j + sp + 1
	}
	return j
}

// forward returns the byte offset n characters after i.
func forward(s string, i, n int) int {
	for k := 0; k < n && i < len(s); k++ {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return i
}
