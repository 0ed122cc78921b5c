// Command tabsbench measures the widget across many tabs and bad networks
// in headless Chromium over loopback, and prints a Markdown
// table. make bench runs it; it is a benchmark, never a test: it fails only
// when it cannot measure, and a row whose measurement the widget does not
// support says so instead of a number.
//
//	go run ./internal/bench/tabsbench -bin bin/crumbless [-runs 5]
//
// The built server runs behind the test proxy of internal/testenv/sseproxy,
// which counts the live event streams the server holds. Each visitor is a
// fresh browser profile whose tabs share one browser context; each tab
// opens the chat with a real click. It reports:
//   - server streams per visitor with 1, 3 and 10 tabs: the conversation
//     and availability streams open once every tab shows the conversation
//     (the most seen at once over 3 s after that, and the streams opened
//     in all);
//   - takeover: from closing, freezing or crashing the leader tab of three
//     until a follower's crumbless('state').leader is true, and until the
//     server sees the new conversation stream (median of -runs);
//   - outbox drain: five messages queued while the API is unreachable, then
//     the network comes back: from then until the server has stored all
//     five, as the agents' event stream tells (median of -runs).
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/crumbless/crumbless/internal/testenv/launch"
	"github.com/crumbless/crumbless/internal/testenv/sseproxy"
)

const (
	shadow             = `document.querySelector('#crumbless-root')?.shadowRoot`
	launcher           = shadow + `?.querySelector('button.launcher')`
	conversationEvents = "/api/v1/conversation/events"
	availabilityEvents = "/api/v1/availability/events"
)

func main() {
	bin := flag.String("bin", "bin/crumbless", "the built server")
	runs := flag.Int("runs", 5, "runs per timing (the median is printed)")
	chromium := flag.String("chromium", "/usr/bin/chromium", "Chromium binary")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("tabsbench: ")
	if err := run(*bin, *chromium, *runs); err != nil {
		log.Fatal(err)
	}
}

// run measures and prints; the server and proxy it starts are stopped
// before it returns, also on an error.
func run(bin, chromium string, runs int) error {
	srv, err := startServer(bin)
	if err != nil {
		return err
	}
	defer srv.stop()
	proxy, err := sseproxy.New(srv.base, 1)
	if err != nil {
		return err
	}
	defer proxy.Close()
	b := bench{chromium: chromium, base: proxy.URL(), proxy: proxy, server: srv}

	fmt.Printf("### Tabs and networks (median of %d where a time)\n\n", runs)
	fmt.Println("| measure | value |\n|---|---:|")
	for _, n := range []int{1, 3, 10} {
		s, err := retry(func() (streams, error) { return b.streams(n) })
		if err != nil {
			return fmt.Errorf("streams with %d tabs: %w", n, err)
		}
		stuck := ""
		if s.stuck > 0 {
			stuck = fmt.Sprintf("; %d tab%s never showed the conversation", s.stuck, plural(s.stuck))
		}
		fmt.Printf("| server streams per visitor, %d tab%s: conversation + availability | %d + %d (most at once %d + %d; opened %d + %d%s) |\n",
			n, plural(n), s.conv, s.avail, s.maxConv, s.maxAvail, s.openedConv, s.openedAvail, stuck)
	}

	for _, how := range []string{"closed", "frozen", "crashed"} {
		var lead, stream []float64
		var why string
		for range runs {
			r, err := retry(func() (takeoverRun, error) { return b.takeover(how) })
			if errors.Is(err, errUnsupported) {
				why = err.Error()
				break
			}
			if err != nil {
				return fmt.Errorf("takeover (%s): %w", how, err)
			}
			lead, stream = append(lead, r.leader), append(stream, r.stream)
		}
		fmt.Printf("| leader tab of 3 %s → a follower's state().leader | %s |\n", how, timing(lead, why))
		fmt.Printf("| leader tab of 3 %s → the server sees the new stream | %s |\n", how, timing(stream, why))
	}

	var drain []float64
	var why string
	for range runs {
		ms, err := retry(b.drain)
		if errors.Is(err, errUnsupported) {
			why = err.Error()
			break
		}
		if err != nil {
			return fmt.Errorf("drain: %w", err)
		}
		drain = append(drain, ms)
	}
	fmt.Printf("| back online → outbox of 5 drained (all stored on the server) | %s |\n", timing(drain, why))
	return nil
}

// errUnsupported marks a measurement the widget under test cannot give.
var errUnsupported = errors.New("not measured")

type bench struct {
	chromium string
	base     string // the proxy's origin
	proxy    *sseproxy.Proxy
	server   *server
}

// visitor is a fresh browser profile; its first target stays blank so that
// any tab can be closed.
type visitor struct {
	ctx  context.Context
	done func()
}

