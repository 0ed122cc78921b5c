//go:build js && wasm

package api

import (
	"syscall/js"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crumbless/crumbless/wasm/events"
	"github.com/crumbless/crumbless/wasm/i18n/i18ntest"
	"github.com/crumbless/crumbless/wasm/store"
	"github.com/crumbless/crumbless/wasm/tabs"
	"github.com/crumbless/crumbless/wasm/ui"
	"github.com/crumbless/crumbless/wasm/views"
)

// harness is a runtime as wasm/main.go wires it, over a frame like the one
// the loader draws, with console.warn captured.
type harness struct {
	api   *API
	panel *views.Panel
	boot  js.Value
	warns js.Value // the messages given to console.warn
	log   js.Value // what the test's JS listeners recorded
	// frame and launcher are the nodes the loader drew and the runtime took over.
	frame, launcher js.Value
}

func newHarness(t *testing.T, queue ...[]any) *harness { return newHarnessFrame(t, false, queue...) }

// newHarnessFrame is newHarness where clicked says whether the loader had
// already shown the panel frame (the visitor's click) when the runtime started.
func newHarnessFrame(t *testing.T, clicked bool, queue ...[]any) *harness {
	t.Helper()
	js.Global().Get("localStorage").Call("clear")
	host := ui.El("div")
	js.Global().Get("document").Get("body").Call("appendChild", host)
	root := host.Call("attachShadow", map[string]any{"mode": "open"})
	wrapper := ui.El("div", "class", "cl")
	launcher := ui.El("button", "class", "launcher")
	ui.Append(root, ui.Append(wrapper, launcher))
	frame := js.Undefined()
	if clicked {
		frame = ui.El("div", "class", "panel", "role", "dialog")
		wrapper.Call("insertBefore", frame, launcher)
	}
	hub := events.NewHub()
	panel := views.NewPanel(views.Frame{Root: root, Wrapper: wrapper, Launcher: launcher, Panel: frame, Events: hub},
		store.New("crumbless-"), views.Options{Theme: "auto", Lang: "de", Prefix: "crumbless-", Catalogs: i18ntest.URLs()})

	h := &harness{panel: panel, frame: wrapper.Call("querySelector", ".panel"), launcher: launcher, warns: newArray(), log: newArray()}
	console := js.Global().Get("console")
	origWarn := console.Get("warn")
	console.Set("warn", js.Global().Get("Function").New("w", "...a", "w.push(a.join(' '))").Call("bind", js.Null(), h.warns))
	js.Global().Set("__log", h.log)

	items := newArray()
	for _, args := range queue {
		items.Call("push", []any{args, js.Undefined()})
	}
	h.boot = js.ValueOf(map[string]any{"queue": items, "config": map[string]any{"lang": "de", "consent": "implicit"}})
	h.api = New(panel, store.New("crumbless-"), hub, tabs.Join("crumbless-", false), h.boot.Get("config"))
	t.Cleanup(func() {
		console.Set("warn", origWarn)
		h.api.destroy()
		host.Call("remove")
	})
	return h
}

func newArray() js.Value { return js.Global().Get("Array").New() }

// listener returns a JS function that records "name:detail-as-JSON" in __log.
func listener(name string) js.Value {
	return js.Global().Get("Function").New("d", `__log.push("`+name+`:" + JSON.stringify(d))`)
}

// call is crumbless(args...) after the runtime took over.
func (h *harness) call(args ...any) js.Value {
	return h.boot.Get("run").Invoke(args)
}

// settle lets the microtasks queued so far (event deliveries) run.
func settle() { await(js.Global().Get("Promise").Call("resolve")) }

// await blocks until p settles and returns its value.
func await(p js.Value) js.Value {
	ch := make(chan js.Value, 1)
	var then js.Func
	then = js.FuncOf(func(_ js.Value, args []js.Value) any {
		ch <- args[0]
		return nil
	})
	defer then.Release()
	p.Call("then", then)
	return <-ch
}

