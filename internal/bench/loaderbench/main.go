// Command loaderbench measures what the widget costs an embedding page, in
// headless Chromium over loopback, and prints Markdown tables. make bench
// runs it; it is a benchmark, never a test: it fails only when it cannot
// measure.
//
//	go run ./internal/bench/loaderbench -bin bin/crumbless [-web server/web] [-runs 5] [-before-runs 9] [-lang ar] [-invite TEXT]
//
// It starts the built server, serves a host page of another origin that
// embeds the loader as a customer would, and reports medians of runs, each
// in a fresh browser profile (cold cache) unless said otherwise:
//   - bytes transferred before interaction, by resource (Resource Timing);
//   - main-thread time before interaction, three ways: the loader's own
//     script work (trace events EvaluateScript/FunctionCall of crumbless.js,
//     compile included; broken down into compiling, parsing the launcher's
//     stylesheet, V8's code cache, the script's own run and the callbacks
//     it scheduled), the whole main-thread tasks it ran in (trace
//     RunTask, with the style and layout they forced), and the page's
//     main-thread time with the widget minus with a one-line script instead
//     (Performance.getMetrics TaskDuration, each page in its own fresh
//     browser), with that one-line script's own cost as the machine's
//     yardstick; the page's script and style work (Performance.getMetrics
//     ScriptDuration + RecalcStyleDuration) with the widget minus with the
//     one-line script; plus long tasks (> 50 ms, PerformanceObserver);
//     -before-runs loads of each, in turn;
//   - time from the click to the panel ready (the "ready" event), with a
//     cold cache, after a hover prefetch and with a warm cache (a second
//     open 6 s after the first, once V8 has cached the compiled wasm; with
//     -lang ar, for a visitor whose catalog the runtime fetches first),
//     next to the floor of any Go program in a page measured the same way
//     in turn with it (internal/bench/floor: a Go hello world that a click
//     loads as the loader loads the widget), with the ratio, and where the
//     time goes: the runtime list, wasm_exec.js and the wasm fetched,
//     compiled, go.run's synchronous part (the Go runtime's start, package
//     inits and main until it waits) and the ready event; -runs of each;
//   - JS heap (Runtime.getHeapUsage) and wasm linear memory after opening.
//
// -invite TEXT adds data-invite to the host page: the invitation module's
// script work is counted with the loader's.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	neturl "net/url"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/performance"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/cdproto/tracing"
	"github.com/chromedp/chromedp"

	"github.com/crumbless/crumbless/internal/bench/floor"
	"github.com/crumbless/crumbless/internal/bench/stats"
	"github.com/crumbless/crumbless/internal/testenv/launch"
)

const shadow = `document.querySelector('#crumbless-root')?.shadowRoot`

// probe runs before the page's scripts: it notes the time of the first click
// and of the widget's ready event, and records long tasks.
const probe = `
window.__longtasks = [];
new PerformanceObserver(l => __longtasks.push(...l.getEntries().map(e => e.duration))).observe({type: 'longtask', buffered: true});
addEventListener('click', () => {
  if (window.__clickAt) return;
  window.__clickAt = performance.now();
  // The first frame drawn after ready (or the floor's node): a message
  // posted from the frame's animation callback runs once the frame's
  // style, layout and paint are done.
  (function frame() {
    requestAnimationFrame(() => {
      if (!(window.__readyAt || window.__doneAt)) return frame();
      const c = new MessageChannel();
      c.port1.onmessage = () => { window.__paintedAt = performance.now(); };
      c.port2.postMessage(0);
    });
  })();
}, true);
window.crumbless = function () { (crumbless.q = crumbless.q || []).push(arguments); };
crumbless('on', 'ready', () => { window.__readyAt = performance.now(); });
` + phaseProbe

