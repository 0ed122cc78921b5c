package textrule

import (
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestCheck(t *testing.T) {
	cases := []struct {
		name string
		in   string
		want Problem
		at   int
	}{
		{"empty", "", OK, 0},
		{"plain", "Hello, where is my order?", OK, 0},
		{"newline and tab", "line one\n\tline two", OK, 0},
		{"crlf", "one\r\ntwo", OK, 0},
		{"lone cr", "one\rtwo", Control, 3},
		{"cr at end", "one\r", Control, 3},
		{"nul", "a\x00b", Control, 1},
		{"escape", "\x1b[31mred", Control, 0},
		{"del", "a\x7f", Control, 1},
		{"c1 next line", "a\u0085b", Control, 1},
		{"c1 csi", "\u009b31m", Control, 0},
		{"bad utf8", "a\xffb", BadUTF8, 1},
		{"surrogate half", "a\xed\xa0\x80", BadUTF8, 1},
		{"rlo", "invoice\u202Efdp.exe", Bidi, 7},
		{"lre", "\u202Ax", Bidi, 0},
		{"pdf", "x\u202C", Bidi, 1},
		{"rli", "a\u2067b", Bidi, 1},
		{"pdi", "a\u2069", Bidi, 1},
		{"zwsp", "pay\u200Bpal", ZeroWidth, 3},
		{"word joiner", "a\u2060b", ZeroWidth, 1},
		{"bom", "\uFEFFhello", ZeroWidth, 0},
		{"mongolian vowel separator", "a\u180Eb", ZeroWidth, 1},
		{"invisible times", "a\u2062b", ZeroWidth, 1},
		{"zwnj in latin", "pay\u200Cpal", ZeroWidth, 3},
		{"zwj in latin", "pay\u200Dpal", ZeroWidth, 3},
		{"zwj at start", "\u200D😀", ZeroWidth, 0},
		{"zwj at end", "😀\u200D", ZeroWidth, 4},
		{"emoji family", "👨\u200D👩\u200D👧", OK, 0},
		{"persian zwnj", "می\u200Cخواهم", OK, 0},
		{"arabic", "مرحبا بك", OK, 0},
		{"bidi marks stay", "abc \u200F123\u200E", OK, 0},
		{"hebrew and latin", "שלום world", OK, 0},
		{"cjk", "你好，世界", OK, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, at := Check(c.in)
			if got != c.want || (got != OK && at != c.at) {
				t.Errorf("Check(%q) = %v at %d, want %v at %d", c.in, got, at, c.want, c.at)
			}
			if Valid(c.in) != (c.want == OK) {
				t.Errorf("Valid(%q) = %v, want %v", c.in, !(c.want == OK), c.want == OK)
			}
		})
	}
}

// FuzzCheck holds the rule against an independent statement of it: text
// that passes has no rune of the refused classes, and a refusal points at
// such a rune.
func FuzzCheck(f *testing.F) {
	for _, s := range []string{"hello", "a\u202Eb", "👨\u200D👩", "pay\u200Cpal", "one\r\ntwo", "\x00", "\xff", "می\u200Cخواهم"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, at := Check(s)
		if p == OK {
			if !utf8.ValidString(s) {
				t.Fatalf("%q passed but is not UTF-8", s)
			}
			runes := []rune(s)
			for i, r := range runes {
				switch {
				case unicode.IsControl(r) && r != '\n' && r != '\t' && !(r == '\r' && i+1 < len(runes) && runes[i+1] == '\n'):
					t.Fatalf("%q passed with control %U", s, r)
				case 0x202a <= r && r <= 0x202e || 0x2066 <= r && r <= 0x2069:
					t.Fatalf("%q passed with bidi control %U", s, r)
				case r == 0x200b || r == 0xfeff || r == 0x2060:
					t.Fatalf("%q passed with zero-width %U", s, r)
				case r == 0x200c || r == 0x200d:
					if i == 0 || i == len(runes)-1 || runes[i-1] < 0x80 || runes[i+1] < 0x80 {
						t.Fatalf("%q passed with a joiner next to ASCII or at an end", s)
					}
				}
			}
			return
		}
		if at < 0 || at >= len(s) {
			t.Fatalf("Check(%q) = %v at %d: offset outside the text", s, p, at)
		}
		if p != BadUTF8 {
			r, _ := utf8.DecodeRuneInString(s[at:])
			if r < 0x20 || (0x7f <= r && r <= 0x9f) || (0x2000 <= r && r <= 0x206f) || r == 0xfeff || r == 0x180e || (0xfff9 <= r && r <= 0xfffb) {
				return
			}
			t.Fatalf("Check(%q) = %v at %d, where the rune %U is allowed", s, p, at, r)
		}
		if utf8.ValidString(s) {
			t.Fatalf("Check(%q) = BadUTF8 for valid UTF-8", s)
		}
	})
}
