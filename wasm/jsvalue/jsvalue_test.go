//go:build js && wasm

package jsvalue

import (
	"syscall/js"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crumbless/crumbless/internal/answers"
	"github.com/crumbless/crumbless/internal/forms"
	"github.com/crumbless/crumbless/internal/registry"
)

var jsonObject = js.Global().Get("JSON")

// parse is the browser's JSON.parse.
func parse(t *testing.T, text string) js.Value {
	t.Helper()
	return jsonObject.Call("parse", text)
}

// stringify is the browser's JSON.stringify.
func stringify(v js.Value) string { return jsonObject.Call("stringify", v).String() }

type inner struct {
	Label string `js:"label"`
	N     int    `js:"n"`
}

type level string

type everything struct {
	S        string                       `js:"s"`
	B        bool                         `js:"b"`
	I        int                          `js:"i"`
	I8       int8                         `js:"i8"`
	I64      int64                        `js:"i64"`
	U16      uint16                       `js:"u16"`
	F        float64                      `js:"f"`
	F32      float32                      `js:"f32"`
	Named    level                        `js:"named"`
	Inner    inner                        `js:"inner"`
	Ptr      *inner                       `js:"ptr"`
	NilPtr   *inner                       `js:"nilPtr"`
	List     []string                     `js:"list"`
	Inners   []inner                      `js:"inners"`
	Pair     [2]int                       `js:"pair"`
	Map      map[string]int               `js:"map"`
	Nested   map[string]map[string]string `js:"nested"`
	Any      any                          `js:"any"`
	JSON     string                       `json:"jsonTag,omitempty"`
	Untagged string
	Skipped  string `js:"-"`
	private  string
}

// TestRoundTrip encodes Go values, passes them through the browser's JSON
// (as the store does) and decodes them back.
func TestRoundTrip(t *testing.T) {
	full := everything{
		S: "é ✓ <img src=x>", B: true, I: -42, I8: -128, I64: 1_767_225_600_000, U16: 65535,
		F: 1.5, F32: 0.25, Named: "high",
		Inner:  inner{Label: "in", N: 7},
		Ptr:    &inner{Label: "p", N: 1},
		List:   []string{"a", "", "c"},
		Inners: []inner{{Label: "x"}, {N: 2}},
		Pair:   [2]int{3, 4},
		Map:    map[string]int{"one": 1, "two": 2},
		Nested: map[string]map[string]string{"contact": {"email": "a@b.c"}, "empty": {}},
		Any:    map[string]any{"k": []any{true, 2.5, "s", nil}},
		JSON:   "by json tag", Untagged: "by name",
	}
	tests := []struct {
		name string
		in   any
		json string // what JSON.stringify writes for Encode(in)
		dst  func() any
		want any
	}{
		{"string", "hé", `"hé"`, func() any { return new(string) }, "hé"},
		{"bool", true, `true`, func() any { return new(bool) }, true},
		{"int", 12, `12`, func() any { return new(int) }, 12},
		{"int64 unix ms", int64(1_767_225_600_000), `1767225600000`, func() any { return new(int64) }, int64(1_767_225_600_000)},
		{"float", 0.1, `0.1`, func() any { return new(float64) }, 0.1},
		{"named string", level("low"), `"low"`, func() any { return new(level) }, level("low")},
		{"slice", []int{1, 2, 3}, `[1,2,3]`, func() any { return new([]int) }, []int{1, 2, 3}},
		{"empty slice", []string{}, `[]`, func() any { return new([]string) }, []string{}},
		{"map sorted", map[string]bool{"b": true, "a": false}, `{"a":false,"b":true}`, func() any { return new(map[string]bool) }, map[string]bool{"a": false, "b": true}},
		{"pointer", &inner{Label: "l", N: 3}, `{"label":"l","n":3}`, func() any { return new(*inner) }, &inner{Label: "l", N: 3}},
		{"any", []any{"x", 1.0, map[string]any{"y": false}}, `["x",1,{"y":false}]`, func() any { return new(any) }, []any{"x", 1.0, map[string]any{"y": false}}},
		{"nested struct", struct {
			A inner   `js:"a"`
			B []inner `js:"b"`
		}{inner{"x", 1}, []inner{{"y", 2}}}, `{"a":{"label":"x","n":1},"b":[{"label":"y","n":2}]}`, func() any {
			return &struct {
				A inner   `js:"a"`
				B []inner `js:"b"`
			}{}
		}, struct {
			A inner   `js:"a"`
			B []inner `js:"b"`
		}{inner{"x", 1}, []inner{{"y", 2}}}},
		{"everything", full, "", func() any { return new(everything) }, full},
		{"answers content", answers.Content{Articles: []answers.Article{{ID: "shipping", Title: "Shipping", Headings: []string{"Costs"}, Body: "b", Updated: 1_767_225_600_000}}},
			`{"articles":[{"id":"shipping","title":"Shipping","headings":["Costs"],"body":"b","updated":1767225600000}]}`,
			func() any { return new(answers.Content) },
			answers.Content{Articles: []answers.Article{{ID: "shipping", Title: "Shipping", Headings: []string{"Costs"}, Body: "b", Updated: 1_767_225_600_000}}}},
		{"forms content", forms.Content{Forms: []forms.Form{{ID: "contact", Fields: []forms.Field{{Name: "email", Type: "email", Required: true, MaxLength: 200, Options: []string{"a"}}}}}}, "",
			func() any { return new(forms.Content) },
			forms.Content{Forms: []forms.Form{{ID: "contact", Fields: []forms.Field{{Name: "email", Type: "email", Required: true, MaxLength: 200, Options: []string{"a"}}}}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			text := stringify(Encode(tc.in))
			if tc.json != "" {
				assert.Equal(t, tc.json, text)
			}
			dst := tc.dst()
			require.NoError(t, Decode(parse(t, text), dst))
			assert.Equal(t, tc.want, deref(dst))
		})
	}
}

// deref returns what the pointer p points to, as an any.
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
	case *level:
		return *x
	case *[]int:
		return *x
	case *[]string:
		return *x
	case *map[string]bool:
		return *x
	case **inner:
		return *x
	case *any:
		return *x
	case *everything:
		return *x
	case *answers.Content:
		return *x
	case *forms.Content:
		return *x
	case *struct {
		A inner   `js:"a"`
		B []inner `js:"b"`
	}:
		return *x
	}
	panic("deref: add a case")
}

