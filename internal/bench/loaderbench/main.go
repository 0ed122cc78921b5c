// Command loaderbench measures what the widget costs an embedding page, in
// headless Chromium over loopback, and prints Markdown tables. make bench
// runs it; it is a benchmark, never a test: it fails only when it cannot
// measure.
//
//	go run ./internal/bench/loaderbench -bin bin/crumbless [-runs 5] [-lang ar] [-invite TEXT]
//
// It starts the built server, serves a host page of another origin that
// embeds the loader as a customer would, and reports the median of -runs
// runs, each in a fresh browser profile (cold cache) unless said otherwise:
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
//     yardstick; plus long tasks (> 50 ms, PerformanceObserver);
//   - time from the click to the panel ready (the "ready" event), with a
//     cold cache, after a hover prefetch and with a warm cache (with
//     -lang ar, for a visitor whose catalog the runtime fetches first);
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

	"github.com/crumbless/crumbless/internal/bench/stats"
	"github.com/crumbless/crumbless/internal/testenv/launch"
)

const shadow = `document.querySelector('#crumbless-root')?.shadowRoot`

// probe runs before the page's scripts: it notes the time of the first click
// and of the widget's ready event, and records long tasks.
const probe = `
window.__longtasks = [];
new PerformanceObserver(l => __longtasks.push(...l.getEntries().map(e => e.duration))).observe({type: 'longtask', buffered: true});
addEventListener('click', () => { window.__clickAt ??= performance.now(); }, true);
window.crumbless = function () { (crumbless.q = crumbless.q || []).push(arguments); };
crumbless('on', 'ready', () => { window.__readyAt = performance.now(); });
`