func strings(arr js.Value) []string {
	out := []string{}
	for i := 0; i < arr.Length(); i++ {
		out = append(out, arr.Index(i).String())
	}
	return out
}

func TestQueueReplaysInOrder(t *testing.T) {
	h := newHarness(t,
		[]any{"on", "theme", listener("theme")},
		[]any{"theme", "dark"},
		[]any{"open"},
		[]any{"theme", "light"},
		[]any{"close"},
		[]any{"on", "open", listener("open")},
		[]any{"open"},
	)
	h.api.Attach(h.boot)
	settle()
	assert.Equal(t, "light", h.panel.Settings().Theme(), "the last theme in the queue wins")
	assert.True(t, h.panel.IsOpen())
	assert.Equal(t, []string{`theme:{"theme":"dark"}`, `theme:{"theme":"light"}`, `open:{}`}, strings(h.log),
		"each replayed event reaches the listeners queued before it")
	assert.Zero(t, h.warns.Length())
	assert.Zero(t, h.boot.Get("queue").Length(), "queue emptied")
}

func TestOpenByTheClickReachesQueuedListeners(t *testing.T) {
	h := newHarnessFrame(t, true, []any{"theme", "dark"}, []any{"on", "open", listener("open")}, []any{"on", "theme", listener("theme")})
	h.api.Attach(h.boot)
	settle()
	assert.True(t, h.panel.IsOpen())
	assert.Equal(t, []string{"open:{}"}, strings(h.log), "the open that started the runtime is heard; the theme set before the listener is not")
}

// TestLoaderShowOrHideBeforeAttach: until Attach installs boot.run, the
// loader answers the launcher and shows or hides the frame itself (the
// runtime may be waiting for its tab lock meanwhile). Attach takes the
// panel's state from the frame, telling listeners what happened, so that
// the next click toggles from what the visitor sees.
func TestLoaderShowOrHideBeforeAttach(t *testing.T) {
	for _, tc := range []struct {
		name      string
		clicked   bool // the frame was shown when the runtime started
		loaderOn  bool // what the loader left the frame showing before Attach
		wantOpen  bool
		wantLog   []string
		afterNext []string // the log after one more toggle
	}{
		{"closed before attach", true, false, false, []string{"open:{}", "close:{}"}, []string{"open:{}", "close:{}", "open:{}"}},
		{"opened before attach", false, true, true, []string{"open:{}"}, []string{"open:{}", "close:{}"}},
		{"left open", true, true, true, []string{"open:{}"}, []string{"open:{}", "close:{}"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarnessFrame(t, tc.clicked, []any{"on", "open", listener("open")}, []any{"on", "close", listener("close")})
			require.False(t, h.frame.IsNull())
			// What the loader's show does while the runtime has not attached.
			h.frame.Set("hidden", !tc.loaderOn)
			h.launcher.Call("setAttribute", "aria-expanded", tc.loaderOn)
			h.api.Attach(h.boot)
			settle()
			assert.Equal(t, tc.wantOpen, h.panel.IsOpen())
			assert.Equal(t, tc.wantLog, strings(h.log))
			h.call("toggle")
			settle()
			assert.Equal(t, !tc.wantOpen, h.panel.IsOpen(), "the next click toggles what the visitor sees")
			assert.Equal(t, !tc.wantOpen, !h.frame.Get("hidden").Bool())
			assert.Equal(t, tc.afterNext, strings(h.log))
		})
	}
}

func TestQueuedQueriesResolve(t *testing.T) {
	h := newHarness(t)
	var resolved []js.Value
	resolve := js.FuncOf(func(_ js.Value, args []js.Value) any { resolved = append(resolved, args[0]); return nil })
	defer resolve.Release()
	h.boot.Get("queue").Call("push", []any{[]any{"theme", "dark"}, resolve})
	h.boot.Get("queue").Call("push", []any{[]any{"state"}, resolve})
	h.api.Attach(h.boot)
	require.Len(t, resolved, 2)
	assert.True(t, resolved[0].IsUndefined(), "an action resolves with undefined")
	st := await(resolved[1])
	assert.Equal(t, "dark", st.Get("theme").String())
	assert.False(t, st.Get("ready").Bool(), "state asked in the queue is taken before ready")
}

