// Package webdriver drives Chromium, Firefox and WebKitGTK from Go tests
// through the W3C WebDriver protocols, so that one test runs unchanged in
// each engine: classic WebDriver (HTTP and JSON) with chromedriver and
// WebKitWebDriver, WebDriver BiDi (a websocket) with Firefox, which speaks
// it itself (Debian ships no geckodriver).
//
// It knows only what the end-to-end tests use: open tabs, navigate,
// reload, run script, click and type with real input actions, size the
// viewport and take screenshots.
package webdriver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
)

// protocol is one way of speaking to a browser; tab is a window handle
// (classic) or a browsing context id (BiDi).
type protocol interface {
	navigate(ctx context.Context, tab, url string) error
	reload(ctx context.Context, tab string) error
	// call runs fn, a JS function expression of no arguments that returns
	// a string or a promise of one, and returns that string.
	call(ctx context.Context, tab, fn string) (string, error)
	actions(ctx context.Context, tab string, sources []any) error
	screenshot(ctx context.Context, tab string) ([]byte, error)
	setViewport(ctx context.Context, tab string, width, height int) error
	// newTab opens a tab; from is a tab that is open (classic WebDriver
	// opens windows from the current one).
	newTab(ctx context.Context, from string) (string, error)
	closeTab(ctx context.Context, tab string) error
	close() error
}

// Browser is one browser session with a fresh profile.
type Browser struct {
	// Engine is "chromium", "firefox" or "webkit".
	Engine string
	// Version is the browser's version as the driver reports it.
	Version string

	p     protocol
	first string
	mu    sync.Mutex // one command at a time: classic switches windows per command
	stop  []func() error
}

// Tab is one top-level browsing context of a Browser.
type Tab struct {
	b  *Browser
	id string
}

// First returns the tab the browser opened with.
func (b *Browser) First() *Tab { return &Tab{b: b, id: b.first} }

// NewTab opens a tab in the same profile (its storage, locks and
// broadcast channels are shared with the others).
func (b *Browser) NewTab(ctx context.Context) (*Tab, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	id, err := b.p.newTab(ctx, b.first)
	if err != nil {
		return nil, fmt.Errorf("webdriver: new tab: %w", err)
	}
	return &Tab{b: b, id: id}, nil
}

// Close ends the session and the processes started for it.
func (b *Browser) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	errs := []error{b.p.close()}
	for i := len(b.stop) - 1; i >= 0; i-- {
		errs = append(errs, b.stop[i]())
	}
	b.stop = nil
	return errors.Join(errs...)
}

// Navigate loads url in the tab and returns once its load event fired.
func (t *Tab) Navigate(ctx context.Context, url string) error {
	t.b.mu.Lock()
	defer t.b.mu.Unlock()
	if err := t.b.p.navigate(ctx, t.id, url); err != nil {
		return fmt.Errorf("webdriver: navigate to %s: %w", url, err)
	}
	return nil
}

// Reload reloads the tab's page and returns once it loaded.
func (t *Tab) Reload(ctx context.Context) error {
	t.b.mu.Lock()
	defer t.b.mu.Unlock()
	if err := t.b.p.reload(ctx, t.id); err != nil {
		return fmt.Errorf("webdriver: reload: %w", err)
	}
	return nil
}

// Close closes the tab.
func (t *Tab) Close(ctx context.Context) error {
	t.b.mu.Lock()
	defer t.b.mu.Unlock()
	return t.b.p.closeTab(ctx, t.id)
}

// Eval evaluates the JS expression expr in the page (a promise is
// awaited) and decodes its value, as JSON.stringify gives it, into out
// (which may be nil). A thrown exception is an error.
func (t *Tab) Eval(ctx context.Context, expr string, out any) error {
	// The value travels as a JSON string, the one type every protocol
	// returns the same way; the wrapper object keeps undefined apart.
	fn := `async () => { try { return JSON.stringify({v: await (` + expr + `)}) } catch (e) { return JSON.stringify({err: String(e && e.stack || e)}) } }`
	t.b.mu.Lock()
	s, err := t.b.p.call(ctx, t.id, fn)
	t.b.mu.Unlock()
	if err != nil {
		return fmt.Errorf("webdriver: evaluate %s: %w", short(expr), err)
	}
	var res struct {
		V   json.RawMessage `json:"v"`
		Err *string         `json:"err"`
	}
	if err := json.Unmarshal([]byte(s), &res); err != nil {
		return fmt.Errorf("webdriver: evaluate %s: result %q: %w", short(expr), short(s), err)
	}
	if res.Err != nil {
		return fmt.Errorf("webdriver: evaluate %s: thrown: %s", short(expr), *res.Err)
	}
	if out == nil || len(res.V) == 0 {
		return nil
	}
	if err := json.Unmarshal(res.V, out); err != nil {
		return fmt.Errorf("webdriver: evaluate %s: decode %s: %w", short(expr), short(string(res.V)), err)
	}
	return nil
}