// phaseProbe notes in __marks, for the profile of a click, when the page
// called WebAssembly.instantiateStreaming (the floor) or compileStreaming
// (the widget) and when the module was there, downloaded, checked and
// compiled (instantiateStreaming resolved, or the widget's checked module
// passed to WebAssembly.instantiate), and when go.run started and returned
// (the Go runtime's start, the package inits and main until it first waits:
// for the widget, up to its ready event). It wraps the Go class that
// wasm_exec.js defines as it is defined.
const phaseProbe = `
const __mark = k => { (window.__marks ??= {})[k] ??= performance.now(); };
const __is = WebAssembly.instantiateStreaming;
WebAssembly.instantiateStreaming = function (...a) { __mark('instantiate'); return __is.apply(this, a).then(r => { __mark('compiled'); return r; }); };
const __cs = WebAssembly.compileStreaming, __in = WebAssembly.instantiate;
WebAssembly.compileStreaming = function (...a) { __mark('instantiate'); return __cs.apply(this, a); };
WebAssembly.instantiate = function (m, ...a) { if (m instanceof WebAssembly.Module) __mark('compiled'); return __in.call(this, m, ...a); };
Object.defineProperty(globalThis, 'Go', { configurable: true, get() {}, set(G) {
  const run = G.prototype.run;
  G.prototype.run = function (i) { __mark('run'); const p = run.call(this, i); __mark('ran'); return p; };
  Object.defineProperty(globalThis, 'Go', { value: G, writable: true, configurable: true });
} });
`

func main() {
	bin := flag.String("bin", "bin/crumbless", "the built server")
	runs := flag.Int("runs", 5, "click runs per cache mode, of the widget and of the floor each (the median is printed)")
	beforeRuns := flag.Int("before-runs", 9, "page loads before interaction, with the widget and with a one-line script each, in turn")
	chromium := flag.String("chromium", "/usr/bin/chromium", "Chromium binary")
	web := flag.String("web", "server/web", "the built web folder (its wasm_exec.js serves the hello world too)")
	beforeOnly := flag.Bool("before-only", false, "measure only before interaction (no click runs)")
	lang := flag.String("lang", "", "the host page's data-lang (ar: an Arabic visitor, whose catalog is fetched)")
	invite := flag.String("invite", "", "the host page's data-invite: an invitation shown at once (its module's script work counts as the loader's)")
	only := flag.String("modes", "cold,prefetched,warm", "the cache modes of the click runs, comma-separated")
	jsFlags := flag.String("js-flags", "", "V8 flags for every browser (Chromium's --js-flags), to try what an engine setting would change")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("loaderbench: ")

	tmpDir, err := os.MkdirTemp("", "loaderbench-floor-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(tmpDir)
	base, stop, err := startServer(*bin)
	if err != nil {
		log.Fatal(err)
	}
	defer stop()
	pages := newHostPages(base, *lang, *invite)
	defer pages.Close()
	b := bench{chromium: *chromium, pages: pages, jsFlags: *jsFlags}

	var before []beforeRun
	for i := 0; i < *beforeRuns; i++ {
		r, err := retry(b.beforeInteraction)
		if err != nil {
			log.Fatalf("before interaction: %v", err)
		}
		before = append(before, r)
	}
	printBefore(before)
	if *beforeOnly {
		return
	}

	fl, err := floor.New(tmpDir, *web)
	if err != nil {
		log.Fatal(err)
	}
	defer fl.Close()
	b.floor = fl
	var modes []string
	for _, m := range []string{"cold cache", "hover-prefetched", "warm cache"} {
		if strings.Contains(*only, strings.Fields(strings.ReplaceAll(m, "hover-", ""))[0]) {
			modes = append(modes, m)
		}
	}
	clicks := map[string][2][]clickRun{} // mode → [widget, hello] runs
	for _, mode := range modes {
		var got [2][]clickRun
		for i := 0; i < *runs; i++ {
			// The floor and the widget in turn, so that both see the same
			// load of a shared machine.
			for _, pg := range []subject{hello, widget} {
				r, err := retry(func() (clickRun, error) { return b.clickToReady(mode, pg) })
				if err != nil {
					log.Fatalf("%s: %v", mode, err)
				}
				got[pg] = append(got[pg], r)
			}
		}
		clicks[mode] = got
	}
	printClicks(modes, clicks, *runs)
}

type bench struct {
	chromium string
	jsFlags  string
	pages    *hostPages
	floor    *floor.Server
}

// browser starts a headless Chromium with a fresh profile.
func (b bench) browser() (context.Context, func(), error) {
	dir, err := os.MkdirTemp("", "loaderbench-")
	if err != nil {
		return nil, nil, err
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(b.chromium), chromedp.DisableGPU, chromedp.NoSandbox, chromedp.UserDataDir(dir),
		chromedp.Flag("disable-component-update", true), chromedp.WindowSize(1280, 860))
	if b.jsFlags != "" {
		opts = append(opts, chromedp.Flag("js-flags", b.jsFlags))
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, 2*time.Minute)
	done := func() { cancelT(); cancelC(); cancelA(); os.RemoveAll(dir) }
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		done()
		return nil, nil, err
	}
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: probe}); err != nil {
		done()
		return nil, nil, err
	}
	return ctx, done, nil
}

