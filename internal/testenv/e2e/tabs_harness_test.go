//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/crumbless/crumbless/internal/testenv/sseproxy"
)

// The harness of the many-tabs and bad-network tests: the built
// server behind a test proxy (internal/testenv/sseproxy) that counts its live
// streams, stalls them, loses requests and follows the server across a
// kill -9 and restart on the same data; several tabs of one browser; CDP
// network conditions and page freezing.

// The two live streams a widget may hold.
const (
	conversationEvents = "/api/v1/conversation/events"
	availabilityEvents = "/api/v1/availability/events"
)

// rig is one server process on its data folder, an agent "ana" logged in,
// and the proxy the browser reaches it through.
type rig struct {
	data  string
	flags []string
	proc  *chatProcess
	proxy *sseproxy.Proxy
	agent string // ana's session token
	conv  string // the agent API path of the visitor's conversation, once known
}

func newRig(t *testing.T, flags ...string) *rig {
	t.Helper()
	r := &rig{data: t.TempDir(), flags: flags}
	addAgent(t, r.data, "ana", "correct horse")
	r.proc = startChatProcess(t, r.data, flags...)
	proxy, err := sseproxy.New(r.proc.base, 10)
	require.NoError(t, err)
	t.Cleanup(func() { proxy.Close() })
	r.proxy = proxy
	r.agent = agentLogin(t, r.proc.base, "ana", "correct horse")
	return r
}

// base is the origin the browser uses: the proxy's.
func (r *rig) base() string { return r.proxy.URL() }

// kill stops the server with SIGKILL: no shutdown, no flush. Until start,
// the proxy answers nothing, as a refused connection would.
func (r *rig) kill(t *testing.T) {
	t.Helper()
	_ = r.proc.srv.Kill()
}

// start runs the server again on the same data (on another port, behind
// the same proxy origin).
func (r *rig) start(t *testing.T) {
	t.Helper()
	r.proc = startChatProcess(t, r.data, r.flags...)
	require.NoError(t, r.proxy.SetTarget(r.proc.base))
}

// conversationURL is the agent API address of the one conversation. (The
// agent API shares the per-address rate limit with the browser: tests poll
// it gently, and the conversation is looked up once.)
func (r *rig) conversationURL(t *testing.T) string {
	t.Helper()
	if r.conv == "" { // one conversation for the visitor, whatever the tabs
		r.conv = strings.TrimPrefix(onlyConversation(t, r.proc, r.agent), r.proc.base)
	}
	return r.proc.base + r.conv
}

// polled is how often tests ask the server (its rate limit per address is
// shared with the browser under test).
const polled = 250 * time.Millisecond

// reply sends an agent message (id is the agent's client id) and returns
// its server id.
func (r *rig) reply(t *testing.T, id, text string) string {
	t.Helper()
	body, err := json.Marshal(map[string]string{"id": id, "body": text})
	require.NoError(t, err)
	code, res := call(t, "POST", r.conversationURL(t)+"/messages", r.agent, string(body))
	require.Equal(t, http.StatusCreated, code)
	return strconv.FormatInt(int64(res["message"].(map[string]any)["id"].(float64)), 10)
}

// stored is what the server holds of the conversation: the bodies by
// author ("visitor" or "agent"), in order.
func (r *rig) stored(t *testing.T, author string) []string {
	t.Helper()
	code, tr := call(t, "GET", r.conversationURL(t), r.agent, "")
	require.Equal(t, http.StatusOK, code)
	var out []string
	for _, m := range tr["messages"].([]any) {
		if m := m.(map[string]any); m["author"] == author {
			out = append(out, m["body"].(string))
		}
	}
	return out
}

// tab is one page of a browser. Tabs made by openTab share the browser
// context of their anchor: its localStorage, BroadcastChannels and locks.
type tab struct {
	*browser
	name  string
	close context.CancelFunc
}

// newTabs starts a browser and opens n tabs in it. The browser's own first
// target stays on about:blank, so that any tab can be closed. It is
// newBrowser with more time: these tests wait for reconnections and
// restarts on a shared, loaded machine.
func newTabs(t *testing.T, n int) (anchor *browser, tabs []*tab) {
	t.Helper()
	ctx := startChromium(t, 5*time.Minute)
	anchor = &browser{ctx: ctx}
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate("about:blank")))
	for i := range n {
		tabs = append(tabs, openTab(t, anchor, string(rune('A'+i))))
	}
	return anchor, tabs
}

