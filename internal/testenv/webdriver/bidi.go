package webdriver

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/gobwas/ws"
	"github.com/gobwas/ws/wsutil"
)

// bidi speaks WebDriver BiDi over a websocket: commands are JSON objects
// with an id, answered by a message with the same id; events are ignored.
type bidi struct {
	conn net.Conn

	wmu     sync.Mutex // one writer at a time
	mu      sync.Mutex
	next    int
	waiting map[int]chan bidiReply
	readErr error
	done    chan struct{}
}

type bidiReply struct {
	Type    string          `json:"type"` // "success" or "error"
	ID      *int            `json:"id"`
	Result  json.RawMessage `json:"result"`
	Error   string          `json:"error"`
	Message string          `json:"message"`
}

// dialBiDi connects to a BiDi endpoint (ws://host:port/session) and
// starts reading its messages.
func dialBiDi(ctx context.Context, url string) (*bidi, error) {
	conn, _, _, err := ws.Dial(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", url, err)
	}
	b := &bidi{conn: conn, waiting: map[int]chan bidiReply{}, done: make(chan struct{})}
	go b.read()
	return b, nil
}

func (b *bidi) read() {
	defer close(b.done)
	for {
		msg, err := wsutil.ReadServerText(b.conn)
		if err != nil {
			b.mu.Lock()
			b.readErr = err
			for _, ch := range b.waiting {
				close(ch)
			}
			b.waiting = nil
			b.mu.Unlock()
			return
		}
		var r bidiReply
		if json.Unmarshal(msg, &r) != nil || r.ID == nil {
			continue // an event
		}
		b.mu.Lock()
		ch := b.waiting[*r.ID]
		delete(b.waiting, *r.ID)
		b.mu.Unlock()
		if ch != nil {
			ch <- r
		}
	}
}

// send runs one command and decodes its result into out.
func (b *bidi) send(ctx context.Context, method string, params, out any) error {
	ch := make(chan bidiReply, 1)
	b.mu.Lock()
	if b.waiting == nil {
		err := b.readErr
		b.mu.Unlock()
		return fmt.Errorf("%s: connection closed: %w", method, err)
	}
	b.next++
	id := b.next
	b.waiting[id] = ch
	b.mu.Unlock()
	msg, err := json.Marshal(map[string]any{"id": id, "method": method, "params": params})
	if err != nil {
		return err
	}
	b.wmu.Lock()
	err = wsutil.WriteClientText(b.conn, msg)
	b.wmu.Unlock()
	if err != nil {
		return fmt.Errorf("%s: write: %w", method, err)
	}
	select {
	case r, ok := <-ch:
		if !ok {
			return fmt.Errorf("%s: connection closed: %w", method, b.readErr)
		}
		if r.Type == "error" {
			return fmt.Errorf("%s: %s: %s", method, r.Error, r.Message)
		}
		if out != nil {
			return json.Unmarshal(r.Result, out)
		}
		return nil
	case <-ctx.Done():
		b.mu.Lock()
		delete(b.waiting, id)
		b.mu.Unlock()
		return fmt.Errorf("%s: %w", method, ctx.Err())
	}
}

// newSession starts a session and returns the browser's version and its
// first browsing context.
func (b *bidi) newSession(ctx context.Context) (version, first string, err error) {
	var s struct {
		Capabilities struct {
			BrowserVersion string `json:"browserVersion"`
		} `json:"capabilities"`
	}
	if err := b.send(ctx, "session.new", map[string]any{"capabilities": map[string]any{}}, &s); err != nil {
		return "", "", err
	}
	var tree struct {
		Contexts []struct {
			Context string `json:"context"`
		} `json:"contexts"`
	}
	if err := b.send(ctx, "browsingContext.getTree", map[string]any{"maxDepth": 0}, &tree); err != nil {
		return "", "", err
	}
	if len(tree.Contexts) == 0 {
		return "", "", errors.New("no browsing context")
	}
	return s.Capabilities.BrowserVersion, tree.Contexts[0].Context, nil
}

func (b *bidi) navigate(ctx context.Context, tab, url string) error {
	return b.send(ctx, "browsingContext.navigate", map[string]any{"context": tab, "url": url, "wait": "complete"}, nil)
}

func (b *bidi) reload(ctx context.Context, tab string) error {
	return b.send(ctx, "browsingContext.reload", map[string]any{"context": tab, "wait": "complete"}, nil)
}

func (b *bidi) call(ctx context.Context, tab, fn string) (string, error) {
	var res struct {
		Type   string `json:"type"`
		Result struct {
			Type  string `json:"type"`
			Value string `json:"value"`
		} `json:"result"`
		ExceptionDetails struct {
			Text string `json:"text"`
		} `json:"exceptionDetails"`
	}
	err := b.send(ctx, "script.callFunction", map[string]any{
		"functionDeclaration": fn, "awaitPromise": true, "target": map[string]any{"context": tab},
		"userActivation": false,
	}, &res)
	if err != nil {
		return "", err
	}
	if res.Type == "exception" {
		return "", errors.New(res.ExceptionDetails.Text)
	}
	if res.Result.Type != "string" {
		return "", fmt.Errorf("result of type %s, not a string", res.Result.Type)
	}
	return res.Result.Value, nil
}

func (b *bidi) actions(ctx context.Context, tab string, sources []any) error {
	if err := b.send(ctx, "input.performActions", map[string]any{"context": tab, "actions": sources}, nil); err != nil {
		return err
	}
	return b.send(ctx, "input.releaseActions", map[string]any{"context": tab}, nil)
}

func (b *bidi) screenshot(ctx context.Context, tab string) ([]byte, error) {
	var res struct {
		Data string `json:"data"`
	}
	if err := b.send(ctx, "browsingContext.captureScreenshot", map[string]any{"context": tab}, &res); err != nil {
		return nil, err
	}
	return base64.StdEncoding.DecodeString(res.Data)
}

func (b *bidi) setViewport(ctx context.Context, tab string, width, height int) error {
	return b.send(ctx, "browsingContext.setViewport", map[string]any{
		"context": tab, "viewport": map[string]any{"width": width, "height": height},
	}, nil)
}

func (b *bidi) newTab(ctx context.Context, _ string) (string, error) {
	var res struct {
		Context string `json:"context"`
	}
	if err := b.send(ctx, "browsingContext.create", map[string]any{"type": "tab"}, &res); err != nil {
		return "", err
	}
	return res.Context, nil
}

func (b *bidi) closeTab(ctx context.Context, tab string) error {
	return b.send(ctx, "browsingContext.close", map[string]any{"context": tab}, nil)
}

func (b *bidi) close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := b.send(ctx, "session.end", map[string]any{}, nil)
	b.conn.Close()
	<-b.done
	return err
}
