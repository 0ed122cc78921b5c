package chat

import (
	"testing"
	"unicode/utf8"
)

// FuzzDecode feeds arbitrary bodies to the strict decoder and the message
// checks: they must never panic, and whatever they accept must be a valid
// message.
func FuzzDecode(f *testing.F) {
	for _, seed := range []string{
		`{"id":"a","body":"hi"}`, `{"id":"a","body":"hi"} x`, `{"id":1}`, `[]`, `{"id":"a","body":"hi","x":1}`,
		`{"id":"` + "\xff" + `"}`, `{"body":"\u0000"}`, ``, `null`, `{"fields":{"a":"b"}}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var msg sendRequest
		if err := decodeBytes(body, &msg); err == nil {
			if e := checkMessage(msg.ID, msg.Body); e == nil {
				if !validClientID(msg.ID) || !utf8.ValidString(msg.Body) || utf8.RuneCountInString(msg.Body) > MaxMessageLength {
					t.Fatalf("accepted an invalid message: %+v", msg)
				}
			}
		}
		var sub submitRequest
		_ = decodeBytes(body, &sub)
		var start startRequest
		_ = decodeBytes(body, &start)
	})
}
