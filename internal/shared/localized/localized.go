// Package localized reads the content files with per-language variants —
// answers.json and forms.json, each text in a default language plus
// "translations" — and resolves one language's content from them: the
// translation where there is one, the default language's text where there
// is not, and every article and form marked with the language its text is
// in. The server serves that per request (?lang=) and the pack tool writes
// one file per language, so the widget fetches only its own language.
//
// Content without "default" or "translations" is one language, English:
// the format before translations existed reads unchanged.
package localized

import (
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/crumbless/crumbless/internal/shared/answers"
	"github.com/crumbless/crumbless/internal/shared/forms"
)

// DefaultLanguage is the default of content that names none.
const DefaultLanguage = "en"

// Answers is answers.json with its translations.
type Answers struct {
	Default  string    `json:"default,omitempty"` // the language of the articles' own texts
	Articles []Article `json:"articles"`
}

// Article is an article in the default language and its translations,
// keyed by language tag.
type Article struct {
	answers.Article
	Translations map[string]ArticleText `json:"translations,omitempty"`
}

// ArticleText is an article's text in one language. A translated article
// has its own title and body; headings are the body's section titles, as
// in the default text.
type ArticleText struct {
	Title    string   `json:"title"`
	Headings []string `json:"headings,omitempty"`
	Body     string   `json:"body"`
}

// Forms is forms.json with its translations.
type Forms struct {
	Default string `json:"default,omitempty"`
	Forms   []Form `json:"forms"`
}

// Form is a form in the default language and its translations.
type Form struct {
	forms.Form
	Translations map[string]FormText `json:"translations,omitempty"`
}

// FormText is a form's texts in one language: every text the default
// language has, and each field's by field name. Options translate
// position by position, so a select has as many in every language; the
// value submitted is the option as shown in the submission's language.
type FormText struct {
	Title   string               `json:"title"`
	Intro   string               `json:"intro,omitempty"`
	Submit  string               `json:"submit,omitempty"`
	Success string               `json:"success,omitempty"`
	Fields  map[string]FieldText `json:"fields,omitempty"`
}

// FieldText is a field's texts in one language.
type FieldText struct {
	Label   string   `json:"label"`
	Help    string   `json:"help,omitempty"`
	Options []string `json:"options,omitempty"`
}

// ValidLanguage reports whether tag is a primary language subtag: two or
// three lower-case letters ("en", "sv", "ar").
func ValidLanguage(tag string) bool {
	if len(tag) < 2 || len(tag) > 3 {
		return false
	}
	for i := 0; i < len(tag); i++ {
		if tag[i] < 'a' || tag[i] > 'z' {
			return false
		}
	}
	return true
}

// Lang is the language of the default texts.
func (c Answers) Lang() string { return orDefault(c.Default) }

// Lang is the language of the default texts.
func (c Forms) Lang() string { return orDefault(c.Default) }

func orDefault(lang string) string {
	if lang == "" {
		return DefaultLanguage
	}
	return lang
}

// Languages lists the default language first, then every language some
// article is translated into, sorted.
func (c Answers) Languages() []string {
	var langs []string
	for _, a := range c.Articles {
		for lang := range a.Translations {
			langs = append(langs, lang)
		}
	}
	return languages(c.Lang(), langs)
}

// Languages lists the default language first, then every language some
// form is translated into, sorted.
func (c Forms) Languages() []string {
	var langs []string
	for _, f := range c.Forms {
		for lang := range f.Translations {
			langs = append(langs, lang)
		}
	}
	return languages(c.Lang(), langs)
}

func languages(def string, more []string) []string {
	slices.Sort(more)
	more = slices.Compact(more)
	out := []string{def}
	for _, l := range more {
		if l != def {
			out = append(out, l)
		}
	}
	return out
}

// In is the content in lang: each article's translation into lang, or its
// default text; Lang says which.
func (c Answers) In(lang string) answers.Content {
	out := answers.Content{Articles: make([]answers.Article, len(c.Articles))}
	for i, a := range c.Articles {
		r := a.Article
		r.Lang = c.Lang()
		if t, ok := a.Translations[lang]; ok && lang != c.Lang() {
			r.Title, r.Headings, r.Body, r.Lang = t.Title, t.Headings, t.Body, lang
		}
		if r.Headings == nil {
			r.Headings = []string{}
		}
		out.Articles[i] = r
	}
	return out
}