// openTab opens a new tab in anchor's browser context.
func openTab(t *testing.T, anchor *browser, name string) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(anchor.ctx)
	t.Cleanup(cancel)
	tb := &tab{browser: &browser{ctx: ctx}, name: name, close: cancel}
	_, err := chromedp.Call(ctx, network.Enable, network.EnableParams{})
	require.NoError(t, err)
	return tb
}

// attachTab attaches to a tab the page opened itself (window.open).
func attachTab(t *testing.T, anchor *browser, id string, name string) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(anchor.ctx, chromedp.WithTargetID(target.ID(id)))
	t.Cleanup(cancel)
	tb := &tab{browser: &browser{ctx: ctx}, name: name, close: cancel}
	_, err := chromedp.Call(ctx, network.Enable, network.EnableParams{})
	require.NoError(t, err)
	return tb
}

// waitFor polls a JS condition in the tab until it holds, on a timer
// rather than animation frames (a thawed or background page may draw no
// frame), with a deadline on this side too; on failure it shows the
// visitor's and agent's messages as the tab has them.
func (tb *tab) waitFor(t *testing.T, expr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 30*time.Second)
	defer cancel()
	_, err := chromedp.Run(ctx, chromedp.Poll[any](expr, chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(30*time.Second)))
	if err != nil {
		rows, _ := chromedp.Run(tb.ctx, chromedp.Evaluate[any](`[`+visitorRows+`, [...`+shadow+`?.querySelectorAll('.msg.agent .bubble') ?? []].map(e => e.textContent)]`))
		require.NoError(t, err, "tab %s: waiting for %s\n(visitor rows, agent rows: %v)", tb.name, expr, rows)
	}
}

// viewIs is the JS condition that the panel is there and shows view.
func viewIs(view string) string {
	return panel + `?.getAttribute('data-view') == ` + jsString(view)
}

// recordMessages collects the widget's message events in window.__msgs
// (from, id, text, sound); run it after the runtime is up.
func (tb *tab) recordMessages(t *testing.T) {
	t.Helper()
	eval[any](t, tb.browser, `window.__msgs = [], crumbless('on', 'message', d => __msgs.push({from: d.from, id: d.id, text: d.text, sound: d.sound})), 0`)
}

// openChat loads the demo page through the rig's proxy, opens the panel
// with a real click and goes to the chat view.
func (tb *tab) openChat(t *testing.T, base string) {
	t.Helper()
	openWidget(t, tb.browser, base)
	tb.do(t, chromedp.Evaluate[chromedp.Void](`crumbless('navigate', 'chat')`))
	tb.waitFor(t, q(`#cl-composer`)+` != null`)
}

// send types text into the composer and sends it with the button.
func (tb *tab) send(t *testing.T, text string) {
	t.Helper()
	tb.do(t, chromedp.SendKeys(chromedp.JSPath(q(`#cl-composer`)), text))
	tb.click(t, q(`.composer .send`))
}

// state is crumbless('state').
func (tb *tab) state(t *testing.T) map[string]any {
	t.Helper()
	return evalPromise[map[string]any](t, tb.browser, `crumbless('state')`)
}

// readyState is state() once the runtime answers it (the loader answers
// before, with ready: false and no tab).
func (tb *tab) readyState(t *testing.T) map[string]any {
	t.Helper()
	for end := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		st := tb.state(t)
		if st["ready"] == true || time.Now().After(end) {
			require.Equal(t, true, st["ready"], "the runtime answers state")
			return st
		}
	}
}

// bubbles are the texts of the shown messages from sel (".msg.agent",
// ".msg.visitor"), in order.
func (tb *tab) bubbles(t *testing.T, sel string) []string {
	t.Helper()
	return eval[[]string](t, tb.browser, `[...`+shadow+`.querySelectorAll(`+jsString(sel+` .bubble`)+`)].map(e => e.textContent)`)
}

