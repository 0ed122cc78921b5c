//go:build js && wasm

package store

import (
	"strings"
	"syscall/js"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crumbless/crumbless/internal/shared/envelope"
)

// TestUnwrapAgreesWithEnvelopeDecode: the wasm reads envelopes with the
// browser's JSON.parse, the host with envelope.Decode; both give the same
// verdict, expiry and data on every one of these texts.
func TestUnwrapAgreesWithEnvelopeDecode(t *testing.T) {
	texts := []string{
		envelope.Encode(`"dark"`, 0),
		envelope.Encode(`true`, 1_800_000_000_000),
		envelope.Encode(`false`, 1),
		envelope.Encode(`null`, 0),
		envelope.Encode(`{"a":[1,2,{"b":"c"}],"d":"é\u2028"}`, 42),
		envelope.Encode(`[]`, 1<<53),
		envelope.Encode(`"x"`, 1<<53+2),
		` { "data" : "x" , "exp" : 7 , "v" : 1 , "extra" : [null] } `,
		`{"v":1,"exp":0,"data":"\ud83d\ude00 \" \\ \n"}`,
		`{"v":1,"exp":-1,"data":1}`,
		`{"v":1,"exp":1.5,"data":1}`,
		`{"v":1,"exp":"1","data":1}`,
		`{"v":1,"exp":null,"data":1}`,
		`{"v":"1","exp":0,"data":1}`,
		`{"v":2,"exp":0,"data":1}`,
		`{"v":0,"exp":0,"data":1}`,
		`{"v":true,"exp":0,"data":1}`,
		`{"exp":0,"data":1}`,
		`{"v":1,"data":1}`,
		`{"v":1,"exp":0}`,
		`{}`,
		`[1,0,"x"]`,
		`"dark"`,
		`null`,
		`1`,
		``,
		` `,
		`{"v":1,`,
		`{"v":1,"exp":0,"data":1}x`,
		`{"v":1,"exp":0,"data":1}{}`,
		`{"v":1,"exp":0,"data":01}`,
		`{"v":1,"exp":0,"data":'x'}`,
		`{"v":1,"exp":0,"data":"a` + "\x01" + `"}`,
		`{"v":1,"exp":0,"data":"\x"}`,
		`{v:1,exp:0,data:1}`,
		`{"v":1,"exp":0,"data":1,}`,
		`{"v":1,"exp":0,"data":[1,]}`,
		`{"v":1,"exp":0,"data":` + strings.Repeat("[", 200) + strings.Repeat("]", 200) + `}`,
	}
	for _, text := range texts {
		t.Run(text, func(t *testing.T) {
			wantExp, wantData, err := envelope.Decode(text)
			exp, data, ok := unwrap(text)
			require.Equal(t, err == nil, ok, "envelope.Decode: %v", err)
			if !ok {
				return
			}
			assert.Equal(t, wantExp, exp)
			assert.Equal(t, jsJSON.Call("stringify", jsJSON.Call("parse", wantData)).String(),
				jsJSON.Call("stringify", data).String())
			_, text, ok := unwrapText(text)
			require.True(t, ok)
			assert.JSONEq(t, wantData, text)
		})
	}
}

// TestUnwrapDiffersOnlyWhereJSONParseHides pins the documented differences:
// texts no writer produces, which envelope.Decode refuses and the browser's
// JSON.parse cannot tell from a well-formed envelope.
func TestUnwrapDiffersOnlyWhereJSONParseHides(t *testing.T) {
	cases := []struct {
		name, text string
		exp        int64
	}{
		{"duplicate member", `{"v":1,"exp":5,"exp":6,"data":1}`, 6},
		{"integer written as a float", `{"v":1.0,"exp":1e3,"data":1}`, 1000},
		{"2^53+1 rounded down to 2^53", envelope.Encode("1", 1<<53+1), 1 << 53},
		{"deeper than 256", `{"v":1,"exp":0,"data":` + strings.Repeat("[", 300) + strings.Repeat("]", 300) + `}`, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := envelope.Decode(c.text)
			require.Error(t, err)
			exp, _, ok := unwrap(c.text)
			require.True(t, ok)
			assert.Equal(t, c.exp, exp)
		})
	}
}

func TestDecisionIn(t *testing.T) {
	now := t0.UnixMilli()
	cases := []struct {
		name string
		v    any
		want string
	}{
		{"true", envelope.Encode("true", 0), "true"},
		{"false", envelope.Encode("false", now+1), "false"},
		{"expired", envelope.Encode("true", now), ""},
		{"not a boolean", envelope.Encode(`"true"`, 0), ""},
		{"corrupt", `{"v":1,"exp":0,"data":tru}`, ""},
		{"removed", nil, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, decisionIn(js.ValueOf(c.v), now))
		})
	}
}
