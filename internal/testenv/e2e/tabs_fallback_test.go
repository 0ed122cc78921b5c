//go:build e2e

package e2e

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pageWithoutLocks is a shop page whose browser has neither Web Locks nor
// BroadcastChannel (removed before the widget loads), as in Safari before
// 15.4. script runs after that, before the widget loads.
func pageWithoutLocks(t *testing.T, base, script string) string {
	t.Helper()
	assetsBase := strings.Replace(base, "127.0.0.1", "localhost", 1)
	shop := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<!doctype html><title>old browser</title><h1>Shop</h1>` +
			`<script>delete Navigator.prototype.locks; delete window.BroadcastChannel;` + script + `</script>` +
			`<script>window.crumbless=window.crumbless||function(){(crumbless.q=crumbless.q||[]).push(arguments)};</script>` +
			`<script src="` + assetsBase + `/crumbless.js" data-site="demo" async></script>`))
	}))
	t.Cleanup(shop.Close)
	return shop.URL + "/"
}

// TestTabsShareThroughStorage: without Web Locks and BroadcastChannel the
// tabs share through a lease and storage events: still one live stream, an
// agent reply in every tab with one sound, a message from a follower stored
// once, and when the leader closes another tab takes over within the
// lease's 2 s and nothing is lost.
func TestTabsShareThroughStorage(t *testing.T) {
	r := newRig(t, "-origins", "*")
	_, tabs := newTabs(t, 3)
	url := pageWithoutLocks(t, r.base(), "")
	for _, tb := range tabs {
		tb.do(t, chromedp.Navigate(url))
		tb.waitFor(t, launcher+` != null`)
		require.Equal(t, "undefinedundefined", eval[string](t, tb.browser, `typeof navigator.locks + typeof BroadcastChannel`), "no Web Locks, no BroadcastChannel")
		tb.click(t, launcher)
		tb.waitFor(t, panelReady)
		tb.do(t, chromedp.Evaluate[chromedp.Void](`crumbless('navigate', 'chat')`))
		tb.waitFor(t, q(`#cl-composer`)+` != null`)
		tb.recordMessages(t)
	}
	tabs[0].send(t, "Hello")
	for _, tb := range tabs {
		tb.waitFor(t, q(`.msg.visitor.sent`)+` != null`)
	}
	oneStream(t, r)
	lead := leaderOf(t, tabs)
	rest := without(tabs, lead)
	rest[0].send(t, "From a follower")
	for _, tb := range tabs {
		tb.waitFor(t, `[...`+shadow+`.querySelectorAll('.msg.visitor.sent .bubble')].some(e => e.textContent == 'From a follower')`)
	}
	assert.Equal(t, []string{"Hello", "From a follower"}, r.stored(t, "visitor"), "stored once each, in order")

	r.reply(t, "a1", "Hi all")
	for _, tb := range tabs {
		tb.waitFor(t, showsAgent("Hi all"))
	}
	time.Sleep(300 * time.Millisecond)
	sounds, events := soundsFor(t, tabs, "Hi all")
	assert.Equal(t, 1, sounds, "one tab asks for the sound")
	assert.Equal(t, 3, events)

	start := time.Now()
	lead.close()
	next := leaderOf(t, rest)
	t.Logf("leader %s -> %s after %v", lead.name, next.name, time.Since(start))
	oneStream(t, r)
	r.reply(t, "a2", "After the handover")
	for _, tb := range rest {
		tb.waitFor(t, showsAgent("Hi all", "After the handover"))
	}
	assert.Equal(t, []string{"Hi all", "After the handover"}, r.stored(t, "agent"))
}
