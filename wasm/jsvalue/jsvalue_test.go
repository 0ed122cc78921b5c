//go:build js && wasm

package jsvalue

import (
	"syscall/js"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var jsonObject = js.Global().Get("JSON")

// parse is the browser's JSON.parse.
func parse(text string) js.Value { return jsonObject.Call("parse", text) }

// stringify is the browser's JSON.stringify.
func stringify(v js.Value) string { return jsonObject.Call("stringify", v).String() }

// item is a struct converted the way the widget's types are: a Decoder with
// Object, an Encoder through a map, a nested slice through With and Slice.
type item struct {
	Label string
	N     int
	Tags  []string
	Kids  []item
}

func (it *item) DecodeJS(v js.Value) error {
	var x item
	o := Object(v)
	o.Field("label", &x.Label)
	o.Field("n", &x.N)
	o.Field("tags", &x.Tags)
	o.With("kids", func(v js.Value) error { return Slice(v, &x.Kids, Into[item]) })
	if err := o.Err(); err != nil {
		return err
	}
	*it = x
	return nil
}

func (it item) EncodeJS() js.Value {
	kids := make([]any, len(it.Kids))
	for i, k := range it.Kids {
		kids[i] = k
	}
	return Encode(map[string]any{"label": it.Label, "n": it.N, "tags": it.Tags, "kids": kids})
}

// TestRoundTrip encodes Go values, passes them through the browser's JSON
// (as the store does) and decodes them back.
func TestRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		in   any
		json string // what JSON.stringify writes for Encode(in)
		dst  any    // a pointer to a zero value
		want any    // what dst points to afterwards
	}{
		{"string", "hé <img src=x>", `"hé <img src=x>"`, new(string), "hé <img src=x>"},
		{"bool", true, `true`, new(bool), true},
		{"int", -12, `-12`, new(int), -12},
		{"int64 unix ms", int64(1_767_225_600_000), `1767225600000`, new(int64), int64(1_767_225_600_000)},
		{"float", 0.1, `0.1`, new(float64), 0.1},
		{"strings", []string{"a", "", "c"}, `["a","","c"]`, new([]string), []string{"a", "", "c"}},
		{"empty strings", []string{}, `[]`, new([]string), []string{}},
		{"map sorted", map[string]string{"b": "2", "a": "1"}, `{"a":"1","b":"2"}`, new(map[string]string), map[string]string{"a": "1", "b": "2"}},
		{"nested map", map[string]map[string]string{"contact": {"email": "a@b.c"}, "empty": {}}, `{"contact":{"email":"a@b.c"},"empty":{}}`,
			new(map[string]map[string]string), map[string]map[string]string{"contact": {"email": "a@b.c"}, "empty": {}}},
		{"encoder and decoder", item{Label: "top", N: 3, Tags: []string{"t"}, Kids: []item{{Label: "kid", N: -1}, {}}},
			`{"kids":[{"kids":[],"label":"kid","n":-1,"tags":null},{"kids":[],"label":"","n":0,"tags":null}],"label":"top","n":3,"tags":["t"]}`,
			new(item), item{Label: "top", N: 3, Tags: []string{"t"}, Kids: []item{{Label: "kid", N: -1, Kids: []item{}}, {Kids: []item{}}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			text := stringify(Encode(tc.in))
			assert.Equal(t, tc.json, text)
			require.NoError(t, Decode(parse(text), tc.dst))
			assert.Equal(t, tc.want, deref(tc.dst))
		})
	}
}

// deref returns what the pointer p points to.
func deref(p any) any {
	switch x := p.(type) {
	case *string:
		return *x
	case *bool:
		return *x
	case *int:
		return *x
	case *int64:
		return *x
	case *float64:
		return *x
	case *[]string:
		return *x
	case *map[string]string:
		return *x
	case *map[string]map[string]string:
		return *x
	case *item:
		return *x
	}
	panic("deref: add a case")
}

// TestEncode checks the JavaScript side of Encode: null for nil, a
// js.Value kept as it is, numbers as numbers.
func TestEncode(t *testing.T) {
	raw := js.Global().Get("Object").New()
	raw.Set("k", "v")
	tests := []struct {
		name string
		in   any
		want string
	}{
		{"nil", nil, `null`},
		{"nil strings", []string(nil), `null`},
		{"nil any slice", []any(nil), `null`},
		{"nil map", map[string]string(nil), `null`},
		{"nil map any", map[string]any(nil), `null`},
		{"js.Value kept", map[string]any{"v": raw}, `{"v":{"k":"v"}}`},
		{"any values", []any{"x", 1.0, true, nil, map[string]any{"y": []any{}, "b": "é ✓"}}, `["x",1,true,null,{"b":"é ✓","y":[]}]`},
		{"large int64", int64(1) << 53, `9007199254740992`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, stringify(Encode(tc.in)))
		})
	}
	assert.True(t, Encode(raw).Equal(raw), "the same object, not a copy")
}

