// Package locale translates the operator console: its catalogs in en, sv,
// nl, de and ar, with the widget's plural rules, text direction and
// language matching (wasm/i18n). It is plain Go; its tests run on the host.
package locale

import (
	"strings"

	"github.com/crumbless/crumbless/wasm/i18n"
)

// Locale translates into one language.
type Locale struct {
	Lang string // a supported base tag: en, sv, nl, de or ar
}

// New returns the locale of the first candidate tag with a catalog ("de-CH"
// → de), English when none has one.
func New(candidates ...string) Locale {
	return Locale{Lang: i18n.Match(candidates...)}
}

// Dir is "rtl" for Arabic, "ltr" otherwise.
func (l Locale) Dir() string { return i18n.Dir(l.Lang) }

// T returns the message for key with {name} placeholders filled from args
// (name, value pairs). A key missing in the language falls back to
// English, and one missing there too is returned as it is.
func (l Locale) T(key string, args ...string) string {
	msg, ok := catalogs[l.Lang][key]
	if !ok {
		msg, ok = catalogs["en"][key]
	}
	if !ok {
		msg = key
	}
	for i := 0; i+1 < len(args); i += 2 {
		msg = strings.ReplaceAll(msg, "{"+args[i]+"}", args[i+1])
	}
	return msg
}

// N returns key's plural form for n (key.one, key.few, … by the CLDR rule
// of the language, else key.other), with {n} filled in.
func (l Locale) N(key string, n int, args ...string) string {
	k := key + "." + i18n.Plural(l.Lang, n)
	if _, ok := catalogs[l.Lang][k]; !ok {
		k = key + ".other"
	}
	return l.T(k, append(args, "n", itoa(n))...)
}

// Languages are the console's languages with their own names.
func Languages() []struct{ Tag, Name string } { return i18n.Languages }

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	neg := n < 0
	if neg {
		n = -n
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}
