//go:build js && wasm

package store

import (
	"errors"
	"strings"
	"syscall/js"
)

// Backend is one storage area: the browser's localStorage or sessionStorage,
// or memory when those are blocked. Methods return an error for anything the
// browser throws (SecurityError, QuotaExceededError, a missing object).
type Backend interface {
	Get(key string) (value string, ok bool, err error)
	Set(key, value string) error
	Remove(key string) error
	Keys() ([]string, error)
}

// Memory is a Backend that forgets everything when the page goes away.
type Memory map[string]string

func (m Memory) Get(key string) (string, bool, error) { v, ok := m[key]; return v, ok, nil }
func (m Memory) Set(key, value string) error          { m[key] = value; return nil }
func (m Memory) Remove(key string) error              { delete(m, key); return nil }

func (m Memory) Keys() ([]string, error) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	return keys, nil
}

// WebStorage is a Backend over window.localStorage or window.sessionStorage.
type WebStorage struct {
	name string // "localStorage" or "sessionStorage"
}

// NewWebStorage returns the Backend for window[name]. It does not touch the
// storage: browsers may throw on the mere property access, which the methods
// turn into errors.
func NewWebStorage(name string) *WebStorage { return &WebStorage{name: name} }

// object returns window[name], converting a thrown exception into an error.
func (w *WebStorage) object() (obj js.Value, err error) {
	defer catch(&err)
	obj = window(w.name)
	if obj.IsUndefined() || obj.IsNull() {
		return js.Value{}, errors.New(w.name + " is not available")
	}
	return obj, nil
}

func (w *WebStorage) Get(key string) (value string, ok bool, err error) {
	defer catch(&err)
	obj, err := w.object()
	if err != nil {
		return "", false, err
	}
	v := obj.Call("getItem", key)
	if v.IsNull() {
		return "", false, nil
	}
	return v.String(), true, nil
}

func (w *WebStorage) Set(key, value string) (err error) {
	defer catch(&err)
	obj, err := w.object()
	if err != nil {
		return err
	}
	obj.Call("setItem", key, value)
	return nil
}

func (w *WebStorage) Remove(key string) (err error) {
	defer catch(&err)
	obj, err := w.object()
	if err != nil {
		return err
	}
	obj.Call("removeItem", key)
	return nil
}

func (w *WebStorage) Keys() (keys []string, err error) {
	defer catch(&err)
	obj, err := w.object()
	if err != nil {
		return nil, err
	}
	n := obj.Get("length").Int()
	keys = make([]string, 0, n)
	for i := 0; i < n; i++ {
		if k := obj.Call("key", i); !k.IsNull() {
			keys = append(keys, k.String())
		}
	}
	return keys, nil
}

// window returns window[name] through Reflect.get. A plain js.Value.Get
// cannot be used for storage: wasm_exec.js does not catch an exception thrown
// by a property getter (Safari and Chrome throw a SecurityError from
// window.localStorage when storage is blocked), which would stop the Go
// program; an exception inside Call becomes a recoverable panic.
func window(name string) js.Value {
	return reflectObject.Call("get", js.Global(), name)
}

var reflectObject = js.Global().Get("Reflect")

// catch turns a JavaScript exception raised through syscall/js into *err.
func catch(err *error) {
	r := recover()
	if r == nil {
		return
	}
	if jsErr, ok := r.(js.Error); ok {
		*err = jsErr
		return
	}
	if msg, ok := r.(string); ok && strings.HasPrefix(msg, "crumbless: ") {
		*err = errors.New(msg) // e.g. jsvalue: a type it cannot encode
		return
	}
	*err = errors.New("crumbless: storage: unexpected panic")
}
