package assets

import (
	"strconv"
	"strings"
)

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

// negotiate picks the coding for a response from an Accept-Encoding header
// (RFC 9110 §12.5.3): the available coding with the highest q-value, br before
// gzip before identity on ties. A coding rated q=0 is never chosen; "*" rates
// every coding not named. identity stays acceptable unless it is refused
// explicitly or through "*;q=0", and even then it is the fallback: refusing
// to answer a request for a public script helps nobody.
func negotiate(header string, available [numEncodings]bool) int {
	if header == "" {
		return identity
	}
	q := [numEncodings]float64{identity: 0.001} // identity: acceptable but last
	named := [numEncodings]bool{}
	star := -1.0
	for _, part := range strings.Split(header, ",") {
		coding, params, _ := strings.Cut(part, ";")
		coding = strings.ToLower(strings.TrimSpace(coding))
		weight := parseQ(params)
		if coding == "*" {
			star = weight
			continue
		}
		for e, name := range encodingNames {
			if coding == name || (e == gzip && coding == "x-gzip") {
				q[e], named[e] = weight, true
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
	best, bestQ := identity, 0.0
	for _, e := range preference {
		if available[e] && q[e] > bestQ {
			best, bestQ = e, q[e]
		}
	}
	return best
}

// parseQ reads the q parameter from ";q=0.5"-style parameters. A missing or
// malformed q counts as 1, as browsers send it.
func parseQ(params string) float64 {
	for _, p := range strings.Split(params, ";") {
		name, value, ok := strings.Cut(strings.TrimSpace(p), "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(name), "q") {
			continue
		}
		f, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
		if err != nil || f < 0 || f > 1 {
			return 1
		}
		return f
	}
	return 1
}
