package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/crumbless/crumbless/internal/bench/loadgen"
	"github.com/crumbless/crumbless/internal/testenv/debian"
	"github.com/crumbless/crumbless/internal/testenv/launch"
	"github.com/crumbless/crumbless/internal/testenv/nginx"
)

// deliveries records when each message was sent and when it reached each
// stream.
type deliveries struct {
	mu      sync.Mutex
	sent    map[int64]time.Time
	arrived map[int64][]time.Time
}

func (d *deliveries) seen(id int64, at time.Time) {
	d.mu.Lock()
	d.arrived[id] = append(d.arrived[id], at)
	d.mu.Unlock()
}

func (d *deliveries) send(id int64, at time.Time) {
	d.mu.Lock()
	d.sent[id] = at
	d.mu.Unlock()
}

// latencies returns the delivery times of the messages sent in [from, to)
// and how many of them reached fewer than want streams.
func (d *deliveries) latencies(from, to time.Time, want int) (lat []time.Duration, short int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for id, t0 := range d.sent {
		if t0.Before(from) || !t0.Before(to) {
			continue
		}
		if len(d.arrived[id]) < want {
			short++
		}
		for _, at := range d.arrived[id] {
			lat = append(lat, at.Sub(t0))
		}
	}
	return lat, short
}

// snapshot is the server's state at one moment.
type snapshot struct {
	rssKB, nginxKB, heapKB, goroutines int
}

