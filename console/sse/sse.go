// Package sse parses a Server-Sent Events stream as it arrives in chunks
// (the console reads the agent stream with fetch, to send its
// Authorization header, so the browser's EventSource cannot parse it).
package sse

import (
	"strconv"
	"strings"
)

// Event is one dispatched event. Name defaults to "message"; ID is 0 when
// the event had no numeric id.
type Event struct {
	ID   int64
	Name string
	Data string
}

// Parser collects chunks and returns complete events.
type Parser struct {
	buf strings.Builder
}

// Feed adds a chunk of the stream and returns the events it completed.
// Comments (": ping") and fields other than id, event and data are
// skipped; lines may end in \n, \r\n or \r.
func (p *Parser) Feed(chunk string) []Event {
	p.buf.WriteString(chunk)
	text := strings.ReplaceAll(strings.ReplaceAll(p.buf.String(), "\r\n", "\n"), "\r", "\n")
	var out []Event
	for {
		cut := strings.Index(text, "\n\n")
		if cut < 0 {
			break
		}
		block := text[:cut]
		text = text[cut+2:]
		ev := Event{Name: "message"}
		var data []string
		for _, line := range strings.Split(block, "\n") {
			field, value, _ := strings.Cut(line, ":")
			value = strings.TrimPrefix(value, " ")
			switch field {
			case "id":
				ev.ID, _ = strconv.ParseInt(value, 10, 64)
			case "event":
				ev.Name = value
			case "data":
				data = append(data, value)
			}
		}
		if len(data) > 0 {
			ev.Data = strings.Join(data, "\n")
			out = append(out, ev)
		}
	}
	p.buf.Reset()
	p.buf.WriteString(text)
	return out
}
