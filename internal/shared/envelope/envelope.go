// Package envelope reads and writes the JSON envelope every stored value is
// wrapped in: {"v":1,"exp":<unix ms, 0 = none>,"data":<any JSON>}.
//
// It is plain Go with its own small JSON scanner (no encoding/json, no fmt):
// Encode and Expired are compiled into the wasm runtime, where size matters,
// and a pure-Go decoder can be fuzzed on the host. The wasm does not link
// Decode: wasm/store reads envelopes with the browser's JSON.parse, to the
// same rules, and a Chromium test there checks both agree. Decode never
// panics: anything that is not a well-formed envelope of this version is an
// error, and the store treats it as absent.
package envelope

import (
	"errors"
	"strconv"
	"strings"
)

// Version is the "v" of every envelope this package writes and accepts.
const Version = 1

// maxDepth bounds the nesting of arrays and objects, so that hostile input
// cannot exhaust the stack.
const maxDepth = 256

// Errors returned by Decode. All of them mean "treat the value as absent".
var (
	ErrSyntax  = errors.New("crumbless: envelope: not valid JSON")
	ErrShape   = errors.New("crumbless: envelope: not an envelope")
	ErrVersion = errors.New("crumbless: envelope: unknown version")
)

// Encode wraps data, which must be the JSON text of one value, in an
// envelope expiring at expMs (unix milliseconds; 0 means never).
func Encode(data string, expMs int64) string {
	return `{"v":` + strconv.Itoa(Version) + `,"exp":` + strconv.FormatInt(expMs, 10) + `,"data":` + data + `}`
}

// Decode parses text as an envelope and returns its expiry and the JSON text
// of its data. Members may come in any order with any JSON whitespace;
// unknown members are ignored, duplicate ones are an error. "v" must be 1,
// "exp" a non-negative integer and "data" present.
func Decode(text string) (expMs int64, data string, err error) {
	p := parser{s: text}
	p.space()
	if !p.eat('{') {
		if err := p.value(0); err != nil || !p.end() {
			return 0, "", ErrSyntax
		}
		return 0, "", ErrShape
	}
	var version, exp string
	var haveV, haveExp, haveData bool
	p.space()
	if !p.eat('}') {
		for {
			p.space()
			keyStart := p.i
			if err := p.str(); err != nil {
				return 0, "", err
			}
			key := text[keyStart:p.i]
			p.space()
			if !p.eat(':') {
				return 0, "", ErrSyntax
			}
			p.space()
			valStart := p.i
			if err := p.value(1); err != nil {
				return 0, "", err
			}
			val := text[valStart:p.i]
			var seen *bool
			switch key {
			case `"v"`:
				seen, version = &haveV, val
			case `"exp"`:
				seen, exp = &haveExp, val
			case `"data"`:
				seen, data = &haveData, val
			}
			if seen != nil {
				if *seen {
					return 0, "", ErrShape
				}
				*seen = true
			}
			p.space()
			if p.eat(',') {
				continue
			}
			if p.eat('}') {
				break
			}
			return 0, "", ErrSyntax
		}
	}
	if !p.end() {
		return 0, "", ErrSyntax
	}
	if !haveV || !haveExp || !haveData {
		return 0, "", ErrShape
	}
	if v, ok := integer(version); !ok || v != Version {
		if !ok && !isNumber(version) {
			return 0, "", ErrShape
		}
		return 0, "", ErrVersion
	}
	e, ok := integer(exp)
	if !ok || e < 0 {
		return 0, "", ErrShape
	}
	return e, data, nil
}

// Expired reports whether an envelope expiring at expMs is past its lifetime
// at nowMs. An expiry of 0 never passes.
func Expired(expMs, nowMs int64) bool { return expMs != 0 && expMs <= nowMs }