func run(ctx context.Context, o options) error {
	if err := debian.Require(debian.Nginx); err != nil {
		return err
	}
	loadgen.RaiseFileLimit()
	work, err := os.MkdirTemp("", "soakbench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	data := filepath.Join(work, "data")
	if err := addAgent(ctx, data); err != nil {
		return err
	}

	self, err := os.Executable()
	if err != nil {
		return err
	}
	logFile, err := os.Create(filepath.Join(work, "server.log"))
	if err != nil {
		return err
	}
	defer logFile.Close()
	statsFile := filepath.Join(work, "stats")
	srv, err := launch.Start(ctx, launch.Options{Bin: self, Args: []string{"-serve", "-data", data, "-stats", statsFile}, Log: logFile})
	if err != nil {
		return err
	}
	defer srv.Stop()
	statsAddr, err := os.ReadFile(statsFile)
	if err != nil {
		return err
	}
	// stats returns the server's goroutines and Go heap in use (KB), -1
	// when it does not answer.
	stats := func() (goroutines, heapKB int) {
		res, err := http.Get("http://" + string(statsAddr) + "/")
		if err != nil {
			return -1, -1
		}
		defer res.Body.Close()
		raw, _ := io.ReadAll(res.Body)
		g, h, _ := strings.Cut(string(raw), " ")
		goroutines, _ = strconv.Atoi(g)
		heapKB, _ = strconv.Atoi(h)
		return goroutines, heapKB
	}

	var base string
	var proxy *launch.Host
	var hard syscall.Rlimit
	_ = syscall.Getrlimit(syscall.RLIMIT_NOFILE, &hard)
	err = launch.OnFreePort(func(port int) error {
		base = "http://127.0.0.1:" + strconv.Itoa(port)
		dir := filepath.Join(work, "nginx-"+strconv.Itoa(port))
		if err := os.Mkdir(dir, 0o755); err != nil {
			return err
		}
		proxy, err = nginx.Start(ctx, nginx.Config{
			Dir: dir, Workers: 2, Connections: o.streams + 4096, Files: int(min(hard.Max, 2*uint64(o.streams)+4096)),
			HTTP: proxyConf(port, srv.Addr),
		}, base+"/healthz", os.Stderr)
		return err
	})
	if err != nil {
		return err
	}
	defer proxy.Stop()
	snap := func() snapshot {
		g, h := stats()
		return snapshot{rssKB: loadgen.RSSKB(srv.Cmd.Process.Pid), nginxKB: treeRSSKB(proxy.Cmd.Process.Pid), heapKB: h, goroutines: g}
	}
	idle := snap()

	// Visitors: four conversations per source address, four streams each.
	nVisitors := (o.streams + 3) / 4
	nStalled := (o.stalled + 3) / 4
	src := loadgen.NewSources(nVisitors/4+1, nil)
	// The stalled clients take a small receive buffer, fixed (the kernel
	// would grow it to megabytes), as a phone on a bad network has.
	stalledSrc := loadgen.NewSources(nStalled, func(d *net.Dialer) {
		d.Control = func(_, _ string, c syscall.RawConn) error {
			var err error
			_ = c.Control(func(fd uintptr) { err = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096) })
			return err
		}
	})
	d := &deliveries{sent: map[int64]time.Time{}, arrived: map[int64][]time.Time{}}
	visitors := make([]*visitor, nVisitors)
	began := time.Now()
	if err := parallel(32, nVisitors, func(i int) error {
		c := src.Client(i / 4)
		if i >= nVisitors-nStalled {
			c = stalledSrc.Client(i)
		}
		v, err := newVisitor(ctx, c, base, o.streams-4*i, d.seen)
		visitors[i] = v
		return err
	}); err != nil {
		return err
	}
	opened := time.Since(began)
	live, stalled := visitors[:nVisitors-nStalled], visitors[nVisitors-nStalled:]
	for _, v := range stalled {
		for _, s := range v.streams {
			s.Pause()
		}
	}
	paused := time.Now()

	agent, err := agentLogin(src.Next(), base)
	if err != nil {
		return err
	}
	time.Sleep(2 * time.Second) // the opening's garbage settles
	start := snap()
	t0 := time.Now()
	end := t0.Add(o.duration)

	// Messages: live conversations at o.rate, stalled ones flooded.
	var failed atomic.Int64
	var pacers, posts sync.WaitGroup
	post := func(v *visitor, n int, body string, record bool) {
		var m struct{ Message struct{ ID int64 } }
		at := time.Now()
		code, err := loadgen.Call(src.Next(), "POST", base+"/api/v1/agent/conversations/"+strconv.FormatInt(v.id, 10)+"/messages",
			"Bearer "+agent, fmt.Sprintf(`{"id":"s-%d","body":%q}`, n, body), &m)
		if err != nil || code != http.StatusCreated {
			failed.Add(1)
			return
		}
		if record {
			d.send(m.Message.ID, at)
		}
	}
	pace := func(rate float64, each func(n int)) {
		if rate <= 0 {
			return
		}
		tick := time.NewTicker(time.Duration(float64(time.Second) / rate))
		defer tick.Stop()
		for n := 0; time.Now().Before(end); n++ {
			<-tick.C
			each(n)
		}
	}
	pacers.Go(func() {
		pace(o.rate, func(n int) {
			v := live[randomIndex(len(live))]
			posts.Go(func() { post(v, n, "soak message "+strconv.Itoa(n), true) })
		})
	})
	if len(stalled) > 0 {
		pacers.Go(func() {
			pace(o.flood, func(n int) {
				v := stalled[n%len(stalled)]
				posts.Go(func() { post(v, 1_000_000_000+n, longBody, false) })
			})
		})
	}
	var samples []snapshot // every tenth of the run
	pacers.Go(func() {
		tick := time.NewTicker(o.duration / 10)
		defer tick.Stop()
		for range 10 {
			<-tick.C
			samples = append(samples, snap())
		}
	})
	pacers.Wait()
	posts.Wait()
	time.Sleep(5 * time.Second) // the last messages arrive
	last := snap()

	// The stalled clients read again: a stream the server dropped ends.
	for _, v := range stalled {
		for _, s := range v.streams {
			s.Resume()
		}
	}
	dropped := 0
	drained := time.Now().Add(30 * time.Second)
	for _, v := range stalled {
		for _, s := range v.streams {
			select {
			case <-s.Done():
				dropped++
			case <-time.After(time.Until(drained)):
			}
		}
	}
	time.Sleep(2 * time.Second)
	after := snap()

	startLat, startShort := d.latencies(t0, t0.Add(o.window), 4)
	endLat, endShort := d.latencies(end.Add(-o.window), end, 4)
	fmt.Printf("\n## Soak through nginx (loopback, %s; SQLite; %d streams, %s)\n\n", time.Now().UTC().Format("2006-01-02"), 4*nVisitors, o.duration)
	fmt.Printf("%d visitors × 4 streams through nginx (2 workers), opened in %s; an agent sends %.0f messages/s to random visitors;\n", nVisitors, opened.Round(time.Second), o.rate)
	fmt.Printf("%d streams stop reading while their conversations get %.0f messages/s of 8 KB. p99 over the first and the last %s.\n\n", 4*len(stalled), o.flood, o.window)
	fmt.Println("| measure | idle | start | end | after the stalled clients read again |")
	fmt.Println("|---|---:|---:|---:|---:|")
	fmt.Printf("| server RSS | %s | %s | %s | %s |\n", fmtMB(idle.rssKB), fmtMB(start.rssKB), fmtMB(last.rssKB), fmtMB(after.rssKB))
	fmt.Printf("| server Go heap in use | %s | %s | %s | %s |\n", fmtMB(idle.heapKB), fmtMB(start.heapKB), fmtMB(last.heapKB), fmtMB(after.heapKB))
	fmt.Printf("| server goroutines | %d | %d | %d | %d |\n", idle.goroutines, start.goroutines, last.goroutines, after.goroutines)
	fmt.Printf("| nginx RSS (master and workers) | %s | %s | %s | %s |\n", fmtMB(idle.nginxKB), fmtMB(start.nginxKB), fmtMB(last.nginxKB), fmtMB(after.nginxKB))
	fmt.Printf("| POST → each of the visitor's 4 streams, p50 / p99 | | %s / %s | %s / %s | |\n",
		loadgen.Percentile(startLat, 50), loadgen.Percentile(startLat, 99), loadgen.Percentile(endLat, 50), loadgen.Percentile(endLat, 99))
	fmt.Printf("| messages measured (reaching fewer than 4 streams) | | %d (%d) | %d (%d) | |\n", len(startLat)/4, startShort, len(endLat)/4, endShort)
	fmt.Printf("\nserver RSS / Go heap in use every %s:", o.duration/10)
	for _, x := range samples {
		fmt.Printf(" %.0f / %.0f MB;", float64(x.rssKB)/1024, float64(x.heapKB)/1024)
	}
	fmt.Println()
	fmt.Printf("failed sends: %d; stalled streams dropped by the server: %d of %d\n", failed.Load(), dropped, 4*len(stalled))
	if let, err := stalledEnds(logFile.Name()); err != nil {
		return err
	} else if len(let) > 0 {
		fmt.Printf("streams the server ended for a client that did not read (write timeout or full queue): %d, %s to %s after the stalled clients stopped reading\n",
			len(let), let[0].Sub(paused).Round(time.Second), let[len(let)-1].Sub(paused).Round(time.Second))
	} else {
		fmt.Println("streams the server ended for a client that did not read (write timeout or full queue): 0")
	}
	return nil
}

