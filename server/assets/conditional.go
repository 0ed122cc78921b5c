package assets

// noneMatch reports whether If-None-Match header lines match etag under the
// weak comparison of RFC 9110 §13.1.2: "*" (the file exists, so it matches)
// or any entity-tag in any of the comma-separated lists equal to etag once a
// W/ prefix is ignored. Entity-tags are parsed as quoted strings, so a comma
// inside one does not split it. It does not allocate.
func noneMatch(lines []string, etag string) bool {
	for _, s := range lines {
		for {
			s = trimListSeparators(s)
			if s == "" {
				break
			}
			if s[0] == '*' {
				return true
			}
			tag, rest, ok := scanETag(s)
			if !ok {
				break // malformed: ignore the rest of this line
			}
			if tag == etag || (len(tag) > 2 && tag[:2] == "W/" && tag[2:] == etag) {
				return true
			}
			s = rest
		}
	}
	return false
}

// scanETag reads one entity-tag (`"…"` or `W/"…"`) from the start of s.
func scanETag(s string) (tag, rest string, ok bool) {
	start := 0
	if len(s) >= 2 && s[:2] == "W/" {
		start = 2
	}
	if len(s) <= start || s[start] != '"' {
		return "", "", false
	}
	for i := start + 1; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"':
			return s[:i+1], s[i+1:], true
		case c == 0x21 || (c >= 0x23 && c <= 0x7e) || c >= 0x80: // etagc
		default:
			return "", "", false
		}
	}
	return "", "", false
}

func trimListSeparators(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t' || s[0] == ',') {
		s = s[1:]
	}
	return s
}

// ifRangeAllows reports whether an If-Range header lets a Range request be
// answered with a part (RFC 9110 §13.1.5): it must be absent, or an entity-tag
// strongly equal to etag. A date never matches: the bundle has no
// Last-Modified, so the client gets the whole file, which is always correct.
func ifRangeAllows(lines []string, etag string) bool {
	if len(lines) == 0 {
		return true
	}
	return len(lines) == 1 && trimSpace(lines[0]) == etag
}

// byteRange is the inclusive range first..last of a representation.
type byteRange struct{ first, last int64 }

func (r byteRange) length() int64 { return r.last - r.first + 1 }

// Outcomes of parseRange.
const (
	rangeIgnore        = iota // no usable Range: send the whole file with 200
	rangeSatisfiable          // send the part with 206
	rangeUnsatisfiable        // send 416
)

// parseRange reads a Range header for a representation of size bytes
// (RFC 9110 §14.2). Only a single "bytes" range is served; a header with
// several ranges, another unit or bad syntax is ignored, which the RFC
// allows and which is always correct.
func parseRange(lines []string, size int64) (byteRange, int) {
	if len(lines) != 1 {
		return byteRange{}, rangeIgnore
	}
	s := trimSpace(lines[0])
	unit, spec := cutByte(s, '=')
	if !equalFold(trimSpace(unit), "bytes") {
		return byteRange{}, rangeIgnore
	}
	spec = trimSpace(spec)
	for i := 0; i < len(spec); i++ {
		if spec[i] == ',' {
			return byteRange{}, rangeIgnore
		}
	}
	firstText, lastText := cutByte(spec, '-')
	if len(firstText) == len(spec) { // no '-'
		return byteRange{}, rangeIgnore
	}
	firstText, lastText = trimSpace(firstText), trimSpace(lastText)
	if firstText == "" { // suffix range: the last n bytes
		n, ok := parseDigits(lastText)
		if !ok {
			return byteRange{}, rangeIgnore
		}
		if n == 0 || size == 0 {
			return byteRange{}, rangeUnsatisfiable
		}
		n = min(n, size)
		return byteRange{size - n, size - 1}, rangeSatisfiable
	}
	first, ok := parseDigits(firstText)
	if !ok {
		return byteRange{}, rangeIgnore
	}
	last := size - 1
	if lastText != "" {
		if last, ok = parseDigits(lastText); !ok || last < first {
			return byteRange{}, rangeIgnore
		}
		last = min(last, size-1)
	}
	if first >= size {
		return byteRange{}, rangeUnsatisfiable
	}
	return byteRange{first, last}, rangeSatisfiable
}

// parseDigits parses a non-empty run of ASCII digits that fits in an int64.
func parseDigits(s string) (int64, bool) {
	if s == "" || len(s) > 18 {
		return 0, false
	}
	var n int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}