// integer returns the value of a JSON number token written as a plain
// integer (what JSON.stringify writes for Date.now() arithmetic) within
// ±2^53. Other number forms (1.0, 1e3) are not integers here: parsing floats
// would pull strconv's float tables into the wasm (measured: ≈ 6 KB brotli).
func integer(tok string) (int64, bool) {
	if !isNumber(tok) {
		return 0, false
	}
	neg := strings.HasPrefix(tok, "-")
	digits := strings.TrimPrefix(tok, "-")
	var n int64
	for i := 0; i < len(digits); i++ {
		c := digits[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
		if n > 1<<53 {
			return 0, false
		}
	}
	if neg {
		n = -n
	}
	return n, true
}

func isNumber(tok string) bool {
	p := parser{s: tok}
	return p.number() == nil && p.end()
}

// parser is a JSON validator over s that records where values start and end.
type parser struct {
	s     string
	i     int
	limit int // maximum nesting depth; 0 means maxDepth
}

func (p *parser) end() bool { p.space(); return p.i == len(p.s) }

func (p *parser) space() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *parser) eat(c byte) bool {
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

func (p *parser) lit(word string) bool {
	if len(p.s)-p.i >= len(word) && p.s[p.i:p.i+len(word)] == word {
		p.i += len(word)
		return true
	}
	return false
}

// value consumes one JSON value at nesting depth.
func (p *parser) value(depth int) error {
	limit := p.limit
	if limit == 0 {
		limit = maxDepth
	}
	if depth > limit {
		return ErrSyntax
	}
	if p.i >= len(p.s) {
		return ErrSyntax
	}
	switch c := p.s[p.i]; {
	case c == '"':
		return p.str()
	case c == '{':
		p.i++
		return p.members('}', func() error {
			if err := p.str(); err != nil {
				return err
			}
			p.space()
			if !p.eat(':') {
				return ErrSyntax
			}
			p.space()
			return p.value(depth + 1)
		})
	case c == '[':
		p.i++
		return p.members(']', func() error { return p.value(depth + 1) })
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	case p.lit("true"), p.lit("false"), p.lit("null"):
		return nil
	}
	return ErrSyntax
}

// members parses the rest of an object or an array after its opening
// bracket: items, separated by commas, up to close.
func (p *parser) members(close byte, item func() error) error {
	p.space()
	if p.eat(close) {
		return nil
	}
	for {
		p.space()
		if err := item(); err != nil {
			return err
		}
		p.space()
		if p.eat(',') {
			continue
		}
		if p.eat(close) {
			return nil
		}
		return ErrSyntax
	}
}

// str consumes a JSON string: no raw control characters, valid escapes.
func (p *parser) str() error {
	if !p.eat('"') {
		return ErrSyntax
	}
	for p.i < len(p.s) {
		c := p.s[p.i]
		p.i++
		switch {
		case c == '"':
			return nil
		case c < 0x20:
			return ErrSyntax
		case c == '\\':
			if p.i >= len(p.s) {
				return ErrSyntax
			}
			e := p.s[p.i]
			p.i++
			switch e {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if len(p.s)-p.i < 4 {
					return ErrSyntax
				}
				for _, h := range []byte(p.s[p.i : p.i+4]) {
					if !(h >= '0' && h <= '9' || h >= 'a' && h <= 'f' || h >= 'A' && h <= 'F') {
						return ErrSyntax
					}
				}
				p.i += 4
			default:
				return ErrSyntax
			}
		}
	}
	return ErrSyntax
}

// number consumes a JSON number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (p *parser) number() error {
	p.eat('-')
	switch {
	case p.eat('0'):
	case p.i < len(p.s) && p.s[p.i] >= '1' && p.s[p.i] <= '9':
		p.digits()
	default:
		return ErrSyntax
	}
	if p.eat('.') {
		if p.digits() == 0 {
			return ErrSyntax
		}
	}
	if p.eat('e') || p.eat('E') {
		if !p.eat('+') {
			p.eat('-')
		}
		if p.digits() == 0 {
			return ErrSyntax
		}
	}
	return nil
}

func (p *parser) digits() int {
	n := 0
	for p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
		p.i++
		n++
	}
	return n
}