type beforeRun struct {
	bytes     map[string]float64 // encoded body bytes by resource path
	loaderMS  float64            // crumbless.js script work on the main thread, wall time
	loaderCPU float64            // the same, the main thread's CPU time
	parts     map[string]float64 // loaderCPU by part (breakdownParts), CPU time
	tasksMS   float64            // the main-thread tasks that ran crumbless.js, wall time
	tasksCPU  float64            // the same, CPU time
	withMS    float64            // page main-thread time with the widget
	withoutMS float64            // the same page with the floor script instead
	// script and style work of the page (ScriptDuration +
	// RecalcStyleDuration), with the widget and with the floor script
	withScriptStyle, withoutScriptStyle float64
	floorCPU                            float64 // the floor script's CPU time
	longTasks                           int
	longTaskMS                          float64
	wasmRequests                        int
}

// beforeInteraction loads the host page and leaves it alone.
func (b bench) beforeInteraction() (beforeRun, error) {
	var r beforeRun
	ctx, done, err := b.browser()
	if err != nil {
		return r, err
	}
	defer done()

	// The page without the widget, in a browser of its own, so that neither
	// page warms the other's process.
	if r.withoutMS, r.withoutScriptStyle, r.floorCPU, err = b.withoutWidget(); err != nil {
		return r, err
	}
	// Body bytes as they came over the wire, by path (Resource Timing hides
	// the sizes of cross-origin resources).
	var mu sync.Mutex
	urls := map[network.RequestID]string{}
	bytes := map[string]float64{}
	if err := chromedp.Listen(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			if u, err := neturl.Parse(e.Request.URL); err == nil {
				urls[e.RequestID] = u.Path
			}
		case *network.EventResponseReceived: // what came so far: the headers
			bytes[urls[e.RequestID]] -= e.Response.EncodedDataLength
		case *network.EventLoadingFinished: // headers and body
			bytes[urls[e.RequestID]] += e.EncodedDataLength
		}
	}); err != nil {
		return r, err
	}
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		return r, err
	}
	events, err := trace(ctx, func() error {
		var err error
		r.withMS, r.withScriptStyle, err = taskDuration(ctx, b.pages.URL("hover", true))
		return err
	})
	if err != nil {
		return r, err
	}
	if os.Getenv("LOADERBENCH_DEBUG") != "" {
		names := map[string]int{}
		for _, e := range events {
			names[e.Name]++
		}
		log.Printf("trace event names: %v", names)
	}
	tasks := map[*traceEvent]bool{} // the RunTask events around the loader's work
	for i := range events {
		e := &events[i]
		// The loader, and the invitation module it runs on a page that invites.
		if (e.Name == "EvaluateScript" || e.Name == "FunctionCall") && (strings.HasSuffix(e.Args.Data.URL, "/crumbless.js") || strings.Contains(e.Args.Data.URL, "/a/invite.")) {
			r.loaderMS += e.Dur / 1000
			r.loaderCPU += e.TDur / 1000
			if os.Getenv("LOADERBENCH_DEBUG") != "" {
				log.Printf("%s %.2f ms wall, %.2f ms cpu", e.Name, e.Dur/1000, e.TDur/1000)
			}
			if task := enclosingTask(events, e); task != nil {
				tasks[task] = true
			}
			r.parts = addParts(r.parts, events, e)
		}
	}
	for task := range tasks {
		r.tasksMS += task.Dur / 1000
		r.tasksCPU += task.TDur / 1000
	}
	mu.Lock()
	r.bytes = map[string]float64{}
	for p, n := range bytes {
		if p != "/" && p != "/favicon.ico" { // the host page's own
			r.bytes[p] = n
		}
	}
	mu.Unlock()
	lt, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`__longtasks`))
	if err != nil {
		return r, err
	}
	r.longTasks = len(lt)
	for _, d := range lt {
		r.longTaskMS += d
	}
	for p := range r.bytes {
		if strings.HasSuffix(p, ".wasm") {
			r.wasmRequests++
		}
	}
	return r, nil
}

