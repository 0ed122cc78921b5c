package answers

import (
	"strings"
	"unicode/utf8"
)

// foldFrom and foldTo map accented Latin letters (lower case) to their base
// letter, rune for rune. A table keeps golang.org/x/text out of the wasm
// runtime; it covers Latin-1 Supplement and Latin Extended-A, which is what
// the widget's languages use.
const (
	foldFrom = "àáâãäåāăąçćĉċčďđèéêëēĕėęěĝğġģĥħìíîïĩīĭįıĵķĺļľŀłñńņňŉòóôõöøōŏőŕŗřśŝşšţťŧùúûüũūŭůűųŵýÿŷźżž"
	foldTo   = "aaaaaaaaacccccddeeeeeeeeegggghhiiiiiiiiijklllllnnnnnooooooooorrrsssstttuuuuuuuuuuwyyyzzz"
)

var foldFromRunes, foldToRunes = []rune(foldFrom), []rune(foldTo)

// unaccent returns the base letter of an accented Latin lower-case letter.
// A linear search over the 90 letters: a map[rune]rune would cost the wasm
// its own map code.
func unaccent(r rune) (rune, bool) {
	if r < 0xe0 || r > 0x17e {
		return r, false
	}
	for i, from := range foldFromRunes {
		if from == r {
			return foldToRunes[i], true
		}
	}
	return r, false
}

// unifyArabic maps the Arabic letters that writers use interchangeably to
// one of them, as Arabic search engines do: alef with madda or hamza and
// alef wasla to bare alef, taa marbuta to haa, alef maqsura to yaa. It
// returns 0 for tatweel, the stroke that only stretches a word. (Tashkeel,
// the short-vowel marks, are combining marks: Fold drops them.)
func unifyArabic(r rune) rune {
	switch r {
	case 'آ', 'أ', 'إ', 'ٱ':
		return 'ا'
	case 'ة':
		return 'ه'
	case 'ى':
		return 'ي'
	case 'ـ':
		return 0
	}
	return r
}

// Fold returns s in lower case with accents removed and every run of
// non-letter, non-digit characters replaced by one space, so that "Café,
// crème" and "cafe creme" compare equal. Combining marks (as in decomposed
// input, and Arabic tashkeel) are dropped; ß, æ, œ become ss, ae, oe;
// Arabic letter variants are unified (unifyArabic).
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := true // drop leading separators
	for _, r := range s {
		if isMark(r) {
			continue
		}
		if 0x622 <= r && r <= 0x671 {
			if r = unifyArabic(r); r == 0 {
				continue
			}
		}
		r = toLower(r)
		if to, ok := unaccent(r); ok {
			r = to
		}
		switch {
		case r == 'ß':
			b.WriteString("ss")
			space = false
		case r == 'æ':
			b.WriteString("ae")
			space = false
		case r == 'œ':
			b.WriteString("oe")
			space = false
		case isWord(r):
			b.WriteRune(r)
			space = false
		case !space:
			b.WriteByte(' ')
			space = true
		}
	}
	return strings.TrimRight(b.String(), " ")
}

// foldRune folds one rune for Snippet, keeping positions: lower case,
// accents removed, Arabic letters unified, separators (and marks, and
// tatweel) become ' ' (ß, æ, œ keep their first letter).
func foldRune(r rune) rune {
	if 0x622 <= r && r <= 0x671 {
		if r = unifyArabic(r); r == 0 {
			return ' '
		}
	}
	r = toLower(r)
	if to, ok := unaccent(r); ok {
		return to
	}
	switch {
	case r == 'ß':
		return 's'
	case r == 'æ':
		return 'a'
	case r == 'œ':
		return 'o'
	case isWord(r):
		return r
	}
	return ' '
}

// terms splits a query into distinct folded words, keeping at most
// MaxTerms of them and ignoring anything past MaxQueryLength runes.
func terms(query string) []string {
	if utf8.RuneCountInString(query) > MaxQueryLength {
		query = string([]rune(query)[:MaxQueryLength])
	}
	var out []string
	for _, w := range strings.Fields(Fold(query)) {
		dup := false
		for _, seen := range out {
			if seen == w {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, w)
		}
		if len(out) == MaxTerms {
			break
		}
	}
	return out
}
