//go:build e2e

package e2e

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// waitingText is the state line of a message waiting in the outbox.
const waitingText = "Waiting for network…"

// visitorRows is the JS expression for the visitor's messages as
// "state text" pairs, in order.
const visitorRows = `[...` + shadow + `.querySelectorAll('.msg.visitor')].map(e => [['waiting','sending','sent','failed'].find(c => e.classList.contains(c)) || '', e.querySelector('.bubble').textContent])`

// allSent is the JS condition that the visitor's messages are exactly
// texts, in order, none of them pending: each is sent (or, loaded from the
// server's history, shown without a state).
func allSent(texts ...string) string {
	b, _ := json.Marshal(texts)
	return `(() => { const rows = ` + visitorRows + `; return rows.every(r => r[0] == 'sent' || r[0] == '') && JSON.stringify(rows.map(r => r[1])) == ` + jsString(string(b)) + ` })()`
}

// sentCount is the JS expression for the number of the visitor's messages
// whose text starts with prefix and that show as sent.
func sentCount(prefix string) string {
	return visitorRows + `.filter(r => r[0] == 'sent' && r[1].startsWith(` + jsString(prefix) + `)).length`
}

// waiting is the JS condition that the visitor's message text shows as
// waiting for the network.
func waiting(text string) string {
	return `[...` + shadow + `.querySelectorAll('.msg.visitor.waiting')].some(e => e.querySelector('.bubble').textContent == ` + jsString(text) +
		` && e.querySelector('.msg-state').textContent == ` + jsString(waitingText) + `)`
}

// twoTabsAfter starts a rig and a browser with two tabs; in tab a the
// visitor opens the chat and sends first, and the test goes on once it is
// sent.
func twoTabsAfter(t *testing.T, first string) (r *rig, anchor *browser, a, b *tab) {
	t.Helper()
	r = newRig(t)
	anchor, tabs := newTabs(t, 2)
	a, b = tabs[0], tabs[1]
	a.openChat(t, r.base())
	a.send(t, first)
	a.waitFor(t, allSent(first))
	return r, anchor, a, b
}

// storedExactly waits until the server holds exactly these visitor
// messages, in order, and checks that it stays so (no late duplicate).
func storedExactly(t *testing.T, r *rig, texts ...string) {
	t.Helper()
	var got []string
	require.Eventually(t, func() bool { got = r.stored(t, "visitor"); return len(got) >= len(texts) }, time.Minute, polled,
		"the server gets every message")
	for range 4 {
		time.Sleep(polled)
		got = r.stored(t, "visitor")
		require.Len(t, got, len(texts), "no more than that: %q", got)
	}
	assert.Equal(t, texts, got, "once each, in order")
}

// TestOfflineOutbox: two tabs on a conversation lose the network. Messages
// typed in either tab show at once as waiting there and go into the shared
// persisted outbox; a reload keeps them; when the network comes back they go out in
// order and exactly once, and show as sent, once, in both tabs. The flaky
// case comes back slowly (added latency) and loses a third of the
// requests (before they reach the server or after it answered), the
// answers to the first two sends among them, with more messages sent
// meanwhile.
func TestOfflineOutbox(t *testing.T) {
	for _, tc := range []struct {
		name   string
		reload bool // reload tab A during the outage
		flaky  bool // come back with latency and losses, and send meanwhile
	}{
		{name: "offline-reload", reload: true},
		{name: "offline-then-flaky", flaky: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, _, a, b := twoTabsAfter(t, "Before")
			tabs := []*tab{a, b}
			b.openChat(t, r.base())
			b.waitFor(t, allSent("Before"))

			// The API goes away (the page itself can still reload).
			offline := conditions{offline: true, only: r.base() + "/api/*"}
			for _, tb := range tabs {
				tb.setNetwork(t, offline)
				tb.waitFor(t, `navigator.onLine === false`)
			}
			a.send(t, "One")
			a.waitFor(t, waiting("One"))
			a.send(t, "Two")
			a.waitFor(t, waiting("Two"))
			b.send(t, "Three")
			b.waitFor(t, waiting("Three"))
			for _, text := range []string{"One", "Two", "Three"} {
				assert.Contains(t, eval[string](t, a.browser, `localStorage.getItem('crumbless-outbox') || ''`), text, "in the persisted outbox")
			}
			assert.Equal(t, []string{"Before"}, r.stored(t, "visitor"), "nothing went out")

			sent := []string{"Before", "One", "Two", "Three"}
			if tc.reload {
				a.do(t, chromedp.Reload())
				a.waitFor(t, launcher+` != null`)
				a.waitFor(t, viewIs("chat"))
				for _, text := range []string{"One", "Two"} {
					a.waitFor(t, waiting(text))
				}
				a.send(t, "Four")
				a.waitFor(t, waiting("Four"))
				sent = append(sent, "Four")
			}

			back := conditions{}
			if tc.flaky {
				back = conditions{latency: 300}
				// The first two sends reach the server and lose their
				// answers: the retries must not store them twice.
				r.proxy.LoseAnswers("POST /api/v1/conversation/messages", 2)
				r.proxy.SetLoss(0.3)
			}
			for _, tb := range tabs {
				tb.setNetwork(t, back)
			}
			if tc.flaky {
				// Six is written once Five is in the shared outbox (or
				// out): the order across tabs is the order the outbox got
				// them in.
				a.send(t, "Five")
				a.waitFor(t, `(localStorage.getItem('crumbless-outbox') || '').includes('"Five"') || `+sentCount("Five")+` == 1`)
				b.send(t, "Six")
				sent = append(sent, "Five", "Six")
				require.Eventually(t, func() bool { return len(r.stored(t, "visitor")) >= len(sent) }, time.Minute, polled,
					"everything gets through the losses (retries back off)")
				t.Logf("the proxy lost %d requests", r.proxy.Dropped())
				r.proxy.SetLoss(0)
			}
			for _, tb := range tabs {
				tb.waitFor(t, allSent(sent...))
			}
			storedExactly(t, r, sent...)
			for _, tb := range tabs {
				tb.waitFor(t, allSent(sent...))
			}
			outbox := eval[string](t, a.browser, `localStorage.getItem('crumbless-outbox') || ''`)
			for _, text := range sent[1:] {
				assert.NotContains(t, outbox, text, "the outbox is drained")
			}

			// The stream is live again: an agent reply reaches both tabs.
			r.reply(t, "a1", "Got them all")
			for _, tb := range tabs {
				tb.waitFor(t, showsAgent("Got them all"))
			}
		})
	}
}

