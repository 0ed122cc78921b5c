package chat

import (
	"strconv"
	"unicode/utf8"

	"github.com/crumbless/crumbless/internal/shared/textrule"
)

// validText reports whether s follows internal/shared/textrule, the rule
// for every text people send: visitor and agent messages, form fields and
// the site name.
func validText(s string) bool { return textrule.Valid(s) }

// textProblem returns the 400 for a text that breaks the rule, naming what
// is wrong and where, or nil when it follows it.
func textProblem(field, what, s string) *Error {
	p, at := textrule.Check(s)
	if p == textrule.OK {
		return nil
	}
	msg := what + " contains "
	why := ""
	switch p {
	case textrule.BadUTF8:
		msg += "bytes that are not UTF-8"
	case textrule.Control:
		msg += "a control character"
	case textrule.Bidi:
		msg += "a bidirectional control character"
		why = ", which can disguise the order of the text"
	case textrule.ZeroWidth:
		msg += "an invisible zero-width character"
		why = ", which can disguise a word or a link"
	}
	if p != textrule.BadUTF8 {
		r, _ := utf8.DecodeRuneInString(s[at:])
		msg += " (U+" + hex4(r) + ")"
	}
	msg += " at character " + strconv.Itoa(utf8.RuneCountInString(s[:at])+1) + why + "; remove it and send again."
	return &Error{Code: CodeInvalid, Message: msg, Fields: map[string]string{field: "Characters not allowed."}}
}

// hex4 is r in upper-case hexadecimal, at least four digits.
func hex4(r rune) string {
	h := strconv.FormatInt(int64(r), 16)
	for len(h) < 4 {
		h = "0" + h
	}
	b := []byte(h)
	for i, c := range b {
		if 'a' <= c && c <= 'f' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}
