//go:build js && wasm

package i18n

import (
	"strconv"
	"strings"
	"syscall/js"
)

// English is compiled in: it is what the panel shows before anything is
// fetched, and the fallback of every other language. catalogEN is a string
// constant that internal/tools/embedgo writes from catalogs/en.json (edit
// it, then go generate): //go:embed would import embed, which imports io/fs
// and time, about 25 KB brotli. The other languages' catalogs are packed as
// files of their own (a/i18n.<lang>.<hash>.json, listed in the runtime
// list) and given to Parse once fetched, so that a visitor downloads only
// the language they read.

// Catalog translates message keys into one language. Keys missing from the
// language fall back to English, and a key missing there too is returned as
// is, so that a gap shows up instead of an empty label.
type Catalog struct {
	Lang     string   // base tag, e.g. "de"
	messages js.Value // the catalog's JSON object
	fallback *Catalog
	number   js.Value // the Intl.NumberFormat, made at the first number that needs it
}

var english *Catalog

// English returns the English catalog, parsed once, with the browser's
// JSON.parse.
func English() *Catalog {
	if english == nil {
		english = Parse("en", js.Global().Get("JSON").Call("parse", catalogEN))
	}
	return english
}

// Parse returns lang's catalog from obj, the parsed JSON object of its
// catalog file ({"key": "message", …}), which it keeps and reads from;
// members whose value is not a string count as missing. Every catalog but
// English falls back to English. It returns nil when obj is not an object.
func Parse(lang string, obj js.Value) *Catalog {
	if obj.Type() != js.TypeObject || js.Global().Get("Array").Call("isArray", obj).Bool() {
		return nil
	}
	c := &Catalog{Lang: lang, messages: obj}
	if lang != "en" {
		c.fallback = English()
	}
	return c
}

// Dir is the text direction of the catalog's language.
func (c *Catalog) Dir() string { return Dir(c.Lang) }

// Has reports whether key is translated in this language or in English.
func (c *Catalog) Has(key string) bool {
	_, ok := c.lookup(key)
	return ok
}

// T returns the message for key with {name} placeholders replaced: args are
// name, value pairs. Values are inserted as they are; callers set the result
// as text, never as markup.
func (c *Catalog) T(key string, args ...string) string {
	msg, ok := c.lookup(key)
	if !ok {
		msg = key
	}
	return fill(msg, args)
}

// N returns the plural form of key for the count n: it looks up
// key.<category> (zero, one, two, few, many, other; see Plural) and falls
// back to key.other. An explicit key.zero is used for 0 in every language
// ("Nothing is stored" reads better than "0 items"). {n} is replaced by n;
// further args as in T.
func (c *Catalog) N(key string, n int, args ...string) string {
	var msg string
	var ok bool
	if n == 0 {
		msg, ok = c.lookup(key + ".zero")
	}
	if !ok {
		msg, ok = c.lookup(key + "." + Plural(c.Lang, n))
	}
	if !ok {
		msg, ok = c.lookup(key + ".other")
	}
	if !ok {
		msg = key
	}
	return fill(msg, append(args, "n", c.Number(n)))
}

// Number formats n with the language's digits and grouping
// (Intl.NumberFormat). Counts below 1,000 in a language written with
// Latin digits need neither, and are written without Intl: creating the
// first formatter of a page loads the browser's number data, tens of
// milliseconds that the panel's first render (an unread count of 0) would
// otherwise wait on. The formatter is made once per catalog.
func (c *Catalog) Number(n int) string {
	if n >= 0 && n < 1000 && !nativeDigits(c.Lang) {
		return strconv.Itoa(n)
	}
	if c.number.IsUndefined() {
		nf := js.Global().Get("Intl").Get("NumberFormat")
		if nf.IsUndefined() {
			return strconv.Itoa(n)
		}
		c.number = nf.New(c.Lang)
	}
	return c.number.Call("format", n).String()
}

// nativeDigits reports whether CLDR writes lang's numbers with digits of
// its own by default (Arabic-Indic, Bengali, Devanagari, …).
func nativeDigits(lang string) bool {
	switch lang {
	case "ar", "as", "bn", "ckb", "dz", "fa", "ks", "mni", "mr", "my", "ne", "ps", "sat", "sd":
		return true
	}
	return false
}

func (c *Catalog) lookup(key string) (string, bool) {
	if msg := c.messages.Get(key); msg.Type() == js.TypeString {
		return msg.String(), true
	}
	if c.fallback != nil {
		return c.fallback.lookup(key)
	}
	return "", false
}

func fill(msg string, args []string) string {
	if len(args)%2 != 0 {
		panic("crumbless: i18n: odd placeholder list for " + msg)
	}
	for i := 0; i < len(args); i += 2 {
		msg = replaceAll(msg, "{"+args[i]+"}", args[i+1])
	}
	return msg
}

// replaceAll is strings.ReplaceAll for a non-empty old; strings.Replace's
// general case costs the wasm about 1 KB brotli.
func replaceAll(s, old, new string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, old)
		if i < 0 {
			break
		}
		b.WriteString(s[:i])
		b.WriteString(new)
		s = s[i+len(old):]
	}
	if b.Len() == 0 {
		return s
	}
	b.WriteString(s)
	return b.String()
}
