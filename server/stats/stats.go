// Package stats is what Crumbless counts about a site's use, without a
// visitor identifier: the kinds of events, the rules that clean what a
// widget reports before it is counted (a page path without its query, a
// referrer's origin, a language tag, a device class, a search normalised
// and capped), and the report agents read, where every count below
// MinShown is shown as "< 5".
//
// Counts are kept per UTC day and dimensions only (storage.StatCount):
// never a token, a conversation, an address or a time finer than the day,
// so that no count can be traced back to a visitor.
package stats

import (
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/crumbless/crumbless/server/storage"
)

// Kinds of counted events. The widget reports the Widget ones; the server
// counts the others where they happen.
const (
	Open          = "open"                   // the panel was opened
	Read          = "read"                   // an article was shown (detail: its id)
	Search        = "search"                 // a search was made
	NoHit         = storage.StatNoHit        // a search found nothing (detail: the query)
	InviteShown   = "invite_shown"           // a teaser was shown to a visitor who then acted on it or opened the panel
	InviteClicked = "invite_clicked"         // the teaser opened the panel
	InviteClosed  = "invite_closed"          // the visitor closed the teaser
	Conversation  = storage.StatConversation // a conversation was started
	VisitorMsg    = storage.StatVisitorMsg   // a visitor sent a message
	AgentMsg      = storage.StatAgentMsg     // an agent sent a message
	Form          = storage.StatForm         // a form was submitted (detail: the form id)
	Rating        = storage.StatRating       // a conversation was rated (detail: good or bad)
)

// Kinds lists every kind in the order reports show them.
var Kinds = []string{Open, Conversation, VisitorMsg, AgentMsg, Read, Search, NoHit, Form, Rating, InviteShown, InviteClicked, InviteClosed}

// FromWidget reports whether the widget may report kind (POST
// /api/v1/events); the others are counted by the server only.
func FromWidget(kind string) bool {
	switch kind {
	case Open, Read, Search, NoHit, InviteShown, InviteClicked, InviteClosed:
		return true
	}
	return false
}

// Limits of what is kept.
const (
	MaxPath   = 200 // bytes of a page path
	MaxDetail = 64  // runes of a query, article or form id
	MaxLang   = 16  // bytes of a language tag
	// MinShown is the smallest count a report shows as a number; 1 to
	// MinShown-1 are shown as "< 5".
	MinShown = 5
)

// Devices: the panel fills a screen narrower than SmallBelow CSS pixels.
const (
	Small      = "small"
	Large      = "large"
	SmallBelow = 480
)

// Dims are the dimensions an event is counted under.
type Dims struct {
	Path     string // the page's path, without query or fragment
	Referrer string // the origin the visitor came from ("" when none or the same site)
	Lang     string // the widget's language (a base tag such as "de")
	Device   string // Small, Large or ""
}

// CleanDims returns d with each dimension cleaned; what cannot be
// cleaned becomes "".
func CleanDims(d Dims) Dims {
	return Dims{Path: CleanPath(d.Path), Referrer: Origin(d.Referrer), Lang: CleanLang(d.Lang), Device: CleanDevice(d.Device)}
}

// CleanPath drops the query and fragment of a page path and caps it at
// MaxPath bytes (on a rune boundary); a path that does not start with
// "/" or holds control characters is "".
func CleanPath(p string) string {
	if i := strings.IndexAny(p, "?#"); i >= 0 {
		p = p[:i]
	}
	if !strings.HasPrefix(p, "/") || !printable(p) {
		return ""
	}
	return capBytes(p, MaxPath)
}

// Origin returns scheme://host[:port] of an http(s) URL, lower case, and
// "" for anything else: the referrer's path and query are never kept.
func Origin(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return ""
	}
	o := strings.ToLower(u.Scheme + "://" + u.Host)
	if len(o) > MaxPath || !printable(o) {
		return ""
	}
	return o
}

// CleanLang returns the base of a language tag in lower case ("de" of
// "de-AT"), "" when it is not 2-8 letters.
func CleanLang(tag string) string {
	base, _, _ := strings.Cut(tag, "-")
	base = strings.ToLower(base)
	if len(base) < 2 || len(base) > 8 {
		return ""
	}
	for _, c := range base {
		if c < 'a' || c > 'z' {
			return ""
		}
	}
	return base
}

// CleanDevice keeps Small and Large, "" for anything else.
func CleanDevice(d string) string {
	if d == Small || d == Large {
		return d
	}
	return ""
}

// CleanID keeps an article or form id: 1-64 characters of A-Z a-z 0-9 - _
// and "", ok=false, for anything else.
func CleanID(id string) (string, bool) {
	if id == "" || len(id) > MaxDetail {
		return "", false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return "", false
		}
	}
	return id, true
}

// Hidden replaces the text of a search that looks like it holds personal
// data (an e-mail address, a phone, account or card number).
const Hidden = "(hidden)"

// NormalizeQuery returns a search as it is counted: lower case, spaces
// collapsed, control characters dropped, at most MaxDetail runes; a query
// with "@" or a run of five or more digits becomes Hidden, so that what a
// visitor typed about themselves is not kept.
func NormalizeQuery(q string) string {
	var b strings.Builder
	space, digits := false, 0
	n := 0
	for _, r := range strings.ToLower(q) {
		if unicode.IsSpace(r) {
			space = b.Len() > 0
			continue
		}
		if r == utf8.RuneError || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			continue
		}
		if r == '@' {
			return Hidden
		}
		if unicode.IsDigit(r) {
			if digits++; digits >= 5 {
				return Hidden
			}
		} else if r != ' ' && r != '-' {
			digits = 0
		}
		if n >= MaxDetail {
			break
		}
		if space {
			b.WriteByte(' ')
			n++
			space = false
			if n >= MaxDetail {
				break
			}
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}

func printable(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return false
		}
	}
	return true
}

// capBytes cuts s to at most n bytes without splitting a rune.
func capBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