// taskDuration navigates to url, waits until the page is loaded and quiet,
// and returns the main thread's task time of that page in ms and its script
// and style work (ScriptDuration + RecalcStyleDuration), in ms.
func taskDuration(ctx context.Context, url string) (task, scriptStyle float64, err error) {
	if _, err := chromedp.Call(ctx, performance.Disable, struct{}{}); err != nil {
		return 0, 0, err
	}
	if _, err := chromedp.Call(ctx, performance.Enable, performance.EnableParams{}); err != nil {
		return 0, 0, err
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		return 0, 0, err
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[any](`document.readyState == 'complete'`, chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		return 0, 0, err
	}
	time.Sleep(500 * time.Millisecond)
	m, err := chromedp.Call(ctx, performance.GetMetrics, struct{}{})
	if err != nil {
		return 0, 0, err
	}
	found := 0
	for _, metric := range m.Metrics {
		switch metric.Name {
		case "TaskDuration":
			task = metric.Value * 1000
			found++
		case "ScriptDuration", "RecalcStyleDuration":
			scriptStyle += metric.Value * 1000
			found++
		}
	}
	if found != 3 {
		return 0, 0, errors.New("no TaskDuration, ScriptDuration or RecalcStyleDuration metric")
	}
	return task, scriptStyle, nil
}

// withoutWidget returns the main-thread task time of the host page with
// the floor script instead of the widget, loaded cold in a fresh browser,
// and the floor script's own CPU time.
func (b bench) withoutWidget() (pageMS, scriptStyle, floorCPU float64, err error) {
	ctx, done, err := b.browser()
	if err != nil {
		return 0, 0, 0, err
	}
	defer done()
	events, err := trace(ctx, func() error { // traced like the page with the widget
		pageMS, scriptStyle, err = taskDuration(ctx, b.pages.Server.URL+"/?widget=floor")
		return err
	})
	for _, e := range events {
		if (e.Name == "EvaluateScript" || e.Name == "FunctionCall") && strings.HasSuffix(e.Args.Data.URL, "/floor.js") {
			floorCPU += e.TDur / 1000
		}
	}
	return pageMS, scriptStyle, floorCPU, err
}

// breakdownParts name the trace events nested in the loader's script work
// that the bench reports on their own; the rest of EvaluateScript is the
// script's own run (DOM, shadow root, launcher), and FunctionCall is the
// callbacks it scheduled (none for a visitor who just arrived).
var breakdownParts = []struct{ event, label string }{
	{"v8.compile", "compiling the script"},
	{"CSSParserImpl::parseStyleSheet", "parsing the launcher's stylesheet (replaceSync)"},
	{"v8.produceCache", "V8 writing its code cache"},
}

// addParts adds to parts the CPU time of e (the loader's EvaluateScript or
// FunctionCall) by part: the breakdownParts events nested in it, then the
// rest of it under "run" (EvaluateScript) or "callbacks" (FunctionCall).
func addParts(parts map[string]float64, events []traceEvent, e *traceEvent) map[string]float64 {
	if parts == nil {
		parts = map[string]float64{}
	}
	rest := e.TDur / 1000
	for i := range events {
		c := &events[i]
		if c == e || c.Tid != e.Tid || c.Ts < e.Ts || c.Ts+c.Dur > e.Ts+e.Dur {
			continue
		}
		for _, p := range breakdownParts {
			if c.Name == p.event {
				parts[p.event] += c.TDur / 1000
				rest -= c.TDur / 1000
			}
		}
	}
	if e.Name == "FunctionCall" {
		parts["callbacks"] += rest
	} else {
		parts["run"] += rest
	}
	return parts
}

// enclosingTask returns the top-level task (RunTask) on e's thread that
// contains e, or nil. (Chromium names it ThreadControllerImpl::RunTask.)
func enclosingTask(events []traceEvent, e *traceEvent) *traceEvent {
	for i := range events {
		t := &events[i]
		if (t.Name == "RunTask" || t.Name == "ThreadControllerImpl::RunTask") && t.Tid == e.Tid && t.Ts <= e.Ts && t.Ts+t.Dur >= e.Ts+e.Dur {
			return t
		}
	}
	return nil
}

type traceEvent struct {
	Name string  `json:"name"`
	Ts   float64 `json:"ts"`   // start, µs
	Tid  int64   `json:"tid"`  // thread
	Dur  float64 `json:"dur"`  // wall time, µs
	TDur float64 `json:"tdur"` // the thread's CPU time, µs
	Args struct {
		Data struct {
			URL string `json:"url"`
		} `json:"data"`
	} `json:"args"`
}

// trace records devtools.timeline events while fn runs.
func trace(ctx context.Context, fn func() error) ([]traceEvent, error) {
	var mu sync.Mutex
	var events []traceEvent
	complete := make(chan struct{})
	err := chromedp.Listen(ctx, func(ev any) {
		switch e := ev.(type) {
		case *tracing.EventDataCollected:
			mu.Lock()
			defer mu.Unlock()
			for _, v := range e.Value {
				var te traceEvent
				if json.Unmarshal(v, &te) == nil {
					events = append(events, te)
				}
			}
		case *tracing.EventTracingComplete:
			close(complete)
		}
	})
	if err != nil {
		return nil, err
	}
	if _, err := chromedp.Call(ctx, tracing.Start, tracing.StartParams{
		TransferMode: tracing.StartTransferModeReportEvents,
		// v8 and blink_style add the compile, code cache and CSS parse
		// events that the breakdown names.
		TraceConfig: &tracing.TraceConfig{IncludedCategories: []string{"devtools.timeline", "toplevel", "v8", "blink_style"}},
	}); err != nil {
		return nil, err
	}
	if err := fn(); err != nil {
		return nil, err
	}
	if _, err := chromedp.Call(ctx, tracing.End, struct{}{}); err != nil {
		return nil, err
	}
	select {
	case <-complete:
	case <-time.After(20 * time.Second):
		return nil, errors.New("tracing did not complete")
	}
	mu.Lock()
	defer mu.Unlock()
	return events, nil
}

// clickRun is one click to ready: ms from the click to the ready event (the
// widget) or the node (the floor), memory after opening (the widget), and
// the times of phases from the click (phaseNames).
type clickRun struct {
	ms, heap, wasmMem float64
	phases            map[string]float64
}

// phaseNames are the phases of a click that clickToReady notes, in order,
// with what each one is the end of, in ms from the click.
var phaseNames = []struct{ key, label string }{
	{"list", "runtime list fetched (the widget: a/runtime.<hash>.json)"},
	{"exec", "wasm_exec.js fetched"},
	{"wasm", "wasm fetched (last byte)"},
	{"instantiate", "instantiateStreaming or compileStreaming called"},
	{"compiled", "instantiateStreaming resolved, or the compiled module instantiated (checked and compiled)"},
	{"run", "go.run called"},
	{"ran", "go.run returned: Go runtime start, package inits, main until it waits"},
	{"done", "ready (the widget's event; the floor's node)"},
	{"painted", "the first frame after it drawn (style, layout, paint)"},
}

// phasesJS returns the phases of the click in the page, in ms from it.
const phasesJS = `(() => {
  const t0 = __clickAt, out = {}, m = window.__marks || {};
  for (const e of performance.getEntriesByType('resource')) {
    if (e.startTime < t0 - 1) continue;
    const n = new URL(e.name).pathname;
    const k = /runtime\.[^/]*\.json$/.test(n) ? 'list' : /wasm_exec[^/]*\.js$/.test(n) ? 'exec' : /\.wasm$/.test(n) ? 'wasm' : '';
    if (k) out[k] = e.responseEnd - t0;
  }
  for (const k in m) out[k] = m[k] - t0;
  out.done = (window.__readyAt || window.__doneAt) - t0;
  if (window.__paintedAt) out.painted = window.__paintedAt - t0;
  return out;
})()`

// codeCacheWait is how long the warm-cache runs wait between the first
// open and the measured one, for V8's code cache of the wasm.
const codeCacheWait = 6 * time.Second

// subject is what clickToReady opens: the widget on the host page, or the
// floor, the Go hello world.
type subject int

const (
	widget subject = iota
	hello
)

// clickToReady opens the widget (or the floor) in a fresh profile and
// returns the time from the click to the ready event (the floor's node).
func (b bench) clickToReady(mode string, pg subject) (clickRun, error) {
	var r clickRun
	ctx, done, err := b.browser()
	if err != nil {
		return r, err
	}
	defer done()
	prefetch := "none"
	if mode == "hover-prefetched" {
		prefetch = "hover"
	}
	url, target, doneAt := b.pages.URL(prefetch, true), shadow+`.querySelector('.launcher')`, `window.__readyAt`
	there := shadow + `?.querySelector('.launcher')`
	if pg == hello {
		url, target, doneAt = b.floor.HelloURL(prefetch), `document.getElementById('go')`, `window.__doneAt`
		there = target
	}
	open := func() error {
		if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
			return err
		}
		if _, err := chromedp.Run(ctx, chromedp.Poll[any](`(`+there+`) && document.readyState == 'complete'`, chromedp.WithPollingTimeout(20*time.Second))); err != nil {
			return err
		}
		if mode == "hover-prefetched" {
			pos, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`(() => { const r = `+target+`.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2] })()`))
			if err != nil {
				return err
			}
			if _, err := chromedp.Call(ctx, input.DispatchMouseEvent, input.DispatchMouseEventParams{Type: input.DispatchMouseEventTypeMouseMoved, X: pos[0], Y: pos[1]}); err != nil {
				return err
			}
			// Wait until the prefetch has the whole wasm in the cache.
			if _, err := chromedp.Run(ctx, chromedp.Poll[any](`performance.getEntriesByType('resource').some(e => e.name.endsWith('.wasm') && e.responseEnd > 0)`, chromedp.WithPollingTimeout(30*time.Second))); err != nil {
				return err
			}
			time.Sleep(200 * time.Millisecond)
		}
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.JSPath(target), chromedp.NodeVisible)); err != nil {
			return err
		}
		_, err := chromedp.Run(ctx, chromedp.Poll[any](doneAt+` > 0 && window.__paintedAt > 0`, chromedp.WithPollingTimeout(60*time.Second)))
		return err
	}
	if mode == "warm cache" {
		if err := open(); err != nil { // fills the cache; the next navigation starts afresh
			return r, err
		}
		// A returning visitor: V8 writes a wasm module's compiled code to
		// the code cache only a while after compiling it (Chromium's
		// caching timer, 2 s, once enough code has tiered up); a reload
		// sooner compiles it all again.
		time.Sleep(codeCacheWait)
	}
	if err := open(); err != nil {
		return r, err
	}
	if r.ms, err = chromedp.Run(ctx, chromedp.Evaluate[float64](doneAt+` - window.__clickAt`)); err != nil {
		return r, err
	}
	if r.phases, err = chromedp.Run(ctx, chromedp.Evaluate[map[string]float64](phasesJS)); err != nil {
		return r, err
	}
	if pg == hello {
		return r, nil
	}
	heap, err := chromedp.Call(ctx, runtime.GetHeapUsage, struct{}{})
	if err != nil {
		return r, err
	}
	r.heap = heap.UsedSize
	if r.wasmMem, err = chromedp.Run(ctx, chromedp.Evaluate[float64](`crumbless._b.go.mem.buffer.byteLength`)); err != nil {
		return r, err
	}
	return r, nil
}

