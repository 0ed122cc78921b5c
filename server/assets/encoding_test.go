package assets

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestNegotiate(t *testing.T) {
	all := [numEncodings]bool{true, true, true}
	noBrotli := [numEncodings]bool{identity: true, gzip: true}
	cases := []struct {
		header    string
		available [numEncodings]bool
		want      int
	}{
		{"", all, identity},
		{"gzip, deflate, br, zstd", all, brotli},
		{"gzip, deflate, br", noBrotli, gzip},
		{"gzip", all, gzip},
		{"x-gzip", all, gzip},
		{"GZIP", all, gzip},
		{"br;q=0, gzip", all, gzip},
		{"br;q=0.5, gzip;q=0.8", all, gzip},
		{"br;q=1.0, gzip;q=1.0", all, brotli},
		{"br ; q=0 , gzip ; q=0", all, identity},
		{"*", all, brotli},
		{"*;q=0", all, identity}, // identity is still the fallback
		{"gzip;q=0, *", all, brotli},
		{"identity", all, identity},
		{"identity;q=0, gzip;q=0.1", all, gzip},
		{"deflate", all, identity},
		{"br;q=junk", all, brotli}, // malformed q counts as 1
		{"br;q=2", all, brotli},
		{"br", [numEncodings]bool{identity: true}, identity},
	}
	for _, c := range cases {
		t.Run(c.header, func(t *testing.T) {
			got := negotiate(c.header, c.available)
			assert.Equal(t, encodingNames[c.want], encodingNames[got])
		})
	}
}

func FuzzNegotiate(f *testing.F) {
	for _, s := range []string{"", "br", "gzip;q=0.5, br;q=0", "*;q=0", ";;;,,,q=", "br;q=1e400"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, header string) {
		all := [numEncodings]bool{true, true, true}
		got := negotiate(header, all)
		if got < 0 || got >= numEncodings {
			t.Fatalf("negotiate(%q) = %d", header, got)
		}
	})
}
