package assets

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestNegotiate(t *testing.T) {
	all := [numEncodings]bool{true, true, true}
	noBrotli := [numEncodings]bool{identity: true, gzip: true}
	onlyIdentity := [numEncodings]bool{identity: true}
	cases := []struct {
		name      string
		lines     []string
		available [numEncodings]bool
		want      int
	}{
		{"no header", nil, all, identity},
		{"empty header", []string{""}, all, identity},
		{"chrome", []string{"gzip, deflate, br, zstd"}, all, brotli},
		{"no br variant", []string{"gzip, deflate, br"}, noBrotli, gzip},
		{"gzip only", []string{"gzip"}, all, gzip},
		{"x-gzip", []string{"x-gzip"}, all, gzip},
		{"upper case", []string{"GZIP"}, all, gzip},
		{"br refused", []string{"br;q=0, gzip"}, all, gzip},
		{"br refused as 0.000", []string{"br;q=0.000, gzip"}, all, gzip},
		{"higher q wins", []string{"br;q=0.5, gzip;q=0.8"}, all, gzip},
		{"three decimals", []string{"br;q=0.001, gzip;q=0.002"}, all, gzip},
		{"tie goes to br", []string{"br;q=1.0, gzip;q=1.0"}, all, brotli},
		{"spaces around params", []string{"br ; q=0 , gzip ; Q=0"}, all, identity},
		{"star", []string{"*"}, all, brotli},
		{"star refused, identity fallback", []string{"*;q=0"}, all, identity},
		{"named refusal beats star", []string{"gzip;q=0, *"}, all, brotli},
		{"star rates unnamed only", []string{"br;q=0, *;q=0.5"}, all, gzip},
		{"identity", []string{"identity"}, all, identity},
		{"identity refused", []string{"identity;q=0, gzip;q=0.1"}, all, gzip},
		{"identity preferred", []string{"identity;q=1, br;q=0.5"}, all, identity},
		{"unknown coding", []string{"deflate"}, all, identity},
		{"malformed q counts as 1", []string{"br;q=junk"}, all, brotli},
		{"q above 1 counts as 1", []string{"br;q=2"}, all, brotli},
		{"q with four decimals counts as 1", []string{"gzip;q=0.5, br;q=0.0001"}, all, brotli},
		{"two header lines", []string{"br;q=0", "gzip"}, all, gzip},
		{"empty elements", []string{",,, ,br,"}, all, brotli},
		{"tab whitespace", []string{"\tbr\t;\tq=0\t,gzip"}, all, gzip},
		{"other params", []string{"br;level=3;q=0"}, all, identity},
		{"nothing compressed", []string{"br"}, onlyIdentity, identity},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := negotiate(c.lines, c.available)
			assert.Equal(t, encodingNames[c.want], encodingNames[got], "Accept-Encoding %q", c.lines)
		})
	}
}

func TestParseQValue(t *testing.T) {
	cases := []struct {
		in   string
		want int
		ok   bool
	}{
		{"1", 1000, true}, {"1.", 1000, true}, {"1.000", 1000, true}, {"0", 0, true}, {"0.5", 500, true},
		{"0.25", 250, true}, {"0.125", 125, true}, {"1.001", 0, false}, {"0.1234", 0, false},
		{"2", 0, false}, {"-0", 0, false}, {".5", 0, false}, {"", 0, false}, {"0,5", 0, false}, {"1e0", 0, false},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			got, ok := parseQValue(c.in)
			assert.Equal(t, c.ok, ok)
			assert.Equal(t, c.want, got)
		})
	}
}

func TestNegotiateDoesNotAllocate(t *testing.T) {
	lines := []string{"gzip;q=0.8, deflate, br;q=0.9, *;q=0"}
	all := [numEncodings]bool{true, true, true}
	allocs := testing.AllocsPerRun(100, func() { negotiate(lines, all) })
	assert.Zero(t, allocs)
}
