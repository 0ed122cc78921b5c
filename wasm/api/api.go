//go:build js && wasm

// Package api is the bridge between the page's crumbless(command, ...args)
// function and the runtime: it replays the commands the loader queued before
// the runtime existed, dispatches every later call through a table of
// commands whose arguments are checked before they run, answers queries with
// Promises and delivers events to the page's listeners.
//
// Adding a command: write a file in this package whose init calls register
// with the command's name, its argument checks and its Run function (see
// commands.go). A call with an unknown name or bad arguments logs one
// console.warn naming the command and changes nothing.
package api

import (
	"syscall/js"

	"github.com/crumbless/crumbless/wasm/events"
	"github.com/crumbless/crumbless/wasm/store"
	"github.com/crumbless/crumbless/wasm/tabs"
	"github.com/crumbless/crumbless/wasm/views"
)

// API dispatches commands to the runtime's parts.
type API struct {
	panel  *views.Panel
	store  *store.Store
	events *events.Hub
	tabs   *tabs.Tabs
	config js.Value // the loader's crumbless._b.config (data- attributes)
	boot   js.Value
	run    js.Func
	ready  bool
	done   chan struct{}
}

// New returns the dispatcher for the given runtime parts. config is the
// loader's configuration object (crumbless._b.config); it may be undefined in
// tests. tb is this tab among the visitor's tabs (state's tab and leader).
func New(panel *views.Panel, st *store.Store, hub *events.Hub, tb *tabs.Tabs, config js.Value) *API {
	a := &API{panel: panel, store: st, events: hub, tabs: tb, config: config, done: make(chan struct{})}
	a.followStore()
	return a
}

// Attach takes over boot (the loader's crumbless._b): it replays boot.queue in
// order, resolving the Promise the loader returned for each queued call,
// installs boot.run so that the loader forwards every later call here, and
// emits "ready" with the state. Events caused by a replayed command reach the
// listeners registered before it in the queue; events from the runtime's
// start (the panel the visitor's click opened) reach every queued listener.
func (a *API) Attach(boot js.Value) {
	a.boot = boot
	a.panel.MatchFrame()
	a.run = js.FuncOf(func(this js.Value, args []js.Value) any {
		if r := a.Call(toSlice(args[0])); r != nil {
			return r
		}
		return js.Undefined() // not null: actions return nothing
	})
	boot.Set("run", a.run)
	queue := boot.Get("queue")
	boot.Set("queue", js.Global().Get("Array").New())
	deliverHeld := a.events.Resume()
	for i := 0; i < queue.Length(); i++ {
		item := queue.Index(i)
		result := a.Call(toSlice(item.Index(0)))
		if resolve := item.Index(1); resolve.Type() == js.TypeFunction {
			if result == nil {
				result = js.Undefined()
			}
			resolve.Invoke(result)
		}
		if a.destroyed() { // the queue asked for destroy: nothing after it runs
			return
		}
	}
	a.ready = true
	deliverHeld()
	a.events.Emit("ready", a.state())
}

// Call runs one command and returns its result: a Promise for queries,
// undefined for commands that only act. Unknown commands and bad arguments
// log one console.warn naming the command and change nothing.
func (a *API) Call(args []js.Value) any {
	if a.destroyed() {
		return nil
	}
	if len(args) == 0 || args[0].Type() != js.TypeString {
		got := "nothing"
		if len(args) > 0 {
			got = describe(args[0])
		}
		warn("crumbless: the first argument must be a command name (got " + got + ")")
		return nil
	}
	name := args[0].String()
	cmd, ok := commands[name]
	if !ok {
		warn("crumbless: unknown command " + quote(name))
		return nil
	}
	if msg := cmd.check(args[1:]); msg != "" {
		warn("crumbless: " + name + ": " + msg)
		return nil
	}
	a.interact(name)
	result, err := cmd.Run(a, args[1:])
	if err != nil {
		warn("crumbless: " + name + ": " + err.Error())
		return nil
	}
	return result
}

// Done is closed once the widget has been destroyed; the runtime's main
// returns then, which ends the Go program.
func (a *API) Done() <-chan struct{} { return a.done }

func (a *API) destroyed() bool {
	select {
	case <-a.done:
		return true
	default:
		return false
	}
}

// destroy releases every Go callback and listener of the runtime and hands
// back to the loader, which removes the nodes it created.
func (a *API) destroy() {
	if a.destroyed() {
		return
	}
	a.events.Clear()
	a.panel.Release()
	a.tabs.Close()
	if !a.boot.IsUndefined() {
		a.boot.Set("run", js.Null())
	}
	a.run.Release()
	close(a.done)
}

// resolved returns Promise.resolve(v).
func resolved(v any) js.Value { return js.Global().Get("Promise").Call("resolve", v) }

func warn(msg string) { js.Global().Get("console").Call("warn", msg) }

func toSlice(arr js.Value) []js.Value {
	out := make([]js.Value, arr.Length())
	for i := range out {
		out[i] = arr.Index(i)
	}
	return out
}
