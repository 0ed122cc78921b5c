//go:build js && wasm

package views

import (
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"syscall/js"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crumbless/crumbless/internal/shared/answers"
	"github.com/crumbless/crumbless/internal/shared/forms"
	"github.com/crumbless/crumbless/wasm/jsvalue"
)

// fill sets every field of the value v points to, recursively, to a
// non-zero value that differs from field to field, so that a decoder that
// forgets a field fails the comparison.
func fill(v reflect.Value, seed *int) {
	*seed++
	switch v.Kind() {
	case reflect.String:
		v.SetString("s" + strconv.Itoa(*seed) + " <img src=x>")
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int64:
		v.SetInt(int64(*seed) * 1_000_000_007)
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 2, 2)
		for i := 0; i < 2; i++ {
			fill(s.Index(i), seed)
		}
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		for i := 0; i < 2; i++ {
			e := reflect.New(v.Type().Elem()).Elem()
			fill(e, seed)
			m.SetMapIndex(reflect.ValueOf("k"+strconv.Itoa(*seed)), e)
		}
		v.Set(m)
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			fill(v.Field(i), seed)
		}
	default:
		panic("fill: add kind " + v.Kind().String())
	}
}

// jsNames returns the js tag of every field of struct type t, recursively
// by path, and checks that a json tag, when there is one, says the same.
func jsNames(t *testing.T, typ reflect.Type) {
	t.Helper()
	for i := 0; i < typ.NumField(); i++ {
		f := typ.Field(i)
		name := f.Tag.Get("js")
		require.NotEmpty(t, name, "%s.%s has a js tag", typ.Name(), f.Name)
		if j, ok := f.Tag.Lookup("json"); ok {
			j, _, _ = strings.Cut(j, ",") // the name, without omitempty
			assert.Equal(t, j, name, "%s.%s: js and json tags agree", typ.Name(), f.Name)
		}
		elem := f.Type
		for elem.Kind() == reflect.Slice || elem.Kind() == reflect.Map {
			elem = elem.Elem()
		}
		if elem.Kind() == reflect.Struct {
			jsNames(t, elem)
		}
	}
}

// TestContentDecoders: answers.json and forms.json, written by
// encoding/json from values with every field set, decode to the same values
// in the browser, and the decoders name the fields like the tags do.
func TestContentDecoders(t *testing.T) {
	t.Run("answers", func(t *testing.T) {
		jsNames(t, reflect.TypeFor[answers.Content]())
		var want answers.Content
		fill(reflect.ValueOf(&want).Elem(), new(int))
		text, err := json.Marshal(want)
		require.NoError(t, err)
		var got answers.Content
		require.NoError(t, decodeAnswers(js.Global().Get("JSON").Call("parse", string(text)), &got))
		assert.Equal(t, want, got)
	})
	t.Run("forms", func(t *testing.T) {
		jsNames(t, reflect.TypeFor[forms.Content]())
		var want forms.Content
		fill(reflect.ValueOf(&want).Elem(), new(int))
		text, err := json.Marshal(want)
		require.NoError(t, err)
		var got forms.Content
		require.NoError(t, decodeForms(js.Global().Get("JSON").Call("parse", string(text)), &got))
		assert.Equal(t, want, got)
	})
	t.Run("wrong shape names the place", func(t *testing.T) {
		var got forms.Content
		err := decodeForms(js.Global().Get("JSON").Call("parse", `{"forms":[{"id":"a","fields":[{"name":"n","required":"yes"}]}]}`), &got)
		var e *jsvalue.Error
		require.ErrorAs(t, err, &e)
		assert.Equal(t, ".forms[0].fields[0].required", e.Path)
		assert.Empty(t, got.Forms, "nothing decoded on error")
	})
}

// TestStoredValuesRoundTrip: the nav and draft keys survive the browser's
// JSON with every field set, under the names of their js tags.
func TestStoredValuesRoundTrip(t *testing.T) {
	check := func(t *testing.T, in jsvalue.Encoder, out jsvalue.Decoder, typ reflect.Type) {
		t.Helper()
		jsNames(t, typ)
		text := js.Global().Get("JSON").Call("stringify", in.EncodeJS()).String()
		var keys map[string]any
		require.NoError(t, json.Unmarshal([]byte(text), &keys))
		require.Len(t, keys, typ.NumField())
		for i := 0; i < typ.NumField(); i++ {
			assert.Contains(t, keys, typ.Field(i).Tag.Get("js"))
		}
		require.NoError(t, jsvalue.Decode(js.Global().Get("JSON").Call("parse", text), out))
	}
	t.Run("nav", func(t *testing.T) {
		var want, got navState
		fill(reflect.ValueOf(&want).Elem(), new(int))
		check(t, want, &got, reflect.TypeFor[navState]())
		assert.Equal(t, want, got)
	})
	t.Run("draft", func(t *testing.T) {
		var want, got drafts
		fill(reflect.ValueOf(&want).Elem(), new(int))
		check(t, want, &got, reflect.TypeFor[drafts]())
		assert.Equal(t, want, got)
	})
}
