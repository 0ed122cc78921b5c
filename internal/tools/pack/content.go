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
	if raw, ok := staged[answersName]; ok {
		var c localized.Answers
		if err := decodeStrict(raw, &c); err != nil {
			return fmt.Errorf("%s: %w", answersName, err)
		}
		if err := c.Validate(); err != nil {
			return fmt.Errorf("%s: %w", answersName, err)
		}
		for i, lang := range c.Languages() {
			if err := putJSON(staged, answersName, lang, i == 0, c.In(lang)); err != nil {
				return err
			}
		}
	}
	if raw, ok := staged[formsName]; ok {
		var c localized.Forms
		if err := decodeStrict(raw, &c); err != nil {
			return fmt.Errorf("%s: %w", formsName, err)
		}
		if err := c.Validate(); err != nil {
			return fmt.Errorf("%s: %w", formsName, err)
		}
		for i, lang := range c.Languages() {
			if err := putJSON(staged, formsName, lang, i == 0, c.In(lang)); err != nil {
				return err
			}
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
