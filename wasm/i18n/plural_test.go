package i18n

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestPlural(t *testing.T) {
	cases := []struct {
		lang string
		n    int
		want string
	}{
		{"en", 0, "other"}, {"en", 1, "one"}, {"en", 2, "other"}, {"de", 1, "one"}, {"sv", 5, "other"},
		{"nl", 1, "one"}, {"xx", 1, "one"},
		{"ar", 0, "zero"}, {"ar", 1, "one"}, {"ar", 2, "two"}, {"ar", 3, "few"}, {"ar", 10, "few"},
		{"ar", 11, "many"}, {"ar", 99, "many"}, {"ar", 100, "other"}, {"ar", 102, "other"},
		{"ar", 103, "few"}, {"ar", 111, "many"},
	}
	for _, c := range cases {
		t.Run(c.lang+"/"+strconv.Itoa(c.n), func(t *testing.T) {
			assert.Equal(t, c.want, Plural(c.lang, c.n))
		})
	}
}

func TestMatch(t *testing.T) {
	cases := []struct {
		name string
		in   []string
		want string
	}{
		{"first supported wins", []string{"fr-FR", "de-CH", "en"}, "de"},
		{"case and underscore", []string{"AR_EG"}, "ar"},
		{"empty skipped", []string{"", "sv"}, "sv"},
		{"nothing supported", []string{"fr", "ja"}, "en"},
		{"no candidates", nil, "en"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { assert.Equal(t, c.want, Match(c.in...)) })
	}
}

func TestDir(t *testing.T) {
	assert.Equal(t, "rtl", Dir("ar"))
	assert.Equal(t, "rtl", Dir("ar-EG"))
	assert.Equal(t, "ltr", Dir("de"))
	assert.Equal(t, "ltr", Dir(""))
}
