//go:build js && wasm

package views

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Content as the pack tool writes it: answers.json in the default language,
// answers.sv.json in Swedish with the untranslated article in English.
const (
	answersEN = `{"articles":[
 {"id":"returns","title":"Returns","headings":[],"body":"Send it back.","updated":1,"lang":"en"},
 {"id":"gifts","title":"Gift boxes","headings":[],"body":"Wrapped for free.","updated":1,"lang":"en"}]}`
	answersSV = `{"articles":[
 {"id":"returns","title":"Returer","headings":[],"body":"Skicka tillbaka.","updated":1,"lang":"sv"},
 {"id":"gifts","title":"Gift boxes","headings":[],"body":"Wrapped for free.","updated":1,"lang":"en"}]}`
)

// contentLibrary is a library whose manifest lists files at blob URLs.
func contentLibrary(t *testing.T, files map[string]string) *library {
	l := newLibrary("", "", "manifest.json")
	m := l.answers.index
	m.once.Do(func() {}) // listed here, not fetched
	m.paths = map[string]string{}
	for name, text := range files {
		m.paths[name] = blobURL(t, text)
	}
	return l
}

// titles gets the answers in the library's language and lists their
// titles and languages.
func titles(t *testing.T, l *library) []string {
	t.Helper()
	done := make(chan struct{}, 1)
	l.answers.get(func() { done <- struct{}{} })
	<-done
	require.NoError(t, l.answers.err)
	var out []string
	for _, a := range l.answers.value.Articles {
		out = append(out, a.Title+"/"+a.Lang)
	}
	return out
}

// TestContentFollowsTheLanguage: the library fetches the file of the
// panel's language, the default language's when the content has none, and
// the new language's when the panel switches, even mid-fetch.
func TestContentFollowsTheLanguage(t *testing.T) {
	l := contentLibrary(t, map[string]string{"answers.json": answersEN, "answers.sv.json": answersSV})
	l.setLang("sv")
	assert.Equal(t, []string{"Returer/sv", "Gift boxes/en"}, titles(t, l))
	l.setLang("ar")
	assert.Equal(t, []string{"Returns/en", "Gift boxes/en"}, titles(t, l), "no Arabic file: the default language's")

	l.setLang("en")
	done := make(chan struct{}, 1)
	l.answers.get(func() { done <- struct{}{} }) // an English fetch under way…
	l.setLang("sv")                              // …when the visitor picks Swedish
	<-done
	require.True(t, l.answers.loaded)
	assert.Equal(t, "Returer", l.answers.value.Articles[0].Title, "the content of the language now shown")
}

// TestContentMarkedWithItsLanguage: in a Swedish panel, the translated
// article's texts say sv and the untranslated one's say en, in the list
// and in the article; the panel's own texts carry no content language.
func TestContentMarkedWithItsLanguage(t *testing.T) {
	clearStorage(t)
	f := mount(t, true, Options{Lang: "sv", AnswersURL: blobURL(t, answersSV), FormsURL: blobURL(t, sampleForms)})
	require.True(t, f.p.Navigate("answers"))
	eventually(t, func() bool { return len(f.all(".results .row")) == 2 }, "both articles listed")
	rows := f.all(".results .row-text")
	assert.Equal(t, "sv", rows[0].Call("getAttribute", "lang").String())
	assert.Equal(t, "en", rows[1].Call("getAttribute", "lang").String())

	require.True(t, f.p.Navigate("answers/gifts"))
	eventually(t, func() bool { return f.q(".article-h").Truthy() }, "the article")
	assert.Equal(t, "en", f.q(".article-h").Call("getAttribute", "lang").String())
	assert.Equal(t, "en", f.q(".prose").Call("getAttribute", "lang").String())
	assert.True(t, f.q(".still h3").Call("getAttribute", "lang").IsNull(), "a catalog text: the panel's language")
}
