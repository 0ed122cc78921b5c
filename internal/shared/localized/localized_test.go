package localized

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crumbless/crumbless/internal/shared/answers"
	"github.com/crumbless/crumbless/internal/shared/forms"
	"github.com/crumbless/crumbless/internal/shared/forms/regexpmatch"
)

var help = Answers{Default: "en", Articles: []Article{
	{Article: answers.Article{ID: "returns", Title: "Returns", Headings: []string{"Labels"}, Body: "Send it back.\n\nLabels\n\nPrint one."},
		Translations: map[string]ArticleText{"sv": {Title: "Returer", Headings: []string{"Etiketter"}, Body: "Skicka tillbaka.\n\nEtiketter\n\nSkriv ut en."}}},
	{Article: answers.Article{ID: "gifts", Title: "Gift boxes", Body: "Wrapped for free."}},
}}

var contact = Forms{Forms: []Form{{
	Form: forms.Form{ID: "contact", Title: "Contact us", Submit: "Send", Success: "Thanks!", Fields: []forms.Field{
		{Name: "name", Label: "Your name", Type: forms.TypeText, Required: true},
		{Name: "topic", Label: "Topic", Type: forms.TypeSelect, Options: []string{"Order", "Other"}, Help: "Pick one."},
	}},
	Translations: map[string]FormText{"sv": {Title: "Kontakta oss", Submit: "Skicka", Success: "Tack!", Fields: map[string]FieldText{
		"name": {Label: "Ditt namn"}, "topic": {Label: "Ämne", Options: []string{"Beställning", "Annat"}, Help: "Välj ett."}}}},
}}}

func TestAnswersIn(t *testing.T) {
	cases := []struct {
		lang              string
		titles, langs     []string
		firstHeading      string
		defaultInOriginal bool
	}{
		{"sv", []string{"Returer", "Gift boxes"}, []string{"sv", "en"}, "Etiketter", true},
		{"en", []string{"Returns", "Gift boxes"}, []string{"en", "en"}, "Labels", true},
		{"ar", []string{"Returns", "Gift boxes"}, []string{"en", "en"}, "Labels", true},
	}
	for _, c := range cases {
		t.Run(c.lang, func(t *testing.T) {
			got := help.In(c.lang)
			require.Len(t, got.Articles, 2)
			for i, a := range got.Articles {
				assert.Equal(t, c.titles[i], a.Title)
				assert.Equal(t, c.langs[i], a.Lang, "marked with the language its text is in")
				assert.NotNil(t, a.Headings)
			}
			assert.Equal(t, c.firstHeading, got.Articles[0].Headings[0])
			assert.Equal(t, "returns", got.Articles[0].ID)
		})
	}
	assert.Equal(t, "Returns", help.Articles[0].Title, "the source is not changed")
	assert.Equal(t, []string{"en", "sv"}, help.Languages())
}

func TestFormsIn(t *testing.T) {
	sv := contact.In("sv").Forms[0]
	assert.Equal(t, "sv", sv.Lang)
	assert.Equal(t, "Kontakta oss", sv.Title)
	assert.Equal(t, "Ditt namn", sv.Fields[0].Label)
	assert.Equal(t, []string{"Beställning", "Annat"}, sv.Fields[1].Options)
	assert.Equal(t, "Välj ett.", sv.Fields[1].Help)
	assert.Empty(t, sv.Check(map[string]string{"name": "Ana", "topic": "Annat"}), "the Swedish option is a valid answer in Swedish")
	require.Len(t, sv.Check(map[string]string{"name": "Ana", "topic": "Other"}), 1, "the English one is not")

	de := contact.In("de").Forms[0]
	assert.Equal(t, "en", de.Lang, "no German: the default, marked English")
	assert.Equal(t, "Your name", de.Fields[0].Label)
	assert.Equal(t, "Your name", contact.Forms[0].Fields[0].Label, "the source is not changed")
	assert.Equal(t, []string{"en", "sv"}, contact.Languages())
}

