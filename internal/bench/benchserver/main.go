// Command benchserver measures Crumbless's static server against nginx and
// Caddy serving the same files on loopback, and prints a table. It is what
// make bench-server runs; it is never part of make test.
//
//	go run ./internal/bench/benchserver -web server/web -bin bin/crumbless
//
// It installs nginx-light (+ the brotli_static module), caddy and wrk with
// apt-get when they are missing, then pins each server to one core and wrk
// (one thread, 64 connections) to the other, and runs each scenario
// (the loader, the wasm, a 304 revalidation of the loader; all with
// Accept-Encoding: br) for -duration, -runs times, interleaving the servers.
// It reports the median req/s and the median p99 latency, and the ratios
// Crumbless ÷ nginx and Crumbless ÷ Caddy, then the median server CPU time
// per request, which a busy machine distorts far less than req/s. With -profile it also writes
// Crumbless's CPU profile and prints its top functions.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/crumbless/crumbless/internal/bench/stats"
	"github.com/crumbless/crumbless/server/assets"
)

// scenario is one row of the table.
type scenario struct {
	name    string
	path    string
	headers func(s *server) ([]string, error) // per server: a 304 needs each one's own ETag
	want    func(status int, encoding string) bool
}

func main() {
	web := flag.String("web", "server/web", "the folder of web files made by make build (raw, .br, .gz side by side); bin must embed the same")
	bin := flag.String("bin", "bin/crumbless", "the Crumbless server binary")
	runs := flag.Int("runs", 5, "runs per server and scenario (the median is reported)")
	duration := flag.Duration("duration", 10*time.Second, "length of one wrk run")
	connections := flag.Int("connections", 64, "wrk connections")
	out := flag.String("out", "out/bench-server", "folder for configs, logs and the profile")
	profile := flag.Bool("profile", true, "write Crumbless's CPU profile and print its top functions")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("bench-server: ")
	if *runs < 1 || *duration < time.Second || *duration > time.Minute {
		log.Fatal("-runs must be ≥ 1 and -duration between 1s and 1m")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *web, *bin, *out, *runs, *duration, *connections, *profile); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context, web, bin, out string, runs int, d time.Duration, connections int, withProfile bool) error {
	if err := ensureTools(ctx); err != nil {
		return err
	}
	dir, err := filepath.Abs(web)
	if err != nil {
		return err
	}
	wasmPath, err := findWasm(dir)
	if err != nil {
		return err
	}
	work, err := filepath.Abs(out)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(work, 0o755); err != nil {
		return err
	}
	serverCPU, wrkCPU := "0", "1"
	if runtime.NumCPU() < 2 {
		return errors.New("needs two cores: one for the server, one for wrk")
	}
	profilePath := ""
	if withProfile {
		profilePath = filepath.Join(work, "crumbless.cpu.pprof")
	}

	var servers []*server
	defer func() {
		for _, s := range servers {
			s.stop()
		}
	}()
	for _, startOne := range []func() (*server, error){
		func() (*server, error) { return startNginx(serverCPU, dir, work) },
		func() (*server, error) { return startCaddy(serverCPU, dir, work) },
		func() (*server, error) { return startCrumbless(serverCPU, bin, work, profilePath) },
	} {
		s, err := startOne()
		if err != nil {
			return err
		}
		servers = append(servers, s)
	}

	br := func(*server) ([]string, error) { return []string{"Accept-Encoding: br"}, nil }
	isBrotli := func(status int, enc string) bool { return status == 200 && enc == "br" }
	scenarios := []scenario{
		{"loader (crumbless.js, br)", "/crumbless.js", br, isBrotli},
		{"wasm (" + filepath.Base(wasmPath) + ", br)", "/" + wasmPath, br, isBrotli},
		{"304 (loader, If-None-Match)", "/crumbless.js", func(s *server) ([]string, error) {
			_, _, etag, err := checkResponse(s.url("/crumbless.js"), []string{"Accept-Encoding: br"})
			if err != nil || etag == "" {
				return nil, fmt.Errorf("%s: no ETag for the loader (%v)", s.name, err)
			}
			return []string{"Accept-Encoding: br", "If-None-Match: " + etag}, nil
		}, func(status int, _ string) bool { return status == 304 }},
	}

	// Check every scenario on every server before measuring anything.
	headers := map[string][]string{}
	for _, sc := range scenarios {
		for _, s := range servers {
			h, err := sc.headers(s)
			if err != nil {
				return err
			}
			status, enc, _, err := checkResponse(s.url(sc.path), h)
			if err != nil {
				return err
			}
			if !sc.want(status, enc) {
				fmt.Printf("warning: %s answers %q with %d, Content-Encoding %q: its row measures that\n", s.name, sc.name, status, enc)
			}
			headers[sc.name+s.name] = h
		}
	}

	fmt.Printf("server on CPU %s, wrk on CPU %s; %d connections, %s per run, %d runs; median req/s and p99\n", serverCPU, wrkCPU, connections, d, runs)
	for _, s := range servers {
		fmt.Printf("  %-9s %s\n", s.name, s.note)
	}
	results := map[string][]result{}
	for _, sc := range scenarios {
		for _, s := range servers { // warm up: connections, caches, the Go heap
			if _, err := runWrk(ctx, wrkCPU, s.url(sc.path), headers[sc.name+s.name], connections, time.Second); err != nil {
				return err
			}
		}
	}
	for i := range runs {
		for _, sc := range scenarios {
			for _, s := range servers {
				if err := ctx.Err(); err != nil {
					return err
				}
				cpuBefore := cpuTime(s.pid)
				r, err := runWrk(ctx, wrkCPU, s.url(sc.path), headers[sc.name+s.name], connections, d)
				if err != nil {
					return err
				}
				if r.requests > 0 {
					r.cpuPerReq = (cpuTime(s.pid) - cpuBefore) / time.Duration(r.requests)
				}
				results[sc.name+s.name] = append(results[sc.name+s.name], r)
				fmt.Printf("  run %d/%d %-32s %-9s %9.0f req/s  p99 %-9s CPU/req %-8s errors %d\n", i+1, runs, sc.name, s.name, r.reqPerSec, r.p99.Round(10*time.Microsecond), r.cpuPerReq, r.errors)
			}
		}
	}

	printTable(scenarios, servers, results)
	for _, s := range servers {
		s.stop()
	}
	servers = nil
	if profilePath != "" {
		fmt.Printf("\nCrumbless CPU profile: %s (go tool pprof -top %s %s)\n", profilePath, bin, profilePath)
		top, err := exec.CommandContext(ctx, "go", "tool", "pprof", "-top", "-nodecount=25", bin, profilePath).CombinedOutput()
		if err != nil {
			return fmt.Errorf("pprof: %w\n%s", err, top)
		}
		fmt.Print(string(top))
	}
	return nil
}

