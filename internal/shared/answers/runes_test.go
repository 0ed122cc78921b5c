package answers

import (
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"
)

// TestRuneClassesAgreeWithUnicode: on every rune of the blocks the widget's
// languages and their visitors use, the small classes give what package
// unicode gives.
func TestRuneClassesAgreeWithUnicode(t *testing.T) {
	blocks := []struct {
		name     string
		from, to rune
	}{
		{"Basic Latin", 0x0, 0x7f},
		{"Latin-1 Supplement", 0x80, 0xff},
		{"Latin Extended-A", 0x100, 0x17f},
		{"Combining Diacritical Marks", 0x300, 0x36f},
		{"Greek", 0x370, 0x3ff},
		{"Cyrillic", 0x400, 0x4ff},
		{"Hebrew", 0x590, 0x5ff},
		{"Arabic", 0x600, 0x6ff},
		{"General Punctuation", 0x2000, 0x206f},
		{"Currency Symbols", 0x20a0, 0x20cf},
		{"CJK Symbols and Punctuation", 0x3000, 0x303f},
		{"Hiragana and Katakana", 0x3040, 0x30ff},
		{"CJK Unified Ideographs", 0x4e00, 0x9fff},
		{"Hangul Syllables", 0xac00, 0xd7a3},
		{"Halfwidth and Fullwidth Forms", 0xff00, 0xffef},
		{"Emoticons", 0x1f600, 0x1f64f},
	}
	for _, b := range blocks {
		t.Run(b.name, func(t *testing.T) {
			for r := b.from; r <= b.to; r++ {
				if !unicode.IsPrint(r) && !unicode.Is(unicode.Mn, r) && !unicode.IsSpace(r) {
					continue // unassigned and control code points: nobody types them
				}
				if !assert.Equal(t, unicode.Is(unicode.Mn, r), isMark(r), "isMark(%U %q)", r, r) ||
					!assert.Equal(t, unicode.IsLetter(r) || unicode.IsDigit(r), isWord(r), "isWord(%U %q)", r, r) ||
					!assert.Equal(t, unicode.ToLower(r), toLower(r), "toLower(%U %q)", r, r) {
					return
				}
			}
		})
	}
}
