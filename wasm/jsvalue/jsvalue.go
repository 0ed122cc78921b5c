//go:build js && wasm

// Package jsvalue converts Go values to JavaScript values and back, for the
// browser's JSON (JSON.parse / JSON.stringify) and the JS API. It replaces
// github.com/norunners/vert, which pulled fmt into the wasm (about 160 KB
// brotli): this package uses reflect, syscall/js and strconv only.
//
// Struct fields are named by their `js:"name"` tag, else their `json:"name"`
// tag (options after a comma are ignored), else the field name; "-" skips a
// field, as do unexported fields. Supported Go kinds: bool, string, every
// integer and float kind, pointers, interfaces, slices, arrays, maps with
// string keys, structs, and js.Value itself. Named types of those kinds work
// too.
package jsvalue

import (
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"syscall/js"
)

// Error is a JavaScript value that does not fit the Go value it was decoded
// into. Path locates it (".articles[2].title"; empty for the whole value).
type Error struct {
	Path string
	JS   string // the JavaScript type found, e.g. "string", "array", "1.5"
	Go   string // the Go kind expected, e.g. "int", "struct"
}

func (e *Error) Error() string {
	path := e.Path
	if path == "" {
		path = "value"
	}
	return "jsvalue: " + path + ": cannot decode JavaScript " + e.JS + " into Go " + e.Go
}

var (
	jsValueType = reflect.TypeFor[js.Value]()
	arrayCtor   = js.Global().Get("Array")
	objectCtor  = js.Global().Get("Object")
)

// Decode fills the value dst points to from v. null and undefined leave it
// as it is; otherwise dst is only changed when all of v fits, and fields,
// elements and keys missing from v end up as zero values. An object decoded
// into an empty interface becomes map[string]any, an array []any, a number
// float64. It never panics on the shape of v; a dst that is not a non-nil
// pointer is an error too.
func Decode(v js.Value, dst any) error {
	rv := reflect.ValueOf(dst)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return &Error{JS: v.Type().String(), Go: "non-pointer " + rv.Kind().String()}
	}
	if v.IsNull() || v.IsUndefined() {
		return nil
	}
	fresh := reflect.New(rv.Type().Elem()).Elem()
	if err := decode(fresh, v, ""); err != nil {
		return err
	}
	rv.Elem().Set(fresh)
	return nil
}