// phaseMedian is the median time of the phase key over the runs that
// noted it, and whether any did.
func phaseMedian(rs []clickRun, key string) (float64, bool) {
	var v []float64
	for _, r := range rs {
		if t, ok := r.phases[key]; ok {
			v = append(v, t)
		}
	}
	if len(v) == 0 {
		return 0, false
	}
	return stats.Median(v), true
}

// printClicks prints, by cache mode, the floor's and the widget's click to
// ready with their ratio, the phases of both, and the widget's memory.
func printClicks(modes []string, clicks map[string][2][]clickRun, runs int) {
	ms := func(rs []clickRun) []float64 {
		var v []float64
		for _, r := range rs {
			v = append(v, r.ms)
		}
		return v
	}
	fmt.Printf("\n### Click to ready: the widget against the Go hello world (median of %d each, in turn; ms; load average %s)\n\n", runs, loadAverage())
	fmt.Printf("| cache | hello world (floor) | widget | widget / floor | the same to the first frame after it |\n|---|---:|---:|---:|---:|\n")
	for _, mode := range modes {
		f, w := ms(clicks[mode][hello]), ms(clicks[mode][widget])
		pf, _ := phaseMedian(clicks[mode][hello], "painted")
		pw, _ := phaseMedian(clicks[mode][widget], "painted")
		fmt.Printf("| %s | %.1f (%.1f–%.1f) | %.1f (%.1f–%.1f) | %.2f | %.1f → %.1f (%.2f) |\n", mode,
			stats.Median(f), minOf(f), maxOf(f), stats.Median(w), minOf(w), maxOf(w), stats.Median(w)/stats.Median(f), pf, pw, pw/pf)
	}
	fmt.Printf("\n### Where the click's time goes (median ms from the click to the end of each phase; floor / widget)\n\n| phase |")
	for _, mode := range modes {
		fmt.Printf(" %s |", mode)
	}
	fmt.Printf("\n|---|%s\n", strings.Repeat("---:|", len(modes)))
	for _, ph := range phaseNames {
		fmt.Printf("| %s |", ph.label)
		for _, mode := range modes {
			cell := func(rs []clickRun) string {
				if m, ok := phaseMedian(rs, ph.key); ok {
					return fmt.Sprintf("%.1f", m)
				}
				return "—"
			}
			fmt.Printf(" %s / %s |", cell(clicks[mode][hello]), cell(clicks[mode][widget]))
		}
		fmt.Println()
	}
	var heap, mem []float64
	for _, r := range clicks[modes[0]][widget] {
		heap, mem = append(heap, r.heap), append(mem, r.wasmMem)
	}
	fmt.Printf("\n### Memory after opening (%s, median of %d)\n\n| what | MB |\n|---|---:|\n", modes[0], runs)
	fmt.Printf("| JS heap used | %.1f |\n| wasm linear memory | %.1f |\n", stats.Median(heap)/1e6, stats.Median(mem)/1e6)
}

