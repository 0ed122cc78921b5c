package launch

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestMain turns the test binary into a stand-in server when
// LAUNCH_FAKE names a behaviour: it binds -addr, logs the listening line
// the way the real server does (slog, text or json, on stderr) and serves
// /healthz.
func TestMain(m *testing.M) {
	if mode := os.Getenv("LAUNCH_FAKE"); mode != "" {
		os.Exit(fake(mode, os.Args[1:]))
	}
	os.Exit(m.Run())
}

func fake(mode string, args []string) int {
	flags := flag.NewFlagSet("fake", flag.ContinueOnError)
	addr := flags.String("addr", "", "")
	format := flags.String("log", "text", "")
	if err := flags.Parse(args); err != nil {
		return 2
	}
	var logger *slog.Logger
	if *format == "json" {
		logger = slog.New(slog.NewJSONHandler(os.Stderr, nil))
	} else {
		logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	if mode == "host" {
		return fakeHost(*addr)
	}
	logger.Info("opening store", "db", "sqlite")
	if mode == "exit" {
		logger.Error("cannot open the store")
		return 1
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return 1
	}
	if mode == "silent" {
		time.Sleep(time.Minute)
		return 0
	}
	logger.Info("listening", "url", "http://"+ln.Addr().String()+"/", "version", "test", "data", "./data")
	status := http.StatusOK
	if mode == "unhealthy" {
		status = http.StatusServiceUnavailable
	}
	http.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		logger.Info("request", "path", r.URL.Path)
		w.WriteHeader(status)
	})
	return func() int { _ = http.Serve(ln, nil); return 0 }()
}

// fakeOptions runs this test binary as the server.
func fakeOptions(t *testing.T, mode string, args ...string) Options {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return Options{Bin: self, Args: args, Env: []string{"LAUNCH_FAKE=" + mode}, Timeout: 10 * time.Second}
}

// syncBuffer is a bytes.Buffer safe for a writer and a reader goroutine.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestStartFindsTheBoundAddress(t *testing.T) {
	for _, format := range []string{"text", "json"} {
		t.Run(format, func(t *testing.T) {
			var log syncBuffer
			o := fakeOptions(t, "ok", "-log", format)
			o.Log = &log
			s, err := Start(context.Background(), o)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Stop()
			host, port, err := net.SplitHostPort(s.Addr)
			if err != nil || host != "127.0.0.1" || port == "0" {
				t.Fatalf("Addr = %q, want 127.0.0.1 and the port the kernel picked", s.Addr)
			}
			if want := "http://" + s.Addr; s.URL != want {
				t.Errorf("URL = %q, want %q", s.URL, want)
			}
			res, err := http.Get(s.URL + "/healthz")
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusOK {
				t.Errorf("healthz: %s", res.Status)
			}
			// The log keeps flowing after Start returned.
			if err := s.Stop(); err == nil {
				t.Log("stopped cleanly")
			}
			got := log.String()
			for _, want := range []string{"opening store", "listening", s.Addr, "request"} {
				if !strings.Contains(got, want) {
					t.Errorf("log lacks %q:\n%s", want, got)
				}
			}
		})
	}
}

// TestStartTwiceAtOnce starts servers side by side: each binds its own
// port (the kernel picks them), none waits for another.
func TestStartTwiceAtOnce(t *testing.T) {
	const n = 4
	addrs := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := Start(context.Background(), fakeOptions(t, "ok"))
			if err != nil {
				errs[i] = err
				return
			}
			addrs[i] = s.Addr
			t.Cleanup(func() { s.Stop() })
		}()
	}
	wg.Wait()
	seen := map[string]bool{}
	for i := range n {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if seen[addrs[i]] {
			t.Errorf("address %s given twice", addrs[i])
		}
		seen[addrs[i]] = true
	}
}

func TestStartFails(t *testing.T) {
	cases := []struct {
		mode    string
		timeout time.Duration
		want    []string // in the error
	}{
		{"exit", 10 * time.Second, []string{"exited before listening", "cannot open the store"}},
		{"silent", 2 * time.Second, []string{"no listening line", "opening store"}},
		{"unhealthy", 2 * time.Second, []string{"not healthy", "503"}},
	}
	for _, c := range cases {
		t.Run(c.mode, func(t *testing.T) {
			o := fakeOptions(t, c.mode)
			o.Timeout = c.timeout
			s, err := Start(context.Background(), o)
			if err == nil {
				s.Stop()
				t.Fatal("Start succeeded")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q: %v", w, err)
				}
			}
		})
	}
	t.Run("no binary", func(t *testing.T) {
		_, err := Start(context.Background(), Options{Bin: t.TempDir() + "/crumbless"})
		if err == nil || !strings.Contains(err.Error(), "make build") {
			t.Errorf("error = %v, want one naming make build", err)
		}
	})
}

// TestStopAndKill: Stop ends the server with SIGTERM (a clean exit),
// Kill with SIGKILL (an error), and both can be called again.
func TestStopAndKill(t *testing.T) {
	s, err := Start(context.Background(), fakeOptions(t, "ok"))
	if err != nil {
		t.Fatal(err)
	}
	err = s.Kill()
	var exit interface{ ExitCode() int }
	if !errors.As(err, &exit) {
		t.Fatalf("Kill: %v, want an exit error", err)
	}
	if again := s.Stop(); again != err {
		t.Errorf("Stop after Kill = %v, want %v", again, err)
	}
	select {
	case <-s.Exited():
	default:
		t.Error("Exited not closed")
	}
	if _, err := http.Get(s.URL + "/healthz"); err == nil {
		t.Error("the server still answers")
	}
}

func TestListeningURL(t *testing.T) {
	cases := []struct {
		line, want string
		ok         bool
	}{
		{`time=2026-01-02T03:04:05.000Z level=INFO msg=listening url=http://127.0.0.1:41234/ version=0.1.0 data=./data db=sqlite origins=""`, "http://127.0.0.1:41234/", true},
		{`time=2026-01-02T03:04:05.000Z level=INFO msg=listening url=https://127.0.0.1:8443/`, "https://127.0.0.1:8443/", true},
		{`{"time":"2026-01-02T03:04:05Z","level":"INFO","msg":"listening","url":"http://127.0.0.1:41234/","version":"0.1.0"}`, "http://127.0.0.1:41234/", true},
		{`time=2026-01-02T03:04:05.000Z level=INFO msg=request path=/ url=http://x/`, "", false},
		{`time=2026-01-02T03:04:05.000Z level=INFO msg="listening soon" url=http://x/`, "", false},
		{`{"msg":"request","url":"http://127.0.0.1:1/"}`, "", false},
		{`{"msg":"listening"`, "", false},
		{``, "", false},
	}
	for _, c := range cases {
		t.Run(c.line, func(t *testing.T) {
			got, ok := ListeningURL(c.line)
			if got != c.want || ok != c.ok {
				t.Errorf("ListeningURL = %q, %v; want %q, %v", got, ok, c.want, c.ok)
			}
		})
	}
}
