// Package registry declares every key the widget can ever write to the
// visitor's browser storage: its name, area, purpose, category and lifetime.
//
// It is plain Go so that both the wasm runtime (which enforces it) and the
// server (which publishes it as /disclosure.json) read the same list. A key
// that is not declared here cannot be written by the store. The package must
// stay free of fmt, encoding/json and net/http: it is compiled into the wasm
// runtime too.
package registry

// Areas name the Web Storage object a key lives in.
const (
	Local   = "local"   // localStorage: outlives the tab
	Session = "session" // sessionStorage: belongs to the tab
)

// Categories say why a key may be written.
const (
	StrictlyNecessary = "strictly-necessary"
	Functional        = "functional"
)

// DefaultPrefix is put in front of every key name unless the embedding page
// sets data-prefix.
const DefaultPrefix = "crumbless-"

// Duration is a key's lifetime in nanoseconds, like time.Duration (convert
// with time.Duration(k.TTL) where time is at hand). The package does not
// import time: importing it at all costs the wasm about 38 KB brotli (its
// init links internal/godebug and the runtime's metrics).
type Duration int64

// Units of Duration.
const (
	Millisecond Duration = 1_000_000
	Second               = 1000 * Millisecond
	Minute               = 60 * Second
	Hour                 = 60 * Minute
	Day                  = 24 * Hour
)

const day = Day

// Milliseconds returns d in whole milliseconds.
func (d Duration) Milliseconds() int64 { return int64(d / Millisecond) }

// Seconds returns d in seconds.
func (d Duration) Seconds() float64 { return float64(d) / float64(Second) }

// Key declares one piece of visitor state.
type Key struct {
	Name     string   // without prefix, e.g. "theme"
	Area     string   // Local or Session
	Purpose  string   // one sentence a visitor understands
	Category string   // StrictlyNecessary or Functional
	TTL      Duration // 0 means "until the tab closes" (Session keys only)
	Renewed  bool     // the lifetime starts again on every activity
	Written  string   // when the widget writes it, completing "written when …"
}

// Keys is the registry. Order is the order of the disclosure.
var Keys = []Key{
	// localStorage: what outlives the tab.
	{
		Name:     "theme",
		Area:     Local,
		Purpose:  "Remembers the colour theme you chose for the chat panel (light, dark or automatic).",
		Category: Functional,
		TTL:      365 * day,
		Written:  "you choose a theme",
	},
	{
		Name:     "lang",
		Area:     Local,
		Purpose:  "Remembers the language you chose for the widget.",
		Category: Functional,
		TTL:      365 * day,
		Written:  "you choose a language",
	},
	{
		Name:     "visitor",
		Area:     Local,
		Purpose:  "An anonymous token that lets the server give you back your own conversation; it says nothing about who you are.",
		Category: StrictlyNecessary,
		TTL:      30 * day,
		Renewed:  true,
		Written:  "you start a conversation; renewed while you use the widget",
	},
	{
		Name:     "consent",
		Area:     Local,
		Purpose:  "Remembers your decision about storage: that you allowed it on a site that asks first, or that you refused it — then it is the only record kept, so that nothing else is stored again.",
		Category: StrictlyNecessary,
		TTL:      180 * day,
		Written:  "you allow storage on a site that asks for consent, or refuse storage",
	},
	{
		Name:     "banned",
		Area:     Local,
		Purpose:  "Remembers for a day that this site's team blocked the chat for this browser, so that the widget shows the chat as not available instead of sending what the server refuses, then asks again; forgetting removes it, the server's block stays.",
		Category: StrictlyNecessary,
		TTL:      day,
		Written:  "the server refuses the chat because the site's team blocked it",
	},
	{
		Name:     "unread",
		Area:     Local,
		Purpose:  "How many replies from the team you have not read yet, so that every tab and page of the site can show the count on the chat button.",
		Category: Functional,
		TTL:      30 * day,
		Written:  "a reply arrives or you read it",
	},
	{
		Name:     "outbox",
		Area:     Local,
		Purpose:  "Messages you sent that the server has not confirmed yet, so that they are not lost if the page closes.",
		Category: StrictlyNecessary,
		TTL:      7 * day,
		Written:  "you send a message, until the server confirms it",
	},
	{
		Name:     "leader",
		Area:     Local,
		Purpose:  "Which of your open tabs holds the one connection to the chat, in browsers without Web Locks; renewed while that tab is open.",
		Category: StrictlyNecessary,
		TTL:      Minute,
		Written:  "the chat runs in a browser without Web Locks or BroadcastChannel",
	},
	{
		Name:     "bus",
		Area:     Local,
		Purpose:  "The last message one of your open tabs passed to the others (a new reply, a message to send), in browsers without BroadcastChannel.",
		Category: StrictlyNecessary,
		TTL:      Minute,
		Written:  "the chat runs in a browser without Web Locks or BroadcastChannel",
	},
	{
		Name:     "forget",
		Area:     Local,
		Purpose:  "A momentary signal that tells your other open tabs you asked the widget to forget you; it is removed at once.",
		Category: StrictlyNecessary,
		TTL:      Minute,
		Written:  "you ask the widget to forget you (removed immediately)",
	},

	// sessionStorage: what belongs to the tab.
	{
		Name:     "nav",
		Area:     Session,
		Purpose:  "The view you were on and where you had scrolled to, so that a reload puts you back there.",
		Category: Functional,
		Written:  "you move between views",
	},
	{
		Name:     "last-read",
		Area:     Session,
		Purpose:  "The last message this tab showed you, so that a \"new messages\" line marks where newer ones begin.",
		Category: Functional,
		Written:  "you read a message",
	},
	{
		Name:     "open",
		Area:     Session,
		Purpose:  "Whether the chat panel is open, so that it stays open when you go to another page.",
		Category: Functional,
		Written:  "you open or close the panel",
	},
	{
		Name:     "draft",
		Area:     Session,
		Purpose:  "Text you typed but have not sent yet, so that a reload does not lose it.",
		Category: Functional,
		Written:  "you type a message or fill in a form",
	},
	{
		Name:     "markers",
		Area:     Session,
		Purpose:  "When you opened or closed the chat, closed its invitation or saw its first message in this tab, so that an invitation is not shown or opened again once you dismissed it, and which invitation was counted in the statistics, so that it is counted once.",
		Category: Functional,
		Written:  "you open, close or dismiss the chat on a page that invites you to it",
	},
	{
		Name:     "tab",
		Area:     Session,
		Purpose:  "This tab's identity among your open tabs of the site, so that they share one connection without mixing themselves up; a duplicated tab gets a new one.",
		Category: StrictlyNecessary,
		Written:  "the chat starts in this tab",
	},
}

// Lookup returns the declaration of the key called name.
func Lookup(name string) (Key, bool) {
	for _, k := range Keys {
		if k.Name == name {
			return k, true
		}
	}
	return Key{}, false
}
