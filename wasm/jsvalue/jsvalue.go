//go:build js && wasm

// Package jsvalue converts Go values to JavaScript values and back, for the
// browser's JSON (JSON.parse / JSON.stringify) and the JS API, without
// reflect and without fmt. It replaces github.com/norunners/vert: vert pulled
// fmt into the wasm (about 122 KB brotli) and reflect (about 60 KB more).
//
// Decode and Encode know the basic types (string, bool, int, int64,
// float64, js.Value) and the few composites the widget stores ([]string,
// map[string]string, map[string]map[string]string); Encode also takes any,
// []any and map[string]any (the JS API's answers). Decoding into an any is
// left out on purpose: nothing needs it and it cost the wasm 2.6 KB brotli;
// a js.Value holds what has no Go type. A struct converts itself by implementing Decoder and
// Encoder, with Object, Slice and Map doing the walking:
//
//	func (n *navState) DecodeJS(v js.Value) error {
//		o := jsvalue.Object(v)
//		o.Field("route", &n.Route)
//		o.Field("scroll", &n.Scroll)
//		return o.Err()
//	}
//
//	func (n navState) EncodeJS() js.Value {
//		return jsvalue.Encode(map[string]any{"route": n.Route, "scroll": n.Scroll})
//	}
package jsvalue

import (
	"math"
	"strconv"
	"syscall/js"

	"github.com/crumbless/crumbless/internal/shared/stablesort"
)

// Decoder is a Go value that fills itself from a JavaScript value (never
// null or undefined: Decode leaves the value alone for those). It should
// change nothing when it returns an error.
type Decoder interface {
	DecodeJS(v js.Value) error
}

// Encoder is a Go value that returns itself as a new JavaScript value.
type Encoder interface {
	EncodeJS() js.Value
}

// Error is a JavaScript value that does not fit the Go value it was decoded
// into. Path locates it (".articles[2].title"; empty for the whole value).
type Error struct {
	Path string
	JS   string // what was found: a JavaScript type ("string", "array") or a number
	Go   string // what was expected, e.g. "int", "object"
}

func (e *Error) Error() string {
	path := e.Path
	if path == "" {
		path = "value"
	}
	return "jsvalue: " + path + ": cannot decode JavaScript " + e.JS + " into Go " + e.Go
}

var (
	arrayCtor  = js.Global().Get("Array")
	objectCtor = js.Global().Get("Object")
)

// Decode fills the value dst points to from v. null and undefined leave it
// as it is; otherwise dst is only changed when v fits (a Decoder is trusted
// to do the same). It never panics on the shape of v; an unsupported dst
// (an *any among them) is an error too.
func Decode(v js.Value, dst any) error {
	if v.IsNull() || v.IsUndefined() {
		if dst == nil {
			return mismatch(v, "nil")
		}
		return nil
	}
	switch d := dst.(type) {
	case *string:
		if v.Type() == js.TypeString {
			*d = v.String()
			return nil
		}
		return mismatch(v, "string")
	case *bool:
		if v.Type() == js.TypeBoolean {
			*d = v.Bool()
			return nil
		}
		return mismatch(v, "bool")
	case *int:
		n, err := integer(v, math.MinInt, math.MaxInt, "int")
		if err == nil {
			*d = int(n)
		}
		return err
	case *int64:
		n, err := integer(v, math.MinInt64, math.MaxInt64, "int64")
		if err == nil {
			*d = n
		}
		return err
	case *float64:
		if v.Type() == js.TypeNumber {
			*d = v.Float()
			return nil
		}
		return mismatch(v, "float64")
	case *js.Value:
		*d = v
		return nil
	case *[]string:
		return Slice(v, d, Into[string])
	case *map[string]string:
		return Map(v, d, Into[string])
	case *map[string]map[string]string:
		return Map(v, d, Into[map[string]string])
	case Decoder:
		return d.DecodeJS(v)
	}
	return mismatch(v, "value of a type jsvalue does not know (implement jsvalue.Decoder)")
}

// Into is Decode for a *T, as a function Slice and Map can call.
func Into[T any](v js.Value, dst *T) error { return Decode(v, dst) }

// Slice decodes the JavaScript array v into *dst, each element with each.
// null and undefined leave *dst alone; on error *dst is unchanged.
func Slice[T any](v js.Value, dst *[]T, each func(js.Value, *T) error) error {
	if v.IsNull() || v.IsUndefined() {
		return nil
	}
	if !isArray(v) {
		return mismatch(v, "slice")
	}
	out := make([]T, v.Length())
	for i := range out {
		if err := each(v.Index(i), &out[i]); err != nil {
			return within(err, "["+strconv.Itoa(i)+"]")
		}
	}
	*dst = out
	return nil
}

