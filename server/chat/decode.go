package chat

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"
	"unicode/utf8"
)

// Body limits in bytes. A message of MaxMessageLength runes of 4 bytes,
// JSON-escaped, fits in bodyMessage; a start with an invitation of
// MaxInviteText and MaxInviteName runes, each JSON-escaped to 12 bytes
// (a surrogate pair), with the pre-chat details, in bodyStart.
const (
	bodySmall   = 1 << 10
	bodyStart   = 16 << 10
	bodyMessage = 16 << 10
	bodyForm    = 64 << 10
)

// Field limits shared with the widget.
const (
	MaxMessageLength = 2000 // runes in a chat message
	MaxClientID      = 64   // bytes in a client-generated id
	MaxSite          = 64   // bytes in a site name
)

// decode reads r's JSON body into dst strictly: at most limit bytes, an
// application/json content type, no unknown fields, no trailing data. An
// empty body is accepted as {} when allowEmpty is set.
func decode(w http.ResponseWriter, r *http.Request, limit int64, dst any, allowEmpty bool) error {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return errorf(CodeTooLarge, "The request body is larger than "+itoa(int(limit))+" bytes.")
		}
		return errorf(CodeInvalid, "Could not read the request body.")
	}
	if len(bytes.TrimSpace(body)) == 0 && allowEmpty {
		return nil
	}
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || mt != "application/json" {
			return errorf(CodeMediaType, "Send the body as application/json.")
		}
	}
	return decodeBytes(body, dst)
}

// decodeBytes is decode without the HTTP part (fuzzed on its own).
func decodeBytes(body []byte, dst any) error {
	if !utf8.Valid(body) {
		return errorf(CodeInvalid, "The body is not valid UTF-8.")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		msg := err.Error()
		if strings.HasPrefix(msg, "json: unknown field ") {
			return errorf(CodeInvalid, "Unknown field "+strings.TrimPrefix(msg, "json: unknown field ")+".")
		}
		if errors.Is(err, io.EOF) {
			return errorf(CodeInvalid, "The body is empty; send a JSON object.")
		}
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) && typeErr.Field != "" {
			return errorf(CodeInvalid, "Field "+typeErr.Field+" must be "+typeErr.Type.String()+".")
		}
		return errorf(CodeInvalid, "The body is not valid JSON: "+strings.TrimPrefix(msg, "json: ")+".")
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errorf(CodeInvalid, "Unexpected data after the JSON object.")
	}
	return nil
}

// validClientID reports whether id is 1-64 characters of A-Z, a-z, 0-9, '-'
// and '_' (a UUID or any other random id the widget makes).
func validClientID(id string) bool {
	if id == "" || len(id) > MaxClientID {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// checkMessage validates a chat message body and returns it.
func checkMessage(clientID, body string) *Error {
	if !validClientID(clientID) {
		return &Error{Code: CodeInvalid, Message: "id must be 1-64 characters of A-Z, a-z, 0-9, - and _.", Fields: map[string]string{"id": "Invalid id."}}
	}
	if e := textProblem("body", "The message", body); e != nil {
		return e
	}
	if strings.TrimSpace(body) == "" {
		return &Error{Code: CodeInvalid, Message: "The message is empty.", Fields: map[string]string{"body": "Write a message."}}
	}
	if n := utf8.RuneCountInString(body); n > MaxMessageLength {
		return &Error{Code: CodeInvalid, Message: "The message is longer than " + itoa(MaxMessageLength) + " characters.", Fields: map[string]string{"body": "Too long."}}
	}
	return nil
}
