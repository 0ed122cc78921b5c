// Package textrule is the one rule for text people send through Crumbless —
// visitor and agent chat messages and form fields — so that a message
// cannot impersonate someone or hide what it says: valid UTF-8 without
// control characters (C0 and C1, except newline, carriage return before a
// newline, and tab), without the bidirectional overrides and isolates
// (U+202A–U+202E, U+2066–U+2069) that reorder what a reader sees, and
// without the zero-width characters used to disguise words and links.
//
// The server applies it to everything it stores and is the authority; the
// widget applies it to form fields before sending (through
// internal/shared/forms). It imports only unicode/utf8, so that the widget
// can afford it.
package textrule

import "unicode/utf8"

// Problem says what is wrong with a text; the zero value means nothing.
type Problem int

// The problems Check finds, in the order it looks for them.
const (
	OK        Problem = iota
	BadUTF8           // not valid UTF-8
	Control           // a C0 or C1 control character, DEL, or a lone carriage return
	Bidi              // a bidirectional embedding, override or isolate control
	ZeroWidth         // an invisible character that can disguise a word
)

// String names the problem for logs and tests.
func (p Problem) String() string {
	switch p {
	case OK:
		return "ok"
	case BadUTF8:
		return "invalid UTF-8"
	case Control:
		return "control character"
	case Bidi:
		return "bidirectional control"
	case ZeroWidth:
		return "zero-width character"
	}
	return "unknown"
}

// Check returns the first problem of s and the byte offset where it is;
// OK when s follows the rule.
//
// Zero-width joiner and non-joiner (U+200D, U+200C) are allowed between two
// characters outside ASCII, where emoji sequences and scripts such as
// Persian or Devanagari need them, and refused next to ASCII or at either
// end, where they only split a word invisibly ("pay\u200cpal").
func Check(s string) (Problem, int) {
	prev := rune(-1) // the rune before, -1 at the start
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size <= 1 {
			return BadUTF8, i
		}
		switch {
		case r == '\t' || r == '\n':
		case r == '\r':
			if i+1 >= len(s) || s[i+1] != '\n' {
				return Control, i
			}
		case r < 0x20 || 0x7f <= r && r <= 0x9f:
			return Control, i
		case 0x202a <= r && r <= 0x202e || 0x2066 <= r && r <= 0x2069:
			return Bidi, i
		case invisible(r):
			return ZeroWidth, i
		case r == 0x200c || r == 0x200d:
			next, _ := utf8.DecodeRuneInString(s[i+size:])
			if prev < 0x80 || i+size >= len(s) || next < 0x80 || next == utf8.RuneError {
				return ZeroWidth, i
			}
		}
		prev = r
		i += size
	}
	return OK, 0
}

// Valid reports whether s follows the rule.
func Valid(s string) bool {
	p, _ := Check(s)
	return p == OK
}

// invisible reports the zero-width and invisible format characters that
// have no place in a chat message or a form field: zero width space, word
// joiner, the invisible mathematical operators, the byte order mark used
// as a zero width no-break space, the Mongolian vowel separator and the
// interlinear annotation controls.
func invisible(r rune) bool {
	switch {
	case r == 0x200b, r == 0x180e, r == 0xfeff:
		return true
	case 0x2060 <= r && r <= 0x2064:
		return true
	case 0xfff9 <= r && r <= 0xfffb:
		return true
	}
	return false
}
