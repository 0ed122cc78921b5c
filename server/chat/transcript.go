package chat

import (
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/crumbless/crumbless/server/storage"
)

// transcript answers GET /api/v1/agent/conversations/{id}/transcript
// ?format=txt|json as a download: JSON is the export's document without
// the network hash (a transcript is for reading and forwarding, the hash
// only for bans); text is the conversation as a person reads it.
func (s *Server) transcript(w http.ResponseWriter, r *http.Request) {
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "txt"
	}
	if format != "txt" && format != "json" {
		s.writeError(w, r, &Error{Code: CodeInvalid, Message: "format must be txt or json.", Fields: map[string]string{"format": "txt or json."}})
		return
	}
	c, err := s.pathConversation(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	e, err := s.store.ExportConversation(r.Context(), c.ID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	Audit(s.log, "transcript", "agent:"+agentFrom(r).Name, c.ID)
	name := "crumbless-transcript-" + itoa(int(c.ID)) + "." + format
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	if format == "json" {
		doc := ExportJSON(e, s.nowMS())
		doc.Network = ""
		writeJSON(w, http.StatusOK, doc)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	w.Write([]byte(TranscriptText(e)))
}

// TranscriptText renders a conversation as plain text: a heading, then
// every message and form submission in time order, each with its UTC time
// and author; the lines of a multi-line text are indented under it.
func TranscriptText(e storage.Export) string {
	type entry struct {
		at   int64
		head string
		body string
	}
	var list []entry
	for _, m := range e.Messages {
		who := "Visitor"
		switch m.Author {
		case storage.Agent:
			who = "Agent"
			if m.AgentName != "" {
				who += " " + m.AgentName
			}
		case storage.Invite: // the page's text, not an agent's
			who = "Invitation shown"
			if m.AgentName != "" {
				who += " (as " + m.AgentName + ")"
			}
		}
		list = append(list, entry{m.Created, who, m.Body})
	}
	for _, sub := range e.Submissions {
		names := make([]string, 0, len(sub.Fields))
		for k := range sub.Fields {
			names = append(names, k)
		}
		sort.Strings(names)
		var b strings.Builder
		for _, k := range names {
			b.WriteString(k + ": " + sub.Fields[k] + "\n")
		}
		list = append(list, entry{sub.Created, "Form " + sub.FormID, strings.TrimSuffix(b.String(), "\n")})
	}
	sort.SliceStable(list, func(i, j int) bool { return list[i].at < list[j].at })

	c := e.Conversation
	var b strings.Builder
	b.WriteString("Conversation " + itoa(int(c.ID)))
	if c.Site != "" {
		b.WriteString(" on " + c.Site)
	}
	b.WriteString("\nStarted " + stamp(c.Created) + "\n")
	for _, x := range list {
		b.WriteString("\n[" + stamp(x.at) + "] " + x.head + ":\n")
		for _, line := range strings.Split(x.body, "\n") {
			b.WriteString("  " + strings.TrimRight(line, "\r") + "\n")
		}
	}
	return b.String()
}

func stamp(ms int64) string {
	return time.UnixMilli(ms).UTC().Format("2006-01-02 15:04:05 UTC")
}
