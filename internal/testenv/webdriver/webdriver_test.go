//go:build e2e

package webdriver

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// TestDrive runs every operation once in each engine against a page of
// its own: script with a promise, a real click, typing, a second tab that
// shares storage, the viewport and a screenshot.
func TestDrive(t *testing.T) {
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<!doctype html><title>drive</title><button id=b onclick="this.textContent='clicked:'+event.isTrusted">go</button><input id=i>`))
	}))
	t.Cleanup(page.Close)
	for _, engine := range Engines {
		t.Run(engine, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			b, err := Start(ctx, engine, Options{Profile: t.TempDir(), Log: testLog{t}})
			if err != nil {
				t.Fatal(err)
			}
			defer func() {
				if err := b.Close(); err != nil {
					t.Logf("close: %v", err)
				}
			}()
			t.Logf("%s %s", b.Engine, b.Version)
			tab := b.First()
			must(t, tab.Navigate(ctx, page.URL+"/"))
			var sum int
			must(t, tab.Eval(ctx, `new Promise(r => setTimeout(() => r(40 + 2), 10))`, &sum))
			if sum != 42 {
				t.Errorf("promise: got %d, want 42", sum)
			}
			if err := tab.Eval(ctx, `(() => { throw new Error('boom') })()`, nil); err == nil {
				t.Error("a thrown error must be an error")
			}
			must(t, tab.Click(ctx, `document.getElementById('b')`))
			var text string
			must(t, tab.Eval(ctx, `document.getElementById('b').textContent`, &text))
			if text != "clicked:true" {
				t.Errorf("click: got %q, want a trusted click", text)
			}
			must(t, tab.Type(ctx, `document.getElementById('i')`, "héllo"))
			must(t, tab.Eval(ctx, `document.getElementById('i').value`, &text))
			if text != "héllo" {
				t.Errorf("typed: got %q", text)
			}
			must(t, tab.Eval(ctx, `localStorage.setItem('k', 'v')`, nil))
			two, err := b.NewTab(ctx)
			must(t, err)
			must(t, two.Navigate(ctx, page.URL+"/"))
			must(t, two.Eval(ctx, `localStorage.getItem('k')`, &text))
			if text != "v" {
				t.Errorf("second tab's storage: got %q, want v", text)
			}
			must(t, two.Close(ctx))
			must(t, tab.SetViewport(ctx, 800, 600))
			var size []int
			must(t, tab.Eval(ctx, `[innerWidth, innerHeight]`, &size))
			if len(size) != 2 || size[0] != 800 || size[1] != 600 {
				t.Errorf("viewport: got %v, want [800 600]", size)
			}
			png, err := tab.Screenshot(ctx)
			must(t, err)
			if !bytes.HasPrefix(png, []byte("\x89PNG")) {
				t.Errorf("screenshot is no PNG")
			}
		})
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

type testLog struct{ t *testing.T }

func (l testLog) Write(p []byte) (int, error) {
	l.t.Log(string(bytes.TrimSuffix(p, []byte("\n"))))
	return len(p), nil
}
