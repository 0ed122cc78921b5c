package assets

// Content codings a bundled file can be served in.
const (
	identity = iota
	brotli
	gzip
	numEncodings
)

var encodingNames = [numEncodings]string{identity: "identity", brotli: "br", gzip: "gzip"}

// preference breaks ties between equally rated codings: smallest first.
var preference = [numEncodings]int{brotli, gzip, identity}

// negotiate picks the coding for a response from the Accept-Encoding header
// lines (RFC 9110 §12.5.3): the available coding with the highest q-value,
// br before gzip before identity on ties. A coding rated q=0 is never chosen;
// "*" rates every coding not named; "x-gzip" is gzip. identity stays
// acceptable unless it is refused explicitly or through "*;q=0", and even
// then it is the fallback: answering 406 to a request for a public script
// helps nobody. No header at all means identity.
//
// It does not allocate: it runs on every request.
func negotiate(lines []string, available [numEncodings]bool) int {
	if len(lines) == 0 {
		return identity
	}
	q := [numEncodings]int{identity: 1} // in thousandths; identity: acceptable but last
	var named [numEncodings]bool
	star := -1
	for _, line := range lines {
		for len(line) > 0 {
			var element string
			element, line = cutByte(line, ',')
			coding, params := cutByte(element, ';')
			coding = trimSpace(coding)
			if coding == "" {
				continue
			}
			weight := parseQ(params)
			if coding == "*" {
				star = weight
				continue
			}
			for e, name := range encodingNames {
				if equalFold(coding, name) || (e == gzip && equalFold(coding, "x-gzip")) {
					q[e], named[e] = weight, true
				}
			}
		}
	}
	if star >= 0 {
		for e := range q {
			if !named[e] {
				q[e] = star
			}
		}
	}
	best, bestQ := identity, 0
	for _, e := range preference {
		if available[e] && q[e] > bestQ {
			best, bestQ = e, q[e]
		}
	}
	return best
}

// parseQ reads the weight, in thousandths, from ";q=0.5"-style parameters
// (RFC 9110 §12.4.2: "0" to "1", at most three decimals). A missing or
// malformed q counts as 1000, as a browser would mean it.
func parseQ(params string) int {
	for len(params) > 0 {
		var p string
		p, params = cutByte(params, ';')
		name, value := cutByte(p, '=')
		if !equalFold(trimSpace(name), "q") {
			continue
		}
		if w, ok := parseQValue(trimSpace(value)); ok {
			return w
		}
		return 1000
	}
	return 1000
}

// parseQValue parses qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ).
func parseQValue(s string) (int, bool) {
	if s == "" || len(s) > 5 || (s[0] != '0' && s[0] != '1') {
		return 0, false
	}
	whole := int(s[0]-'0') * 1000
	if len(s) == 1 {
		return whole, true
	}
	if s[1] != '.' {
		return 0, false
	}
	frac, scale := 0, 100
	for i := 2; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		frac += int(c-'0') * scale
		scale /= 10
	}
	if whole+frac > 1000 {
		return 0, false
	}
	return whole + frac, true
}

// cutByte is strings.Cut for one byte, returning "" as after when sep is absent.
func cutByte(s string, sep byte) (before, after string) {
	for i := 0; i < len(s); i++ {
		if s[i] == sep {
			return s[:i], s[i+1:]
		}
	}
	return s, ""
}

// trimSpace trims the optional whitespace of HTTP (space and tab).
func trimSpace(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t') {
		s = s[:len(s)-1]
	}
	return s
}

// equalFold reports whether s equals the lower-case ASCII token lower,
// ignoring ASCII case.
func equalFold(s, lower string) bool {
	if len(s) != len(lower) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}