// In is the content in lang: each form's translation into lang, or its
// default texts; Lang says which.
func (c Forms) In(lang string) forms.Content {
	out := forms.Content{Forms: make([]forms.Form, len(c.Forms))}
	for i, f := range c.Forms {
		r := f.Form
		r.Lang = c.Lang()
		r.Fields = slices.Clone(f.Fields)
		if t, ok := f.Translations[lang]; ok && lang != c.Lang() {
			r.Lang = lang
			r.Title = t.Title
			r.Intro = or(t.Intro, r.Intro)
			r.Submit = or(t.Submit, r.Submit)
			r.Success = or(t.Success, r.Success)
			for j, fd := range r.Fields {
				ft := t.Fields[fd.Name]
				r.Fields[j].Label = ft.Label
				r.Fields[j].Help = or(ft.Help, fd.Help)
				if len(ft.Options) > 0 {
					r.Fields[j].Options = ft.Options
				}
			}
		}
		out.Forms[i] = r
	}
	return out
}

// or is a, or b when a is empty (Validate makes sure a translation has
// every text the default has, so b is only ever an empty text).
func or(a, b string) string {
	if a == "" {
		return b
	}
	return a
}

// Validate checks the default content (answers.Content.Validate) and every
// translation: a valid language tag, a title and a body.
func (c Answers) Validate() error {
	if c.Default != "" && !ValidLanguage(c.Default) {
		return errors.New("answers: default " + strconv.Quote(c.Default) + " must be a language tag such as \"en\"")
	}
	if err := c.In(c.Lang()).Validate(); err != nil {
		return err
	}
	for _, a := range c.Articles {
		for _, lang := range sortedKeys(a.Translations) {
			t := a.Translations[lang]
			where := "answers: article " + strconv.Quote(a.ID) + " in " + strconv.Quote(lang) + ": "
			switch {
			case !ValidLanguage(lang):
				return errors.New(where + "not a language tag such as \"sv\"")
			case strings.TrimSpace(t.Title) == "":
				return errors.New(where + "no title")
			case strings.TrimSpace(t.Body) == "":
				return errors.New(where + "no body")
			}
		}
	}
	return nil
}

// Validate checks the default forms (forms.Content.Validate) and every
// translation: a valid language tag and, for each text the default
// language has, its translation — a title, a submit label, a success
// text, an intro, and each field's label, help and as many options.
func (c Forms) Validate() error {
	if c.Default != "" && !ValidLanguage(c.Default) {
		return errors.New("forms: default " + strconv.Quote(c.Default) + " must be a language tag such as \"en\"")
	}
	if err := c.In(c.Lang()).Validate(); err != nil {
		return err
	}
	for _, f := range c.Forms {
		for _, lang := range sortedKeys(f.Translations) {
			if err := f.validateText(lang, f.Translations[lang]); err != nil {
				return errors.New("forms: form " + strconv.Quote(f.ID) + " in " + strconv.Quote(lang) + ": " + err.Error())
			}
		}
	}
	return nil
}

func (f Form) validateText(lang string, t FormText) error {
	if !ValidLanguage(lang) {
		return errors.New("not a language tag such as \"sv\"")
	}
	texts := []struct{ name, def, text string }{
		{"title", f.Title, t.Title}, {"intro", f.Intro, t.Intro}, {"submit", f.Submit, t.Submit}, {"success", f.Success, t.Success},
	}
	for _, x := range texts {
		if strings.TrimSpace(x.def) != "" && strings.TrimSpace(x.text) == "" {
			return errors.New("no " + x.name)
		}
	}
	known := map[string]bool{}
	for _, fd := range f.Fields {
		known[fd.Name] = true
		ft, ok := t.Fields[fd.Name]
		switch {
		case !ok || strings.TrimSpace(ft.Label) == "":
			return errors.New("field " + strconv.Quote(fd.Name) + ": no label")
		case strings.TrimSpace(fd.Help) != "" && strings.TrimSpace(ft.Help) == "":
			return errors.New("field " + strconv.Quote(fd.Name) + ": no help")
		case len(fd.Options) > 0 && len(ft.Options) != len(fd.Options):
			return errors.New("field " + strconv.Quote(fd.Name) + ": " + strconv.Itoa(len(ft.Options)) + " options, the default language has " + strconv.Itoa(len(fd.Options)))
		case len(fd.Options) == 0 && len(ft.Options) > 0:
			return errors.New("field " + strconv.Quote(fd.Name) + ": options, but the field has none")
		}
	}
	for _, name := range sortedKeys(t.Fields) {
		if !known[name] {
			return errors.New("field " + strconv.Quote(name) + ": no such field")
		}
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
