// Package i18n holds the widget's message catalogs (JSON, one file per
// language: English compiled in, the others parsed once the panel has
// fetched them), the CLDR plural rules they need, text direction, and the
// choice of a language from what the page, the visitor and the browser ask for.
package i18n

// Plural returns the CLDR plural category of the integer n in lang: "zero",
// "one", "two", "few", "many" or "other". Languages without a rule here use
// the English one ("one" for 1, "other" otherwise).
func Plural(lang string, n int) string {
	if n < 0 {
		n = -n
	}
	switch lang {
	case "ar": // CLDR: zero 0; one 1; two 2; few n%100=3..10; many n%100=11..99
		m := n % 100
		switch {
		case n == 0:
			return "zero"
		case n == 1:
			return "one"
		case n == 2:
			return "two"
		case m >= 3 && m <= 10:
			return "few"
		case m >= 11:
			return "many"
		}
		return "other"
	default: // en, de, nl, sv: one for exactly 1 (integers only)
		if n == 1 {
			return "one"
		}
		return "other"
	}
}

// Dir returns the text direction of lang: "rtl" for Arabic, "ltr" otherwise.
func Dir(lang string) string {
	switch Base(lang) {
	case "ar", "he", "fa", "ur":
		return "rtl"
	}
	return "ltr"
}

// Languages are the tags that have a catalog, with each language's own name,
// in the order the settings offer them.
var Languages = []struct{ Tag, Name string }{
	{"en", "English"},
	{"de", "Deutsch"},
	{"nl", "Nederlands"},
	{"sv", "Svenska"},
	{"ar", "العربية"},
}

// Supported reports whether tag (already reduced to its base) has a catalog.
func Supported(tag string) bool {
	for _, l := range Languages {
		if l.Tag == tag {
			return true
		}
	}
	return false
}

// Match returns the first of the candidate BCP 47 tags whose base language
// has a catalog ("de-CH" matches "de"), or "en" when none does. Candidates
// are given in order of preference; empty ones are skipped.
func Match(candidates ...string) string {
	for _, c := range candidates {
		if b := Base(c); b != "" && Supported(b) {
			return b
		}
	}
	return "en"
}

// Base lower-cases the primary subtag of a BCP 47 tag: "pt-BR" → "pt".
func Base(tag string) string {
	end := len(tag)
	for i := 0; i < len(tag); i++ {
		if tag[i] == '-' || tag[i] == '_' {
			end = i
			break
		}
	}
	b := []byte(tag[:end])
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
