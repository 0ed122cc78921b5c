//go:build js && wasm

package views

// page is one kind of view the panel shows. Its name is the first part of
// a route ("answers" in "answers/shipping"), the key of its texts
// (name+".title" in the header, "nav."+name on its tab) and its data-view.
type page struct {
	name  string
	tab   string // the icon of its tab in the bottom navigation; "" for no tab
	needs needs  // what the deployment must offer for the view to exist
}

// needs is what a view shows from the deployment.
type needs uint8

const (
	always       needs = iota // nothing: the panel's own views
	needsChat                 // a chat backend
	needsAnswers              // answers; "answers/<id>" shows one article
	needsForms                // forms; "forms/<id>" shows one form
)

// pages is the route table, in the order of the tabs; build makes the views.
var pages = [...]page{
	{"home", "home", always},
	{"chat", "chat", needsChat},
	{"answers", "help", needsAnswers},
	{"forms", "mail", needsForms},
	{"privacy", "", always},
	{"settings", "", always},
}

// build makes the view of pg; id names one item of its content ("" for the
// view itself).
func (p *Panel) build(pg page, id string) view {
	switch pg.name {
	case "chat":
		return newChatView(p)
	case "answers":
		if id != "" {
			return newArticle(p, id)
		}
		return newAnswersList(p)
	case "forms":
		if id != "" {
			return newFormView(p, id)
		}
		return newFormsList(p)
	case "privacy":
		return newPrivacy(p)
	case "settings":
		return newSettings(p)
	}
	return newHome(p)
}

// offers reports whether this panel's deployment offers pg: a view it does
// not offer has no tab and no route.
func (p *Panel) offers(pg page) bool {
	switch pg.needs {
	case needsChat:
		return p.chat != nil
	case needsAnswers:
		return p.content.answers.offered()
	case needsForms:
		return p.content.forms.offered()
	}
	return true
}

// itemTitle is the title of item id of pg's content, false until the
// content is loaded (and for no item).
func (p *Panel) itemTitle(pg page, id string) (string, bool) {
	if id == "" {
		return "", false
	}
	switch pg.needs {
	case needsAnswers:
		a, ok := p.content.article(id)
		return a.Title, ok
	case needsForms:
		f, ok := p.content.form(id)
		return f.Title, ok
	}
	return "", false
}

// lookup returns the page of route and the id after its name; the page has
// no name when there is none of that name.
func lookup(route string) (page, string) {
	name, id := splitRoute(route)
	for _, pg := range pages {
		if pg.name == name {
			return pg, id
		}
	}
	return page{}, id
}

// valid reports whether route names a view this panel can show.
func (p *Panel) valid(route string) bool {
	pg, id := lookup(route)
	return pg.name != "" && p.offers(pg) && (id == "" || pg.needs >= needsAnswers && validID(id))
}

// splitRoute splits "answers/shipping" into "answers" and "shipping".
func splitRoute(route string) (name, id string) {
	for i := 0; i < len(route); i++ {
		if route[i] == '/' {
			return route[:i], route[i+1:]
		}
	}
	return route, ""
}

// parent is where the back button leads from route.
func parent(route string) string {
	name, id := splitRoute(route)
	if id != "" {
		return name
	}
	return "home"
}

// validID accepts the ids of articles and forms: 1–64 of a-z, 0-9 and '-'.
func validID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}
