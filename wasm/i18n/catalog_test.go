//go:build js && wasm

package i18n

import (
	"regexp"
	"sort"
	"strings"
	"syscall/js"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crumbless/crumbless/wasm/i18n/i18ntest"
)

var plural = regexp.MustCompile(`\.(zero|one|two|few|many|other)$`)
var placeholder = regexp.MustCompile(`\{[a-z]+\}`)

// TestCatalogsAreComplete checks that every language translates every
// English message (plural keys: at least the "other" form) and keeps its
// placeholders.
func TestCatalogsAreComplete(t *testing.T) {
	en := own(English())
	for _, l := range Languages {
		t.Run(l.Tag, func(t *testing.T) {
			c := own(load(t, l.Tag))
			for key, msg := range en {
				if plural.MatchString(key) {
					base := plural.ReplaceAllString(key, "")
					_, ok := c[base+".other"]
					assert.True(t, ok, "%s: %s.other missing", l.Tag, base)
					continue
				}
				got, ok := c[key]
				if !assert.True(t, ok, "%s: %s missing", l.Tag, key) {
					continue
				}
				assert.Equal(t, names(msg), names(got), "%s: placeholders of %s", l.Tag, key)
			}
			for key := range c {
				base := plural.ReplaceAllString(key, "")
				_, plain := en[base]
				_, other := en[base+".other"]
				assert.True(t, plain || other, "%s: %s is not an English key", l.Tag, key)
			}
		})
	}
}

// own lists the messages a catalog holds itself, without its fallback.
func own(c *Catalog) map[string]string {
	out := map[string]string{}
	keys := js.Global().Get("Object").Call("keys", c.messages)
	for i := 0; i < keys.Length(); i++ {
		k := keys.Index(i).String()
		if v := c.messages.Get(k); v.Type() == js.TypeString {
			out[k] = v.String()
		}
	}
	return out
}

// load parses lang's catalog file as the widget does once it has fetched
// it (English is compiled in).
func load(t *testing.T, lang string) *Catalog {
	t.Helper()
	if lang == "en" {
		return English()
	}
	text := i18ntest.JSON(lang)
	require.NotEmpty(t, text, "no catalog file for %s", lang)
	c := Parse(lang, js.Global().Get("JSON").Call("parse", text))
	require.NotNil(t, c)
	return c
}

func names(msg string) []string {
	found := placeholder.FindAllString(msg, -1)
	sort.Strings(found)
	return found
}

func TestTranslate(t *testing.T) {
	en, de, ar := English(), load(t, "de"), load(t, "ar")
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
		{"an inherited member is no message", en.T("toString"), "toString"},
		{"untranslated key falls back to english", sparse(t).T("home.lead"), "How can we help?"},
		{"translated key", sparse(t).T("home.title"), "Hej"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { assert.Equal(t, c.want, c.got) })
	}
	assert.Equal(t, "rtl", ar.Dir())
	assert.True(t, strings.HasPrefix(de.T("launcher.open"), "Chat"))
}

// sparse is a Swedish catalog with one message, and a member that is not
// text.
func sparse(t *testing.T) *Catalog {
	c := Parse("sv", js.Global().Get("JSON").Call("parse", `{"home.title": "Hej", "home.lead": 3}`))
	require.NotNil(t, c)
	return c
}

// TestParseRefusesWhatIsNoCatalog: a catalog file must hold a JSON object.
func TestParseRefusesWhatIsNoCatalog(t *testing.T) {
	for _, text := range []string{`[]`, `"text"`, `null`, `3`} {
		t.Run(text, func(t *testing.T) {
			assert.Nil(t, Parse("sv", js.Global().Get("JSON").Call("parse", text)))
		})
	}
}

// TestNumberWritesWhatIntlWrites checks that Number, which writes small
// counts without Intl in languages with Latin digits, writes every count
// exactly as the browser's Intl.NumberFormat does in each language the
// widget ships and in one that CLDR writes with digits of its own.
func TestNumberWritesWhatIntlWrites(t *testing.T) {
	langs := []string{"en", "fa", "bn"}
	for _, l := range Languages {
		langs = append(langs, l.Tag)
	}
	for _, lang := range langs {
		t.Run(lang, func(t *testing.T) {
			c := Parse(lang, js.Global().Get("Object").New())
			for _, n := range []int{0, 1, 7, 42, 999, 1000, 12345, 1234567, -3} {
				want := js.Global().Get("Intl").Get("NumberFormat").New(lang).Call("format", n).String()
				assert.Equal(t, want, c.Number(n), "%s: %d", lang, n)
			}
		})
	}
}
