//go:build js && wasm

package store

import (
	"errors"
	"sort"
	"strings"
	"syscall/js"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/crumbless/crumbless/internal/shared/envelope"
)

var (
	localStorage   = js.Global().Get("localStorage")
	sessionStorage = js.Global().Get("sessionStorage")
	jsJSON         = js.Global().Get("JSON")
)

// t0 is the tests' "now": a fixed instant so that expiries are exact.
var t0 = time.UnixMilli(1_800_000_000_000)

// script compiles a JavaScript function body with the given parameters.
func script(body string, params ...string) js.Value {
	args := make([]any, 0, len(params)+1)
	for _, p := range params {
		args = append(args, p)
	}
	return js.Global().Get("Function").New(append(args, body)...)
}

// clearStorage empties both Web Storage areas before and after a test.
func clearStorage(t *testing.T) {
	t.Helper()
	localStorage.Call("clear")
	sessionStorage.Call("clear")
	t.Cleanup(func() {
		localStorage.Call("clear")
		sessionStorage.Call("clear")
	})
}

// fixture is one way to back a Store: both areas in memory, or the real
// localStorage and sessionStorage.
type fixture struct {
	name string
	make func(t *testing.T) (local, session Backend)
}

var fixtures = []fixture{
	{"memory", func(t *testing.T) (Backend, Backend) { return Memory{}, Memory{} }},
	{"web storage", func(t *testing.T) (Backend, Backend) {
		clearStorage(t)
		return NewWebStorage("localStorage"), NewWebStorage("sessionStorage")
	}},
}

// forEachFixture runs fn once per fixture, as subtests.
func forEachFixture(t *testing.T, fn func(t *testing.T, local, session Backend)) {
	for _, f := range fixtures {
		t.Run(f.name, func(t *testing.T) {
			local, session := f.make(t)
			fn(t, local, session)
		})
	}
}

// open returns a gated Store over the backends with the test clock.
func open(local, session Backend, consent string) *Store {
	return Open(Options{Local: local, Session: session, Consent: consent, Now: func() int64 { return t0.UnixMilli() }})
}

// raw returns the stored text under key, or "" when absent.
func raw(t *testing.T, b Backend, key string) string {
	t.Helper()
	v, ok, err := b.Get(key)
	require.NoError(t, err)
	if !ok {
		return ""
	}
	return v
}

// keys lists b's keys, sorted.
func keys(t *testing.T, b Backend) []string {
	t.Helper()
	k, err := b.Keys()
	require.NoError(t, err)
	sort.Strings(k)
	return k
}

// prefixed lists b's keys that start with prefix, sorted.
func prefixed(t *testing.T, b Backend, prefix string) []string {
	t.Helper()
	var out []string
	for _, k := range keys(t, b) {
		if strings.HasPrefix(k, prefix) {
			out = append(out, k)
		}
	}
	return out
}

// put stores text under key directly in b, as another program would.
func put(t *testing.T, b Backend, key, text string) {
	t.Helper()
	require.NoError(t, b.Set(key, text))
}

// env is an envelope holding the JSON data, expiring at exp.
func env(data string, exp int64) string { return envelope.Encode(data, exp) }

var errBlocked = errors.New("SecurityError: The operation is insecure.")
var errQuota = errors.New("QuotaExceededError: the quota has been exceeded")

// failing is a Backend whose every call throws, like Safari's blocked
// storage or a sandboxed iframe.
type failing struct{}

func (failing) Get(string) (string, bool, error) { return "", false, errBlocked }
func (failing) Set(string, string) error         { return errBlocked }
func (failing) Remove(string) error              { return errBlocked }
func (failing) Keys() ([]string, error)          { return nil, errBlocked }

// full is a Memory that can be read but refuses writes, like a storage at
// its quota.
type full struct{ Memory }

func (full) Set(string, string) error { return errQuota }

// recording wraps a Backend and logs every write and removal.
type recording struct {
	Backend
	log []string
}

func (r *recording) Set(key, value string) error {
	r.log = append(r.log, "set "+key)
	return r.Backend.Set(key, value)
}

func (r *recording) Remove(key string) error {
	r.log = append(r.log, "remove "+key)
	return r.Backend.Remove(key)
}
