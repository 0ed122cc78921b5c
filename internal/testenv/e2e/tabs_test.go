//go:build e2e

package e2e

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// holds checks cond over a while (it must stay true, not just pass once).
func holds(t *testing.T, cond func() bool, d time.Duration, msg string) {
	t.Helper()
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		require.True(t, cond(), msg)
	}
}

// oneStream is the steady state of a visitor with a conversation: the
// server sees exactly one live stream, the conversation's (it carries the
// team's presence too, so no availability stream is left), however many
// tabs are open.
func oneStream(t *testing.T, r *rig) {
	t.Helper()
	var c, a int
	one := func() bool { c, a = r.liveStreams(); return c == 1 && a == 0 }
	if !assert.Eventually(t, one, 20*time.Second, 20*time.Millisecond, "the server sees one conversation stream and no availability stream") {
		t.Fatalf("last seen: %d conversation, %d availability streams", c, a)
	}
	holds(t, one, 1500*time.Millisecond, "and it stays so")
}

// TestThreeTabsOneStream: three tabs of one browser on a visitor's
// conversation. The server sees one live stream; exactly one tab leads and every tab has its own
// identity; an agent reply shows once in every tab and exactly one tab asks
// for the sound; a message sent from any tab shows once in every tab and is
// stored once.
func TestThreeTabsOneStream(t *testing.T) {
	r := newRig(t)
	_, tabs := newTabs(t, 3)
	a := tabs[0]
	a.openChat(t, r.base())
	a.send(t, "Hello from A")
	a.waitFor(t, q(`.msg.visitor.sent`)+` != null`)
	for _, tb := range tabs[1:] {
		tb.openChat(t, r.base())
		tb.waitFor(t, `JSON.stringify([...`+shadow+`.querySelectorAll('.msg.visitor .bubble')].map(e => e.textContent)) == '["Hello from A"]'`)
	}
	for _, tb := range tabs {
		tb.recordMessages(t)
	}
	oneStream(t, r)

	leaderOf(t, tabs)
	ids := map[string]string{}
	for _, tb := range tabs {
		id, _ := tb.state(t)["tab"].(string)
		require.NotEmpty(t, id, "tab %s: state().tab", tb.name)
		ids[id] = tb.name
	}
	assert.Len(t, ids, 3, "three tab identities: %v", ids)

	for i, text := range []string{"It left our warehouse today.", "It arrives tomorrow."} {
		r.reply(t, "a"+strconv.Itoa(i), text)
		for _, tb := range tabs {
			tb.waitFor(t, `[...`+shadow+`.querySelectorAll('.msg.agent .bubble')].some(e => e.textContent == `+jsString(text)+`)`)
		}
		for _, tb := range tabs {
			tb.waitFor(t, `__msgs.some(m => m.text == `+jsString(text)+`)`)
		}
		time.Sleep(300 * time.Millisecond) // a late duplicate would show by now
		sounds, events := soundsFor(t, tabs, text)
		assert.Equal(t, 1, sounds, "%q: one tab asks for the sound", text)
		assert.Equal(t, 3, events, "%q: one message event per tab", text)
	}
	for _, tb := range tabs {
		assert.Equal(t, []string{"It left our warehouse today.", "It arrives tomorrow."}, tb.bubbles(t, ".msg.agent"), "tab %s", tb.name)
	}

	// Any tab may write: the message goes out once and shows once everywhere.
	tabs[2].send(t, "Hello from C")
	for _, tb := range tabs {
		tb.waitFor(t, `[...`+shadow+`.querySelectorAll('.msg.visitor.sent .bubble')].some(e => e.textContent == 'Hello from C')`)
	}
	time.Sleep(300 * time.Millisecond)
	for _, tb := range tabs {
		assert.Equal(t, []string{"Hello from A", "Hello from C"}, tb.bubbles(t, ".msg.visitor"), "tab %s", tb.name)
		assert.Equal(t, 1, eval[int](t, tb.browser, `__msgs.filter(m => m.text == 'Hello from C' && m.from == 'visitor').length`),
			"tab %s: one message event for it, the sending tab's included", tb.name)
	}
	assert.Equal(t, []string{"Hello from A", "Hello from C"}, r.stored(t, "visitor"))
	oneStream(t, r)
	assert.Empty(t, a.cookies(t), "no cookies")
}

// visibility stands in for the browser's tab switching, which headless
// Chromium does not do (every tab of it is visible, Page.bringToFront
// changes nothing): the page's document.visibilityState reads __visible,
// and __show changes it and fires visibilitychange, as switching tabs does.
// Tabs start hidden.
const visibility = `
window.__visible = 'hidden';
Object.defineProperty(Document.prototype, 'visibilityState', {configurable: true, get() { return __visible; }});
Object.defineProperty(Document.prototype, 'hidden', {configurable: true, get() { return __visible != 'visible'; }});
window.__show = v => { __visible = v; document.dispatchEvent(new Event('visibilitychange')); };
`

