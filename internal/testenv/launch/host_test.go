package launch

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"testing"
	"time"
)

// fakeHost serves addr with a Server header, the way nginx or Caddy
// answers the probe, and writes a line on stdout first.
func fakeHost(addr string) int {
	fmt.Println("fake host starting")
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return func() int {
		_ = http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Server", "FakeHost/1.0")
		}))
		return 0
	}()
}

// hostOptions runs this test binary as a host on port.
func hostOptions(t *testing.T, mode string, port int) HostOptions {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	return HostOptions{
		Name: "fake", Argv: []string{self, "-addr", addr}, Env: []string{"LAUNCH_FAKE=" + mode},
		Probe: "http://" + addr + "/", Product: "fakehost", Timeout: 3 * time.Second,
	}
}

func TestStartHost(t *testing.T) {
	t.Run("answers", func(t *testing.T) {
		port, err := FreePort()
		if err != nil {
			t.Fatal(err)
		}
		h, err := StartHost(context.Background(), hostOptions(t, "host", port))
		if err != nil {
			t.Fatal(err)
		}
		if got := h.Output(); got != "fake host starting\n" {
			t.Errorf("output %q, want the host's first line", got)
		}
		_ = h.Stop()
		select {
		case <-h.exited:
		default:
			t.Error("Stop returned with the host still running")
		}
	})
	t.Run("exits", func(t *testing.T) {
		taken, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer taken.Close()
		_, err = StartHost(context.Background(), hostOptions(t, "host", taken.Addr().(*net.TCPAddr).Port))
		if !errors.Is(err, ErrExited) {
			t.Errorf("a host whose port is taken: %v, want ErrExited", err)
		}
	})
	t.Run("another program answers", func(t *testing.T) {
		other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Server", "other")
		}))
		defer other.Close()
		o := hostOptions(t, "silent", 0)
		o.Argv = []string{o.Argv[0], "-addr", "127.0.0.1:0"}
		o.Probe, o.Timeout = other.URL, 500*time.Millisecond
		_, err := StartHost(context.Background(), o)
		if err == nil || errors.Is(err, ErrExited) {
			t.Errorf("probe answered by another server: %v, want a timeout", err)
		}
	})
}

func TestOnFreePort(t *testing.T) {
	for _, c := range []struct {
		name      string
		failures  int   // how many first calls return ErrExited
		other     error // returned after the failures
		wantCalls int
		wantErr   error
	}{
		{"first port", 0, nil, 1, nil},
		{"third port", 2, nil, 3, nil},
		{"three exits", 5, nil, 3, ErrExited},
		{"other error stops", 0, errors.New("bad config"), 1, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			calls := 0
			seen := map[int]bool{}
			err := OnFreePort(func(port int) error {
				calls++
				seen[port] = true
				if calls <= c.failures {
					return fmt.Errorf("port %d: %w", port, ErrExited)
				}
				return c.other
			})
			if calls != c.wantCalls {
				t.Errorf("calls %d, want %d", calls, c.wantCalls)
			}
			switch {
			case c.other != nil && err != c.other:
				t.Errorf("err %v, want %v", err, c.other)
			case c.other == nil && !errors.Is(err, c.wantErr) && err != c.wantErr:
				t.Errorf("err %v, want %v", err, c.wantErr)
			}
			if len(seen) == 0 || seen[0] {
				t.Errorf("ports %v: want real ports", seen)
			}
		})
	}
}
