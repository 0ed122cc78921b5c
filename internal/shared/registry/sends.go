package registry

import "strings"

// Sent declares something the chat sends to the server about the visitor
// beyond their messages and forms: kept with their conversation, shown to
// the site's team beside it, exported and erased with it. Text is the
// sentence the widget's Privacy view shows (catalog key Key, the same
// words in English) and docs/privacy.md lists.
type Sent struct {
	What string // a short name: "Visitor context"
	Key  string // the widget's catalog key of Text
	Text string // one sentence a visitor understands
}

// Sends is every Sent, in the order the Privacy view lists them.
var Sends = []Sent{
	{
		What: "Visitor context",
		Key:  "privacy.sends.context",
		Text: "While a chat is open and only after you wrote: the page (path and title, without the query string) where the chat started and where you are now, your language, your time zone and the widget's version. Never your browser's name, your IP address or a fingerprint.",
	},
	{
		What: "Pre-chat details",
		Key:  "privacy.sends.prechat",
		Text: "Your name and email, when the site asks for them before your first message.",
	},
	{
		What: "Invitation",
		Key:  "privacy.sends.invite",
		Text: "With your first message, the invitation you saw (its message and the name it showed), so that the team sees what you answered.",
	},
}

// SendsMarkdown returns the "What the chat sends" table of
// docs/privacy.md, each line ending in a newline.
func SendsMarkdown() string {
	var b strings.Builder
	b.WriteString("| what | sent |\n|---|---|\n")
	for _, s := range Sends {
		b.WriteString("| " + s.What + " | " + cell(s.Text) + " |\n")
	}
	return b.String()
}
