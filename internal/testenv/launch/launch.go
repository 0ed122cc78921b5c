// Package launch starts the built Crumbless server for tests and benches:
// it runs the binary with -addr 127.0.0.1:0, so that the kernel picks a free
// port as it binds, reads the address the server really bound from its
// "listening" log line, and waits until /healthz answers 200.
//
// No port is picked, released and hoped for: two harnesses started at the
// same time cannot race for one port. The server's stderr keeps flowing to
// Options.Log for the life of the process.
package launch

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"time"
)

// DefaultTimeout is how long Start waits for the listening line and then
// for /healthz when Options.Timeout is zero.
const DefaultTimeout = 30 * time.Second

// Options says how to run the server.
type Options struct {
	// Bin is the path of the built server (bin/crumbless).
	Bin string
	// Args follow "-addr 127.0.0.1:0": -data, -db, -log and the rest.
	Args []string
	// Env is added to the environment the server inherits.
	Env []string
	// Prefix runs the server under another command, for example
	// {"taskset", "-c", "1"}; the prefix must exec the server in its place
	// (its stderr is the server's).
	Prefix []string
	// Log receives every line the server writes on stderr; nil discards
	// them. Writes come from one goroutine at a time.
	Log io.Writer
	// Timeout bounds the wait for the listening line and /healthz;
	// DefaultTimeout when zero.
	Timeout time.Duration
}

// Server is a running server.
type Server struct {
	// URL is the base address without a trailing slash, for example
	// http://127.0.0.1:41234 (https:// when the server serves TLS).
	URL string
	// Addr is the host:port the server bound.
	Addr string
	// Cmd is the running process.
	Cmd *exec.Cmd

	exited  chan struct{} // closed once the process is reaped
	waitErr error         // set before exited is closed
	logDone chan struct{} // closed once stderr reached EOF
	stop    sync.Once
}

// Start runs the server and returns once /healthz answers 200. It fails
// with the server's log when the process exits first, prints no listening
// line, or does not become healthy within the timeout. Cancelling ctx
// stops the wait, not the server; the caller stops a returned server with
// Stop.
func Start(ctx context.Context, o Options) (*Server, error) {
	if o.Bin == "" {
		return nil, errors.New("launch: no server binary given (build it with make build)")
	}
	if _, err := os.Stat(o.Bin); err != nil {
		return nil, fmt.Errorf("launch: server binary: %w (build it with make build)", err)
	}
	timeout := o.Timeout
	if timeout == 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	argv := append(append(append([]string{}, o.Prefix...), o.Bin, "-addr", "127.0.0.1:0"), o.Args...)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), o.Env...)
	// An *os.File goes to the child as is: Wait does not wait for a copy,
	// and the log keeps flowing after Start returns.
	r, w, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("launch: stderr pipe: %w", err)
	}
	cmd.Stderr = w
	if err := cmd.Start(); err != nil {
		r.Close()
		w.Close()
		return nil, fmt.Errorf("launch: start %s: %w", argv[0], err)
	}
	w.Close()

	s := &Server{Cmd: cmd, exited: make(chan struct{}), logDone: make(chan struct{})}
	go func() { s.waitErr = cmd.Wait(); close(s.exited) }()

	found := make(chan string, 1)
	head := &lockedBuffer{} // the lines up to the listening line, for errors
	go func() {
		defer close(s.logDone)
		defer r.Close()
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		searching := true
		for sc.Scan() {
			line := sc.Text()
			if o.Log != nil {
				fmt.Fprintln(o.Log, line)
			}
			if !searching {
				continue
			}
			head.add(line)
			if u, ok := ListeningURL(line); ok {
				found <- u
				searching = false
			}
		}
		if sc.Err() != nil { // a line over 1 MiB: pass the rest on as it comes
			dst := o.Log
			if dst == nil {
				dst = io.Discard
			}
			_, _ = io.Copy(dst, r)
		}
	}()

	fail := func(err error) (*Server, error) {
		s.Stop()
		return nil, fmt.Errorf("launch: %s: %w\n%s", o.Bin, err, head.String())
	}
	var base string
	select {
	case base = <-found:
	case <-s.exited:
		<-s.logDone
		select { // the line may have come just before the exit
		case base = <-found:
		default:
			return fail(fmt.Errorf("exited before listening: %v", s.waitErr))
		}
	case <-ctx.Done():
		return fail(fmt.Errorf("no listening line in its log: %w", ctx.Err()))
	}
	u, err := url.Parse(base)
	if err != nil || u.Host == "" {
		return fail(fmt.Errorf("listening line with a bad url %q", base))
	}
	s.URL = strings.TrimSuffix(base, "/")
	s.Addr = u.Host
	if err := s.waitHealthy(ctx, u.Scheme == "https"); err != nil {
		return fail(err)
	}
	return s, nil
}

