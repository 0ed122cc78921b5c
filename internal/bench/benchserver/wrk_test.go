package main

import (
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const wrkReport = `Running 10s test @ http://127.0.0.1:18080/crumbless.js
  1 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.21ms  310.45us   9.87ms   91.02%
    Req/Sec    52.11k     2.01k   55.02k    80.00%
  Latency Distribution
     50%    1.15ms
     75%    1.30ms
     90%    1.52ms
     99%    2.48ms
  518430 requests in 10.00s, 1.50GB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 4
Requests/sec:  51839.72
Transfer/sec:    153.42MB
`

func TestParseWrk(t *testing.T) {
	r, err := parseWrk(wrkReport)
	require.NoError(t, err)
	assert.InDelta(t, 51839.72, r.reqPerSec, 0.001)
	assert.Equal(t, 2480*time.Microsecond, r.p99)
	assert.Equal(t, 7, r.errors)
	assert.EqualValues(t, 518430, r.requests)

	for _, c := range []struct{ line, want string }{{"     99%  812.00us", "812µs"}, {"     99%    1.05s", "1.05s"}} {
		r, err := parseWrk("Requests/sec: 1\n" + c.line + "\n")
		require.NoError(t, err)
		assert.Equal(t, c.want, r.p99.String())
	}
	_, err = parseWrk("connection refused")
	assert.ErrorContains(t, err, "Requests/sec")
	_, err = parseWrk("Requests/sec: 10\n")
	assert.ErrorContains(t, err, "99%")
}

func TestParseStat(t *testing.T) {
	pid, ppid, cpu, ok := parseStat("4242 (nginx: worker (x)) S 4241 4241 1 0 -1 4194624 120 0 0 0 150 25 0 0 20 0 1 0 100 0 0")
	require.True(t, ok)
	assert.Equal(t, 4242, pid)
	assert.Equal(t, 4241, ppid)
	assert.Equal(t, 1750*time.Millisecond, cpu)
	_, _, _, ok = parseStat("garbage")
	assert.False(t, ok)
}

func TestCPUTimeOfThisProcess(t *testing.T) {
	start := cpuTime(os.Getpid())
	deadline := time.Now().Add(10 * time.Second)
	for cpuTime(os.Getpid()) == start && time.Now().Before(deadline) { // burn CPU until the counter moves
	}
	assert.Greater(t, cpuTime(os.Getpid()), start)
}