func loadAverage() string {
	return strings.Join(strings.Fields(readFile("/proc/loadavg") + " ? ? ?")[:3], " ")
}

func printBefore(runs []beforeRun) {
	fmt.Printf("### Before interaction (median of %d cold loads of a host page embedding the widget; load average %s)\n\n", len(runs), loadAverage())
	fmt.Printf("| resource | encoded bytes |\n|---|---:|\n")
	paths := map[string]bool{}
	for _, r := range runs {
		for p := range r.bytes {
			paths[p] = true
		}
	}
	var sorted []string
	for p := range paths {
		sorted = append(sorted, p)
	}
	sort.Strings(sorted)
	for _, p := range sorted {
		var v []float64
		for _, r := range runs {
			v = append(v, r.bytes[p])
		}
		fmt.Printf("| `%s` | %.0f |\n", p, stats.Median(v))
	}
	pick := func(f func(beforeRun) float64) float64 {
		var v []float64
		for _, r := range runs {
			v = append(v, f(r))
		}
		return stats.Median(v)
	}
	fmt.Printf("\n| main thread (median) | ms |\n|---|---:|\n")
	fmt.Printf("| loader script work (EvaluateScript + FunctionCall of crumbless.js, compile included), CPU | %.2f |\n", pick(func(r beforeRun) float64 { return r.loaderCPU }))
	fmt.Printf("| the same, wall | %.2f |\n", pick(func(r beforeRun) float64 { return r.loaderMS }))
	for _, p := range breakdownParts {
		fmt.Printf("| — of which %s, CPU | %.2f |\n", p.label, pick(func(r beforeRun) float64 { return r.parts[p.event] }))
	}
	fmt.Printf("| — of which running the script (reading the attributes, shadow root, stylesheet object, launcher), CPU | %.2f |\n", pick(func(r beforeRun) float64 { return r.parts["run"] }))
	fmt.Printf("| — of which callbacks it scheduled (idle: only for a visitor who may have used the widget), CPU | %.2f |\n", pick(func(r beforeRun) float64 { return r.parts["callbacks"] }))
	fmt.Printf("| whole tasks that ran the loader (RunTask, with forced style/layout), CPU | %.2f |\n", pick(func(r beforeRun) float64 { return r.tasksCPU }))
	fmt.Printf("| the same, wall | %.2f |\n", pick(func(r beforeRun) float64 { return r.tasksMS }))
	fmt.Printf("| whole page with the widget (TaskDuration) | %.2f |\n", pick(func(r beforeRun) float64 { return r.withMS }))
	fmt.Printf("| the same page with a one-line script instead, own browser | %.2f |\n", pick(func(r beforeRun) float64 { return r.withoutMS }))
	fmt.Printf("| difference, per run | %.2f |\n", pick(func(r beforeRun) float64 { return r.withMS - r.withoutMS }))
	fmt.Printf("| script + style work with the widget (ScriptDuration + RecalcStyleDuration) | %.2f |\n", pick(func(r beforeRun) float64 { return r.withScriptStyle }))
	fmt.Printf("| the same with the one-line script instead | %.2f |\n", pick(func(r beforeRun) float64 { return r.withoutScriptStyle }))
	fmt.Printf("| **the loader's script + style work over the one-line page**, per run | %.2f |\n", pick(func(r beforeRun) float64 { return r.withScriptStyle - r.withoutScriptStyle }))
	fmt.Printf("| yardstick: the one-line script's own work (EvaluateScript), CPU | %.2f |\n", pick(func(r beforeRun) float64 { return r.floorCPU }))
	fmt.Printf("| long tasks (> 50 ms): count / total ms | %.0f / %.1f |\n",
		pick(func(r beforeRun) float64 { return float64(r.longTasks) }), pick(func(r beforeRun) float64 { return r.longTaskMS }))
	fmt.Printf("| wasm requests | %.0f |\n", pick(func(r beforeRun) float64 { return float64(r.wasmRequests) }))
}

