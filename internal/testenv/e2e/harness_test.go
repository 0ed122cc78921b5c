//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/cdproto/storage"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/crumbless/crumbless/internal/testenv/launch"
)

// shadow is the JS expression for the widget's shadow root.
const shadow = `document.querySelector('#crumbless-root').shadowRoot`

// startServer runs the built binary with a fresh data folder on a port the
// kernel picks and returns its base URL. Its log goes to the test's; it is
// stopped with SIGTERM when the test ends.
func startServer(t *testing.T) string {
	t.Helper()
	return launchServer(t, "-data", t.TempDir()).URL
}

// launchServer runs the built binary (CRUMBLESS_BIN) with args and waits
// until it is healthy.
func launchServer(t *testing.T, args ...string) *launch.Server {
	t.Helper()
	bin := os.Getenv("CRUMBLESS_BIN")
	require.NotEmpty(t, bin, "CRUMBLESS_BIN must name the built server (make test-e2e sets it)")
	return launch.ForTest(t, launch.Options{Bin: bin, Args: args})
}

// browser is one headless Chromium with a fresh profile and the requests it
// made.
type browser struct {
	ctx context.Context

	mu       sync.Mutex
	requests []string
}

func newBrowser(t *testing.T) *browser {
	t.Helper()
	return newBrowserFor(t, 2*time.Minute)
}

// newBrowserFor is newBrowser for a test that needs the browser longer.
func newBrowserFor(t *testing.T, timeout time.Duration) *browser {
	t.Helper()
	ctx := startChromium(t, timeout)
	b := &browser{ctx: ctx}
	require.NoError(t, chromedp.Listen(ctx, func(ev any) {
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			b.mu.Lock()
			b.requests = append(b.requests, e.Request.URL)
			b.mu.Unlock()
		case *runtime.EventExceptionThrown: // shown, so that a failure says why
			t.Logf("page exception: %s %s", e.ExceptionDetails.Text, exceptionText(e.ExceptionDetails))
		case *runtime.EventConsoleAPICalled: // a wasm panic's trace comes this way
			var parts []string
			for _, a := range e.Args {
				parts = append(parts, string(a.Value)+a.Description)
			}
			t.Logf("page console.%s: %s", e.Type, strings.Join(parts, " "))
		}
	}))
	_, err := chromedp.Call(ctx, network.Enable, network.EnableParams{})
	require.NoError(t, err)
	return b
}

// exceptionText is the message of a page exception, when it has one.
func exceptionText(d *runtime.ExceptionDetails) string {
	if d.Exception != nil {
		return d.Exception.Description
	}
	return ""
}

// startChromium starts a headless Chromium with a fresh profile, gives it
// timeout to live and ends it when the test ends.
func startChromium(t *testing.T, timeout time.Duration) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath()),
		chromedp.DisableGPU,
		chromedp.NoSandbox,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-quic", true),
		chromedp.WindowSize(1280, 860),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	ctx, cancelTimeout := context.WithTimeout(ctx, timeout)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	return ctx
}

func chromiumPath() string {
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	return "/usr/bin/chromium"
}

// requestsEndingIn counts the requests whose URL path ends in suffix.
func (b *browser) requestsEndingIn(suffix string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := 0
	for _, u := range b.requests {
		if strings.HasSuffix(strings.SplitN(u, "?", 2)[0], suffix) {
			n++
		}
	}
	return n
}

// do runs actions and fails the test on error.
func (b *browser) do(t *testing.T, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	require.NoError(t, chromedp.Do(b.ctx, actions...))
}

// eval evaluates a JS expression and returns its value.
func eval[T any](t *testing.T, b *browser, expr string) T {
	t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](expr))
	require.NoError(t, err, "evaluate %s", expr)
	return v
}

// waitFor polls a JS boolean expression until it is true.
func (b *browser) waitFor(t *testing.T, expr string) {
	t.Helper()
	// Interval polling, not requestAnimationFrame (chromedp's default): a tab
	// in the background renders no frames, so a rAF poll there never ends.
	_, err := chromedp.Run(b.ctx, chromedp.Poll[any](expr, chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(30*time.Second)))
	require.NoError(t, err, "waiting for %s", expr)
}

// click performs a real mouse click on the element the JS expression gives.
func (b *browser) click(t *testing.T, expr string) {
	t.Helper()
	b.do(t, chromedp.Click(chromedp.JSPath(expr), chromedp.NodeVisible))
}

// cookies returns every cookie the browser holds, for all sites (CDP, not
// document.cookie).
func (b *browser) cookies(t *testing.T) []string {
	t.Helper()
	res, err := chromedp.Call(b.ctx, storage.GetCookies, storage.GetCookiesParams{})
	require.NoError(t, err)
	var names []string
	for _, c := range res.Cookies {
		names = append(names, c.Domain+" "+c.Name)
	}
	return names
}

// prefixedKeys lists the keys in localStorage and sessionStorage that start
// with prefix.
func prefixedKeys(t *testing.T, b *browser, prefix string) []string {
	t.Helper()
	return eval[[]string](t, b, fmt.Sprintf(`[localStorage, sessionStorage].flatMap(s => Object.keys(s)).filter(k => k.startsWith(%q))`, prefix))
}

// screenshot writes a PNG of the viewport under out/e2e/ in the repository.
func (b *browser) screenshot(t *testing.T, name string) {
	t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
	require.NoError(t, err)
	dir := filepath.Join("..", "..", "..", "out", "e2e")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644))
}
