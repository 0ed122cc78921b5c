package sse

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestFeed(t *testing.T) {
	cases := []struct {
		name   string
		chunks []string
		want   []Event
	}{
		{"one event", []string{"id: 7\nevent: message\ndata: {\"id\":7}\n\n"}, []Event{{7, "message", `{"id":7}`}}},
		{"split anywhere", []string{"id: 7\nev", "ent: typing\nda", "ta: {}\n", "\n"}, []Event{{7, "typing", "{}"}}},
		{"comments and retry skipped", []string{"retry: 2000\nheartbeat: 15000\n: stream open\n\n: ping\n\nevent: erased\ndata: {\"conversation\":3}\n\n"},
			[]Event{{0, "erased", `{"conversation":3}`}}},
		{"CRLF lines", []string{"event: a\r\ndata: 1\r\n\r\n"}, []Event{{0, "a", "1"}}},
		{"default name, two data lines", []string{"data: a\ndata: b\n\n"}, []Event{{0, "message", "a\nb"}}},
		{"incomplete waits", []string{"event: a\ndata: 1\n"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var p Parser
			var got []Event
			for _, ch := range c.chunks {
				got = append(got, p.Feed(ch)...)
			}
			assert.Equal(t, c.want, got)
		})
	}
}