// Map decodes the JavaScript object v into *dst (a new map), each value
// with each. null and undefined leave *dst alone; on error *dst is
// unchanged.
func Map[T any](v js.Value, dst *map[string]T, each func(js.Value, *T) error) error {
	if v.IsNull() || v.IsUndefined() {
		return nil
	}
	if !isObject(v) {
		return mismatch(v, "map")
	}
	keys := objectCtor.Call("keys", v)
	n := keys.Length()
	out := make(map[string]T, n)
	for i := 0; i < n; i++ {
		key := keys.Index(i).String()
		var x T
		if err := each(v.Get(key), &x); err != nil {
			return within(err, "."+key)
		}
		out[key] = x
	}
	*dst = out
	return nil
}

// Fields reads the properties of one JavaScript object and keeps the first
// error, so that a Decoder reads like a list of its fields.
type Fields struct {
	v   js.Value
	err error
}

// Object starts reading v, which must be an object (not an array).
func Object(v js.Value) *Fields {
	f := &Fields{v: v}
	if !isObject(v) {
		f.err = mismatch(v, "object")
	}
	return f
}

// Field decodes property name into dst (see Decode).
func (f *Fields) Field(name string, dst any) {
	if f.err == nil {
		f.err = within(Decode(f.v.Get(name), dst), "."+name)
	}
}

// With decodes property name with decode, for a type Decode does not know
// (a slice of structs: With("items", func(v js.Value) error { return
// jsvalue.Slice(v, &x.Items, decodeItem) })).
func (f *Fields) With(name string, decode func(js.Value) error) {
	if f.err == nil {
		f.err = within(decode(f.v.Get(name)), "."+name)
	}
}

// Err is the first error met, nil when every field fitted.
func (f *Fields) Err() error { return f.err }

// within puts step in front of the path of a decoding error.
func within(err error, step string) error {
	if e, ok := err.(*Error); ok {
		return &Error{Path: step + e.Path, JS: e.JS, Go: e.Go}
	}
	return err
}

// integer returns v as an int64 in [lo, hi]; a fraction, NaN or a number out
// of range is an error.
func integer(v js.Value, lo, hi float64, goType string) (int64, error) {
	if v.Type() != js.TypeNumber {
		return 0, mismatch(v, goType)
	}
	f := v.Float()
	if f != math.Trunc(f) || f < lo || f >= hi {
		return 0, &Error{JS: js.Global().Call("String", v).String(), Go: goType}
	}
	return int64(f), nil
}

func mismatch(v js.Value, goType string) error {
	return &Error{JS: jsType(v), Go: goType}
}

func isArray(v js.Value) bool { return arrayCtor.Call("isArray", v).Bool() }

func isObject(v js.Value) bool { return v.Type() == js.TypeObject && !isArray(v) }

// jsType names v's type for an error, telling arrays from other objects.
func jsType(v js.Value) string {
	if v.Type() == js.TypeObject && isArray(v) {
		return "array"
	}
	return v.Type().String()
}

// Encode returns v as a new JavaScript value. It knows nil, js.Value,
// Encoder, string, bool, int, int64, float64, []string, []any,
// map[string]string, map[string]map[string]string and map[string]any (keys
// in sorted order; values encoded in turn). Nil slices and maps become
// null. Any other type is a programmer error: it panics.
func Encode(v any) js.Value {
	switch x := v.(type) {
	case nil:
		return js.Null()
	case js.Value:
		return x
	case Encoder:
		return x.EncodeJS()
	case string, bool, int, int64, float64:
		return js.ValueOf(x)
	case []string:
		if x == nil {
			return js.Null()
		}
		a := arrayCtor.New(len(x))
		for i, s := range x {
			a.SetIndex(i, s)
		}
		return a
	case []any:
		if x == nil {
			return js.Null()
		}
		a := arrayCtor.New(len(x))
		for i, e := range x {
			a.SetIndex(i, Encode(e))
		}
		return a
	case map[string]string:
		return encodeMap(x, x == nil)
	case map[string]map[string]string:
		return encodeMap(x, x == nil)
	case map[string]any:
		return encodeMap(x, x == nil)
	}
	panic("crumbless: jsvalue: cannot encode a value of this type; implement jsvalue.Encoder")
}

// encodeMap returns m as an object with its keys in sorted order.
func encodeMap[T any](m map[string]T, isNil bool) js.Value {
	if isNil {
		return js.Null()
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	stablesort.Strings(keys)
	o := objectCtor.New()
	for _, k := range keys {
		o.Set(k, Encode(any(m[k])))
	}
	return o
}