// TestEncodeShapes checks the JavaScript side of Encode: names from tags,
// skipped fields, null for nil, the disclosure rows the JS API returns.
func TestEncodeShapes(t *testing.T) {
	tests := []struct {
		name string
		in   any
		want string
	}{
		{"nil", nil, `null`},
		{"nil pointer", (*inner)(nil), `null`},
		{"nil slice", []string(nil), `null`},
		{"nil map", map[string]int(nil), `null`},
		{"tags, names, skipped and private fields", everything{JSON: "j", Untagged: "u", Skipped: "no", private: "no"}, ""},
		{"js.Value kept", map[string]js.Value{"v": js.ValueOf("raw")}, `{"v":"raw"}`},
		{"disclosure entry", registry.Entry{Key: "p-theme", Area: "local", TTL: 60, Renewed: true},
			`{"key":"p-theme","area":"local","purpose":"","category":"","ttl":60,"renewed":true,"lifetime":"","written":""}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := Encode(tc.in)
			if tc.want != "" {
				assert.Equal(t, tc.want, stringify(v))
				return
			}
			keys := js.Global().Get("Object").Call("keys", v)
			var names []string
			require.NoError(t, Decode(keys, &names))
			assert.Contains(t, names, "jsonTag")
			assert.Contains(t, names, "Untagged")
			assert.NotContains(t, names, "Skipped")
			assert.NotContains(t, names, "private")
			assert.NotContains(t, names, "-")
			assert.Equal(t, "j", v.Get("jsonTag").String())
		})
	}
}

// TestEncodePanicsOnProgrammerError: a func has no JavaScript form.
func TestEncodePanicsOnProgrammerError(t *testing.T) {
	assert.PanicsWithValue(t, "crumbless: jsvalue: cannot encode a Go func", func() { Encode(map[string]any{"f": func() {}}) })
	assert.Panics(t, func() { Encode(map[int]string{1: "x"}) })
}

// TestDecodeWrongShape: a value that does not fit gives an error naming
// where, never a panic, and leaves dst as it was.
func TestDecodeWrongShape(t *testing.T) {
	tests := []struct {
		name string
		json string
		dst  any
		path string // the Error's Path
	}{
		{"string into int", `"12"`, new(int), ""},
		{"number into string", `12`, new(string), ""},
		{"bool into string", `true`, new(string), ""},
		{"fraction into int", `1.5`, new(int), ""},
		{"overflow int8", `300`, new(int8), ""},
		{"negative into uint", `-1`, new(uint16), ""},
		{"array into struct", `[1]`, new(inner), ""},
		{"object into slice", `{"0":"a"}`, new([]string), ""},
		{"string into map", `"m"`, new(map[string]string), ""},
		{"array into map", `["a"]`, new(map[string]string), ""},
		{"wrong field", `{"label":"x","n":"seven"}`, new(inner), ".n"},
		{"wrong element", `{"articles":[{"id":"a"},{"id":5}]}`, new(answers.Content), ".articles[1].id"},
		{"wrong map value", `{"chat":"","forms":{"contact":{"email":1}}}`, new(struct {
			Chat  string                       `js:"chat"`
			Forms map[string]map[string]string `js:"forms"`
		}), ".forms.contact.email"},
		{"array length", `[1,2,3]`, new([2]int), ""},
		{"object into non-empty interface", `{}`, new(error), ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			require.NotPanics(t, func() { err = Decode(parse(t, tc.json), tc.dst) })
			var e *Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, tc.path, e.Path)
			assert.Contains(t, err.Error(), "jsvalue: ")
		})
	}

	t.Run("dst unchanged on error", func(t *testing.T) {
		dst := inner{Label: "kept", N: 1}
		require.Error(t, Decode(parse(t, `{"label":"new","n":"x"}`), &dst))
		assert.Equal(t, inner{Label: "kept", N: 1}, dst)
	})
	t.Run("not a pointer", func(t *testing.T) {
		var s string
		assert.Error(t, Decode(js.ValueOf("x"), s))
		assert.Error(t, Decode(js.ValueOf("x"), (*string)(nil)))
		assert.Error(t, Decode(js.ValueOf("x"), nil))
	})
	t.Run("function into any", func(t *testing.T) {
		var v any
		assert.Error(t, Decode(js.Global().Get("Function").New("return 1"), &v))
	})
}

// TestDecodeNullUndefined: null and undefined leave the whole value alone,
// and inside an object give zero values (a nil pointer, an absent field).
func TestDecodeNullUndefined(t *testing.T) {
	for _, v := range []js.Value{js.Null(), js.Undefined()} {
		t.Run(v.Type().String(), func(t *testing.T) {
			s := "kept"
			require.NoError(t, Decode(v, &s))
			assert.Equal(t, "kept", s)

			dst := everything{S: "old", Ptr: &inner{}}
			obj := js.Global().Get("Object").New()
			obj.Set("ptr", v)
			obj.Set("i", 3)
			require.NoError(t, Decode(obj, &dst))
			assert.Equal(t, everything{I: 3}, dst, "fields missing or null are zero")
		})
	}
	t.Run("null elements", func(t *testing.T) {
		var list []*inner
		require.NoError(t, Decode(parse(t, `[null,{"n":1}]`), &list))
		assert.Equal(t, []*inner{nil, {N: 1}}, list)
		var m map[string]any
		require.NoError(t, Decode(parse(t, `{"a":null}`), &m))
		assert.Equal(t, map[string]any{"a": nil}, m)
	})
	t.Run("js.Value field", func(t *testing.T) {
		var dst struct {
			Raw js.Value `js:"raw"`
		}
		require.NoError(t, Decode(parse(t, `{"raw":{"x":1}}`), &dst))
		assert.Equal(t, 1, dst.Raw.Get("x").Int())
	})
}
