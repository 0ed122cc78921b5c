//go:build js && wasm

package views

import (
	"strings"
	"syscall/js"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// stubConfirm replaces window.confirm with one that answers yes (or no)
// and records the question, until the test ends.
func stubConfirm(t *testing.T, yes bool) *string {
	t.Helper()
	asked := new(string)
	orig := js.Global().Get("confirm")
	fn := js.FuncOf(func(_ js.Value, args []js.Value) any {
		*asked = args[0].String()
		return yes
	})
	js.Global().Set("confirm", fn)
	t.Cleanup(func() { js.Global().Set("confirm", orig); fn.Release() })
	return asked
}

// stubAPI puts a chat backend at https://chat.example/ in front of
// window.fetch: it answers with status (0: a network failure) and records
// "METHOD url authorization", until the test ends. Other URLs (the
// content) go to the real fetch.
func stubAPI(t *testing.T, status int) *[]string {
	t.Helper()
	return stubAPIBody(t, status, `{"error":"x","code":"x"}`)
}

// stubAPIBody is stubAPI answering body to every status but 204.
func stubAPIBody(t *testing.T, status int, body string) *[]string {
	t.Helper()
	calls := new([]string)
	orig := js.Global().Get("fetch")
	fn := js.FuncOf(func(this js.Value, args []js.Value) any {
		if len(args) < 2 || args[0].Type() != js.TypeString || len(args[0].String()) < 20 || args[0].String()[:20] != "https://chat.example" {
			return orig.Call("apply", this, js.ValueOf(toAny(args)))
		}
		init := args[1]
		*calls = append(*calls, init.Get("method").String()+" "+args[0].String()+" "+init.Get("headers").Get("Authorization").String())
		if status == 0 {
			return js.Global().Get("Promise").Call("reject", js.Global().Get("TypeError").New("Failed to fetch"))
		}
		var res any
		if status != 204 {
			res = body
		}
		return js.Global().Get("Promise").Call("resolve", js.Global().Get("Response").New(res, map[string]any{"status": status}))
	})
	js.Global().Set("fetch", fn)
	t.Cleanup(func() { js.Global().Set("fetch", orig); fn.Release() })
	return calls
}

// deletes keeps the DELETE calls of calls.
func deletes(calls []string) []string {
	var out []string
	for _, c := range calls {
		if strings.HasPrefix(c, "DELETE ") {
			out = append(out, c)
		}
	}
	return out
}

func TestForgetAlsoErasesOnTheServer(t *testing.T) {
	const token = "cv_test"
	cases := []struct {
		name       string
		tick, yes  bool
		status     int
		wantCalls  int
		wantStatus string
		wantKept   bool
	}{
		{"browser only", false, true, 204, 0, "Done. Nothing from this chat is stored in your browser any more.", false},
		{"server too", true, true, 204, 1, "Done. Deleted from the server and from this browser.", false},
		{"gone already", true, true, 401, 1, "Done. Deleted from the server and from this browser.", false},
		{"not confirmed", true, false, 204, 0, "", true},
		{"server fails", true, true, 503, 1, "The server could not delete it; nothing was forgotten.", true},
		{"offline", true, true, 0, 1, "The server could not delete it; nothing was forgotten.", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			clearStorage(t)
			asked := stubConfirm(t, c.yes)
			opts := contentOptions(t)
			opts.Chat = newFake()
			opts.API = "https://chat.example/api/v1/"
			f := mount(t, true, opts)
			require.NoError(t, f.p.store.Set("visitor", token))
			require.True(t, f.p.Navigate("privacy"))
			calls := stubAPI(t, c.status)
			require.False(t, f.q(".forget input[type=checkbox]").IsNull(), "the server option is offered")
			assert.Equal(t, "Also delete my conversation from the server", f.text(".forget label.check"))
			if c.tick {
				f.click(t, ".forget input[type=checkbox]")
			}
			f.click(t, ".forget button")
			if c.tick {
				assert.Contains(t, *asked, "the forms you sent from this chat", "the confirmation says what goes")
			} else {
				assert.Empty(t, *asked, "no confirmation for the browser alone")
			}
			eventually(t, func() bool { return f.text(".forget [role=status]") == c.wantStatus }, "status "+c.wantStatus)
			got := deletes(*calls) // the view also asks what the server holds
			require.Len(t, got, c.wantCalls)
			if c.wantCalls > 0 {
				assert.Equal(t, "DELETE https://chat.example/api/v1/conversation Bearer "+token, got[0])
			}
			assert.Equal(t, c.wantKept, !rawLocal("crumbless-visitor").IsNull(), "browser keys kept")
		})
	}
}

func TestNoServerOptionWithoutABackend(t *testing.T) {
	clearStorage(t)
	f := mount(t, true, contentOptions(t))
	require.True(t, f.p.Navigate("privacy"))
	assert.True(t, f.q(".forget input[type=checkbox]").IsNull())
}

func toAny(vs []js.Value) []any {
	out := make([]any, len(vs))
	for i, v := range vs {
		out[i] = v
	}
	return out
}
