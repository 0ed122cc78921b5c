// Command enginebench measures, in Chromium, Firefox ESR and WebKitGTK, the
// time from a click on the launcher to the widget's ready event next to
// the same engine's floor for any Go program in a page: a Go hello world
// (internal/testenv/wasmsize/hello, built with the widget's flags) that a
// click fetches, instantiates and runs until it writes its one DOM node.
// make bench runs it; it is a benchmark, never a test: an engine that
// cannot start or measure is reported and the others still run.
//
//	go run ./internal/bench/enginebench -bin bin/crumbless [-runs 5] [-engines chromium,firefox,webkit]
//
// Both pages come over loopback HTTP: the widget from the built server
// (embedded by a host page of another origin, as a customer embeds it),
// the hello world from a static server on 127.0.0.1 that serves it with
// the same wasm_exec.js the widget loads and picks brotli, gzip or
// identity from Accept-Encoding as the server does. Every run is cold: a
// fresh browser with a fresh profile, one navigation, one click; the widget
// with data-prefetch="none" (loaderbench's cold cache: the pointer moving
// onto the launcher before the click starts no prefetch). Both
// times are taken in the page with performance.now(), from the click event
// to the node (hello world) or to crumbless('on', 'ready') (widget); the
// median of -runs runs is printed.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/crumbless/crumbless/internal/bench/floor"
	"github.com/crumbless/crumbless/internal/bench/stats"
	"github.com/crumbless/crumbless/internal/testenv/debian"
	"github.com/crumbless/crumbless/internal/testenv/launch"
	"github.com/crumbless/crumbless/internal/testenv/webdriver"
)

// engineNeeds are the Debian packages each engine's driver runs.
var engineNeeds = map[string][]debian.Need{
	"chromium": {debian.Chromium, debian.Chromedriver},
	"firefox":  {debian.FirefoxESR},
	"webkit":   {debian.WebKitDriver, debian.Xvfb},
}

// readyProbe queues, before the loader runs, a handler for the widget's
// ready event (the snippet's queueing function, as a customer's page has).
const readyProbe = `window.crumbless = function () { (crumbless.q = crumbless.q || []).push(arguments); };
crumbless('on', 'ready', () => { window.__doneAt = performance.now(); });`

// hostPage embeds the widget from the Crumbless server (%s) as a customer
// page of another origin does, with no prefetch.
const hostPage = `<!doctype html><html lang="en"><title>Shop</title><h1>Shop</h1><p>A page of another origin.</p>
<script>` + floor.ClickProbe + "\n" + readyProbe + `</script><script src="%s/crumbless.js" data-site="demo" data-prefetch="none" async></script></html>`

// launcher is the widget's launcher button in its shadow root.
const launcher = `document.querySelector('#crumbless-root')?.shadowRoot?.querySelector('button.launcher')`

func main() {
	bin := flag.String("bin", "bin/crumbless", "the built server")
	web := flag.String("web", "server/web", "the built web folder (its wasm_exec.js serves the hello world too)")
	runs := flag.Int("runs", 5, "cold runs per engine and page (the median is printed)")
	engines := flag.String("engines", strings.Join(webdriver.Engines, ","), "engines to measure, comma-separated")
	verbose := flag.Bool("v", false, "relay the drivers' and browsers' output")
	detail := flag.Bool("detail", false, "log each run's time and the resources fetched after the click (ms from the click)")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("enginebench: ")
	if *runs < 1 {
		log.Fatal("-runs must be at least 1")
	}

	if err := run(*bin, *web, *engines, *runs, *verbose, *detail); err != nil {
		log.Fatal(err)
	}
}