// waitHealthy polls /healthz until it answers 200, the process exits or
// ctx ends.
func (s *Server) waitHealthy(ctx context.Context, insecureTLS bool) error {
	client := &http.Client{Timeout: 5 * time.Second}
	if insecureTLS {
		// A test server's certificate is made up for the test; the
		// health check only asks whether the port answers.
		client.Transport = &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}
	}
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	var last error
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+"/healthz", nil)
		if err != nil {
			return err
		}
		res, err := client.Do(req)
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("/healthz: %s", res.Status)
		}
		if ctx.Err() == nil || last == nil { // not the cut of the last check
			last = err
		}
		select {
		case <-s.exited:
			return fmt.Errorf("exited before healthy: %v (last check: %v)", s.waitErr, last)
		case <-ctx.Done():
			return fmt.Errorf("not healthy at %s: %v", s.URL, last)
		case <-tick.C:
		}
	}
}

// Stop sends SIGTERM, waits up to 15 seconds for the server to finish
// (it writes its CPU profile and flushes its log then), kills it after
// that, and waits until its log is drained. It returns the process's exit
// error; calling Stop or Kill again returns the same.
func (s *Server) Stop() error { return s.end(syscall.SIGTERM) }

// Kill ends the server with SIGKILL, as a crash would, and waits until it
// is gone; it returns the process's exit error.
func (s *Server) Kill() error { return s.end(syscall.SIGKILL) }

func (s *Server) end(sig syscall.Signal) error {
	s.stop.Do(func() {
		_ = s.Cmd.Process.Signal(sig)
		select {
		case <-s.exited:
		case <-time.After(15 * time.Second):
			_ = s.Cmd.Process.Kill()
			<-s.exited
		}
		select {
		case <-s.logDone:
		case <-time.After(5 * time.Second): // a grandchild holds stderr open
		}
	})
	<-s.exited
	return s.waitErr
}

// Exited is closed once the server's process has ended.
func (s *Server) Exited() <-chan struct{} { return s.exited }

// textURL finds the url of slog's text format in a "listening" line.
var textURL = regexp.MustCompile(`(?:^|\s)msg=listening(?:\s|$)(?:.*\s)?url=(\S+)`)

// ListeningURL returns the url attribute of the server's "listening" log
// line, in slog's text or JSON format, and whether line is that line.
func ListeningURL(line string) (string, bool) {
	line = strings.TrimSpace(line)
	if strings.HasPrefix(line, "{") {
		var rec struct {
			Msg string `json:"msg"`
			URL string `json:"url"`
		}
		if json.Unmarshal([]byte(line), &rec) != nil || rec.Msg != "listening" || rec.URL == "" {
			return "", false
		}
		return rec.URL, true
	}
	m := textURL.FindStringSubmatch(line)
	if m == nil {
		return "", false
	}
	return strings.Trim(m[1], `"`), true
}

// lockedBuffer holds lines for an error message, written by one goroutine
// and read by another.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) add(line string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.buf.Len() < 64<<10 {
		b.buf.WriteString(line)
		b.buf.WriteByte('\n')
	}
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
