package chat

import (
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/crumbless/crumbless/internal/shared/forms"
	"github.com/crumbless/crumbless/server/storage"
)

// Limits of what the widget sends about the visitor (pre-chat details and
// visitor context). A request beyond one is refused whole (400).
const (
	MaxVisitorName  = 100 // characters
	MaxVisitorEmail = 254 // bytes (RFC 5321's path limit)
	MaxPagePath     = 512 // bytes; a path only: no query string, no fragment
	MaxPageTitle    = 200 // characters
	MaxLangTag      = 35  // bytes of a BCP 47 tag
	MaxZone         = 64  // bytes of an IANA zone name or a UTC offset
	MaxVersion      = 32  // bytes of the widget's version

	bodyContext = 4 << 10
)

// PreChat field names (Config.PreChat, the -prechat flag).
const (
	PreChatName  = "name"
	PreChatEmail = "email"
)

// checkDetails validates the pre-chat details of a new conversation
// against the fields the site asks for: an asked field is required, one
// not asked must be absent.
func (s *Server) checkDetails(name, email string) *Error {
	bad := map[string]string{}
	asked := func(f string) bool {
		for _, a := range s.cfg.PreChat {
			if a == f {
				return true
			}
		}
		return false
	}
	switch {
	case !asked(PreChatName) && name != "":
		bad["name"] = "The site does not ask for a name."
	case asked(PreChatName) && strings.TrimSpace(name) == "":
		bad["name"] = "Required."
	case utf8.RuneCountInString(name) > MaxVisitorName || !oneLine(name):
		bad["name"] = "At most " + strconv.Itoa(MaxVisitorName) + " characters on one line."
	}
	switch {
	case !asked(PreChatEmail) && email != "":
		bad["email"] = "The site does not ask for an email address."
	case asked(PreChatEmail) && email == "":
		bad["email"] = "Required."
	case email != "" && (len(email) > MaxVisitorEmail || !forms.ValidEmail(email)):
		bad["email"] = "Not an email address."
	}
	if len(bad) > 0 {
		return &Error{Code: CodeInvalid, Message: "The pre-chat details are not valid.", Fields: bad}
	}
	return nil
}

// oneLine reports whether s is valid text without line breaks or tabs.
func oneLine(s string) bool { return validText(s) && !strings.ContainsAny(s, "\r\n\t") }

type contextRequest struct {
	Path    string `json:"path"`
	Title   string `json:"title"`
	Lang    string `json:"lang"`
	Zone    string `json:"zone"`
	Version string `json:"version"`
}

// check validates the visitor context and returns it for the store.
func (c contextRequest) check() (storage.VisitorContext, *Error) {
	bad := map[string]string{}
	if c.Path == "" || c.Path[0] != '/' || len(c.Path) > MaxPagePath || strings.ContainsAny(c.Path, "?#") || !oneLine(c.Path) {
		bad["path"] = "A path starting with /, at most " + strconv.Itoa(MaxPagePath) + " bytes, without query string or fragment."
	}
	if utf8.RuneCountInString(c.Title) > MaxPageTitle || !oneLine(c.Title) {
		bad["title"] = "At most " + strconv.Itoa(MaxPageTitle) + " characters on one line."
	}
	if !token(c.Lang, MaxLangTag, "-") {
		bad["lang"] = "A language tag such as sv or pt-BR."
	}
	if !token(c.Zone, MaxZone, "/_+-:") {
		bad["zone"] = "An IANA time zone such as Europe/Stockholm, or a UTC offset such as +01:00."
	}
	if !token(c.Version, MaxVersion, ".+-") {
		bad["version"] = "A version such as 1.2.0."
	}
	if len(bad) > 0 {
		return storage.VisitorContext{}, &Error{Code: CodeInvalid, Message: "The visitor context is not valid.", Fields: bad}
	}
	return storage.VisitorContext{Page: storage.Page{Path: c.Path, Title: c.Title}, Lang: c.Lang, Zone: c.Zone, Version: c.Version}, nil
}

// token reports whether s is 1 to max ASCII letters, digits and the
// characters of extra.
func token(s string, max int, extra string) bool {
	if s == "" || len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		b := s[i]
		if !('a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' || strings.IndexByte(extra, b) >= 0) {
			return false
		}
	}
	return true
}

// putContext keeps the visitor context the widget sends while the chat is
// open, after the visitor wrote: the first is where the chat started. The
// agents' streams hear a "visitor" event with what is now known.
func (s *Server) putContext(w http.ResponseWriter, r *http.Request) {
	c, err := s.visitor(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var req contextRequest
	if err := decode(w, r, bodyContext, &req, false); err != nil {
		s.writeError(w, r, err)
		return
	}
	vc, bad := req.check()
	if bad != nil {
		s.writeError(w, r, bad)
		return
	}
	if ok, wait := s.messageLimit.allow("c"+strconv.FormatInt(c.ID, 10), s.now()); !ok {
		s.writeError(w, r, &Error{Code: CodeRateLimited, Message: "Too many context updates.", RetryAfter: wait})
		return
	}
	if err := s.store.SetVisitorContext(r.Context(), c.ID, vc, s.nowMS()); err != nil {
		s.writeError(w, r, err)
		return
	}
	s.publishVisitor(r, c.ID)
	w.WriteHeader(http.StatusNoContent)
}

// publishVisitor tells the agents what is now known about a conversation's
// visitor.
func (s *Server) publishVisitor(r *http.Request, id int64) {
	v, err := s.store.VisitorInfo(r.Context(), id)
	if err != nil {
		s.log.Error("visitor info", "conversation", id, "err", err)
		return
	}
	s.hub.publish(event{Name: "visitor", Conversation: id, ToAgents: true,
		Data: mustJSON(map[string]any{"conversation": id, "visitor": toVisitorInfoJSON(v)})})
}

// visitorInfoJSON is what the console shows beside a conversation.
type visitorInfoJSON struct {
	Name    string    `json:"name,omitempty"`
	Email   string    `json:"email,omitempty"`
	Start   *pageJSON `json:"start,omitempty"`
	Now     *pageJSON `json:"now,omitempty"`
	Lang    string    `json:"lang,omitempty"`
	Zone    string    `json:"zone,omitempty"`
	Version string    `json:"version,omitempty"`
	Updated int64     `json:"updated,omitempty"`
}

type pageJSON struct {
	Path  string `json:"path"`
	Title string `json:"title"`
}

func toVisitorInfoJSON(v storage.VisitorInfo) visitorInfoJSON {
	out := visitorInfoJSON{Name: v.Name, Email: v.Email, Lang: v.Lang, Zone: v.Zone, Version: v.Version, Updated: v.Updated}
	if v.Start.Path != "" {
		out.Start = &pageJSON{v.Start.Path, v.Start.Title}
	}
	if v.Path != "" {
		out.Now = &pageJSON{v.Path, v.Title}
	}
	return out
}
