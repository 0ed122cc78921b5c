//go:build js && wasm

package i18n

import (
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

var plural = regexp.MustCompile(`\.(zero|one|two|few|many|other)$`)
var placeholder = regexp.MustCompile(`\{[a-z]+\}`)

// TestCatalogsAreComplete checks that every language translates every
// English message (plural keys: at least the "other" form) and keeps its
// placeholders.
func TestCatalogsAreComplete(t *testing.T) {
	en := Load("en")
	for _, l := range Languages {
		t.Run(l.Tag, func(t *testing.T) {
			c := Load(l.Tag)
			for key, msg := range en.messages {
				if plural.MatchString(key) {
					base := plural.ReplaceAllString(key, "")
					_, ok := c.messages[base+".other"]
					assert.True(t, ok, "%s: %s.other missing", l.Tag, base)
					continue
				}
				got, ok := c.messages[key]
				if !assert.True(t, ok, "%s: %s missing", l.Tag, key) {
					continue
				}
				assert.Equal(t, names(msg), names(got), "%s: placeholders of %s", l.Tag, key)
			}
			for key := range c.messages {
				base := plural.ReplaceAllString(key, "")
				_, plain := en.messages[base]
				_, other := en.messages[base+".other"]
				assert.True(t, plain || other, "%s: %s is not an English key", l.Tag, key)
			}
		})
	}
}

func names(msg string) []string {
	found := placeholder.FindAllString(msg, -1)
	sort.Strings(found)
	return found
}

func TestTranslate(t *testing.T) {
	en, de, ar := Load("en"), Load("de"), Load("ar")
	cases := []struct {
		name string
		got  string
		want string
	}{
		{"plain", en.T("home.title"), "Hi there"},
		{"placeholder", en.T("answers.none", "q", "zebra"), "No answer matches “zebra”."},
		{"one", en.N("home.unread", 1), "1 new message"},
		{"other", en.N("home.unread", 3), "3 new messages"},
		{"explicit zero", en.N("privacy.now", 0), "Nothing is stored right now."},
		{"grouping", en.N("chat.left", 1500), "1,500 characters left"},
		{"german", de.N("home.unread", 2), "2 neue Nachrichten"},
		{"arabic two", ar.N("home.unread", 2), "رسالتان جديدتان"},
		{"arabic few", ar.N("home.unread", 3), "3 رسائل جديدة"},
		{"arabic many", ar.N("home.unread", 11), "11 رسالة جديدة"},
		{"missing key shows itself", en.T("no.such.key"), "no.such.key"},
		{"unsupported language is english", Load("fr").T("home.title"), "Hi there"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { assert.Equal(t, c.want, c.got) })
	}
	assert.Equal(t, "rtl", ar.Dir())
	assert.True(t, strings.HasPrefix(de.T("launcher.open"), "Chat"))
}
