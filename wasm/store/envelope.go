//go:build js && wasm

package store

import "syscall/js"

// envelopeVersion is the "v" of every stored value. A value of another
// version is treated as absent and removed.
const envelopeVersion = 1

var jsonObject = js.Global().Get("JSON")

// encode wraps data in the envelope {"v":1,"exp":expMs,"data":data} and
// returns its JSON text.
func encode(data js.Value, expMs int64) (text string, err error) {
	defer catch(&err)
	env := js.Global().Get("Object").New()
	env.Set("v", envelopeVersion)
	env.Set("exp", expMs)
	env.Set("data", data)
	return jsonObject.Call("stringify", env).String(), nil
}

// decode parses an envelope and returns its data. ok is false when the text
// is not JSON, not an envelope of this version, or expired at nowMs.
func decode(text string, nowMs int64) (data js.Value, ok bool) {
	var err error
	defer catch(&err) // JSON.parse throws on bad input
	env := jsonObject.Call("parse", text)
	if env.Type() != js.TypeObject || env.IsNull() {
		return js.Value{}, false
	}
	v, exp := env.Get("v"), env.Get("exp")
	if v.Type() != js.TypeNumber || v.Int() != envelopeVersion || exp.Type() != js.TypeNumber {
		return js.Value{}, false
	}
	if e := int64(exp.Float()); e != 0 && e <= nowMs {
		return js.Value{}, false
	}
	data = env.Get("data")
	if data.IsUndefined() {
		return js.Value{}, false
	}
	return data, true
}