func (b bench) visitor() (*visitor, error) {
	dir, err := os.MkdirTemp("", "tabsbench-")
	if err != nil {
		return nil, err
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(b.chromium), chromedp.DisableGPU, chromedp.NoSandbox, chromedp.UserDataDir(dir),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-quic", true), chromedp.WindowSize(1280, 860))
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, 3*time.Minute)
	v := &visitor{ctx: ctx, done: func() { cancelT(); cancelC(); cancelA(); os.RemoveAll(dir) }}
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		v.done()
		return nil, err
	}
	return v, nil
}

// tab is one page of a visitor's browser.
type tab struct {
	ctx   context.Context
	close context.CancelFunc
}

func (v *visitor) tab() (*tab, error) {
	ctx, cancel := chromedp.NewContext(v.ctx)
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		cancel()
		return nil, err
	}
	return &tab{ctx: ctx, close: cancel}, nil
}

func eval[T any](t *tab, expr string) (T, error) {
	return chromedp.Run(t.ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
}

func (t *tab) waitFor(expr string, timeout time.Duration) error {
	_, err := chromedp.Run(t.ctx, chromedp.Poll[any](expr, chromedp.WithPollingTimeout(timeout), chromedp.WithPollingInterval(10*time.Millisecond)))
	if err != nil {
		return fmt.Errorf("waiting for %s: %w", expr, err)
	}
	return nil
}

// openChat loads the demo page, clicks the launcher and opens the chat,
// within timeout (the tab stays open after a timeout).
func (t *tab) openChat(base string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(t.ctx, timeout)
	defer cancel()
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/"),
		chromedp.Poll[chromedp.Void](launcher+` != null`, chromedp.WithPollingInterval(10*time.Millisecond)),
		chromedp.Click(chromedp.JSPath(launcher), chromedp.NodeVisible),
		chromedp.Poll[chromedp.Void](shadow+`?.querySelector('[role=dialog]')?.getAttribute('data-view') != null`, chromedp.WithPollingInterval(10*time.Millisecond)),
		chromedp.Evaluate[chromedp.Void](`crumbless('navigate', 'chat')`),
		chromedp.Poll[chromedp.Void](shadow+`.querySelector('#cl-composer') != null`, chromedp.WithPollingInterval(10*time.Millisecond)))
	if err != nil {
		return fmt.Errorf("open the chat: %w", err)
	}
	return nil
}

// send types text and clicks send.
func (t *tab) send(text string) error {
	return chromedp.Do(t.ctx,
		chromedp.SendKeys(chromedp.JSPath(shadow+`.querySelector('#cl-composer')`), text),
		chromedp.Click(chromedp.JSPath(shadow+`.querySelector('.composer .send')`), chromedp.NodeVisible))
}

// visitorMessages is the JS condition that the tab shows n visitor messages.
func visitorMessages(n int) string {
	return shadow + `.querySelectorAll('.msg.visitor').length == ` + strconv.Itoa(n)
}

// startVisitor opens n tabs of a fresh visitor, writes the first message in
// the first tab and opens the chat in the others, each showing it. A
// follower that does not get there within followerWait is counted as stuck
// (with HTTP/1.1 a browser opens at most 6 connections to a host, and a
// widget holding streams in every tab uses them up); with followerWait 0
// that is an error.
func (b bench) startVisitor(n int, followerWait time.Duration) (v *visitor, tabs []*tab, stuck int, err error) {
	if v, err = b.visitor(); err != nil {
		return nil, nil, 0, err
	}
	fail := func(err error) (*visitor, []*tab, int, error) { v.done(); return nil, nil, 0, err }
	for i := 0; i < n; i++ {
		t, err := v.tab()
		if err != nil {
			return fail(err)
		}
		tabs = append(tabs, t)
	}
	if err := tabs[0].openChat(b.base, 30*time.Second); err != nil {
		return fail(err)
	}
	if err := tabs[0].send("Hello"); err != nil {
		return fail(err)
	}
	if err := tabs[0].waitFor(shadow+`.querySelector('.msg.visitor.sent') != null`, 30*time.Second); err != nil {
		return fail(err)
	}
	wait := followerWait
	if wait == 0 {
		wait = 30 * time.Second
	}
	for _, t := range tabs[1:] {
		err := t.openChat(b.base, wait)
		if err == nil {
			err = t.waitFor(visitorMessages(1), wait)
		}
		if err != nil && followerWait == 0 {
			return fail(err)
		}
		if err != nil {
			stuck++
		}
	}
	return v, tabs, stuck, nil
}

type streams struct {
	conv, avail, maxConv, maxAvail, openedConv, openedAvail int
	stuck                                                   int // tabs that never showed the conversation
}

