package forwarded

import "strings"

// parseForwarded reads Forwarded header lines (RFC 7239 section 4):
// elements separated by commas, each pairs separated by semicolons,
// values tokens or quoted strings (for="[2001:db8::1]:4711"). Only for and
// proto are used. An element whose for is missing or not an address is a
// hop with an invalid address, which stops the walk there.
func parseForwarded(lines []string) []hop {
	var hops []hop
	for _, line := range lines {
		p := fwdParser{s: line}
		for {
			hp, more := p.element()
			hops = append(hops, hp)
			if !more {
				break
			}
		}
	}
	return hops
}

type fwdParser struct {
	s string
	i int
}

// element reads one element up to a comma (consumed) or the end; more
// reports whether a comma followed.
func (p *fwdParser) element() (hp hop, more bool) {
	for {
		p.space()
		name := strings.ToLower(p.until("=;,"))
		var value string
		if p.i < len(p.s) && p.s[p.i] == '=' {
			p.i++
			p.space()
			value = p.value()
		}
		switch strings.TrimSpace(name) {
		case "for":
			hp.addr = parseNode(value)
		case "proto":
			hp.scheme = scheme(value)
		}
		p.space()
		if p.i >= len(p.s) {
			return hp, false
		}
		switch p.s[p.i] {
		case ',':
			p.i++
			return hp, true
		case ';':
			p.i++
		default: // garbage after a value: skip to the next separator
			p.until(";,")
		}
	}
}

// value reads a token or a quoted string (with backslash escapes).
func (p *fwdParser) value() string {
	if p.i >= len(p.s) || p.s[p.i] != '"' {
		return strings.TrimSpace(p.until(";,"))
	}
	p.i++
	var b strings.Builder
	for p.i < len(p.s) {
		c := p.s[p.i]
		p.i++
		switch {
		case c == '\\' && p.i < len(p.s):
			b.WriteByte(p.s[p.i])
			p.i++
		case c == '"':
			return b.String()
		default:
			b.WriteByte(c)
		}
	}
	return b.String() // unterminated: what there is
}

// until reads up to (not including) one of the bytes in stop.
func (p *fwdParser) until(stop string) string {
	start := p.i
	for p.i < len(p.s) && !strings.ContainsRune(stop, rune(p.s[p.i])) {
		p.i++
	}
	return p.s[start:p.i]
}

func (p *fwdParser) space() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t') {
		p.i++
	}
}
