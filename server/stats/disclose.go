package stats

// Disclosure says what the statistics count, for the public disclosure
// (GET /disclosure/statistics.json) and the docs.
type Disclosure struct {
	LinkedToVisitor bool        `json:"linked_to_visitor"`
	Kept            string      `json:"kept"`
	Small           string      `json:"small_counts"`
	When            string      `json:"when"`
	Events          []Described `json:"events"`
	Dimensions      []Described `json:"dimensions"`
	NeverKept       []string    `json:"never_kept"`
}

// Described names one counted event or dimension and says what it is.
type Described struct {
	Name string `json:"name"`
	From string `json:"from,omitempty"` // "widget" or "server"
	What string `json:"what"`
}

// Disclosed is what the statistics count.
var Disclosed = Disclosure{
	LinkedToVisitor: false,
	Kept:            "one count per UTC day, kind of event and dimensions; each event adds one to its count",
	Small:           `counts from 1 to 4 are shown as "< 5" in the console, its CSV export and the agents' JSON`,
	When: "the widget reports events only after the visitor opened the panel, in explicit-consent mode only " +
		"after consent, in one batched request without the visitor token or a cookie",
	Events: []Described{
		{Open, "widget", "the panel was opened"},
		{Search, "widget", "a search was made (its words are not kept)"},
		{NoHit, "widget", "a search found nothing: its words, lower case, at most 64 characters; words with @ or five digits in a row are kept as (hidden)"},
		{Read, "widget", "an article was shown: its id"},
		{InviteShown, "widget", "an invitation's teaser was shown, counted when the visitor opens the panel (from the teaser or the launcher) or closed the teaser and opens the panel later in the tab; a teaser nobody acts on is not counted"},
		{InviteClicked, "widget", "the teaser opened the panel"},
		{InviteClosed, "widget", "the visitor closed the teaser (counted when they open the panel later in the same tab)"},
		{Conversation, "server", "a conversation was started"},
		{VisitorMsg, "server", "a visitor sent a message"},
		{AgentMsg, "server", "an agent sent a message"},
		{Form, "server", "a form was submitted: its id and language"},
		{Rating, "server", "a conversation was rated: good or bad (a changed rating counts once)"},
	},
	Dimensions: []Described{
		{Name: "path", What: "the page's path, without query string or fragment, at most 200 bytes"},
		{Name: "referrer", What: "the origin (scheme, host, port) the visitor came from; never its path or query"},
		{Name: "lang", What: "the widget's language"},
		{Name: "device", What: "small (narrower than 480 CSS pixels) or large"},
	},
	NeverKept: []string{"visitor token", "conversation id", "IP address or network", "time of day", "cookie", "user agent"},
}