// streams counts what the server holds for one visitor with n tabs.
func (b bench) streams(n int) (streams, error) {
	var s streams
	conv0, avail0 := b.proxy.Opened(conversationEvents), b.proxy.Opened(availabilityEvents)
	v, _, stuck, err := b.startVisitor(n, 10*time.Second)
	if err != nil {
		return s, err
	}
	s.stuck = stuck
	defer v.done()
	for end := time.Now().Add(3 * time.Second); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
		s.maxConv = max(s.maxConv, b.proxy.Live(conversationEvents))
		s.maxAvail = max(s.maxAvail, b.proxy.Live(availabilityEvents))
	}
	s.conv, s.avail = b.proxy.Live(conversationEvents), b.proxy.Live(availabilityEvents)
	s.openedConv = b.proxy.Opened(conversationEvents) - conv0
	s.openedAvail = b.proxy.Opened(availabilityEvents) - avail0
	v.done()
	// The next visitor starts from a server with no stream open.
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		if b.proxy.Live(conversationEvents)+b.proxy.Live(availabilityEvents) == 0 {
			return s, nil
		}
	}
	return s, errors.New("streams still open after the browser closed")
}

type takeoverRun struct{ leader, stream float64 }

// leaderWatch records in a follower when its state first says leader,
// checking every 5 ms.
const leaderWatch = `window.__leadAt = 0; setInterval(() => crumbless('state').then(s => { if (s.leader && !__leadAt) __leadAt = Date.now() }), 5), 0`

// takeover closes, freezes (as Chromium freezes a background tab) or
// crashes (no pagehide: the renderer dies) the leader tab of three and times
// the handover.
func (b bench) takeover(how string) (takeoverRun, error) {
	var r takeoverRun
	v, tabs, _, err := b.startVisitor(3, 0)
	if err != nil {
		return r, err
	}
	defer v.done()
	var leader *tab
	for end := time.Now().Add(10 * time.Second); leader == nil && time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		var leading []*tab
		for _, t := range tabs {
			st, err := eval[map[string]any](t, `crumbless('state')`)
			if err != nil {
				return r, err
			}
			if _, ok := st["leader"]; !ok {
				return r, fmt.Errorf("%w: crumbless('state') has no leader field", errUnsupported)
			}
			if st["leader"] == true {
				leading = append(leading, t)
			}
		}
		if len(leading) == 1 && b.proxy.Live(conversationEvents) == 1 {
			leader = leading[0]
		}
	}
	if leader == nil {
		return r, fmt.Errorf("%w: no single leader with one stream within 10 s", errUnsupported)
	}
	followers := slices.DeleteFunc(slices.Clone(tabs), func(t *tab) bool { return t == leader })
	for _, t := range followers {
		if _, err := eval[any](t, leaderWatch); err != nil {
			return r, err
		}
	}
	opened := b.proxy.Opened(conversationEvents)
	began := time.Now()
	switch how {
	case "closed":
		go leader.close()
	case "frozen":
		go chromedp.Call(leader.ctx, page.SetWebLifecycleState, page.SetWebLifecycleStateParams{State: page.SetWebLifecycleStateStateFrozen})
	case "crashed":
		go chromedp.Call(leader.ctx, page.Crash, cdp.Empty{}) // no answer comes from a renderer it kills
	}
	for b.proxy.Opened(conversationEvents) == opened {
		if time.Since(began) > 20*time.Second {
			return r, fmt.Errorf("no new stream within 20 s of the leader %s", how)
		}
		time.Sleep(time.Millisecond)
	}
	r.stream = float64(time.Since(began).Microseconds()) / 1000
	for end := time.Now().Add(20 * time.Second); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		for _, t := range followers {
			at, err := eval[float64](t, `__leadAt`)
			if err != nil {
				return r, err
			}
			if at > 0 {
				r.leader = at - float64(began.UnixMicro())/1000
				return r, nil
			}
		}
	}
	return r, errors.New("no follower leads within 20 s")
}

// drain queues five messages with the API unreachable, brings the network
// back and times until the server holds them all.
func (b bench) drain() (float64, error) {
	v, tabs, _, err := b.startVisitor(1, 0)
	if err != nil {
		return 0, err
	}
	defer v.done()
	t := tabs[0]
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stored, err := storedVisitorMessages(ctx, b.server, "Queued ")
	if err != nil {
		return 0, err
	}
	if err := t.network(true); err != nil {
		return 0, err
	}
	for i := range 5 {
		if err := t.send("Queued " + strconv.Itoa(i+1)); err != nil {
			return 0, err
		}
	}
	if err := t.waitFor(visitorMessages(6), 10*time.Second); err != nil {
		return 0, err
	}
	waiting, err := eval[int](t, shadow+`.querySelectorAll('.msg.visitor.waiting').length`)
	if err != nil {
		return 0, err
	}
	if waiting != 5 {
		return 0, fmt.Errorf("%w: %d of the 5 messages wait for the network", errUnsupported, waiting)
	}
	began := time.Now()
	if err := t.network(false); err != nil {
		return 0, err
	}
	timeout := time.After(30 * time.Second)
	for n := 0; ; {
		select {
		case at := <-stored:
			if n++; n == 5 {
				return float64(at.Sub(began).Microseconds()) / 1000, nil
			}
		case <-timeout:
			return 0, fmt.Errorf("%w: the outbox did not drain within 30 s (%d of 5 stored)", errUnsupported, n)
		}
	}
}