// shows is the JS condition that the chat log holds exactly these agent
// texts, in order.
func showsAgent(texts ...string) string {
	b, _ := json.Marshal(texts)
	return `JSON.stringify([...` + shadow + `.querySelectorAll('.msg.agent .bubble')].map(e => e.textContent)) == ` + jsString(string(b))
}

// leaders are the names of the tabs whose state says leader.
func leaders(t *testing.T, tabs []*tab) []string {
	t.Helper()
	var out []string
	for _, tb := range tabs {
		if tb.state(t)["leader"] == true {
			out = append(out, tb.name)
		}
	}
	return out
}

// leaderOf returns the tab that leads, requiring exactly one.
func leaderOf(t *testing.T, tabs []*tab) *tab {
	t.Helper()
	var lead *tab
	eventually(t, func() bool {
		l := leaders(t, tabs)
		if len(l) != 1 {
			return false
		}
		for _, tb := range tabs {
			if tb.name == l[0] {
				lead = tb
			}
		}
		return true
	}, "exactly one leader tab")
	return lead
}

// without returns tabs less one.
func without(tabs []*tab, gone *tab) []*tab {
	var out []*tab
	for _, tb := range tabs {
		if tb != gone {
			out = append(out, tb)
		}
	}
	return out
}

// soundsFor counts, across tabs, the message events for the message with
// this text that asked for a sound, and all of them.
func soundsFor(t *testing.T, tabs []*tab, text string) (sounds, events int) {
	t.Helper()
	for _, tb := range tabs {
		sounds += eval[int](t, tb.browser, `__msgs.filter(m => m.text == `+jsString(text)+` && m.sound === true).length`)
		events += eval[int](t, tb.browser, `__msgs.filter(m => m.text == `+jsString(text)+`).length`)
	}
	return sounds, events
}

// network conditions for a tab, through CDP: requests fail (offline) or
// take latency ms longer, and navigator.onLine with its online/offline
// events follows.
type conditions struct {
	offline bool
	latency float64 // ms
	only    string  // a URL pattern the conditions apply to (all requests when empty)
}

func (tb *tab) setNetwork(t *testing.T, c conditions) {
	t.Helper()
	setNetwork(t, tb.browser, c)
}

func setNetwork(t *testing.T, b *browser, c conditions) {
	t.Helper()
	rules := network.EmulateNetworkConditionsByRuleParams{MatchedNetworkConditions: []*network.Conditions{}}
	if c.offline || c.latency > 0 {
		rules.MatchedNetworkConditions = []*network.Conditions{{
			URLPattern: c.only, Offline: c.offline, Latency: c.latency, DownloadThroughput: -1, UploadThroughput: -1,
		}}
	}
	_, err := chromedp.Call(b.ctx, network.EmulateNetworkConditionsByRule, rules)
	require.NoError(t, err)
	_, err = chromedp.Call(b.ctx, network.OverrideNetworkState, network.OverrideNetworkStateParams{
		Offline: c.offline, Latency: c.latency, DownloadThroughput: -1, UploadThroughput: -1,
	})
	require.NoError(t, err)
}

// freeze and thaw a tab as the browser does to a background tab
// (Page.setWebLifecycleState): a frozen page runs no task at all.
func (tb *tab) freeze(t *testing.T) {
	t.Helper()
	_, err := chromedp.Call(tb.ctx, page.SetWebLifecycleState, page.SetWebLifecycleStateParams{State: page.SetWebLifecycleStateStateFrozen})
	require.NoError(t, err)
}

func (tb *tab) thaw(t *testing.T) {
	t.Helper()
	_, err := chromedp.Call(tb.ctx, page.SetWebLifecycleState, page.SetWebLifecycleStateParams{State: page.SetWebLifecycleStateStateActive})
	require.NoError(t, err)
}

// liveStreams is the JS-free view of what the server sees: the number of
// open streams of each kind, through the proxy.
func (r *rig) liveStreams() (conversation, availability int) {
	return r.proxy.Live(conversationEvents), r.proxy.Live(availabilityEvents)
}

// jsList renders strings as a JS array literal.
func jsList(items []string) string {
	quoted := make([]string, len(items))
	for i, s := range items {
		quoted[i] = jsString(s)
	}
	return "[" + strings.Join(quoted, ",") + "]"
}