// TestEncodePanicsOnProgrammerError: a type Encode does not know.
func TestEncodePanicsOnProgrammerError(t *testing.T) {
	for name, v := range map[string]any{
		"func":          func() {},
		"struct":        struct{ A string }{"a"},
		"nested in map": map[string]any{"f": uint8(1)},
		"int slice":     []int{1},
	} {
		t.Run(name, func(t *testing.T) {
			assert.PanicsWithValue(t, "crumbless: jsvalue: cannot encode a value of this type; implement jsvalue.Encoder", func() { Encode(v) })
		})
	}
}

// TestDecodeWrongShape: a value that does not fit gives an *Error naming
// where, never a panic, and leaves dst as it was.
func TestDecodeWrongShape(t *testing.T) {
	tests := []struct {
		name string
		json string
		dst  any
		path string // the Error's Path
		goes string // the Error's Go
	}{
		{"string into int", `"12"`, new(int), "", "int"},
		{"number into string", `12`, new(string), "", "string"},
		{"bool into string", `true`, new(string), "", "string"},
		{"string into bool", `"true"`, new(bool), "", "bool"},
		{"fraction into int", `1.5`, new(int), "", "int"},
		{"fraction into int64", `-0.5`, new(int64), "", "int64"},
		{"too large for int64", `1e19`, new(int64), "", "int64"},
		{"string into float", `"1"`, new(float64), "", "float64"},
		{"object into strings", `{"0":"a"}`, new([]string), "", "slice"},
		{"number in strings", `["a",2]`, new([]string), "[1]", "string"},
		{"string into map", `"m"`, new(map[string]string), "", "map"},
		{"array into map", `["a"]`, new(map[string]string), "", "map"},
		{"into any", `{}`, new(any), "", "value of a type jsvalue does not know (implement jsvalue.Decoder)"},
		{"into map any", `{}`, new(map[string]any), "", "value of a type jsvalue does not know (implement jsvalue.Decoder)"},
		{"wrong nested map value", `{"contact":{"email":1}}`, new(map[string]map[string]string), ".contact.email", "string"},
		{"array into struct", `[1]`, new(item), "", "object"},
		{"wrong field", `{"label":"x","n":"seven"}`, new(item), ".n", "int"},
		{"wrong deep field", `{"kids":[{"label":"a"},{"label":5}]}`, new(item), ".kids[1].label", "string"},
		{"unknown type", `1`, new(uint8), "", "value of a type jsvalue does not know (implement jsvalue.Decoder)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			require.NotPanics(t, func() { err = Decode(parse(tc.json), tc.dst) })
			var e *Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, tc.path, e.Path)
			assert.Equal(t, tc.goes, e.Go)
			assert.Contains(t, err.Error(), "jsvalue: ")
		})
	}

	t.Run("dst unchanged on error", func(t *testing.T) {
		dst := item{Label: "kept", N: 1}
		require.Error(t, Decode(parse(`{"label":"new","n":"x"}`), &dst))
		assert.Equal(t, item{Label: "kept", N: 1}, dst)
		list := []string{"kept"}
		require.Error(t, Decode(parse(`["a",1]`), &list))
		assert.Equal(t, []string{"kept"}, list)
		m := map[string]string{"k": "kept"}
		require.Error(t, Decode(parse(`{"a":"b","c":[]}`), &m))
		assert.Equal(t, map[string]string{"k": "kept"}, m)
	})
	t.Run("function into any", func(t *testing.T) {
		var v any
		assert.Error(t, Decode(js.Global().Get("Function").New("return 1"), &v))
	})
	t.Run("nil dst", func(t *testing.T) {
		assert.Error(t, Decode(js.ValueOf("x"), nil))
		assert.Error(t, Decode(js.Null(), nil))
	})
}

// TestDecodeNullUndefined: null and undefined leave the value alone, at the
// top and inside an object, and are nil inside an any.
func TestDecodeNullUndefined(t *testing.T) {
	for _, v := range []js.Value{js.Null(), js.Undefined()} {
		t.Run(v.Type().String(), func(t *testing.T) {
			s := "kept"
			require.NoError(t, Decode(v, &s))
			assert.Equal(t, "kept", s)
			list := []string{"kept"}
			require.NoError(t, Decode(v, &list))
			assert.Equal(t, []string{"kept"}, list)

			obj := js.Global().Get("Object").New()
			obj.Set("label", v)
			obj.Set("n", 3)
			var it item
			require.NoError(t, Decode(obj, &it))
			assert.Equal(t, item{N: 3}, it, "fields missing or null stay zero")
		})
	}
	t.Run("js.Value", func(t *testing.T) {
		var raw js.Value
		require.NoError(t, Decode(parse(`{"x":1}`), &raw))
		assert.Equal(t, 1, raw.Get("x").Int())
	})
}
