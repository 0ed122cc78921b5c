//go:build js && wasm

// Package api is the bridge between the page's crumbless(command, ...args)
// function and the runtime: it replays the commands the loader queued before
// the runtime existed and answers every later call.
package api

import (
	"syscall/js"

	"github.com/crumbless/crumbless/wasm/views"
)

// API dispatches commands to the panel.
type API struct {
	panel *views.Panel
	run   js.Func
}

// New returns the dispatcher for panel.
func New(panel *views.Panel) *API { return &API{panel: panel} }

// Attach takes over boot (the loader's crumbless._b): it replays boot.queue in
// order, resolving the Promise the loader returned for each queued call, and
// then installs boot.run so that the loader forwards every later call here.
func (a *API) Attach(boot js.Value) {
	queue := boot.Get("queue")
	for i := 0; i < queue.Length(); i++ {
		item := queue.Index(i)
		result := a.Call(toSlice(item.Index(0)))
		if resolve := item.Index(1); resolve.Type() == js.TypeFunction {
			resolve.Invoke(result)
		}
	}
	boot.Set("queue", js.Global().Get("Array").New())
	a.run = js.FuncOf(func(this js.Value, args []js.Value) any {
		return a.Call(toSlice(args[0]))
	})
	boot.Set("run", a.run)
}

// Call runs one command and returns its result (undefined for commands that
// only act). Unknown commands and bad arguments log one console.warn naming
// the command and change nothing.
func (a *API) Call(args []js.Value) any {
	if len(args) == 0 || args[0].Type() != js.TypeString {
		warn("crumbless: a command name (string) is required")
		return nil
	}
	cmd := args[0].String()
	switch cmd {
	case "open":
		a.panel.Open()
	case "close":
		a.panel.Close()
	case "toggle":
		a.panel.Toggle()
	case "theme":
		if len(args) < 2 || args[1].Type() != js.TypeString || !a.panel.Settings().SetTheme(args[1].String()) {
			warn("crumbless: theme expects \"light\", \"dark\" or \"auto\"")
		}
	default:
		warn("crumbless: unknown command \"" + cmd + "\"")
	}
	return nil
}

// Release frees the Go callback installed by Attach.
func (a *API) Release() { a.run.Release() }

func warn(msg string) { js.Global().Get("console").Call("warn", msg) }

func toSlice(arr js.Value) []js.Value {
	out := make([]js.Value, arr.Length())
	for i := range out {
		out[i] = arr.Index(i)
	}
	return out
}
