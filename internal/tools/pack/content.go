package main

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/crumbless/crumbless/internal/shared/forms"
	"github.com/crumbless/crumbless/internal/shared/forms/regexpmatch"
	"github.com/crumbless/crumbless/internal/shared/localized"
)

// The content files with translations (answers.json, forms.json) are
// packed one language per file, so that the widget fetches only its own:
// answers.json holds the default language's content and answers.<lang>.json
// each translated language's (untranslated items in the default language,
// marked with it). The widget looks up answers.<lang>.json in the manifest
// and takes answers.json when there is none.
const (
	answersName = "answers.json"
	formsName   = "forms.json"
)

// splitContent replaces the staged answers.json and forms.json, when
// there, with their per-language files. It fails on content the server
// would refuse.
func splitContent(staged map[string][]byte) error {
	forms.MatchPattern = regexpmatch.Match // check patterns as the server does
	if err := split[localized.Answers](staged, answersName); err != nil {
		return err
	}
	return split[localized.Forms](staged, formsName)
}

// translated is a content file with translations (localized.Answers,
// localized.Forms) that resolves into one language's content of type T.
type translated[T any] interface {
	Validate() error
	Languages() []string
	In(lang string) T
}

// split replaces the staged file name, when there, with its files per
// language.
func split[C translated[T], T any](staged map[string][]byte, name string) error {
	raw, ok := staged[name]
	if !ok {
		return nil
	}
	var c C
	if err := decodeStrict(raw, &c); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if err := c.Validate(); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	for i, lang := range c.Languages() {
		if err := putJSON(staged, name, lang, i == 0, c.In(lang)); err != nil {
			return err
		}
	}
	return nil
}

// putJSON stages v as name's file for lang: under name itself for the
// default language, as name.<lang>.json for the others.
func putJSON(staged map[string][]byte, name, lang string, isDefault bool, v any) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("%s in %s: %w", name, lang, err)
	}
	out := bytes.TrimSuffix(b.Bytes(), []byte("\n"))
	if isDefault {
		staged[name] = out
		return nil
	}
	staged[localizedName(name, lang)] = out
	return nil
}

// localizedName is name's file for lang: answers.json → answers.sv.json.
func localizedName(name, lang string) string {
	return name[:len(name)-len(".json")] + "." + lang + ".json"
}

func decodeStrict(raw []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}