// TestSoundInTheTabLookedAt: of three tabs, the one the visitor is looking
// at asks for the sound; with none visible, the one looked at last; once
// that one is closed, the leader. Every tab shows every message.
func TestSoundInTheTabLookedAt(t *testing.T) {
	r := newRig(t)
	_, tabs := newTabs(t, 3)
	for _, tb := range tabs {
		tb.onNewDocument(t, visibility)
	}
	a, b, c := tabs[0], tabs[1], tabs[2]
	a.openChat(t, r.base())
	a.send(t, "Hello")
	a.waitFor(t, allSent("Hello"))
	for _, tb := range tabs[1:] {
		tb.openChat(t, r.base())
		tb.waitFor(t, allSent("Hello"))
	}
	for _, tb := range tabs {
		tb.recordMessages(t)
	}
	oneStream(t, r)

	// ringsIn sends an agent reply and checks that every tab shows it and
	// that only the tab named asks for the sound.
	n := 0
	ringsIn := func(want *tab, live []*tab) {
		t.Helper()
		n++
		text := "Reply " + strconv.Itoa(n)
		r.reply(t, "s"+strconv.Itoa(n), text)
		for _, tb := range live {
			tb.waitFor(t, `__msgs.some(m => m.text == `+jsString(text)+`)`)
		}
		time.Sleep(300 * time.Millisecond) // a late second sound would show by now
		for _, tb := range live {
			sounds := eval[int](t, tb.browser, `__msgs.filter(m => m.text == `+jsString(text)+` && m.sound === true).length`)
			if tb == want {
				assert.Equal(t, 1, sounds, "%q: tab %s asks for the sound", text, tb.name)
			} else {
				assert.Zero(t, sounds, "%q: tab %s stays silent", text, tb.name)
			}
		}
	}

	b.do(t, chromedp.Evaluate[chromedp.Void](`__show('visible')`))
	ringsIn(b, tabs)
	b.do(t, chromedp.Evaluate[chromedp.Void](`__show('hidden')`))
	c.do(t, chromedp.Evaluate[chromedp.Void](`__show('visible')`))
	ringsIn(c, tabs)
	c.do(t, chromedp.Evaluate[chromedp.Void](`__show('hidden')`))
	ringsIn(c, tabs) // no tab visible: the one looked at last

	c.close()
	ringsIn(leaderOf(t, tabs[:2]), tabs[:2])
}

// TestLeaderHandover: the leader tab of three goes away, closed, frozen
// (as Chromium freezes a background tab) or crashed (its renderer dies
// without pagehide). Another tab leads, the server
// again sees one live stream, and agent messages sent during and
// after the handover show exactly once in every remaining tab, with one
// sound each. A frozen leader that thaws catches up without repeats.
func TestLeaderHandover(t *testing.T) {
	for _, how := range []string{"close", "freeze", "crash"} {
		t.Run(how, func(t *testing.T) {
			r := newRig(t)
			_, tabs := newTabs(t, 3)
			tabs[0].openChat(t, r.base())
			tabs[0].send(t, "Hello")
			tabs[0].waitFor(t, q(`.msg.visitor.sent`)+` != null`)
			for _, tb := range tabs[1:] {
				tb.openChat(t, r.base())
			}
			for _, tb := range tabs {
				tb.recordMessages(t)
			}
			oneStream(t, r)
			r.reply(t, "a0", "Before")
			for _, tb := range tabs {
				tb.waitFor(t, showsAgent("Before"))
			}

			old := leaderOf(t, tabs)
			rest := without(tabs, old)
			switch how {
			case "close":
				old.close()
			case "freeze":
				old.freeze(t)
			case "crash": // no pagehide, no goodbye: the browser lets go of its lock
				// Page.crash gets no answer from the renderer it kills.
				ctx, cancel := context.WithTimeout(old.ctx, 2*time.Second)
				_, _ = chromedp.Call(ctx, page.Crash, cdp.Empty{})
				cancel()
			}
			r.reply(t, "a1", "During the handover")
			lead := leaderOf(t, rest)
			t.Logf("leader %s -> %s", old.name, lead.name)
			oneStream(t, r)
			r.reply(t, "a2", "After the handover")

			for _, tb := range rest {
				tb.waitFor(t, showsAgent("Before", "During the handover", "After the handover"))
			}
			time.Sleep(300 * time.Millisecond)
			for _, text := range []string{"During the handover", "After the handover"} {
				sounds, events := soundsFor(t, rest, text)
				assert.Equal(t, 1, sounds, "%q: one tab asks for the sound", text)
				assert.Equal(t, len(rest), events, "%q: one message event per tab", text)
			}
			for _, tb := range rest {
				assert.Equal(t, []string{"Before", "During the handover", "After the handover"}, tb.bubbles(t, ".msg.agent"), "tab %s", tb.name)
			}

			want := []string{"Before", "During the handover", "After the handover"}
			if how == "freeze" {
				old.thaw(t)
				old.waitFor(t, showsAgent(want...))
				assert.Equal(t, []string{lead.name}, leaders(t, tabs), "the thawed tab follows")
				oneStream(t, r)
				time.Sleep(300 * time.Millisecond)
				for _, text := range want[1:] {
					sounds, _ := soundsFor(t, tabs, text)
					assert.Equal(t, 1, sounds, "%q: catching up asks for no second sound", text)
				}
				r.reply(t, "a3", "Welcome back")
				want = append(want, "Welcome back")
				for _, tb := range tabs {
					tb.waitFor(t, showsAgent(want...))
				}
			}
			assert.Equal(t, want, r.stored(t, "agent"), "stored once each")
		})
	}
}

