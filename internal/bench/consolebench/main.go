// Command consolebench measures the operator console in headless Chromium
// over loopback and prints a Markdown table. make bench runs it; it is a
// benchmark, never a test: it fails only when it cannot measure.
//
//	go run ./internal/bench/consolebench -bin bin/crumbless [-runs 5]
//
// It reports (medians of -runs):
//   - load to sign-in: from navigating to /agent/ until the sign-in form
//     shows (the console's wasm fetched, compiled and started; cache warm
//     after the first run);
//   - sign-in click to inbox ready: from the click on "Sign in" until the
//     conversation list is drawn and the event stream is live (this
//     includes the server's bcrypt check, cost 12);
//   - visitor POST to notification: from a visitor's message POST until
//     the console, in a tab emulated as hidden, constructs its Notification.
//
// The console wasm's brotli size is in the sizes table of make bench.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/crumbless/crumbless/internal/bench/stats"
	"github.com/crumbless/crumbless/internal/testenv/launch"
)

// probe runs before the console's scripts: it notes when the sign-in form
// shows and when a Notification is constructed (unix ms), and makes the
// tab read as hidden when window.__hidden is set.
const probe = `
window.__notes = []; window.__hidden = false; window.__form = 0;
(() => {
  const N = window.Notification;
  if (N) window.Notification = class extends N {
    constructor(t, o) { super(t, o); window.__notes.push(performance.timeOrigin + performance.now()); }
  };
  Object.defineProperty(Document.prototype, 'hidden', {configurable: true, get() { return window.__hidden; }});
  new MutationObserver(() => {
    const f = document.getElementById('login-view');
    if (f && !f.hidden && !window.__form) window.__form = performance.now();
  }).observe(document, {subtree: true, childList: true, attributes: true, attributeFilter: ['hidden']});
})();`

// signInTimed clicks "Sign in" and resolves with the ms until the status
// says live with the list drawn.
const signInTimed = `new Promise(res => {
  const st = document.getElementById('status');
  const t0 = performance.now();
  const obs = new MutationObserver(() => {
    if (st.textContent === 'live') { obs.disconnect(); res(performance.now() - t0); }
  });
  obs.observe(st, {childList: true, characterData: true, subtree: true});
  document.querySelector('#login-form button[type=submit]').click();
})`

const password = "bench password"

func main() {
	bin := flag.String("bin", "bin/crumbless", "the built server")
	runs := flag.Int("runs", 5, "runs per timing (the median is printed)")
	chromium := flag.String("chromium", "/usr/bin/chromium", "Chromium binary")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("consolebench: ")
	if err := run(*bin, *chromium, *runs); err != nil {
		log.Fatal(err)
	}
}

func run(bin, chromium string, runs int) error {
	dir, err := os.MkdirTemp("", "consolebench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	add := exec.Command(bin, "agent", "add", "-data", dir, "bench")
	add.Stdin = strings.NewReader(password + "\n")
	if out, err := add.CombinedOutput(); err != nil {
		return fmt.Errorf("agent add: %w: %s (run make build first)", err, out)
	}
	srv, err := launch.Start(context.Background(), launch.Options{Bin: bin, Args: []string{"-data", dir}})
	if err != nil {
		return err
	}
	defer srv.Stop()

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromium), chromedp.NoSandbox, chromedp.DisableGPU)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(alloc)
	defer cancel()
	ctx, cancelTimeout := context.WithTimeout(ctx, 5*time.Minute)
	defer cancelTimeout()
	if _, err := chromedp.Call(ctx, cdpbrowser.SetPermission, cdpbrowser.SetPermissionParams{
		Permission: &cdpbrowser.PermissionDescriptor{Name: "notifications"}, Setting: cdpbrowser.PermissionSettingGranted, Origin: srv.URL}); err != nil {
		return err
	}
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: probe}); err != nil {
		return err
	}

	var load, ready []float64
	for i := 0; i < runs; i++ {
		if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`sessionStorage.clear()`)); err != nil && i > 0 {
			return err
		}
		if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/agent/"),
			chromedp.Poll[chromedp.Void](`window.__form > 0`)); err != nil {
			return fmt.Errorf("load: %w", err)
		}
		form, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`window.__form - performance.getEntriesByType('navigation')[0].startTime`))
		if err != nil {
			return err
		}
		load = append(load, form)
		if err := chromedp.Do(ctx,
			chromedp.SetValue(chromedp.JSPath(`document.getElementById('login-name')`), "bench"),
			chromedp.SetValue(chromedp.JSPath(`document.getElementById('login-password')`), password)); err != nil {
			return err
		}
		ms, err := chromedp.Run(ctx, chromedp.Evaluate[float64](signInTimed, chromedp.EvalAwaitPromise))
		if err != nil {
			return fmt.Errorf("sign in: %w", err)
		}
		ready = append(ready, ms)
	}

	// Notifications: the signed-in tab goes to the background; a visitor writes.
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`window.__hidden = true`)); err != nil {
		return err
	}
	token, err := startConversation(srv.URL)
	if err != nil {
		return err
	}
	var notify []float64
	for i := 0; i < runs; i++ {
		sent := float64(time.Now().UnixNano()) / 1e6
		if err := post(srv.URL+"/api/v1/conversation/messages", token, `{"id":"b`+strconv.Itoa(i)+`","body":"Hello?"}`, nil); err != nil {
			return err
		}
		if err := chromedp.Do(ctx, chromedp.Poll[chromedp.Void](`window.__notes.length > `+strconv.Itoa(i))); err != nil {
			return fmt.Errorf("notification %d: %w", i+1, err)
		}
		at, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`window.__notes[`+strconv.Itoa(i)+`]`))
		if err != nil {
			return err
		}
		notify = append(notify, at-sent)
		time.Sleep(600 * time.Millisecond) // under the per-conversation message rate
	}
	fmt.Printf("| console (median of %d) | ms |\n|---|---:|\n", runs)
	fmt.Printf("| load to sign-in form | %.0f |\n", stats.Median(load))
	fmt.Printf("| sign-in click to inbox ready (with bcrypt cost 12) | %.0f |\n", stats.Median(ready))
	fmt.Printf("| visitor POST to notification | %.0f |\n", stats.Median(notify))
	return nil
}

func startConversation(base string) (string, error) {
	var out struct {
		Token string `json:"token"`
	}
	err := post(base+"/api/v1/conversations", "", `{"site":"demo"}`, &out)
	return out.Token, err
}

func post(url, token, body string, out any) error {
	req, err := http.NewRequest("POST", url, strings.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode >= 300 {
		return fmt.Errorf("POST %s: %s", url, res.Status)
	}
	if out != nil {
		return json.NewDecoder(res.Body).Decode(out)
	}
	return nil
}