// network takes the API away from the tab (requests fail, navigator.onLine
// is false) or gives it back.
func (t *tab) network(offline bool) error {
	rules := network.EmulateNetworkConditionsByRuleParams{MatchedNetworkConditions: []*network.Conditions{}}
	if offline {
		rules.MatchedNetworkConditions = []*network.Conditions{{URLPattern: "*://*/api/*", Offline: true, DownloadThroughput: -1, UploadThroughput: -1}}
	}
	if _, err := chromedp.Call(t.ctx, network.EmulateNetworkConditionsByRule, rules); err != nil {
		return err
	}
	_, err := chromedp.Call(t.ctx, network.OverrideNetworkState, network.OverrideNetworkStateParams{Offline: offline, DownloadThroughput: -1, UploadThroughput: -1})
	return err
}

type server struct {
	base  string
	agent string // a session token of the agent "bench"
	stop  func()
}

// startServer runs the built server with a fresh data folder on a port the
// kernel picks. Rate limits stay as shipped: the bench is one visitor at a
// time.
func startServer(bin string) (*server, error) {
	dir, err := os.MkdirTemp("", "tabsbench-data-")
	if err != nil {
		return nil, err
	}
	add := exec.Command(bin, "agent", "add", "-data", dir, "bench")
	add.Stdin = strings.NewReader(agentPassword + "\n")
	if out, err := add.CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("agent add: %w: %s (run make build first)", err, out)
	}
	srv, err := launch.Start(context.Background(), launch.Options{Bin: bin, Args: []string{"-data", dir}})
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	s := &server{base: srv.URL, stop: func() { srv.Stop(); os.RemoveAll(dir) }}
	if s.agent, err = login(s.base); err != nil {
		s.stop()
		return nil, err
	}
	return s, nil
}

const agentPassword = "bench password"

// login opens an agent session.
func login(base string) (string, error) {
	req, err := http.NewRequest("POST", base+"/api/v1/agent/sessions", nil)
	if err != nil {
		return "", err
	}
	req.SetBasicAuth("bench", agentPassword)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("agent login: %w", err)
	}
	defer res.Body.Close()
	var body struct {
		Token string `json:"token"`
	}
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil || res.StatusCode != http.StatusCreated {
		return "", fmt.Errorf("agent login: %s %v", res.Status, err)
	}
	return body.Token, nil
}

// storedVisitorMessages follows the agents' event stream and sends the
// time each visitor message with the prefix is stored, until ctx ends. It
// asks the server nothing else: polling would share the rate limit per
// address with the widget being measured.
func storedVisitorMessages(ctx context.Context, s *server, prefix string) (<-chan time.Time, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", s.base+"/api/v1/agent/events", nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+s.agent)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("agent events: %w", err)
	}
	if res.StatusCode != http.StatusOK {
		res.Body.Close()
		return nil, fmt.Errorf("agent events: %s", res.Status)
	}
	out := make(chan time.Time, 100)
	go func() {
		defer res.Body.Close()
		sc := bufio.NewScanner(res.Body)
		event := ""
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event: "):
				event = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: ") && event == "message":
				var m struct{ Author, Body string }
				if json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &m) == nil && m.Author == "visitor" && strings.HasPrefix(m.Body, prefix) {
					out <- time.Now()
				}
			}
		}
	}()
	return out, nil
}

// retry runs fn up to three times: a busy machine makes CDP stumble now and
// then. A measurement the widget does not support is not retried.
func retry[T any](fn func() (T, error)) (T, error) {
	var v T
	var err error
	for range 3 {
		if v, err = fn(); err == nil || errors.Is(err, errUnsupported) {
			return v, err
		}
		log.Printf("retrying after: %v", err)
	}
	return v, err
}

// timing renders the median, min and max of v in ms, or why there is none.
func timing(v []float64, why string) string {
	if len(v) == 0 {
		return why
	}
	s := slices.Clone(v)
	slices.Sort(s)
	mid := s[len(s)/2]
	if len(s)%2 == 0 {
		mid = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return fmt.Sprintf("%.0f ms (min %.0f, max %.0f, n=%d)", mid, s[0], s[len(s)-1], len(s))
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