// TestDuplicatedTabDiverges: window.open(location.href) copies the tab's
// sessionStorage into the new tab, as the browser's "Duplicate tab" does.
// The copy gets its own tab identity, and from then on each tab keeps its
// identity and its own view across reloads.
func TestDuplicatedTabDiverges(t *testing.T) {
	r := newRig(t)
	anchor, tabs := newTabs(t, 1)
	a := tabs[0]
	openWidget(t, a.browser, r.base())
	a.do(t, chromedp.Evaluate[chromedp.Void](`crumbless('navigate', 'privacy')`))
	a.waitFor(t, viewIs("privacy"))
	idA, _ := a.state(t)["tab"].(string)
	require.NotEmpty(t, idA, "state().tab")

	opened := chromedp.WaitNewTarget(a.ctx, func(i *target.Info) bool { return i.Type == "page" })
	eval[any](t, a.browser, `window.open(location.href), 0`)
	var id target.ID
	select {
	case id = <-opened:
	case <-time.After(20 * time.Second):
		t.Fatal("window.open opened no tab")
	}
	b := attachTab(t, anchor, string(id), "B")
	b.waitFor(t, launcher+` != null`)
	require.NotZero(t, eval[int](t, b.browser, `Object.keys(sessionStorage).filter(k => k.startsWith('crumbless-')).length`),
		"the browser copied A's sessionStorage")
	b.do(t, chromedp.Evaluate[chromedp.Void](`crumbless('open')`))
	b.waitFor(t, panelReady)
	idB, _ := b.readyState(t)["tab"].(string)
	require.NotEmpty(t, idB)
	assert.NotEqual(t, idA, idB, "the duplicate gets its own identity")
	assert.Equal(t, idA, a.state(t)["tab"], "the original keeps its identity")

	a.do(t, chromedp.Evaluate[chromedp.Void](`crumbless('navigate', 'answers')`))
	b.do(t, chromedp.Evaluate[chromedp.Void](`crumbless('navigate', 'forms')`))
	a.waitFor(t, viewIs("answers"))
	b.waitFor(t, viewIs("forms"))
	for _, tc := range []struct {
		tb   *tab
		view string
		id   string
	}{{a, "answers", idA}, {b, "forms", idB}, {a, "answers", idA}} {
		tc.tb.do(t, chromedp.Reload())
		tc.tb.waitFor(t, launcher+` != null`)
		tc.tb.waitFor(t, viewIs(tc.view))
		st := tc.tb.readyState(t)
		assert.Equal(t, tc.view, st["view"], "tab %s restores its own view", tc.tb.name)
		assert.Equal(t, tc.id, st["tab"], "tab %s keeps its identity across a reload", tc.tb.name)
	}
	assert.Equal(t, "answers", a.state(t)["view"])
	assert.Equal(t, "forms", b.state(t)["view"])
}

// TestMemoryOnlyChat: with data-consent="explicit" and no consent the
// widget keeps everything in memory; a single tab still chats both ways
// (leading itself) and the page's storage stays empty.
func TestMemoryOnlyChat(t *testing.T) {
	r := newRig(t, "-origins", "*")
	_, tabs := newTabs(t, 1)
	a := tabs[0]
	a.do(t, chromedp.Navigate(shopPage(t, r.base(), `data-consent="explicit"`)))
	a.waitFor(t, launcher+` != null`)
	a.click(t, launcher)
	a.waitFor(t, panelReady)
	a.do(t, chromedp.Evaluate[chromedp.Void](`crumbless('navigate', 'chat')`))
	a.waitFor(t, q(`#cl-composer`)+` != null`)
	a.recordMessages(t)
	a.send(t, "Hello without storage")
	a.waitFor(t, q(`.msg.visitor.sent`)+` != null`)
	assert.Equal(t, []string{"Hello without storage"}, r.stored(t, "visitor"))

	r.reply(t, "a1", "Hello, memory")
	a.waitFor(t, showsAgent("Hello, memory"))
	a.waitFor(t, `__msgs.some(m => m.text == 'Hello, memory')`)
	sounds, events := soundsFor(t, tabs, "Hello, memory")
	assert.Equal(t, 1, sounds, "the only tab asks for the sound")
	assert.Equal(t, 1, events)

	st := a.state(t)
	assert.Equal(t, "memory", st["storage"])
	assert.Equal(t, false, st["consent"])
	assert.Equal(t, true, st["leader"], "the only tab leads")
	assert.NotEmpty(t, st["tab"])
	convs, avails := r.liveStreams()
	assert.Equal(t, []int{1, 0}, []int{convs, avails}, "one live stream: the conversation's")
	assert.Zero(t, eval[int](t, a.browser, `localStorage.length + sessionStorage.length`), "nothing stored at all")
	assert.Empty(t, a.cookies(t))
}