// run measures every engine of the comma-separated list engines and
// prints the table; it fails only when it cannot serve the pages.
func run(bin, web, engines string, runs int, verbose, detail bool) error {
	tmp, err := os.MkdirTemp("", "enginebench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	fl, err := floor.New(tmp, web)
	if err != nil {
		return err
	}
	defer fl.Close()
	fl.Host = hostPage

	srv, err := launch.Start(context.Background(), launch.Options{Bin: bin, Args: []string{"-data", filepath.Join(tmp, "data")}})
	if err != nil {
		return fmt.Errorf("start %s: %w", bin, err)
	}
	defer srv.Stop()
	fl.WidgetBase = srv.URL

	var logw io.Writer = io.Discard
	if verbose {
		logw = os.Stderr
	}
	b := bench{floor: fl, tmp: tmp, log: logw, detail: detail}
	var rows []row
	for _, engine := range strings.Split(engines, ",") {
		engine = strings.TrimSpace(engine)
		r := b.measure(engine, runs)
		if r.err != nil {
			log.Printf("%s: %v", engine, r.err)
		}
		rows = append(rows, r)
	}
	printTable(rows, runs)
	return nil
}

type bench struct {
	floor  *floor.Server
	tmp    string
	log    io.Writer
	detail bool
}

// row is one engine's result; err says why it has none.
type row struct {
	engine, version, coding string
	floor, widget           []float64
	err                     error
}

// measure runs the hello world and the widget -runs times each,
// alternating, so that both see the same load of a shared machine.
func (b bench) measure(engine string, runs int) row {
	r := row{engine: engine}
	if _, ok := engineNeeds[engine]; !ok {
		r.err = fmt.Errorf("unknown engine (known: %s)", strings.Join(webdriver.Engines, ", "))
		return r
	}
	if err := debian.Require(engineNeeds[engine]...); err != nil {
		r.err = fmt.Errorf("cannot start: %w", err)
		return r
	}
	for i := 0; i < runs; i++ {
		for _, page := range []struct {
			url, target string
			out         *[]float64
		}{
			{b.floor.HelloURL("none"), `document.getElementById('go')`, &r.floor},
			{b.floor.URL + "/host", launcher, &r.widget},
		} {
			ms, version, err := retry(func() (float64, string, error) { return b.clickToDone(engine, page.url, page.target) })
			if err != nil {
				r.err = err
				return r
			}
			r.version = version
			*page.out = append(*page.out, ms)
		}
	}
	r.coding = b.floor.Coding()
	return r
}

// clickToDone starts engine with a fresh profile, loads url, waits for the
// element target, clicks it with real input and returns the time the page
// measured from the click to __doneAt.
func (b bench) clickToDone(engine, url, target string) (float64, string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	profile, err := os.MkdirTemp(b.tmp, engine+"-")
	if err != nil {
		return 0, "", err
	}
	defer os.RemoveAll(profile)
	br, err := webdriver.Start(ctx, engine, webdriver.Options{Profile: profile, Log: b.log})
	if err != nil {
		return 0, "", err
	}
	defer br.Close()
	tab := br.First()
	if err := tab.Navigate(ctx, url); err != nil {
		return 0, br.Version, err
	}
	if err := poll(ctx, tab, target+` != null && document.readyState == 'complete'`, 30*time.Second); err != nil {
		return 0, br.Version, err
	}
	if err := tab.Click(ctx, target); err != nil {
		return 0, br.Version, err
	}
	if err := poll(ctx, tab, `window.__doneAt > 0`, 60*time.Second); err != nil {
		return 0, br.Version, err
	}
	var ms float64
	if err := tab.Eval(ctx, `window.__doneAt - window.__clickAt`, &ms); err != nil {
		return 0, br.Version, err
	}
	if ms <= 0 {
		return 0, br.Version, fmt.Errorf("%s: no time from the click to done (%v)", url, ms)
	}
	if b.detail {
		var res []string
		if err := tab.Eval(ctx, `performance.getEntriesByType('resource').filter(e => e.startTime >= __clickAt - 1).map(e =>
			new URL(e.name).pathname.split('/').pop() + ' ' + Math.round(e.startTime - __clickAt) + '–' + Math.round(e.responseEnd - __clickAt))`, &res); err != nil {
			return 0, br.Version, err
		}
		log.Printf("%s %s: %.0f ms; fetched after the click: %s", engine, url, ms, strings.Join(res, ", "))
	}
	return ms, br.Version, nil
}

// poll evaluates the JS condition cond every 20 ms until it is true or
// wait has passed.
func poll(ctx context.Context, tab *webdriver.Tab, cond string, wait time.Duration) error {
	var err error
	for end := time.Now().Add(wait); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		var ok bool
		if err = tab.Eval(ctx, `!!(`+cond+`)`, &ok); err == nil && ok {
			return nil
		}
	}
	var page []string
	_ = tab.Eval(ctx, `[location.href, document.readyState, String(window.__clickAt)]`, &page)
	return fmt.Errorf("waiting for %s (last error %v; page %v)", cond, err, page)
}

// retry runs fn up to three times: a loaded machine makes a driver
// stumble now and then.
func retry(fn func() (float64, string, error)) (float64, string, error) {
	var ms float64
	var version string
	var err error
	for range 3 {
		if ms, version, err = fn(); err == nil {
			return ms, version, nil
		}
		log.Printf("retrying after: %v", err)
	}
	return ms, version, err
}

func printTable(rows []row, runs int) {
	load := strings.Fields(readFile("/proc/loadavg") + " ? ? ?")[:3]
	fmt.Printf("### Click to ready by engine, against the Go hello world (median of %d cold runs, with the range, ms; load average %s)\n\n", runs, strings.Join(load, " "))
	fmt.Printf("| engine | version | wasm coding | hello world (floor) | widget | widget / floor |\n|---|---|---|---:|---:|---:|\n")
	for _, r := range rows {
		if r.err != nil {
			fmt.Printf("| %s | %s | — | — | — | not measured: %s |\n", r.engine, orDash(r.version), oneLine(r.err))
			continue
		}
		f, w := stats.Median(r.floor), stats.Median(r.widget)
		fmt.Printf("| %s | %s | %s | %.0f (%.0f–%.0f) | %.0f (%.0f–%.0f) | %.2f |\n", r.engine, r.version, r.coding,
			f, minOf(r.floor), maxOf(r.floor), w, minOf(r.widget), maxOf(r.widget), w/f)
	}
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// oneLine keeps an error short and on one line, for a table cell.
func oneLine(err error) string {
	s := strings.Join(strings.Fields(err.Error()), " ")
	s = strings.ReplaceAll(s, "|", "/")
	if len(s) > 200 {
		s = s[:197] + "..."
	}
	return s
}

func readFile(name string) string {
	b, _ := os.ReadFile(name)
	return string(b)
}

func minOf(v []float64) float64 { return sorted(v)[0] }
func maxOf(v []float64) float64 { return sorted(v)[len(v)-1] }

func sorted(v []float64) []float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	return s
}
