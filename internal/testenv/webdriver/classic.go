package webdriver

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// classic speaks W3C WebDriver over HTTP to a driver (chromedriver,
// WebKitWebDriver). A session has one current window; each command first
// switches to its tab when another is current.
type classic struct {
	base    string // the driver's URL, e.g. http://127.0.0.1:4444
	session string
	current string
	hc      *http.Client
}

// wdError is an error the driver answered with.
type wdError struct {
	Code    string `json:"error"`
	Message string `json:"message"`
}

func (e *wdError) Error() string { return e.Code + ": " + e.Message }

// do sends one command and decodes its "value" into out.
func (c *classic) do(ctx context.Context, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	res, err := c.hc.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return fmt.Errorf("%s %s: read: %w", method, path, err)
	}
	var env struct {
		Value json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal(raw, &env); err != nil {
		return fmt.Errorf("%s %s: %d %s", method, path, res.StatusCode, short(string(raw)))
	}
	if res.StatusCode != http.StatusOK {
		var e wdError
		if json.Unmarshal(env.Value, &e) == nil && e.Code != "" {
			return fmt.Errorf("%s %s: %w", method, path, &e)
		}
		return fmt.Errorf("%s %s: %d %s", method, path, res.StatusCode, short(string(raw)))
	}
	if out != nil {
		return json.Unmarshal(env.Value, out)
	}
	return nil
}

// newSession starts a session with the given capabilities and returns the
// browser's version and the first window's handle.
func (c *classic) newSession(ctx context.Context, caps map[string]any) (version string, err error) {
	var res struct {
		SessionID    string         `json:"sessionId"`
		Capabilities map[string]any `json:"capabilities"`
	}
	if err := c.do(ctx, "POST", "/session", map[string]any{"capabilities": map[string]any{"alwaysMatch": caps}}, &res); err != nil {
		return "", fmt.Errorf("new session: %w", err)
	}
	c.session = res.SessionID
	v, _ := res.Capabilities["browserVersion"].(string)
	if err := c.do(ctx, "GET", c.path("/window"), nil, &c.current); err != nil {
		return "", fmt.Errorf("window handle: %w", err)
	}
	return v, nil
}

func (c *classic) path(p string) string { return "/session/" + c.session + p }

// on makes tab the current window.
func (c *classic) on(ctx context.Context, tab string) error {
	if tab == c.current {
		return nil
	}
	if err := c.do(ctx, "POST", c.path("/window"), map[string]any{"handle": tab}, nil); err != nil {
		return fmt.Errorf("switch to window %s: %w", tab, err)
	}
	c.current = tab
	return nil
}

func (c *classic) navigate(ctx context.Context, tab, url string) error {
	if err := c.on(ctx, tab); err != nil {
		return err
	}
	return c.do(ctx, "POST", c.path("/url"), map[string]any{"url": url}, nil)
}

func (c *classic) reload(ctx context.Context, tab string) error {
	if err := c.on(ctx, tab); err != nil {
		return err
	}
	return c.do(ctx, "POST", c.path("/refresh"), map[string]any{}, nil)
}

func (c *classic) call(ctx context.Context, tab, fn string) (string, error) {
	if err := c.on(ctx, tab); err != nil {
		return "", err
	}
	// Execute Async Script with its callback, which every driver has;
	// fn never rejects (Tab.Eval catches).
	script := `const done = arguments[arguments.length - 1]; (` + fn + `)().then(done, e => done(JSON.stringify({err: String(e)})));`
	var s string
	err := c.do(ctx, "POST", c.path("/execute/async"), map[string]any{"script": script, "args": []any{}}, &s)
	return s, err
}

func (c *classic) actions(ctx context.Context, tab string, sources []any) error {
	if err := c.on(ctx, tab); err != nil {
		return err
	}
	if err := c.do(ctx, "POST", c.path("/actions"), map[string]any{"actions": sources}, nil); err != nil {
		return err
	}
	return c.do(ctx, "DELETE", c.path("/actions"), nil, nil)
}

func (c *classic) screenshot(ctx context.Context, tab string) ([]byte, error) {
	if err := c.on(ctx, tab); err != nil {
		return nil, err
	}
	var b64 string
	if err := c.do(ctx, "GET", c.path("/screenshot"), nil, &b64); err != nil {
		return nil, err
	}
	return base64.StdEncoding.DecodeString(b64)
}

// setViewport sizes the window, waits for the viewport to follow (a
// window manager resizes asynchronously) and grows the window by what its
// frame takes (toolbars, borders), until the viewport is the size asked.
func (c *classic) setViewport(ctx context.Context, tab string, width, height int) error {
	if err := c.on(ctx, tab); err != nil {
		return err
	}
	measure := func() ([2]int, error) {
		var got [2]int
		s, err := c.call(ctx, tab, `async () => JSON.stringify([innerWidth, innerHeight])`)
		if err != nil {
			return got, err
		}
		if err := json.Unmarshal([]byte(s), &got); err != nil {
			return got, fmt.Errorf("viewport size %q: %w", s, err)
		}
		return got, nil
	}
	w, h := width, height
	var got [2]int
	for range 3 {
		if err := c.do(ctx, "POST", c.path("/window/rect"), map[string]any{"width": w, "height": h}, nil); err != nil {
			return err
		}
		for end := time.Now().Add(2 * time.Second); ; {
			var err error
			if got, err = measure(); err != nil {
				return err
			}
			if got == [2]int{width, height} {
				return nil
			}
			if time.Now().After(end) {
				break
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(50 * time.Millisecond):
			}
		}
		w += width - got[0]
		h += height - got[1]
	}
	return fmt.Errorf("the viewport stays %v", got)
}

// newTab opens a window rather than a tab: MiniBrowser renders only the
// tab in front, and input actions in a tab behind never end; windows
// side by side all render, and share the profile all the same.
func (c *classic) newTab(ctx context.Context, from string) (string, error) {
	if err := c.on(ctx, from); err != nil {
		return "", err
	}
	var res struct {
		Handle string `json:"handle"`
	}
	if err := c.do(ctx, "POST", c.path("/window/new"), map[string]any{"type": "window"}, &res); err != nil {
		return "", err
	}
	return res.Handle, nil
}

func (c *classic) closeTab(ctx context.Context, tab string) error {
	if err := c.on(ctx, tab); err != nil {
		return err
	}
	c.current = ""
	return c.do(ctx, "DELETE", c.path("/window"), nil, nil)
}

func (c *classic) close() error {
	if c.session == "" {
		return nil
	}
	err := c.do(context.Background(), "DELETE", c.path(""), nil, nil)
	c.session = ""
	return err
}