func main() {
	bin := flag.String("bin", "bin/crumbless", "the built server")
	runs := flag.Int("runs", 5, "runs per measurement (the median is printed)")
	chromium := flag.String("chromium", "/usr/bin/chromium", "Chromium binary")
	beforeOnly := flag.Bool("before-only", false, "measure only before interaction (no click runs)")
	lang := flag.String("lang", "", "the host page's data-lang (ar: an Arabic visitor, whose catalog is fetched)")
	invite := flag.String("invite", "", "the host page's data-invite: an invitation shown at once (its module's script work counts as the loader's)")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("loaderbench: ")

	base, stop, err := startServer(*bin)
	if err != nil {
		log.Fatal(err)
	}
	defer stop()
	pages := newHostPages(base, *lang, *invite)
	defer pages.Close()
	b := bench{chromium: *chromium, pages: pages}

	var before []beforeRun
	for i := 0; i < *runs; i++ {
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

	clicks := map[string][]float64{}
	var heap, wasmMem []float64
	for _, mode := range []string{"cold cache", "hover-prefetched", "warm cache"} {
		for i := 0; i < *runs; i++ {
			r, err := retry(func() (clickRun, error) { return b.clickToReady(mode) })
			if err != nil {
				log.Fatalf("%s: %v", mode, err)
			}
			clicks[mode] = append(clicks[mode], r.ms)
			if mode == "cold cache" {
				heap = append(heap, r.heap)
				wasmMem = append(wasmMem, r.wasmMem)
			}
		}
	}
	fmt.Printf("\n### Click to panel ready (median of %d, ms)\n\n| cache | median | min | max |\n|---|---:|---:|---:|\n", *runs)
	for _, mode := range []string{"cold cache", "hover-prefetched", "warm cache"} {
		v := clicks[mode]
		fmt.Printf("| %s | %.1f | %.1f | %.1f |\n", mode, stats.Median(v), minOf(v), maxOf(v))
	}
	fmt.Printf("\n### Memory after opening (median of %d)\n\n| what | MB |\n|---|---:|\n", *runs)
	fmt.Printf("| JS heap used | %.1f |\n| wasm linear memory | %.1f |\n", stats.Median(heap)/1e6, stats.Median(wasmMem)/1e6)
}

type bench struct {
	chromium string
	pages    *hostPages
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
	bytes        map[string]float64 // encoded body bytes by resource path
	loaderMS     float64            // crumbless.js script work on the main thread, wall time
	loaderCPU    float64            // the same, the main thread's CPU time
	parts        map[string]float64 // loaderCPU by part (breakdownParts), CPU time
	tasksMS      float64            // the main-thread tasks that ran crumbless.js, wall time
	tasksCPU     float64            // the same, CPU time
	withMS       float64            // page main-thread time with the widget
	withoutMS    float64            // the same page with the floor script instead
	floorCPU     float64            // the floor script's CPU time
	longTasks    int
	longTaskMS   float64
	wasmRequests int
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
	if r.withoutMS, r.floorCPU, err = b.withoutWidget(); err != nil {
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
		r.withMS, err = taskDuration(ctx, b.pages.URL("hover", true))
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
// and returns the main thread's task time of that page in ms.
func taskDuration(ctx context.Context, url string) (float64, error) {
	if _, err := chromedp.Call(ctx, performance.Disable, struct{}{}); err != nil {
		return 0, err
	}
	if _, err := chromedp.Call(ctx, performance.Enable, performance.EnableParams{}); err != nil {
		return 0, err
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		return 0, err
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[any](`document.readyState == 'complete'`, chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		return 0, err
	}
	time.Sleep(500 * time.Millisecond)
	m, err := chromedp.Call(ctx, performance.GetMetrics, struct{}{})
	if err != nil {
		return 0, err
	}
	for _, metric := range m.Metrics {
		if metric.Name == "TaskDuration" {
			return metric.Value * 1000, nil
		}
	}
	return 0, errors.New("no TaskDuration metric")
}

// withoutWidget returns the main-thread task time of the host page with
// the floor script instead of the widget, loaded cold in a fresh browser,
// and the floor script's own CPU time.
func (b bench) withoutWidget() (pageMS, floorCPU float64, err error) {
	ctx, done, err := b.browser()
	if err != nil {
		return 0, 0, err
	}
	defer done()
	events, err := trace(ctx, func() error { // traced like the page with the widget
		pageMS, err = taskDuration(ctx, b.pages.Server.URL+"/?widget=floor")
		return err
	})
	for _, e := range events {
		if (e.Name == "EvaluateScript" || e.Name == "FunctionCall") && strings.HasSuffix(e.Args.Data.URL, "/floor.js") {
			floorCPU += e.TDur / 1000
		}
	}
	return pageMS, floorCPU, err
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

type clickRun struct{ ms, heap, wasmMem float64 }

// clickToReady opens the widget in a fresh profile and returns the time from
// the click to the ready event.
func (b bench) clickToReady(mode string) (clickRun, error) {
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
	url := b.pages.URL(prefetch, true)
	open := func() error {
		if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
			return err
		}
		if _, err := chromedp.Run(ctx, chromedp.Poll[any](shadow+`?.querySelector('.launcher') && document.readyState == 'complete'`, chromedp.WithPollingTimeout(20*time.Second))); err != nil {
			return err
		}
		if mode == "hover-prefetched" {
			pos, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`(() => { const r = `+shadow+`.querySelector('.launcher').getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2] })()`))
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
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.JSPath(shadow+`.querySelector('.launcher')`), chromedp.NodeVisible)); err != nil {
			return err
		}
		_, err := chromedp.Run(ctx, chromedp.Poll[any](`window.__readyAt > 0`, chromedp.WithPollingTimeout(60*time.Second)))
		return err
	}
	if mode == "warm cache" {
		if err := open(); err != nil { // fills the cache; the next navigation starts afresh
			return r, err
		}
	}
	if err := open(); err != nil {
		return r, err
	}
	if r.ms, err = chromedp.Run(ctx, chromedp.Evaluate[float64](`window.__readyAt - window.__clickAt`)); err != nil {
		return r, err
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

func printBefore(runs []beforeRun) {
	load := strings.Fields(readFile("/proc/loadavg") + " ? ? ?")[:3]
	fmt.Printf("### Before interaction (median of %d cold loads of a host page embedding the widget; load average %s)\n\n", len(runs), strings.Join(load, " "))
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
