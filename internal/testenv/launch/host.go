package launch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"
)

// ErrExited is returned, wrapped, by StartHost when the host exited before
// it answered its probe: with nginx and Caddy, most likely because its port
// was taken between FreePort and their bind. OnFreePort tries another port
// then.
var ErrExited = errors.New("exited before answering")

// HostOptions says how to run a host that cannot bind port 0 and report
// the port it got (nginx, Caddy): the caller picks the port, writes it into
// the host's configuration and names a URL that answers once it is up.
type HostOptions struct {
	// Name names the host in errors.
	Name string
	// Argv is the command and its arguments, with any prefix such as
	// {"taskset", "-c", "1"} first.
	Argv []string
	// Env is added to the environment the host inherits.
	Env []string
	// Probe is a URL polled until it answers with a Server header that
	// contains Product (case-insensitive), so that another program on the
	// port is not taken for the host.
	Probe   string
	Product string
	// Log receives the host's stdout and stderr as they come; nil
	// discards them. The last 64 KiB are also kept for errors.
	Log io.Writer
	// Timeout bounds the wait for the probe; DefaultTimeout when zero.
	Timeout time.Duration
}

// Host is a running host.
type Host struct {
	// Cmd is the running process.
	Cmd *exec.Cmd

	out     *tailBuffer
	exited  chan struct{}
	waitErr error
	stop    sync.Once
}

// StartHost runs the host and returns once its probe answers. It returns
// an error wrapping ErrExited, with the host's output, when the process
// exits first, and an error with the last probe's answer when the timeout
// passes (the host is stopped then).
func StartHost(ctx context.Context, o HostOptions) (*Host, error) {
	if len(o.Argv) == 0 {
		return nil, errors.New("launch: host without a command")
	}
	timeout := o.Timeout
	if timeout == 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	h := &Host{out: &tailBuffer{}, exited: make(chan struct{})}
	var w io.Writer = h.out
	if o.Log != nil {
		w = io.MultiWriter(h.out, o.Log)
	}
	h.Cmd = exec.Command(o.Argv[0], o.Argv[1:]...)
	h.Cmd.Env = append(os.Environ(), o.Env...)
	h.Cmd.Stdout, h.Cmd.Stderr = w, w
	if err := h.Cmd.Start(); err != nil {
		return nil, fmt.Errorf("launch: start %s: %w", o.Name, err)
	}
	go func() { h.waitErr = h.Cmd.Wait(); close(h.exited) }()

	// A probe in flight ends when the host exits: another program on
	// the port may accept and never answer.
	probeCtx, cancelProbe := context.WithCancel(ctx)
	defer cancelProbe()
	go func() {
		select {
		case <-h.exited:
			cancelProbe()
		case <-probeCtx.Done():
		}
	}()
	exited := func(probeErr error) error {
		return fmt.Errorf("launch: %s: %w (%v, last probe: %v)\n%s", o.Name, ErrExited, h.waitErr, probeErr, h.out)
	}
	client := &http.Client{Timeout: 5 * time.Second}
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		err := probe(probeCtx, client, o.Probe, o.Product)
		if err == nil {
			return h, nil
		}
		select { // an exit first: it says more than the deadline
		case <-h.exited:
			return nil, exited(err)
		default:
		}
		select {
		case <-h.exited:
			return nil, exited(err)
		case <-ctx.Done():
			_ = h.Stop()
			return nil, fmt.Errorf("launch: %s did not answer %s: %v\n%s", o.Name, o.Probe, err, h.out)
		case <-tick.C:
		}
	}
}

// probe asks url once and wants a Server header containing product.
func probe(ctx context.Context, client *http.Client, url, product string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	res, err := client.Do(req)
	if err != nil {
		return err
	}
	res.Body.Close()
	if server := res.Header.Get("Server"); !strings.Contains(strings.ToLower(server), strings.ToLower(product)) {
		return fmt.Errorf("answered by %q", server)
	}
	return nil
}

// Stop sends SIGTERM (nginx and Caddy shut down at once), kills the host
// after 15 seconds, and waits until it is gone. It returns the process's
// exit error; calling Stop again returns the same.
func (h *Host) Stop() error {
	h.stop.Do(func() {
		_ = h.Cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-h.exited:
		case <-time.After(15 * time.Second):
			_ = h.Cmd.Process.Kill()
			<-h.exited
		}
	})
	<-h.exited
	return h.waitErr
}

// Output returns the last 64 KiB the host wrote.
func (h *Host) Output() string { return h.out.String() }

// FreePort returns a loopback port nobody listens on now.
func FreePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("launch: free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// OnFreePort calls start with a loopback port nobody listens on now, and
// with another while start returns an error wrapping ErrExited, three
// times at most. It returns start's last error.
func OnFreePort(start func(port int) error) error {
	var err error
	for range 3 {
		var port int
		if port, err = FreePort(); err != nil {
			return err
		}
		if err = start(port); !errors.Is(err, ErrExited) {
			return err
		}
	}
	return err
}

// tailBuffer keeps the last 64 KiB written to it, for error messages;
// safe for a writer and a reader goroutine.
type tailBuffer struct {
	mu  sync.Mutex
	buf []byte
}

const tailSize = 64 << 10

func (b *tailBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	if over := len(b.buf) - tailSize; over > 0 {
		b.buf = append(b.buf[:0], b.buf[over:]...)
	}
	return len(p), nil
}

func (b *tailBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return string(b.buf)
}
