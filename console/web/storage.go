//go:build js && wasm

package web

import (
	"syscall/js"

	"github.com/norunners/vert"

	"github.com/crumbless/crumbless/console/prefs"
	"github.com/crumbless/crumbless/internal/shared/registry"
)

// Storage reads and writes the console's declared keys, each in its area,
// in the envelope. Storage that throws (blocked, full) is treated as empty:
// the console keeps working without it.
type Storage struct{}

func area(k prefs.Key) js.Value {
	var v js.Value
	_ = Catch(func() {
		if k.Area == registry.Session {
			v = js.Global().Get("sessionStorage")
		} else {
			v = js.Global().Get("localStorage")
		}
	})
	return v
}

func mustKey(name string) prefs.Key {
	k, ok := prefs.Lookup(name)
	if !ok {
		panic("crumbless: console: undeclared storage key " + name)
	}
	return k
}

func now() int64 { return int64(js.Global().Get("Date").Call("now").Float()) }

// Get assigns the value of key name to out (through vert) and reports
// whether there was one; an expired or corrupt value is removed.
func (Storage) Get(name string, out any) bool {
	k := mustKey(name)
	st := area(k)
	if st.IsUndefined() || st.IsNull() {
		return false
	}
	var text js.Value
	if Catch(func() { text = st.Call("getItem", k.Full()) }) != nil || text.Type() != js.TypeString {
		return false
	}
	data, ok := prefs.Unwrap(text.String(), now())
	if !ok {
		_ = Catch(func() { st.Call("removeItem", k.Full()) })
		return false
	}
	var v js.Value
	if Catch(func() { v = js.Global().Get("JSON").Call("parse", data) }) != nil {
		return false
	}
	if raw, ok := out.(*js.Value); ok {
		*raw = v
		return true
	}
	return vert.Value{Value: v}.AssignTo(out) == nil
}

// Set stores v (converted with vert) under key name.
func (Storage) Set(name string, v any) {
	k := mustKey(name)
	st := area(k)
	if st.IsUndefined() || st.IsNull() {
		return
	}
	data := js.Global().Get("JSON").Call("stringify", vert.ValueOf(v).Value).String()
	_ = Catch(func() { st.Call("setItem", k.Full(), k.Wrap(data, now())) })
}

// Remove deletes key name.
func (Storage) Remove(name string) {
	k := mustKey(name)
	if st := area(k); !st.IsUndefined() && !st.IsNull() {
		_ = Catch(func() { st.Call("removeItem", k.Full()) })
	}
}

// OnChange calls fn with the key's name when another tab changes one of the
// console's localStorage keys.
func (Storage) OnChange(fn func(name string)) {
	js.Global().Call("addEventListener", "storage", js.FuncOf(func(_ js.Value, args []js.Value) any {
		key := args[0].Get("key")
		if key.Type() != js.TypeString {
			return nil
		}
		for _, k := range prefs.Keys {
			if k.Area == registry.Local && k.Full() == key.String() {
				go fn(k.Name)
			}
		}
		return nil
	}))
}
