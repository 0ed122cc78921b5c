//go:build js && wasm

package app

import "github.com/crumbless/crumbless/console/web"

// visitorInfo is what the server knows about a conversation's visitor:
// the pre-chat details and the visitor context (where the chat started,
// where the visitor is now, language, time zone, widget version).
type visitorInfo struct {
	Name    string   `js:"name"`
	Email   string   `js:"email"`
	Start   pageInfo `js:"start"`
	Now     pageInfo `js:"now"`
	Lang    string   `js:"lang"`
	Zone    string   `js:"zone"`
	Version string   `js:"version"`
}

type pageInfo struct {
	Path  string `js:"path"`
	Title string `js:"title"`
}

// renderVisitor shows v beside the conversation: only what is known, all
// of it as text in its own direction.
func (a *App) renderVisitor(v visitorInfo) {
	dl := byID("visitor-facts")
	dl.SetTextContent("")
	add := func(key string, p pageInfo, text string) {
		if text == "" && p.Path == "" {
			return
		}
		dl.AppendChild(create("dt", "", a.loc.T(key)))
		dd := content("dd", "", text)
		if p.Path != "" {
			if p.Title != "" {
				dd.AppendChild(content("bdi", "", p.Title))
				dd.AppendChild(page.CreateTextNode(" "))
			}
			dd.AppendChild(content("code", "", p.Path))
		}
		dl.AppendChild(dd)
	}
	add("visitor.name", pageInfo{}, v.Name)
	add("visitor.email", pageInfo{}, v.Email)
	add("visitor.start", v.Start, "")
	add("visitor.now", v.Now, "")
	add("visitor.lang", pageInfo{}, v.Lang)
	add("visitor.zone", pageInfo{}, v.Zone)
	add("visitor.version", pageInfo{}, v.Version)
	setHidden(byID("visitor-info"), !dl.HasChildNodes())
}

// visitorEvent shows the visitor of the open conversation as the server's
// "visitor" event tells it.
func (a *App) visitorEvent(data string) {
	var e struct {
		Conversation int64       `js:"conversation"`
		Visitor      visitorInfo `js:"visitor"`
	}
	if web.Decode(data, &e) == nil && e.Conversation == a.in.Current() {
		a.renderVisitor(e.Visitor)
	}
}
