package search

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestTerms(t *testing.T) {
	for _, c := range []struct {
		q    string
		want []string
		err  error
	}{
		{"Äppeltårta", []string{"äppeltårta"}, nil},
		{"  hej HEJ där ", []string{"hej", "där"}, nil},
		{"مرحبا بالعالم", []string{"مرحبا", "بالعالم"}, nil},
		{"إِلْغَاء", []string{"إِلْغَاء"}, nil}, // vowel marks stay in the word
		{`foo OR`, []string{"foo", "or"}, nil},
		{`"quoted" NEAR(a b)`, []string{"quoted", "near", "a", "b"}, nil},
		{`x' & !y:* | z`, nil, ErrTooBroad},
		{"order') OR 1=1 --", []string{"order", "or", "1"}, nil},
		{"", nil, ErrEmpty},
		{"*", nil, ErrEmpty},
		{`"" () ^ -`, nil, ErrEmpty},
		{"a", nil, ErrTooBroad},
		{"a b c", nil, ErrTooBroad},
		{strings.Repeat("a", 201), nil, ErrTooLong},
		{strings.Repeat("ö", 200), []string{strings.Repeat("ö", 200)}, nil},
		{"a1 b2 c3 d4 e5 f6 g7 h8 i9", nil, ErrTooMany},
	} {
		t.Run(c.q, func(t *testing.T) {
			got, err := Terms(c.q)
			assert.ErrorIs(t, err, c.err)
			assert.Equal(t, c.want, got)
		})
	}
}

func TestQueries(t *testing.T) {
	assert.Equal(t, `"hej"* AND "där"*`, FTS5([]string{"hej", "där"}))
	assert.Equal(t, `'hej':* & 'där':*`, TSQuery([]string{"hej", "där"}))
}

func TestSnippet(t *testing.T) {
	long := strings.Repeat("lorem ipsum ", 30) + "Göteborgs hamn " + strings.Repeat("dolor sit ", 30)
	for _, c := range []struct {
		name  string
		text  string
		terms []string
		want  []Segment
	}{
		{"short", "Hej Åsa, hej!", []string{"hej"}, []Segment{{Text: "Hej", Hit: true}, {Text: " Åsa, "}, {Text: "hej", Hit: true}, {Text: "!"}}},
		{"prefix marks the whole word", "Äppeltårtan", []string{"äpp"}, []Segment{{Text: "Äppeltårtan", Hit: true}}},
		{"not inside a word", "kaffe", []string{"ffe"}, []Segment{{Text: "kaffe"}}},
		{"Arabic", "أريد إلغاء طلبي", []string{"طلب"}, []Segment{{Text: "أريد إلغاء "}, {Text: "طلبي", Hit: true}}},
		{"spaces collapse", "a\n\n  b", []string{"b"}, []Segment{{Text: "a "}, {Text: "b", Hit: true}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, Snippet(c.text, c.terms))
		})
	}
	t.Run("long text is cut around the first hit", func(t *testing.T) {
		got := Snippet(long, []string{"göteborg"})
		assert.Equal(t, Segment{Text: "…"}, got[0])
		assert.Equal(t, Segment{Text: "…"}, got[len(got)-1])
		var hits []string
		n := 0
		for _, s := range got {
			n += len([]rune(s.Text))
			if s.Hit {
				hits = append(hits, s.Text)
			}
		}
		assert.Equal(t, []string{"Göteborgs"}, hits)
		assert.LessOrEqual(t, n, SnippetLen+2)
		assert.True(t, strings.HasPrefix(got[1].Text, "lorem") || strings.HasPrefix(got[1].Text, "ipsum"), "starts at a word: %q", got[1].Text)
	})
}
