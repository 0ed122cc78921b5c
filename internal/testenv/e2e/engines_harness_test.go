//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/crumbless/crumbless/internal/testenv/debian"
	"github.com/crumbless/crumbless/internal/testenv/webdriver"
)

// The harness of the engine-neutral tests (engines_test.go): each engine
// driven through WebDriver (internal/testenv/webdriver), with nothing but
// what every engine offers — navigation, script, real input, window size
// and screenshots. No CDP: what a Chromium-only test reaches through the
// DevTools protocol (network log, init scripts, emulation) is done here
// from the page (Resource Timing, a host page's own script, a frame).

// wdTab is one tab of an engine under test.
type wdTab struct {
	*webdriver.Tab
	engine string
	ctx    context.Context
}

// startEngine starts engine with a fresh profile for the test, ends it
// when the test ends and returns its first tab.
func startEngine(t *testing.T, engine string) (*webdriver.Browser, *wdTab) {
	t.Helper()
	require.NoError(t, debian.Require(engineNeeds[engine]...))
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	t.Cleanup(cancel)
	b, err := webdriver.Start(ctx, engine, webdriver.Options{Profile: t.TempDir(), Log: engineLog{t}})
	require.NoError(t, err)
	t.Cleanup(func() {
		if err := b.Close(); err != nil {
			t.Logf("%s: close: %v", engine, err)
		}
	})
	return b, &wdTab{Tab: b.First(), engine: engine, ctx: ctx}
}

// engineNeeds are the Debian packages each engine's driver runs.
var engineNeeds = map[string][]debian.Need{
	"chromium": {debian.Chromium, debian.Chromedriver},
	"firefox":  {debian.FirefoxESR},
	"webkit":   {debian.WebKitDriver, debian.Xvfb},
}

// newTab opens another tab of the same browser, closed when the test
// ends.
func (tb *wdTab) newTab(t *testing.T, b *webdriver.Browser) *wdTab {
	t.Helper()
	ctx, cancel := tb.op()
	defer cancel()
	tab, err := b.NewTab(ctx)
	require.NoError(t, err)
	t.Cleanup(func() {
		ctx, cancel := tb.op()
		defer cancel()
		if err := tab.Close(ctx); err != nil {
			t.Logf("%s: close tab: %v", tb.engine, err)
		}
	})
	return &wdTab{Tab: tab, engine: tb.engine, ctx: tb.ctx}
}

// op is the context of one command: a minute at most, so that a command
// an engine never answers fails its test rather than the whole tier.
func (tb *wdTab) op() (context.Context, context.CancelFunc) {
	return context.WithTimeout(tb.ctx, time.Minute)
}

func (tb *wdTab) navigate(t *testing.T, url string) {
	t.Helper()
	ctx, cancel := tb.op()
	defer cancel()
	require.NoError(t, tb.Navigate(ctx, url))
}

func (tb *wdTab) reload(t *testing.T) {
	t.Helper()
	ctx, cancel := tb.op()
	defer cancel()
	require.NoError(t, tb.Reload(ctx))
}

// wdEval evaluates expr in the tab (awaiting a promise) and returns its
// value.
func wdEval[T any](t *testing.T, tb *wdTab, expr string) T {
	t.Helper()
	var v T
	ctx, cancel := tb.op()
	defer cancel()
	require.NoError(t, tb.Eval(ctx, expr, &v))
	return v
}

// run evaluates expr for its effect.
func (tb *wdTab) run(t *testing.T, expr string) {
	t.Helper()
	ctx, cancel := tb.op()
	defer cancel()
	require.NoError(t, tb.Eval(ctx, expr, nil))
}

// waitFor polls the JS condition expr every 50 ms until it is true, for
// at most 30 s.
func (tb *wdTab) waitFor(t *testing.T, expr string) {
	t.Helper()
	var last json.RawMessage
	var err error
	ctx, cancel := tb.op()
	defer cancel()
	for end := time.Now().Add(30 * time.Second); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		var ok bool
		if err = tb.Eval(ctx, `!!(`+expr+`)`, &ok); err == nil && ok {
			return
		}
	}
	_ = tb.Eval(ctx, `[location.href, document.readyState]`, &last)
	t.Fatalf("%s: waiting for %s (last error %v; page %s)", tb.engine, expr, err, last)
}

func (tb *wdTab) click(t *testing.T, elem string) {
	t.Helper()
	ctx, cancel := tb.op()
	defer cancel()
	require.NoError(t, tb.Click(ctx, elem))
}

func (tb *wdTab) typeInto(t *testing.T, elem, text string) {
	t.Helper()
	ctx, cancel := tb.op()
	defer cancel()
	require.NoError(t, tb.Type(ctx, elem, text))
}

// shot writes a PNG of the tab's viewport to out/engines/ENGINE-NAME.png.
func (tb *wdTab) shot(t *testing.T, name string) {
	t.Helper()
	ctx, cancel := tb.op()
	defer cancel()
	png, err := tb.Screenshot(ctx)
	require.NoError(t, err)
	dir := filepath.Join("..", "..", "..", "out", "engines")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, tb.engine+"-"+name+".png"), png, 0o644))
}

// resources are the paths the document fetched, by Resource Timing.
const resources = `performance.getEntriesByType('resource').map(e => new URL(e.name).pathname)`

// engineLog relays the drivers' and browsers' output to the test log.
type engineLog struct{ t *testing.T }

func (l engineLog) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimSuffix(string(p), "\n"))
	return len(p), nil
}