// TestHeartbeatDetectsDeadStream: with -heartbeat 1s the proxy stalls the
// live streams (the connection stays open and carries nothing, as after a
// network change the browser did not notice). The widget gives up on the
// silent stream, reconnects from the last event id, and an agent reply
// sent after the stall arrives, once.
func TestHeartbeatDetectsDeadStream(t *testing.T) {
	r := newRig(t, "-heartbeat", "1s")
	_, tabs := newTabs(t, 1)
	a := tabs[0]
	a.openChat(t, r.base())
	a.send(t, "Hello")
	a.waitFor(t, allSent("Hello"))
	r.reply(t, "a0", "Before the stall")
	a.waitFor(t, showsAgent("Before the stall"))
	oneStream(t, r)
	opened := r.proxy.Opened(conversationEvents)

	require.Equal(t, 1, r.proxy.Stall(), "the one stream stalled")
	r.reply(t, "a1", "After the stall")
	a.waitFor(t, showsAgent("Before the stall", "After the stall"))
	assert.Greater(t, r.proxy.Opened(conversationEvents), opened, "a new stream")
	oneStream(t, r) // the dead ones were let go
	time.Sleep(300 * time.Millisecond)
	assert.Equal(t, []string{"Before the stall", "After the stall"}, a.bubbles(t, ".msg.agent"), "nothing repeated")
}

// TestServerKilledMidConversation: the server dies (kill -9) during a
// conversation in two tabs and comes back on the same data behind the same
// origin. Messages written meanwhile, in either tab, wait and then go out
// once, in order; agent replies after the restart reach both tabs; a
// reload shows nothing lost or doubled.
func TestServerKilledMidConversation(t *testing.T) {
	r, _, a, b := twoTabsAfter(t, "Hello")
	tabs := []*tab{a, b}
	b.openChat(t, r.base())
	r.reply(t, "a0", "Before the crash")
	for _, tb := range tabs {
		tb.waitFor(t, showsAgent("Before the crash"))
	}

	r.kill(t)
	a.send(t, "While down, from A")
	b.send(t, "While down, from B")
	holds(t, func() bool {
		return eval[int](t, a.browser, sentCount("While down")) == 0 && eval[int](t, b.browser, sentCount("While down")) == 0
	}, time.Second, "nothing shows as sent while the server is down")
	r.start(t)

	sent := []string{"Hello", "While down, from A", "While down, from B"}
	for _, tb := range tabs {
		tb.waitFor(t, allSent(sent...))
	}
	storedExactly(t, r, sent...)
	r.reply(t, "a1", "After the restart")
	for _, tb := range tabs {
		tb.waitFor(t, showsAgent("Before the crash", "After the restart"))
	}
	oneStream(t, r)

	a.do(t, chromedp.Reload())
	a.waitFor(t, viewIs("chat"))
	a.waitFor(t, allSent(sent...))
	a.waitFor(t, showsAgent("Before the crash", "After the restart"))
	assert.Equal(t, []string{"Before the crash", "After the restart"}, r.stored(t, "agent"))
}