func TestState(t *testing.T) {
	h := newHarness(t)
	h.api.Attach(h.boot)
	h.call("open")
	st := await(h.call("state"))
	want := map[string]any{"open": true, "view": "home", "theme": "auto", "lang": "de", "unread": 0.0,
		"consent": true, "storage": "local", "ready": true}
	for key, v := range want {
		t.Run(key, func(t *testing.T) {
			got := st.Get(key)
			switch v := v.(type) {
			case bool:
				assert.Equal(t, v, got.Bool())
			case string:
				assert.Equal(t, v, got.String())
			case float64:
				assert.Equal(t, v, got.Float())
			}
		})
	}
}

func TestBadCallsWarnOnceAndChangeNothing(t *testing.T) {
	cases := []struct {
		name string
		args []any
		want string
	}{
		{"unknown command", []any{"fly"}, `crumbless: unknown command "fly"`},
		{"no command", []any{}, "crumbless: the first argument must be a command name (got nothing)"},
		{"number as command", []any{42}, "crumbless: the first argument must be a command name (got 42)"},
		{"unknown theme", []any{"theme", "purple"}, `crumbless: theme: argument 1 must be "light", "dark" or "auto" (got "purple")`},
		{"theme as number", []any{"theme", 3}, `crumbless: theme: argument 1 must be "light", "dark" or "auto" (got 3)`},
		{"theme missing", []any{"theme"}, `crumbless: theme: argument 1 must be "light", "dark" or "auto" (got nothing)`},
		{"too many", []any{"open", "now"}, "crumbless: open: expected no arguments, got 1"},
		{"unknown event", []any{"on", "explode", js.Global().Get("Function").New()}, `crumbless: on: argument 1 must be "ready", "open", "close", "navigate", "message", "unread", "theme", "lang", "consent", "invite:shown", "invite:closed" or "invite:clicked" (got "explode")`},
		{"listener not a function", []any{"on", "open", "x"}, `crumbless: on: argument 2 must be a function (got "x")`},
		{"invite without text", []any{"invite", map[string]any{"view": "chat"}}, `crumbless: invite: argument 1 must be an object with text (got object)`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t)
			h.api.Attach(h.boot)
			got := h.call(c.args...)
			assert.True(t, got.IsUndefined(), "returns undefined")
			assert.Equal(t, []string{c.want}, strings(h.warns))
			assert.False(t, h.panel.IsOpen())
			assert.Equal(t, "auto", h.panel.Settings().Theme())
			assert.Zero(t, h.api.events.Count("open"))
		})
	}
}

// TestInviteOnceTheRuntimeRuns: the visitor has the widget in hand, so an
// invitation does nothing, and a valid one warns of nothing.
func TestInviteOnceTheRuntimeRuns(t *testing.T) {
	h := newHarness(t)
	h.api.Attach(h.boot)
	h.call("invite", map[string]any{"text": "Need a hand?", "view": "chat", "delay": 5})
	settle()
	assert.Zero(t, h.warns.Length(), "no warning: %v", strings(h.warns))
	assert.False(t, h.panel.IsOpen())
}

func TestOnOffAndIdempotentOpenClose(t *testing.T) {
	h := newHarness(t)
	h.api.Attach(h.boot)
	open, close := listener("open"), listener("close")
	h.call("on", "open", open)
	h.call("on", "open", open) // registered once
	h.call("on", "close", close)
	h.call("open")
	h.call("open")
	h.call("close")
	h.call("close")
	h.call("toggle")
	h.call("off", "open", open)
	h.call("toggle")
	h.call("open")
	settle()
	assert.Equal(t, []string{"open:{}", "close:{}", "open:{}", "close:{}"}, strings(h.log))
	assert.Zero(t, h.warns.Length())
}

