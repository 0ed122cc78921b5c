package mail

import (
	"context"
	"errors"
	"net"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	gomail "github.com/wneessen/go-mail"
)

// errBadAddress marks a recipient that no SMTP server would take: the
// address parser refuses it.
var errBadAddress = errors.New("not a mail address")

// maxErrorText bounds the error text kept in the delivery log.
const maxErrorText = 300

// failure turns a failed attempt's error into the short text shown to the
// agents (console and log) and says whether it is permanent: the SMTP
// server refused the recipient or the message with a 5xx reply (RFC 5321
// §4.2.1: "do not repeat the exact request"), or the address does not
// parse. Everything else (no connection, a timeout, a 4xx reply, a
// refused login or sender, which the operator can fix) is retried.
// secrets (the SMTP password) never appear in the text.
func failure(err error, secrets ...string) (text string, permanent bool) {
	var se *gomail.SendError
	var op *net.OpError
	var dns *net.DNSError
	switch {
	case errors.Is(err, errBadAddress):
		text, permanent = err.Error(), true
	case errors.As(err, &se):
		text = sendErrorText(se)
		code := se.ErrorCode()
		switch se.Reason {
		case gomail.ErrSMTPRcptTo, gomail.ErrSMTPData, gomail.ErrSMTPDataClose:
			permanent = code >= 500 && code < 600 && !se.IsTemp()
		case gomail.ErrGetRcpts:
			permanent = true
		}
	case errors.Is(err, context.DeadlineExceeded):
		text = "timed out"
		if errors.As(err, &op) && op.Addr != nil {
			text = op.Op + " " + op.Addr.String() + ": timed out"
		}
	case errors.As(err, &dns):
		text = "lookup " + dns.Name + ": " + dns.Err
	case errors.As(err, &op):
		text = op.Op
		if op.Addr != nil {
			text += " " + op.Addr.String()
		}
		inner := op.Err
		for u := errors.Unwrap(inner); u != nil; u = errors.Unwrap(inner) {
			inner = u
		}
		text += ": " + inner.Error()
	default:
		text = err.Error()
		text = strings.TrimPrefix(text, "dial failed: ")
	}
	return clean(text, secrets), permanent
}

// sendErrorText is a go-mail SendError as people read it: the SMTP reply
// ("550 5.1.1 <x@y>: mailbox unavailable") with the command it answered,
// without the message id go-mail appends.
func sendErrorText(se *gomail.SendError) string {
	s := se.Error()
	if i := strings.Index(s, ", affected message ID:"); i >= 0 {
		s = s[:i]
	}
	if i := strings.Index(s, ", affected recipient(s):"); i >= 0 {
		s = s[:i] // the log row names the recipient
	}
	if se.Reason == gomail.ErrSMTPRcptTo || se.Reason == gomail.ErrSMTPMailFrom || se.Reason == gomail.ErrSMTPData ||
		se.Reason == gomail.ErrSMTPDataClose {
		code := strconv.Itoa(se.ErrorCode())
		if _, reply, ok := strings.Cut(s, ": "); ok && se.ErrorCode() != 0 && strings.HasPrefix(reply, code+" ") {
			// go-mail quotes the server's text: 550 "5.1.1 …"
			text := strings.TrimPrefix(reply, code+" ")
			if u, err := strconv.Unquote(text); err == nil {
				text = u
			}
			return code + " " + text
		}
	}
	return s
}

// clean makes s one short line of printable text without secrets.
func clean(s string, secrets []string) string {
	for _, secret := range secrets {
		if secret != "" {
			s = strings.ReplaceAll(s, secret, "…")
		}
	}
	s = strings.Map(func(r rune) rune {
		if !unicode.IsPrint(r) {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, "?"))
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > maxErrorText {
		cut := maxErrorText
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}