// Click moves the mouse to the middle of the element the JS expression
// elem gives (scrolled into view first) and clicks it with real input
// actions, as a visitor would.
func (t *Tab) Click(ctx context.Context, elem string) error {
	x, y, err := t.centre(ctx, elem)
	if err != nil {
		return err
	}
	mouse := map[string]any{
		"type": "pointer", "id": "mouse", "parameters": map[string]any{"pointerType": "mouse"},
		"actions": []any{
			map[string]any{"type": "pointerMove", "x": x, "y": y, "origin": "viewport", "duration": 0},
			map[string]any{"type": "pointerDown", "button": 0},
			map[string]any{"type": "pointerUp", "button": 0},
		},
	}
	t.b.mu.Lock()
	defer t.b.mu.Unlock()
	if err := t.b.p.actions(ctx, t.id, []any{mouse}); err != nil {
		return fmt.Errorf("webdriver: click %s: %w", short(elem), err)
	}
	return nil
}

// Type focuses the element the JS expression elem gives and types text
// into it key by key.
func (t *Tab) Type(ctx context.Context, elem, text string) error {
	if err := t.Eval(ctx, `(`+elem+`).focus()`, nil); err != nil {
		return err
	}
	var keys []any
	for _, r := range text {
		keys = append(keys, map[string]any{"type": "keyDown", "value": string(r)}, map[string]any{"type": "keyUp", "value": string(r)})
	}
	kb := map[string]any{"type": "key", "id": "keyboard", "actions": keys}
	t.b.mu.Lock()
	defer t.b.mu.Unlock()
	if err := t.b.p.actions(ctx, t.id, []any{kb}); err != nil {
		return fmt.Errorf("webdriver: type into %s: %w", short(elem), err)
	}
	return nil
}

// centre scrolls the element into view and returns the middle of its box
// in viewport pixels.
func (t *Tab) centre(ctx context.Context, elem string) (x, y int, err error) {
	var box []float64
	err = t.Eval(ctx, `(() => { const e = `+elem+`; e.scrollIntoView({block: 'nearest', inline: 'nearest'}); const r = e.getBoundingClientRect(); return [r.left, r.top, r.width, r.height] })()`, &box)
	if err != nil {
		return 0, 0, err
	}
	if len(box) != 4 || box[2] <= 0 || box[3] <= 0 {
		return 0, 0, fmt.Errorf("webdriver: %s has no box to click (%v)", short(elem), box)
	}
	return int(math.Floor(box[0] + box[2]/2)), int(math.Floor(box[1] + box[3]/2)), nil
}

// Screenshot returns a PNG of the tab's viewport.
func (t *Tab) Screenshot(ctx context.Context) ([]byte, error) {
	t.b.mu.Lock()
	defer t.b.mu.Unlock()
	png, err := t.b.p.screenshot(ctx, t.id)
	if err != nil {
		return nil, fmt.Errorf("webdriver: screenshot: %w", err)
	}
	return png, nil
}

// SetViewport makes the tab's viewport width×height CSS pixels: exactly
// with BiDi, by sizing the window with classic WebDriver (the window's
// frame, if any, is measured and added).
func (t *Tab) SetViewport(ctx context.Context, width, height int) error {
	t.b.mu.Lock()
	defer t.b.mu.Unlock()
	if err := t.b.p.setViewport(ctx, t.id, width, height); err != nil {
		return fmt.Errorf("webdriver: viewport %dx%d: %w", width, height, err)
	}
	return nil
}

// short cuts s for error messages.
func short(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 160 {
		return s[:157] + "..."
	}
	return s
}