func printTable(scenarios []scenario, servers []*server, results map[string][]result) {
	type medians struct {
		rps      float64
		p99, cpu time.Duration
	}
	med := func(key string) medians {
		var rps, p99, cpu []float64
		for _, r := range results[key] {
			rps = append(rps, r.reqPerSec)
			p99 = append(p99, float64(r.p99))
			cpu = append(cpu, float64(r.cpuPerReq))
		}
		return medians{stats.Median(rps), time.Duration(stats.Median(p99)), time.Duration(stats.Median(cpu))}
	}
	// table prints one row a scenario: a cell a server, then Crumbless
	// against nginx and Caddy.
	table := func(header string, cell func(medians) string, ratio func(crumbless, other medians) float64) {
		fmt.Println()
		fmt.Printf("| scenario | %s |\n", header)
		fmt.Printf("|---|---:|---:|---:|---:|---:|\n")
		for _, sc := range scenarios {
			var m [3]medians
			cells := make([]string, 0, len(servers))
			for i, s := range servers {
				m[i] = med(sc.name + s.name)
				cells = append(cells, cell(m[i]))
			}
			fmt.Printf("| %s | %s | %.2f× | %.2f× |\n", sc.name, strings.Join(cells, " | "), ratio(m[2], m[0]), ratio(m[2], m[1]))
		}
	}
	table("nginx req/s (p99) | Caddy req/s (p99) | Crumbless req/s (p99) | ÷ nginx | ÷ Caddy",
		func(m medians) string { return fmt.Sprintf("%.0f (%s)", m.rps, m.p99.Round(10*time.Microsecond)) },
		func(c, o medians) float64 { return c.rps / o.rps })
	// CPU per request does not depend on how much of the core other
	// processes took; the ratio is "requests per CPU-second", Crumbless ÷ other.
	table("nginx CPU/req | Caddy CPU/req | Crumbless CPU/req | efficiency ÷ nginx | ÷ Caddy",
		func(m medians) string { return m.cpu.Round(100 * time.Nanosecond).String() },
		func(c, o medians) float64 { return float64(o.cpu) / float64(c.cpu) })
}

// findWasm returns the path of the hashed wasm from the manifest.
func findWasm(dir string) (string, error) {
	raw, err := os.ReadFile(filepath.Join(dir, assets.ManifestName))
	if err != nil {
		return "", fmt.Errorf("read manifest (run make build): %w", err)
	}
	var m assets.Manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		return "", fmt.Errorf("parse manifest: %w", err)
	}
	for _, e := range m.Files {
		if e.Name == "crumbless.wasm" {
			return e.Path, nil
		}
	}
	return "", errors.New("no crumbless.wasm in the manifest")
}
