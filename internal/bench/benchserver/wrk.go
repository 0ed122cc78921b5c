package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// result is what one wrk run measured.
type result struct {
	reqPerSec float64
	requests  int64
	p99       time.Duration
	cpuPerReq time.Duration // server CPU (user + system) per request
	errors    int           // non-2xx/3xx responses and socket errors
}

// runWrk runs wrk pinned to cpu against url with the given headers.
func runWrk(ctx context.Context, cpu string, url string, headers []string, connections int, d time.Duration) (result, error) {
	args := []string{"-c", cpu, "wrk", "-t1", "-c" + strconv.Itoa(connections), "-d" + strconv.Itoa(int(d.Seconds())) + "s", "--latency", "--timeout", "5s"}
	for _, h := range headers {
		args = append(args, "-H", h)
	}
	args = append(args, url)
	ctx, cancel := context.WithTimeout(ctx, d+30*time.Second) // bounded, whatever wrk does
	defer cancel()
	out, err := exec.CommandContext(ctx, "taskset", args...).CombinedOutput()
	if err != nil {
		return result{}, fmt.Errorf("wrk %s: %w\n%s", url, err, out)
	}
	return parseWrk(string(out))
}

var (
	reqPerSecLine = regexp.MustCompile(`(?m)^Requests/sec:\s+([0-9.]+)`)
	p99Line       = regexp.MustCompile(`(?m)^\s+99%\s+([0-9.]+)(us|ms|s|m)\s*$`)
	requestsLine  = regexp.MustCompile(`(?m)^\s+(\d+) requests in `)
	errorsLine    = regexp.MustCompile(`(?m)^\s+Non-2xx or 3xx responses:\s+(\d+)`)
	socketErrors  = regexp.MustCompile(`(?m)^\s+Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)`)
)

// parseWrk reads requests per second, the 99th percentile latency (from
// --latency) and error counts from wrk's report.
func parseWrk(out string) (result, error) {
	var r result
	m := reqPerSecLine.FindStringSubmatch(out)
	if m == nil {
		return r, fmt.Errorf("no Requests/sec in wrk output:\n%s", out)
	}
	r.reqPerSec, _ = strconv.ParseFloat(m[1], 64)
	m = p99Line.FindStringSubmatch(out)
	if m == nil {
		return r, fmt.Errorf("no 99%% latency in wrk output (run with --latency):\n%s", out)
	}
	v, _ := strconv.ParseFloat(m[1], 64)
	unit := map[string]time.Duration{"us": time.Microsecond, "ms": time.Millisecond, "s": time.Second, "m": time.Minute}[m[2]]
	r.p99 = time.Duration(v * float64(unit))
	if m := requestsLine.FindStringSubmatch(out); m != nil {
		r.requests, _ = strconv.ParseInt(m[1], 10, 64)
	}
	if m := errorsLine.FindStringSubmatch(out); m != nil {
		r.errors, _ = strconv.Atoi(m[1])
	}
	if m := socketErrors.FindStringSubmatch(out); m != nil {
		for _, s := range m[1:] {
			n, _ := strconv.Atoi(s)
			r.errors += n
		}
	}
	return r, nil
}

// checkResponse makes one request the way wrk will and returns the status,
// Content-Encoding and ETag, so that a scenario is known to measure what it
// claims (a br body, a 304) on every server.
func checkResponse(url string, headers []string) (status int, encoding, etag string, err error) {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return 0, "", "", err
	}
	for _, h := range headers {
		name, value, _ := strings.Cut(h, ":")
		req.Header.Set(strings.TrimSpace(name), strings.TrimSpace(value))
	}
	client := &http.Client{Timeout: 5 * time.Second}
	res, err := client.Do(req)
	if err != nil {
		return 0, "", "", err
	}
	defer res.Body.Close()
	if _, err := io.Copy(io.Discard, res.Body); err != nil {
		return 0, "", "", err
	}
	return res.StatusCode, res.Header.Get("Content-Encoding"), res.Header.Get("ETag"), nil
}