// floorScript is the smallest script that adds a node, loaded like the
// loader: its main-thread cost is this machine's floor for any script, a
// yardstick for the loader's own numbers on a shared or slow machine.
const floorScript = `(function(){var d=document.createElement("div");d.id="floor";document.body.appendChild(d)})();`

// hostPages serves, on its own loopback origin, a page that embeds the
// loader from the Crumbless server (or the floor script instead).
type hostPages struct{ *httptest.Server }

func newHostPages(base, lang, invite string) *hostPages {
	attrs := ` data-site="demo"`
	if lang != "" {
		attrs += ` data-lang="` + strings.Trim(lang, `"<>`) + `"`
	}
	if invite != "" {
		attrs += ` data-invite="` + strings.Trim(invite, `"<>`) + `"`
	}
	return &hostPages{httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		if r.URL.Path == "/floor.js" {
			w.Header().Set("Content-Type", "text/javascript")
			fmt.Fprint(w, floorScript)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		widget := ""
		switch r.URL.Query().Get("widget") {
		case "1":
			widget = `<script src="` + base + `/crumbless.js"` + attrs + ` data-prefetch="` +
				strings.Trim(r.URL.Query().Get("prefetch"), `"<>`) + `" async></script>`
		case "floor":
			widget = `<script src="/floor.js" async></script>`
		}
		fmt.Fprintf(w, `<!doctype html><html lang="en"><title>Shop</title><h1>Shop</h1><p>A page of another origin.</p>%s</html>`, widget)
	}))}
}