func TestReadyFiresAfterReplayAndForLateListeners(t *testing.T) {
	h := newHarness(t, []any{"on", "ready", listener("early")}, []any{"open"})
	h.api.Attach(h.boot)
	settle()
	h.call("on", "ready", listener("late"))
	settle()
	log := strings(h.log)
	require.Len(t, log, 2)
	assert.Contains(t, log[0], `early:{`)
	assert.Contains(t, log[0], `"ready":true`)
	assert.Contains(t, log[0], `"open":true`)
	assert.Contains(t, log[1], `late:{`)
}

func TestListenerThatThrowsDoesNotStopTheRuntime(t *testing.T) {
	h := newHarness(t)
	h.api.Attach(h.boot)
	onerror := js.Global().Get("onerror")
	js.Global().Set("onerror", js.Global().Get("Function").New("return true")) // swallow the report
	defer js.Global().Set("onerror", onerror)
	h.call("on", "open", js.Global().Get("Function").New("throw new Error('page bug')"))
	h.call("on", "open", listener("open"))
	h.call("open")
	settle()
	assert.Equal(t, []string{"open:{}"}, strings(h.log))
	h.call("close")
	assert.False(t, h.panel.IsOpen(), "the runtime still answers")
}

func TestDestroyReleasesEverything(t *testing.T) {
	h := newHarness(t, []any{"on", "close", listener("close")})
	h.api.Attach(h.boot)
	h.call("open")
	h.call("destroy")
	select {
	case <-h.api.Done():
	default:
		t.Fatal("Done not closed by destroy")
	}
	assert.True(t, h.boot.Get("run").IsNull(), "boot.run removed so the loader stops forwarding")
	assert.Zero(t, h.api.events.Count("close"), "listeners cleared")
	assert.Nil(t, h.api.Call([]js.Value{js.ValueOf("close")}), "calls after destroy are ignored")
	settle()
	assert.Zero(t, h.log.Length(), "no event after destroy")
	assert.Zero(t, h.warns.Length())
}

func TestNavigateAndLang(t *testing.T) {
	js.Global().Get("sessionStorage").Call("clear")
	h := newHarness(t)
	h.api.Attach(h.boot)
	h.call("open")
	cases := []struct {
		args     []any
		wantView string
		wantLang string
		warn     string
	}{
		{[]any{"navigate", "settings"}, "settings", "de", ""},
		{[]any{"navigate", "privacy"}, "privacy", "de", ""},
		{[]any{"navigate", "chat"}, "privacy", "de", "crumbless: navigate: no view \"chat\" here (chat only when the site has a chat backend)"},
		{[]any{"navigate", 3}, "privacy", "de", "crumbless: navigate: argument 1 must be a view"},
		{[]any{"lang", "ar-EG"}, "privacy", "ar", ""},
		{[]any{"lang", "fr"}, "privacy", "ar", "crumbless: lang: no catalog for \"fr\""},
		{[]any{"navigate", "home"}, "home", "ar", ""},
	}
	for _, c := range cases {
		t.Run(c.args[0].(string)+" "+describe(js.ValueOf(c.args[1])), func(t *testing.T) {
			before := h.warns.Length()
			h.call(c.args...)
			st := await(h.call("state"))
			// A language is shown once its catalog has been fetched.
			for deadline := time.Now().Add(5 * time.Second); st.Get("lang").String() != c.wantLang && time.Now().Before(deadline); {
				time.Sleep(10 * time.Millisecond)
				st = await(h.call("state"))
			}
			assert.Equal(t, c.wantView, st.Get("view").String())
			assert.Equal(t, c.wantLang, st.Get("lang").String())
			if c.warn == "" {
				assert.Equal(t, before, h.warns.Length(), "no warning")
			} else {
				require.Equal(t, before+1, h.warns.Length(), "one warning")
				assert.Contains(t, h.warns.Index(before).String(), c.warn)
			}
		})
	}
}
