// Package restore makes and checks the one-time codes that bring a
// conversation back to a browser that lost (or never had) its visitor
// token: the continue link of a reply mail carries one, and a visitor can
// ask the widget for one to write down.
//
// A code is 20 random bytes (160 bits) in Crockford's base32, 32
// characters. Its first 8 characters are the selector the store finds it
// by; the store keeps only the SHA-256 of the whole code, which Check
// compares in constant time, so neither a database leak nor the time an
// answer takes tells an attacker a code.
package restore

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"strings"
	"time"
	"unicode"
)

// Lifetimes of a code.
const (
	// MailTTL is how long the code of a continue link works.
	MailTTL = 7 * 24 * time.Hour
	// WrittenTTL is how long a code the visitor asked for works: as long as
	// the visitor token it replaces would have lived unused.
	WrittenTTL = 30 * 24 * time.Hour
)

// Param is the query parameter of a continue link.
const Param = "crumbless-restore"

// selectorLen is how many characters of a code find it.
const selectorLen = 8

// codeLen is a code's length without separators.
const codeLen = 32

var encoding = base32.NewEncoding("0123456789ABCDEFGHJKMNPQRSTVWXYZ").WithPadding(base32.NoPadding)

// New returns a fresh code, its selector and the hash the store keeps.
func New() (code, selector string, hash []byte) {
	var b [20]byte
	rand.Read(b[:]) // never fails (crypto/rand, Go 1.24+)
	code = encoding.EncodeToString(b[:])
	return code, code[:selectorLen], Hash(code)
}

// Hash is what the store keeps of a normalized code.
func Hash(code string) []byte {
	sum := sha256.Sum256([]byte(code))
	return sum[:]
}

// Normalize returns code as New made it from what a person typed, pasted
// or a link carried: a whole continue link is read from its Param on,
// separators (white space of any kind, hyphens and dashes, dots) are
// dropped, letters upper-cased, and the letters people confuse with digits
// (O, I, L) read as those digits; ok is false when it cannot be a code.
func Normalize(typed string) (code string, ok bool) {
	if len(typed) > 8*codeLen {
		return "", false
	}
	if i := strings.LastIndex(typed, Param+"="); i >= 0 {
		typed = typed[i+len(Param)+1:]
	}
	var b strings.Builder
	for _, r := range strings.ToUpper(typed) {
		switch {
		case unicode.IsSpace(r) || r == '-' || r == '.' || r >= '\u2010' && r <= '\u2015' || r == '\u2212':
			continue
		case r == 'O':
			r = '0'
		case r == 'I' || r == 'L':
			r = '1'
		}
		b.WriteRune(r)
	}
	code = b.String()
	if len(code) != codeLen {
		return "", false
	}
	if _, err := encoding.DecodeString(code); err != nil {
		return "", false
	}
	return code, true
}

// Selector returns the part of a normalized code that finds it.
func Selector(code string) string { return code[:selectorLen] }

// Check reports whether code's hash is stored, comparing in constant
// time; a nil stored (no such code) compares against a hash of nothing so
// that the answer takes as long.
func Check(code string, stored []byte) bool {
	want := Hash(code)
	if stored == nil {
		stored = make([]byte, len(want))
		subtle.ConstantTimeCompare(want, stored)
		return false
	}
	return subtle.ConstantTimeCompare(want, stored) == 1
}

// Group writes a code in groups of four for people to copy:
// ABCD-EFGH-….
func Group(code string) string {
	var b strings.Builder
	for i := 0; i < len(code); i += 4 {
		if i > 0 {
			b.WriteByte('-')
		}
		b.WriteString(code[i:min(i+4, len(code))])
	}
	return b.String()
}