// URL returns the host page's address.
func (h *hostPages) URL(prefetch string, widget bool) string {
	u := h.Server.URL + "/?prefetch=" + prefetch
	if widget {
		u += "&widget=1"
	}
	return u
}

// startServer runs the built server with a fresh data folder on a port the
// kernel picks.
func startServer(bin string) (string, func(), error) {
	dir, err := os.MkdirTemp("", "loaderbench-data-")
	if err != nil {
		return "", nil, err
	}
	srv, err := launch.Start(context.Background(), launch.Options{Bin: bin, Args: []string{"-data", dir}})
	if err != nil {
		os.RemoveAll(dir)
		return "", nil, err
	}
	return srv.URL, func() { srv.Stop(); os.RemoveAll(dir) }, nil
}

// retry runs fn up to three times: a busy machine makes CDP stumble now and
// then ("Cannot find context with specified id").
func retry[T any](fn func() (T, error)) (T, error) {
	var v T
	var err error
	for range 3 {
		if v, err = fn(); err == nil {
			return v, nil
		}
		log.Printf("retrying after: %v", err)
	}
	return v, err
}

func readFile(name string) string {
	b, _ := os.ReadFile(name)
	return string(b)
}

func minOf(v []float64) float64 { s := append([]float64(nil), v...); sort.Float64s(s); return s[0] }
func maxOf(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	return s[len(s)-1]
}
