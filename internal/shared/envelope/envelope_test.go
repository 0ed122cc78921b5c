package envelope

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDecode(t *testing.T) {
	cases := []struct {
		name, text string
		exp        int64
		data       string
		err        error
	}{
		{"string", `{"v":1,"exp":0,"data":"dark"}`, 0, `"dark"`, nil},
		{"object", `{"v":1,"exp":1800000000000,"data":{"a":[1,2,{"b":null}]}}`, 1800000000000, `{"a":[1,2,{"b":null}]}`, nil},
		{"any order and spaces", " {\n\t\"data\" : true , \"exp\": 5,\"v\":1 } ", 5, `true`, nil},
		{"unknown member ignored", `{"v":1,"exp":0,"data":1,"x":[]}`, 0, `1`, nil},
		{"exp at 2^53", `{"v":1,"exp":9007199254740992,"data":null}`, 1 << 53, `null`, nil},
		{"escapes", `{"v":1,"exp":0,"data":"a\"\\\/\b\f\n\r\t\u00e9"}`, 0, `"a\"\\\/\b\f\n\r\t\u00e9"`, nil},
		{"empty", ``, 0, "", ErrSyntax},
		{"truncated", `{"v":1,`, 0, "", ErrSyntax},
		{"trailing", `{"v":1,"exp":0,"data":1}x`, 0, "", ErrSyntax},
		{"trailing comma", `{"v":1,"exp":0,"data":1,}`, 0, "", ErrSyntax},
		{"single quotes", `{'v':1}`, 0, "", ErrSyntax},
		{"bare word", `dark`, 0, "", ErrSyntax},
		{"raw control char", "{\"v\":1,\"exp\":0,\"data\":\"a\x01\"}", 0, "", ErrSyntax},
		{"bad escape", `{"v":1,"exp":0,"data":"\x"}`, 0, "", ErrSyntax},
		{"short unicode escape", `{"v":1,"exp":0,"data":"\u12"}`, 0, "", ErrSyntax},
		{"leading zero", `{"v":1,"exp":01,"data":1}`, 0, "", ErrSyntax},
		{"not an object", `"dark"`, 0, "", ErrShape},
		{"null", `null`, 0, "", ErrShape},
		{"array", `[1]`, 0, "", ErrShape},
		{"empty object", `{}`, 0, "", ErrShape},
		{"no version", `{"exp":0,"data":"dark"}`, 0, "", ErrShape},
		{"no exp", `{"v":1,"data":"dark"}`, 0, "", ErrShape},
		{"no data", `{"v":1,"exp":0}`, 0, "", ErrShape},
		{"duplicate data", `{"v":1,"exp":0,"data":1,"data":2}`, 0, "", ErrShape},
		{"version a string", `{"v":"1","exp":0,"data":1}`, 0, "", ErrShape},
		{"exp a string", `{"v":1,"exp":"soon","data":1}`, 0, "", ErrShape},
		{"exp negative", `{"v":1,"exp":-5,"data":1}`, 0, "", ErrShape},
		{"exp fractional", `{"v":1,"exp":1.5,"data":1}`, 0, "", ErrShape},
		{"exp huge", `{"v":1,"exp":1e300,"data":1}`, 0, "", ErrShape},
		{"exp past 2^53", `{"v":1,"exp":9007199254740993,"data":1}`, 0, "", ErrShape},
		{"exp with exponent", `{"v":1,"exp":1e3,"data":null}`, 0, "", ErrShape},
		{"version 1.0", `{"v":1.0,"exp":0,"data":1}`, 0, "", ErrVersion},
		{"other version", `{"v":2,"exp":0,"data":"dark"}`, 0, "", ErrVersion},
		{"version zero", `{"v":0,"exp":0,"data":"dark"}`, 0, "", ErrVersion},
		{"too deep", `{"v":1,"exp":0,"data":` + strings.Repeat("[", maxDepth+1) + strings.Repeat("]", maxDepth+1) + `}`, 0, "", ErrSyntax},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			exp, data, err := Decode(c.text)
			if c.err != nil {
				assert.ErrorIs(t, err, c.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c.exp, exp)
			assert.Equal(t, c.data, data)
		})
	}
}

func TestEncodeRoundTrip(t *testing.T) {
	for _, data := range []string{`"dark"`, `0`, `{"a":[true,false,null]}`, `"é ✓ \u2028"`} {
		t.Run(data, func(t *testing.T) {
			text := Encode(data, 1800000000000)
			assert.True(t, json.Valid([]byte(text)))
			exp, got, err := Decode(text)
			require.NoError(t, err)
			assert.Equal(t, int64(1800000000000), exp)
			assert.Equal(t, data, got)
		})
	}
	assert.Equal(t, `{"v":1,"exp":0,"data":"x"}`, Encode(`"x"`, 0))
}

func TestExpired(t *testing.T) {
	cases := []struct {
		exp, now int64
		want     bool
	}{
		{0, 1 << 50, false},
		{100, 99, false},
		{100, 100, true},
		{100, 101, true},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, Expired(c.exp, c.now), "Expired(%d, %d)", c.exp, c.now)
	}
}

// FuzzDecode checks that Decode never panics, that it accepts only valid
// JSON (compared with encoding/json, which is fine on the host), and that
// what it accepts survives a round trip through Encode.
func FuzzDecode(f *testing.F) {
	for _, seed := range []string{
		`{"v":1,"exp":0,"data":"dark"}`,
		`{"v":1,"exp":1800000000000,"data":{"a":[1,2.5e-3,{"b":null}],"c":"\u00e9"}}`,
		`{"data":true,"exp":5,"v":1}`,
		`{"v":1.0,"exp":1e3,"data":1}`,
		`{"v":2,"exp":0,"data":1}`,
		`{"v":1,"exp":"x","data":1}`,
		`{"v":1,`,
		`[[[[[[`,
		`"\ud800"`,
		`-0.0e+1`,
		``,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		exp, data, err := Decode(text)
		p := parser{s: text, limit: 10000} // encoding/json's nesting limit
		p.space()
		validHere := p.value(0) == nil && p.end()
		if validHere != json.Valid([]byte(text)) {
			t.Fatalf("validator disagrees with encoding/json on %q: ours %v", text, validHere)
		}
		if err != nil {
			return
		}
		if !json.Valid([]byte(text)) || !json.Valid([]byte(data)) {
			t.Fatalf("accepted invalid JSON %q", text)
		}
		if exp < 0 {
			t.Fatalf("negative expiry %d from %q", exp, text)
		}
		exp2, data2, err := Decode(Encode(data, exp))
		if err != nil || exp2 != exp || data2 != data {
			t.Fatalf("round trip of %q: %d %q %v", text, exp2, data2, err)
		}
	})
}