func TestValidate(t *testing.T) {
	withArticle := func(lang string, text ArticleText) Answers {
		return Answers{Articles: []Article{{Article: answers.Article{ID: "a", Title: "A"}, Translations: map[string]ArticleText{lang: text}}}}
	}
	withForm := func(edit func(*FormText)) Forms {
		f := contact
		f.Forms = []Form{contact.Forms[0]}
		text := contact.Forms[0].Translations["sv"]
		text.Fields = map[string]FieldText{"name": text.Fields["name"], "topic": text.Fields["topic"]}
		edit(&text)
		f.Forms[0].Translations = map[string]FormText{"sv": text}
		return f
	}
	cases := []struct {
		name string
		err  error
		want string
	}{
		{"complete answers", help.Validate(), ""},
		{"complete forms", contact.Validate(), ""},
		{"bad default", Answers{Default: "English"}.Validate(), `answers: default "English" must be a language tag`},
		{"bad tag", withArticle("sv-SE", ArticleText{Title: "T", Body: "B"}).Validate(), `answers: article "a" in "sv-SE": not a language tag`},
		{"no title", withArticle("sv", ArticleText{Body: "B"}).Validate(), `answers: article "a" in "sv": no title`},
		{"no body", withArticle("sv", ArticleText{Title: "T"}).Validate(), `answers: article "a" in "sv": no body`},
		{"default rules", Answers{Articles: []Article{{Article: answers.Article{ID: "Bad Id", Title: "x"}}}}.Validate(), `answers: article 0: id "Bad Id"`},
		{"no submit", withForm(func(x *FormText) { x.Submit = "" }).Validate(), `forms: form "contact" in "sv": no submit`},
		{"no label", withForm(func(x *FormText) { delete(x.Fields, "name") }).Validate(), `forms: form "contact" in "sv": field "name": no label`},
		{"no help", withForm(func(x *FormText) { x.Fields["topic"] = FieldText{Label: "Ämne", Options: []string{"a", "b"}} }).Validate(), `field "topic": no help`},
		{"options", withForm(func(x *FormText) { x.Fields["topic"] = FieldText{Label: "Ämne", Help: "h", Options: []string{"a"}} }).Validate(), `field "topic": 1 options, the default language has 2`},
		{"options on a text", withForm(func(x *FormText) { x.Fields["name"] = FieldText{Label: "N", Options: []string{"a"}} }).Validate(), `field "name": options, but the field has none`},
		{"unknown field", withForm(func(x *FormText) { x.Fields["age"] = FieldText{Label: "Ålder"} }).Validate(), `field "age": no such field`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.want == "" {
				assert.NoError(t, c.err)
				return
			}
			require.Error(t, c.err)
			assert.Contains(t, c.err.Error(), c.want)
		})
	}
}

func TestValidLanguage(t *testing.T) {
	for tag, want := range map[string]bool{"en": true, "sv": true, "fil": true, "e": false, "EN": false, "en-GB": false, "engl": false, "": false} {
		assert.Equal(t, want, ValidLanguage(tag), tag)
	}
}

// decodeStrict reads a sample file as the server does: no unknown fields.
func decodeStrict(t *testing.T, path string, dst any) {
	t.Helper()
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(dst))
}

// The sample content shipped in static/content loads, validates, ships
// English, Swedish and Arabic, and is searchable in each the way the demo
// promises, with or without diacritics.
func TestSampleContent(t *testing.T) {
	var a Answers
	decodeStrict(t, "../../../static/content/answers.json", &a)
	require.NoError(t, a.Validate())
	assert.Subset(t, a.Languages(), []string{"en", "sv", "ar"})
	search := func(lang, q string) []string {
		var ids []string
		for _, r := range a.In(lang).Search(q) {
			ids = append(ids, r.Article.ID)
		}
		return ids
	}
	cases := []struct{ lang, query, want string }{
		{"en", "cafe creme", "cafe-creme"},
		{"en", "DELIVERY", "shipping"},
		{"sv", "återbetalning", "returns"},
		{"sv", "aterbetalning", "returns"},
		{"sv", "läscirkel", "events"},
		{"sv", "LASCIRKEL", "events"},
		{"ar", "الإرجاع", "returns"},
		{"ar", "الارجاع", "returns"},
		{"ar", "الإرْجَاع", "returns"},
		{"ar", "حلقه القراءه", "events"},
		{"ar", "الشـحن", "shipping"},
		{"ar", "café", "cafe-creme"}, // untranslated: found in its English text
	}
	for _, c := range cases {
		t.Run(c.lang+" "+c.query, func(t *testing.T) {
			got := search(c.lang, c.query)
			require.NotEmpty(t, got)
			assert.Equal(t, c.want, got[0])
		})
	}

	forms.MatchPattern = regexpmatch.Match // as the server does
	t.Cleanup(func() { forms.MatchPattern = nil })
	var f Forms
	decodeStrict(t, "../../../static/content/forms.json", &f)
	require.NoError(t, f.Validate())
	assert.Subset(t, f.Languages(), []string{"en", "sv", "ar"})
	contact, ok := f.In("en").Find("contact")
	require.True(t, ok)
	assert.Empty(t, contact.Check(map[string]string{"name": "Ana", "email": "ana@example.com", "topic": "Order", "message": "Where is my parcel?", "consent": forms.Checked}))
	callback, ok := f.In("sv").Find("callback")
	require.True(t, ok)
	got := callback.Check(map[string]string{"name": "Bo", "phone": "+46 8 123 456 78", "when": "Kväll", "order": "ab123456"})
	require.Len(t, got, 1)
	assert.Equal(t, forms.CodePattern, got[0].Code)
}
