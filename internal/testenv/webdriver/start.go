package webdriver

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"time"
)

// Engines are the engines Start knows, in the order tests run them.
var Engines = []string{"chromium", "firefox", "webkit"}

// Programs each engine runs, as Debian installs them (make deps).
const (
	Chromium     = "/usr/bin/chromium"
	Chromedriver = "/usr/bin/chromedriver"
	Firefox      = "/usr/bin/firefox-esr"
	WebKitDriver = "/usr/bin/WebKitWebDriver"
	Xvfb         = "/usr/bin/Xvfb"
)

// MiniBrowserGlob matches WebKitGTK's MiniBrowser, which WebKitWebDriver
// drives.
const MiniBrowserGlob = "/usr/lib/*/webkit2gtk-4.1/MiniBrowser"

// Options says how to start a browser.
type Options struct {
	// Profile is an empty folder for the browser's profile (t.TempDir()).
	Profile string
	// Width and Height are the first window's size; 1280×860 when zero.
	Width, Height int
	// Log receives what the driver and browser print; nil discards it.
	Log io.Writer
}

// Start starts engine ("chromium", "firefox" or "webkit") with a fresh
// profile and returns a session on it:
//   - chromium: headless, through chromedriver (classic WebDriver);
//   - firefox: Firefox ESR headless, through its own WebDriver BiDi
//     endpoint (--remote-debugging-port);
//   - webkit: WebKitGTK's MiniBrowser through WebKitWebDriver (classic
//     WebDriver), on a display of its own (Xvfb). As root, WebKit's
//     sandbox cannot start (bubblewrap refuses), so it is turned off for
//     this browser alone (WEBKIT_DISABLE_SANDBOX_THIS_IS_DANGEROUS=1).
//
// Every driver and browser binds a port the kernel picks (port 0), read
// back from its output or its sockets, so parallel tests never race for
// one.
func Start(ctx context.Context, engine string, o Options) (*Browser, error) {
	if o.Width == 0 {
		o.Width, o.Height = 1280, 860
	}
	if o.Log == nil {
		o.Log = io.Discard
	}
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	b := &Browser{Engine: engine}
	var err error
	switch engine {
	case "chromium":
		err = startChromium(ctx, b, o)
	case "firefox":
		err = startFirefox(ctx, b, o)
	case "webkit":
		err = startWebKit(ctx, b, o)
	default:
		err = fmt.Errorf("unknown engine %q", engine)
	}
	if err != nil {
		if b.p != nil {
			_ = b.p.close()
		}
		for i := len(b.stop) - 1; i >= 0; i-- {
			_ = b.stop[i]()
		}
		return nil, fmt.Errorf("webdriver: start %s: %w", engine, err)
	}
	return b, nil
}

// spawn starts a program in a process group of its own, with its output
// going to log through lines (which, when not nil, sees every line too),
// and registers its end (the whole group) with b.
func spawn(b *Browser, log io.Writer, lines func(string), env []string, name string, args ...string) (*exec.Cmd, error) {
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = w, w
	if err := cmd.Start(); err != nil {
		r.Close()
		w.Close()
		return nil, fmt.Errorf("run %s: %w", name, err)
	}
	w.Close()
	copied := make(chan struct{})
	go func() {
		defer close(copied)
		defer r.Close()
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			fmt.Fprintf(log, "%s: %s\n", filepath.Base(name), sc.Text())
			if lines != nil {
				lines(sc.Text())
			}
		}
	}()
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	b.stop = append(b.stop, func() error {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-exited
		}
		select {
		case <-copied:
		case <-time.After(2 * time.Second): // a grandchild may hold the pipe
		}
		return nil
	})
	return cmd, nil
}

// awaitLine waits for the first line matching re and returns its first
// submatch.
func awaitLine(ctx context.Context, re *regexp.Regexp) (func(string), func() (string, error)) {
	found := make(chan string, 1)
	see := func(line string) {
		if m := re.FindStringSubmatch(line); m != nil {
			select {
			case found <- m[1]:
			default:
			}
		}
	}
	wait := func() (string, error) {
		select {
		case s := <-found:
			return s, nil
		case <-ctx.Done():
			return "", fmt.Errorf("no line matching %s: %w", re, ctx.Err())
		}
	}
	return see, wait
}

