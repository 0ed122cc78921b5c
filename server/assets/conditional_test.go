package assets

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestNoneMatch(t *testing.T) {
	const etag = `"abc-br"`
	cases := []struct {
		name  string
		lines []string
		want  bool
	}{
		{"absent", nil, false},
		{"empty", []string{""}, false},
		{"same", []string{`"abc-br"`}, true},
		{"weak form", []string{`W/"abc-br"`}, true},
		{"other", []string{`"abc"`}, false},
		{"unquoted", []string{`abc-br`}, false},
		{"star", []string{"*"}, true},
		{"in a list", []string{`"x", "y",W/"abc-br"`}, true},
		{"comma inside a tag", []string{`"x,y", "abc-br"`}, true},
		{"list without match", []string{`"x", "y"`}, false},
		{"second header line", []string{`"x"`, `"abc-br"`}, true},
		{"malformed before a match", []string{`"x, "abc-br"`}, false},
		{"unterminated", []string{`"abc-br`}, false},
		{"prefix only", []string{`"abc"-br"`}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, noneMatch(c.lines, etag))
		})
	}
}

func TestIfRangeAllows(t *testing.T) {
	const etag = `"abc"`
	assert.True(t, ifRangeAllows(nil, etag))
	assert.True(t, ifRangeAllows([]string{`"abc"`}, etag))
	assert.False(t, ifRangeAllows([]string{`W/"abc"`}, etag), "If-Range uses the strong comparison")
	assert.False(t, ifRangeAllows([]string{`"old"`}, etag))
	assert.False(t, ifRangeAllows([]string{"Tue, 15 Nov 1994 08:12:31 GMT"}, etag))
}

func TestParseRange(t *testing.T) {
	const size = 100
	cases := []struct {
		header  string
		want    byteRange
		outcome int
	}{
		{"bytes=0-9", byteRange{0, 9}, rangeSatisfiable},
		{"bytes=10-", byteRange{10, 99}, rangeSatisfiable},
		{"bytes=-10", byteRange{90, 99}, rangeSatisfiable},
		{"bytes=-1000", byteRange{0, 99}, rangeSatisfiable},
		{"bytes=90-1000", byteRange{90, 99}, rangeSatisfiable},
		{"BYTES = 5-5", byteRange{5, 5}, rangeSatisfiable},
		{"bytes=99-99", byteRange{99, 99}, rangeSatisfiable},
		{"bytes=100-", byteRange{}, rangeUnsatisfiable},
		{"bytes=100-200", byteRange{}, rangeUnsatisfiable},
		{"bytes=-0", byteRange{}, rangeUnsatisfiable},
		{"bytes=0-1,5-6", byteRange{}, rangeIgnore},
		{"bytes=9-0", byteRange{}, rangeIgnore},
		{"bytes=a-b", byteRange{}, rangeIgnore},
		{"bytes=5", byteRange{}, rangeIgnore},
		{"bytes=", byteRange{}, rangeIgnore},
		{"items=0-1", byteRange{}, rangeIgnore},
		{"bytes=-", byteRange{}, rangeIgnore},
		{"bytes=99999999999999999999-", byteRange{}, rangeIgnore},
		{"bytes=+1-2", byteRange{}, rangeIgnore},
	}
	for _, c := range cases {
		t.Run(c.header, func(t *testing.T) {
			got, outcome := parseRange([]string{c.header}, size)
			assert.Equal(t, c.outcome, outcome)
			assert.Equal(t, c.want, got)
		})
	}
	t.Run("two header lines", func(t *testing.T) {
		_, outcome := parseRange([]string{"bytes=0-1", "bytes=2-3"}, size)
		assert.Equal(t, rangeIgnore, outcome)
	})
	t.Run("empty file", func(t *testing.T) {
		_, outcome := parseRange([]string{"bytes=0-"}, 0)
		assert.Equal(t, rangeUnsatisfiable, outcome)
	})
}
