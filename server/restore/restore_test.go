package restore

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCodes(t *testing.T) {
	code, selector, hash := New()
	assert.Len(t, code, 32)
	assert.Equal(t, code[:8], selector)
	other, _, _ := New()
	assert.NotEqual(t, code, other)
	assert.True(t, Check(code, hash))
	assert.False(t, Check(other, hash))
	assert.False(t, Check(code, nil))

	tests := []struct {
		name, typed string
		want        string
		ok          bool
	}{
		{"as made", code, code, true},
		{"grouped", Group(code), code, true},
		{"lower case with spaces", strings.ToLower(strings.ReplaceAll(Group(code), "-", " ")), code, true},
		{"O for 0", "O" + code[1:], "0" + code[1:], true},
		{"I and L for 1", "I" + code[1:31] + "l", "1" + code[1:31] + "1", true},
		{"copied with tabs, a line break and no-break spaces", "\t" + code[:16] + "\n" + code[16:24] + "\u00a0" + code[24:] + " ", code, true},
		{"grouped with en dashes and dots", code[:4] + "\u2013" + code[4:8] + "\u2014" + code[8:12] + "." + code[12:], code, true},
		{"a whole continue link", "https://chat.example/?" + Param + "=" + code, code, true},
		{"a link's code with its query around it", "https://chat.example/shop?a=1&" + Param + "=" + Group(code), code, true},
		{"one character more in a link", "https://chat.example/?" + Param + "=" + code + "0", "", false},
		{"other punctuation", code[:16] + "/" + code[16:], "", false},
		{"too short", code[:31], "", false},
		{"too long", code + "0", "", false},
		{"not base32", "U" + code[1:], "", false},
		{"empty", "", "", false},
		{"huge", strings.Repeat("A", 1000), "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Normalize(tt.typed)
			assert.Equal(t, tt.ok, ok)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestGroup(t *testing.T) {
	assert.Equal(t, "ABCD-EFGH-JK", Group("ABCDEFGHJK"))
}