func startChromium(ctx context.Context, b *Browser, o Options) error {
	see, wait := awaitLine(ctx, regexp.MustCompile(`started successfully on port (\d+)`))
	if _, err := spawn(b, o.Log, see, nil, Chromedriver, "--port=0"); err != nil {
		return err
	}
	port, err := wait()
	if err != nil {
		return err
	}
	c := &classic{base: "http://127.0.0.1:" + port, hc: &http.Client{}}
	b.p = c
	b.Version, err = c.newSession(ctx, map[string]any{
		"goog:chromeOptions": map[string]any{
			"binary": Chromium,
			"args": []string{"--headless=new", "--no-sandbox", "--disable-gpu", "--user-data-dir=" + o.Profile,
				"--disable-component-update", "--disable-quic", fmt.Sprintf("--window-size=%d,%d", o.Width, o.Height)},
		},
	})
	b.first = c.current
	return err
}

func startFirefox(ctx context.Context, b *Browser, o Options) error {
	see, wait := awaitLine(ctx, regexp.MustCompile(`WebDriver BiDi listening on (ws://\S+)`))
	_, err := spawn(b, o.Log, see, []string{"MOZ_CRASHREPORTER_DISABLE=1"}, Firefox,
		"--headless", "--remote-debugging-port=0", "--profile", o.Profile, "--no-remote", "--new-instance", "about:blank")
	if err != nil {
		return err
	}
	ws, err := wait()
	if err != nil {
		return err
	}
	p, err := dialBiDi(ctx, strings.TrimSuffix(ws, "/")+"/session")
	if err != nil {
		return err
	}
	b.p = p
	if b.Version, b.first, err = p.newSession(ctx); err != nil {
		return err
	}
	return p.setViewport(ctx, b.first, o.Width, o.Height)
}

func startWebKit(ctx context.Context, b *Browser, o Options) error {
	mini, _ := filepath.Glob(MiniBrowserGlob)
	if len(mini) == 0 {
		return fmt.Errorf("no MiniBrowser matches %s", MiniBrowserGlob)
	}
	display, err := startXvfb(ctx, b, o)
	if err != nil {
		return err
	}
	env := []string{"DISPLAY=" + display, "GDK_BACKEND=x11",
		// A loopback address through a proxy from the environment would
		// leave the machine, or fail.
		"http_proxy=", "https_proxy=", "HTTP_PROXY=", "HTTPS_PROXY=", "no_proxy=*"}
	if os.Geteuid() == 0 {
		env = append(env, "WEBKIT_DISABLE_SANDBOX_THIS_IS_DANGEROUS=1")
	}
	cmd, err := spawn(b, o.Log, nil, env, WebKitDriver, "--port=0", "--host=127.0.0.1")
	if err != nil {
		return err
	}
	port, err := listeningPort(ctx, cmd.Process.Pid)
	if err != nil {
		return err
	}
	c := &classic{base: fmt.Sprintf("http://127.0.0.1:%d", port), hc: &http.Client{}}
	b.p = c
	b.Version, err = c.newSession(ctx, map[string]any{
		"webkitgtk:browserOptions": map[string]any{"binary": mini[0], "args": []string{"--automation"}},
	})
	if err != nil {
		return err
	}
	b.first = c.current
	return c.do(ctx, "POST", c.path("/window/rect"), map[string]any{"x": 0, "y": 0, "width": o.Width, "height": o.Height}, nil)
}

// startXvfb starts a virtual display on a number it picks itself
// (-displayfd) and returns it as ":N".
func startXvfb(ctx context.Context, b *Browser, o Options) (string, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return "", err
	}
	defer r.Close()
	cmd := exec.Command(Xvfb, "-displayfd", "3", "-screen", "0", "1920x1200x24", "-nolisten", "tcp")
	cmd.ExtraFiles = []*os.File{w}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Stdout, cmd.Stderr = o.Log, o.Log
	if err := cmd.Start(); err != nil {
		w.Close()
		return "", fmt.Errorf("run Xvfb: %w", err)
	}
	w.Close()
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	b.stop = append(b.stop, func() error {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
		return nil
	})
	got := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(r).ReadString('\n')
		got <- strings.TrimSpace(line)
	}()
	select {
	case n := <-got:
		if n == "" {
			return "", errors.New("Xvfb reported no display")
		}
		return ":" + n, nil
	case <-ctx.Done():
		return "", fmt.Errorf("Xvfb: %w", ctx.Err())
	}
}
