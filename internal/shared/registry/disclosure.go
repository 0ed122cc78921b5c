package registry

import (
	"strconv"
	"strings"
)

// Entry is one row of the disclosure: a key as the visitor's browser shows it
// (with its prefix), what it is for and how long it lives. The same rows are
// returned by crumbless('disclosure'), served as GET /disclosure.json and
// printed in docs/privacy.md, so the three cannot disagree.
type Entry struct {
	Key      string `json:"key" js:"key"`           // prefixed name, e.g. "crumbless-theme"
	Area     string `json:"area" js:"area"`         // "local" or "session"
	Purpose  string `json:"purpose" js:"purpose"`   // one sentence a visitor understands
	Category string `json:"category" js:"category"` // "strictly-necessary" or "functional"
	TTL      int64  `json:"ttl" js:"ttl"`           // seconds; 0 = until the tab closes
	Renewed  bool   `json:"renewed" js:"renewed"`   // lifetime restarts on activity
	Lifetime string `json:"lifetime" js:"lifetime"` // TTL in words
	Written  string `json:"written" js:"written"`   // when the widget writes it
}

// Disclosure returns one Entry per declared key, in registry order, with key
// names carrying prefix (DefaultPrefix when prefix is empty).
func Disclosure(prefix string) []Entry {
	if prefix == "" {
		prefix = DefaultPrefix
	}
	out := make([]Entry, len(Keys))
	for i, k := range Keys {
		out[i] = Entry{
			Key:      prefix + k.Name,
			Area:     k.Area,
			Purpose:  k.Purpose,
			Category: k.Category,
			TTL:      int64(k.TTL / Second),
			Renewed:  k.Renewed,
			Lifetime: Lifetime(k),
			Written:  k.Written,
		}
	}
	return out
}

// Lifetime describes how long k lives, in words: "365 days", "30 days,
// renewed on activity", "until the tab closes".
func Lifetime(k Key) string {
	if k.TTL <= 0 {
		return "until the tab closes"
	}
	var s string
	switch {
	case k.TTL%day == 0:
		s = plural(int64(k.TTL/day), "day")
	case k.TTL%Hour == 0:
		s = plural(int64(k.TTL/Hour), "hour")
	case k.TTL%Minute == 0:
		s = plural(int64(k.TTL/Minute), "minute")
	default:
		s = plural(int64(k.TTL/Second), "second")
	}
	if k.Renewed {
		s += ", renewed on activity"
	}
	return s
}

func plural(n int64, unit string) string {
	s := strconv.FormatInt(n, 10) + " " + unit
	if n != 1 {
		s += "s"
	}
	return s
}

// Markdown returns the table of docs/privacy.md for prefix: a header
// and one row per declared key, each line ending in a newline.
func Markdown(prefix string) string {
	var b strings.Builder
	b.WriteString("| key | area | purpose | category | lifetime | written when |\n")
	b.WriteString("|---|---|---|---|---|---|\n")
	for _, e := range Disclosure(prefix) {
		area := "localStorage"
		if e.Area == Session {
			area = "sessionStorage"
		}
		b.WriteString("| `" + e.Key + "` | " + area + " | " + cell(e.Purpose) + " | " + e.Category +
			" | " + e.Lifetime + " | " + cell(e.Written) + " |\n")
	}
	return b.String()
}

// cell escapes the one character that would break a Markdown table cell.
func cell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
