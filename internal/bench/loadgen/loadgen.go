// Package loadgen plays many visitors against a running server for the
// chat benches: HTTP clients from many loopback source addresses (each its
// own rate-limit budget in the server), JSON calls, event streams that
// note when each message arrives, percentiles and a process's resident
// memory.
package loadgen

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Sources hands out HTTP clients round-robin, each dialling from its own
// loopback address (127.0.1.2, 127.0.1.3, …: every 127/8 address is the
// loopback on Linux), so that each has its own rate-limit budget.
type Sources struct {
	n       atomic.Uint32
	clients []*http.Client
}

// NewSources makes count clients; dial, when not nil, adjusts each
// client's dialer (for example a small receive buffer).
func NewSources(count int, dial func(*net.Dialer)) *Sources {
	s := &Sources{}
	for i := 0; i < count; i++ {
		d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: Address(i)}, Timeout: 5 * time.Second}
		if dial != nil {
			dial(d)
		}
		tr := &http.Transport{DialContext: d.DialContext, MaxIdleConnsPerHost: 64, DisableCompression: true}
		s.clients = append(s.clients, &http.Client{Transport: tr})
	}
	return s
}

// Address is the i-th source address: 127.0.(1+i/250).(2+i%250).
func Address(i int) net.IP { return net.IPv4(127, 0, byte(1+i/250), byte(2+i%250)) }

// Next returns the next client, round-robin.
func (s *Sources) Next() *http.Client { return s.clients[int(s.n.Add(1))%len(s.clients)] }

// Client returns the i-th client (modulo their count).
func (s *Sources) Client(i int) *http.Client { return s.clients[i%len(s.clients)] }

// Call sends a request with an optional JSON body and Authorization
// header, and decodes a JSON answer below 300 into out (when not nil).
func Call(c *http.Client, method, url, auth, body string, out any) (int, error) {
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		return 0, err
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	res, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if out != nil && res.StatusCode < 300 {
		if err := json.Unmarshal(raw, out); err != nil {
			return res.StatusCode, err
		}
	}
	return res.StatusCode, nil
}

// Stream is one open event stream. Its reader calls seen with the id of
// each event that has one and the time it arrived.
type Stream struct {
	res  *http.Response
	gate sync.Mutex // held while paused
	done chan struct{}
}

// OpenStream opens an event stream with a bearer token and reads it until
// it ends or ctx is cancelled; seen may be nil.
func OpenStream(ctx context.Context, c *http.Client, url, token string, seen func(id int64, at time.Time)) (*Stream, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	if res.StatusCode != http.StatusOK {
		res.Body.Close()
		return nil, fmt.Errorf("stream: %s", res.Status)
	}
	s := &Stream{res: res, done: make(chan struct{})}
	go func() {
		defer close(s.done)
		defer res.Body.Close()
		r := bufio.NewReader(res.Body)
		for {
			s.gate.Lock() // waits while paused
			s.gate.Unlock()
			line, err := r.ReadSlice('\n')
			if err == bufio.ErrBufferFull {
				continue // a long data line: only id lines matter
			}
			if err != nil {
				return
			}
			if seen != nil && bytes.HasPrefix(line, []byte("id: ")) {
				id, _ := strconv.ParseInt(string(bytes.TrimSpace(line[4:])), 10, 64)
				seen(id, time.Now())
			}
		}
	}()
	return s, nil
}

// Pause stops reading the stream, as a client that hangs would, after the
// line the reader is waiting for: what the server sends next piles up in
// the sockets' buffers. Pause and Resume must
// alternate, starting with Pause.
func (s *Stream) Pause() { s.gate.Lock() }

// Resume reads the stream again.
func (s *Stream) Resume() { s.gate.Unlock() }

// Done is closed once the stream has ended (the server or a proxy closed
// it, or its context was cancelled) and its reader has read it all.
func (s *Stream) Done() <-chan struct{} { return s.done }

// Percentile returns the p-th percentile of ds, rounded for a table, or
// "n/a" when ds is empty.
func Percentile(ds []time.Duration, p int) string {
	if len(ds) == 0 {
		return "n/a"
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[(len(s)-1)*p/100].Round(10 * time.Microsecond).String()
}

// RSSKB returns the resident memory of process pid in KiB, or -1.
func RSSKB(pid int) int {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			n, _ := strconv.Atoi(strings.Fields(line)[1])
			return n
		}
	}
	return -1
}

// RaiseFileLimit lifts the soft open-file limit to the hard one, for this
// process and the processes it starts: every stream is a socket on both
// sides.
func RaiseFileLimit() {
	var l syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l) == nil && l.Cur < l.Max {
		l.Cur = l.Max
		_ = syscall.Setrlimit(syscall.RLIMIT_NOFILE, &l)
	}
}
