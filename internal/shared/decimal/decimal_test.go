package decimal

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestParseInt(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"0", 0, true},
		{"7", 7, true},
		{"0042", 42, true},
		{"-15", -15, true},
		{"9223372036854775807", 1<<63 - 1, true},
		{"-9223372036854775808", -1 << 63, true},
		{"9223372036854775808", 0, false},
		{"-9223372036854775809", 0, false},
		{"99999999999999999999", 0, false},
		{"", 0, false},
		{"-", 0, false},
		{"+1", 0, false},
		{" 1", 0, false},
		{"1 ", 0, false},
		{"1.5", 0, false},
		{"1e3", 0, false},
		{"0x10", 0, false},
		{"١٢", 0, false}, // Arabic-Indic digits are not ASCII digits
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := ParseInt(tt.in)
			assert.Equal(t, tt.ok, ok)
			assert.Equal(t, tt.want, got)
		})
	}
}

// FuzzParseInt holds ParseInt to strconv's answer for plain decimal input.
func FuzzParseInt(f *testing.F) {
	for _, s := range []string{"0", "-1", "9223372036854775807", "-9223372036854775808", "12a", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := ParseInt(s)
		want, err := strconv.ParseInt(s, 10, 64)
		if len(s) > 0 && s[0] == '+' {
			err = strconv.ErrSyntax // ParseInt accepts no sign but '-'
		}
		if ok != (err == nil) || (ok && got != want) {
			t.Fatalf("ParseInt(%q) = %d, %v; strconv: %d, %v", s, got, ok, want, err)
		}
	})
}