// decode fills dst, a settable zero value, from v (not null or undefined
// except below pointers and interfaces, which stay nil).
func decode(dst reflect.Value, v js.Value, path string) error {
	t := dst.Type()
	if t == jsValueType {
		dst.Set(reflect.ValueOf(v))
		return nil
	}
	if v.IsNull() || v.IsUndefined() {
		return nil // leaves the zero value
	}
	jt := v.Type()
	switch k := dst.Kind(); k {
	case reflect.Pointer:
		p := reflect.New(t.Elem())
		if err := decode(p.Elem(), v, path); err != nil {
			return err
		}
		dst.Set(p)
		return nil
	case reflect.Interface:
		if t.NumMethod() != 0 {
			break
		}
		x, err := natural(v, path)
		if err != nil {
			return err
		}
		dst.Set(reflect.ValueOf(&x).Elem())
		return nil
	case reflect.Bool:
		if jt == js.TypeBoolean {
			dst.SetBool(v.Bool())
			return nil
		}
	case reflect.String:
		if jt == js.TypeString {
			dst.SetString(v.String())
			return nil
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if jt == js.TypeNumber {
			f := v.Float()
			if f == math.Trunc(f) && f >= -(1<<63) && f < 1<<63 && !dst.OverflowInt(int64(f)) {
				dst.SetInt(int64(f))
				return nil
			}
			return mismatch(path, strconv.FormatFloat(f, 'g', -1, 64), k)
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if jt == js.TypeNumber {
			f := v.Float()
			if f == math.Trunc(f) && f >= 0 && f < 1<<64 && !dst.OverflowUint(uint64(f)) {
				dst.SetUint(uint64(f))
				return nil
			}
			return mismatch(path, strconv.FormatFloat(f, 'g', -1, 64), k)
		}
	case reflect.Float32, reflect.Float64:
		if jt == js.TypeNumber {
			dst.SetFloat(v.Float())
			return nil
		}
	case reflect.Slice:
		if isArray(v) {
			n := v.Length()
			s := reflect.MakeSlice(t, n, n)
			if err := decodeElems(s, v, n, path); err != nil {
				return err
			}
			dst.Set(s)
			return nil
		}
	case reflect.Array:
		if isArray(v) && v.Length() == dst.Len() {
			return decodeElems(dst, v, dst.Len(), path)
		}
	case reflect.Map:
		if t.Key().Kind() == reflect.String && isObject(v) {
			return decodeMap(dst, v, path)
		}
	case reflect.Struct:
		if isObject(v) {
			return decodeStruct(dst, v, path)
		}
	}
	return mismatch(path, jsType(v), dst.Kind())
}

func decodeElems(dst reflect.Value, v js.Value, n int, path string) error {
	for i := 0; i < n; i++ {
		if err := decode(dst.Index(i), v.Index(i), path+"["+strconv.Itoa(i)+"]"); err != nil {
			return err
		}
	}
	return nil
}

func decodeMap(dst reflect.Value, v js.Value, path string) error {
	t := dst.Type()
	keys := objectCtor.Call("keys", v)
	n := keys.Length()
	m := reflect.MakeMapWithSize(t, n)
	for i := 0; i < n; i++ {
		key := keys.Index(i).String()
		elem := reflect.New(t.Elem()).Elem()
		if err := decode(elem, v.Get(key), path+"."+key); err != nil {
			return err
		}
		k := reflect.New(t.Key()).Elem()
		k.SetString(key)
		m.SetMapIndex(k, elem)
	}
	dst.Set(m)
	return nil
}

func decodeStruct(dst reflect.Value, v js.Value, path string) error {
	t := dst.Type()
	for i := 0; i < t.NumField(); i++ {
		name, ok := fieldName(t.Field(i))
		if !ok {
			continue
		}
		if err := decode(dst.Field(i), v.Get(name), path+"."+name); err != nil {
			return err
		}
	}
	return nil
}

// natural returns v as the Go value an empty interface holds for it: nil,
// bool, float64, string, []any or map[string]any.
func natural(v js.Value, path string) (any, error) {
	switch v.Type() {
	case js.TypeNull, js.TypeUndefined:
		return nil, nil
	case js.TypeBoolean:
		return v.Bool(), nil
	case js.TypeNumber:
		return v.Float(), nil
	case js.TypeString:
		return v.String(), nil
	case js.TypeObject:
		var err error
		if isArray(v) {
			out := make([]any, v.Length())
			for i := range out {
				if out[i], err = natural(v.Index(i), path+"["+strconv.Itoa(i)+"]"); err != nil {
					return nil, err
				}
			}
			return out, nil
		}
		keys := objectCtor.Call("keys", v)
		out := make(map[string]any, keys.Length())
		for i := 0; i < keys.Length(); i++ {
			key := keys.Index(i).String()
			if out[key], err = natural(v.Get(key), path+"."+key); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	return nil, mismatch(path, jsType(v), reflect.Interface)
}

func mismatch(path, js string, k reflect.Kind) error {
	return &Error{Path: path, JS: js, Go: k.String()}
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

// fieldName returns the JavaScript name of a struct field, and false for a
// field that is not converted (unexported, or tagged "-").
func fieldName(f reflect.StructField) (string, bool) {
	if !f.IsExported() {
		return "", false
	}
	tag, ok := f.Tag.Lookup("js")
	if !ok {
		tag = f.Tag.Get("json")
	}
	name, _, _ := strings.Cut(tag, ",")
	switch name {
	case "-":
		return "", false
	case "":
		return f.Name, true
	}
	return name, true
}

// Encode returns v as a new JavaScript value: nil pointers, slices, maps and
// interfaces become null, structs and maps objects (map keys in sorted
// order), slices and arrays arrays, numbers numbers. A js.Value is returned
// as it is. A value of a kind JavaScript has no form for (func, chan,
// complex, a map with non-string keys) is a programmer error: it panics.
func Encode(v any) js.Value {
	switch x := v.(type) {
	case nil:
		return js.Null()
	case js.Value:
		return x
	case string:
		return js.ValueOf(x)
	}
	return encode(reflect.ValueOf(v))
}

func encode(v reflect.Value) js.Value {
	if v.Type() == jsValueType {
		return v.Interface().(js.Value)
	}
	switch v.Kind() {
	case reflect.Bool:
		return js.ValueOf(v.Bool())
	case reflect.String:
		return js.ValueOf(v.String())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return js.ValueOf(v.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return js.ValueOf(v.Uint())
	case reflect.Float32, reflect.Float64:
		return js.ValueOf(v.Float())
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return js.Null()
		}
		return encode(v.Elem())
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.IsNil() {
			return js.Null()
		}
		a := arrayCtor.New(v.Len())
		for i := 0; i < v.Len(); i++ {
			a.SetIndex(i, encode(v.Index(i)))
		}
		return a
	case reflect.Map:
		if v.Type().Key().Kind() != reflect.String {
			break
		}
		if v.IsNil() {
			return js.Null()
		}
		keys := make([]string, 0, v.Len())
		for it := v.MapRange(); it.Next(); {
			keys = append(keys, it.Key().String())
		}
		slices.Sort(keys)
		o := objectCtor.New()
		for _, key := range keys {
			k := reflect.New(v.Type().Key()).Elem()
			k.SetString(key)
			o.Set(key, encode(v.MapIndex(k)))
		}
		return o
	case reflect.Struct:
		t := v.Type()
		o := objectCtor.New()
		for i := 0; i < t.NumField(); i++ {
			if name, ok := fieldName(t.Field(i)); ok {
				o.Set(name, encode(v.Field(i)))
			}
		}
		return o
	}
	panic("crumbless: jsvalue: cannot encode a Go " + v.Kind().String())
}
