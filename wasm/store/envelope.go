//go:build js && wasm

package store

import "syscall/js"

// maxExp is the largest expiry envelope.Decode accepts: 2^53 ms, the last
// integer a JavaScript number holds exactly.
const maxExp = 1 << 53

// unwrap parses text, a stored value, as an envelope (internal/shared/envelope)
// with the browser's JSON.parse and returns its expiry (unix ms, 0 = never)
// and its data. ok is false when text is not an envelope of this version:
// not JSON, not an object, "v" not 1, "exp" not a non-negative integer up to
// 2^53, or no "data". It never panics.
//
// It replaces envelope.Decode in the wasm: Go's JSON scanner there costs
// about 18 KB raw (≈ 4 KB brotli) in every visitor's download, while the
// browser already parses JSON. The verdict is the same for every text the
// widget and its loader write, and for every malformed text, with three
// differences on texts no writer produces, all of which JSON.parse hides:
// a duplicate member counts once (the last wins) where Decode refuses it,
// any spelling of an integer (1.0, 1e3) is that number where Decode wants
// plain digits, 2^53+1 is rounded to 2^53 (the largest accepted expiry)
// where Decode refuses it, and data nested deeper than 256 levels is
// accepted. All are tested in envelope_test.go.
func unwrap(text string) (expMs int64, data js.Value, ok bool) {
	defer func() {
		if recover() != nil { // JSON.parse threw: not JSON
			expMs, data, ok = 0, js.Undefined(), false
		}
	}()
	e := jsonObject.Call("parse", text)
	if e.Type() != js.TypeObject {
		return 0, js.Undefined(), false
	}
	v, exp, data := e.Get("v"), e.Get("exp"), e.Get("data")
	if v.Type() != js.TypeNumber || v.Float() != 1 || exp.Type() != js.TypeNumber || data.IsUndefined() {
		return 0, js.Undefined(), false
	}
	x := exp.Float()
	if !(x >= 0 && x <= maxExp) || x != float64(int64(x)) {
		return 0, js.Undefined(), false
	}
	return int64(x), data, true
}

// unwrapText is unwrap for callers that rewrite the data: it returns the
// data as JSON text, as JSON.stringify writes it.
func unwrapText(text string) (expMs int64, data string, ok bool) {
	expMs, d, ok := unwrap(text)
	if !ok {
		return 0, "", false
	}
	return expMs, jsonObject.Call("stringify", d).String(), true
}