// stalledEnds returns the times, in order, at which the server's log
// (slog JSON) says it ended a stream whose client did not read: its
// write timed out or it fell a full queue behind.
func stalledEnds(logPath string) ([]time.Time, error) {
	f, err := os.Open(logPath)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var at []time.Time
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		var line struct {
			Time time.Time
			Msg  string
		}
		if json.Unmarshal(sc.Bytes(), &line) == nil && strings.HasPrefix(line.Msg, "stream ended: the client ") {
			at = append(at, line.Time)
		}
	}
	return at, sc.Err()
}

// proxyConf is the http context for nginx: the docs' proxy settings
// (docs/server.md, "Behind a reverse proxy") without TLS, one listener
// per worker (reuseport spreads the connections evenly).
func proxyConf(port int, upstream string) string {
	return fmt.Sprintf(`	upstream crumbless { server %s; }
	server {
		listen 127.0.0.1:%d reuseport backlog=4096;
		location / {
			proxy_pass http://crumbless;
			proxy_http_version 1.1;
			proxy_set_header Connection "";
			proxy_set_header Host $http_host;
			proxy_set_header X-Forwarded-For $remote_addr;
			proxy_set_header X-Forwarded-Proto $scheme;
			proxy_set_header Forwarded "";
			proxy_buffering off;
			proxy_read_timeout 1h;
		}
	}`, upstream, port)
}

// treeRSSKB is the resident memory of process pid and its children.
func treeRSSKB(pid int) int {
	total := loadgen.RSSKB(pid)
	raw, _ := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", pid, pid))
	for _, f := range strings.Fields(string(raw)) {
		if child, err := strconv.Atoi(f); err == nil {
			total += loadgen.RSSKB(child)
		}
	}
	return total
}
