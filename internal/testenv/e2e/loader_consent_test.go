//go:build e2e

package e2e

import (
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crumbless/crumbless/internal/shared/registry"
)

// decisionRecord is the one shape a stored consent decision has, whoever
// wrote it (internal/shared/envelope.Encode): members in this order, no spaces.
var decisionRecord = regexp.MustCompile(`^\{"v":1,"exp":(\d+),"data":(true|false)\}$`)

// checkDecision asserts that stored is a consent decision holding data,
// expiring the registry's consent lifetime after it was written (within the
// last minute).
func checkDecision(t *testing.T, b *browser, stored, data string) {
	t.Helper()
	m := decisionRecord.FindStringSubmatch(stored)
	require.NotNil(t, m, "the decision as the runtime writes it: %s", stored)
	assert.Equal(t, data, m[2])
	k, ok := registry.Lookup("consent")
	require.True(t, ok)
	exp, err := strconv.ParseInt(m[1], 10, 64)
	require.NoError(t, err)
	left := exp - int64(eval[float64](t, b, `Date.now()`))
	assert.InDelta(t, k.TTL.Milliseconds()-int64(30*time.Second/time.Millisecond), left, float64(30*time.Second/time.Millisecond),
		"the registry's consent lifetime (%d ms)", k.TTL.Milliseconds())
}

// TestConsentBeforeTheRuntime: forget and consent, called before the
// runtime was ever loaded, do at once what the runtime does, and load
// nothing: consent false wipes every prefixed key from both storages, and
// in implicit mode leaves the refusal, in the runtime's envelope and
// lifetime; forget wipes them too but keeps a refusal; consent true lifts a
// refusal (implicit) or stores the consent (explicit); the page's own keys
// stay; crumbless('state') reports the decision.
func TestConsentBeforeTheRuntime(t *testing.T) {
	base := startServer(t)
	refusal := func(exp string) string { return `{"v":1,"exp":` + exp + `,"data":false}` }
	future := strconv.FormatInt(time.Now().Add(24*time.Hour).UnixMilli(), 10)
	widgetKeys := []string{"crumbless-theme", "crumbless-unread", "crumbless-visitor", "crumbless-open", "crumbless-nav"}
	cases := []struct {
		name, mode, stored, call string
		keys                     []string // the prefixed keys left
		decision                 string   // the stored decision's data; "" = none
		written                  bool     // the loader wrote the decision now (else it is the stored one)
		consent                  bool     // crumbless('state').consent afterwards
	}{
		{"forget", "implicit", "", `crumbless('forget')`, nil, "", false, true},
		{"refuse", "implicit", "", `crumbless('consent', false)`, []string{"crumbless-consent"}, "false", true, false},
		{"refuse again", "implicit", refusal(future), `crumbless('consent', false)`, []string{"crumbless-consent"}, "false", true, false},
		{"forget keeps a refusal", "implicit", refusal(future), `crumbless('forget')`, []string{"crumbless-consent"}, "false", false, false},
		{"forget drops an expired refusal", "implicit", refusal("1"), `crumbless('forget')`, nil, "", false, true},
		{"consent lifts a refusal", "implicit", refusal(future), `crumbless('consent', true)`, widgetKeys, "", false, true},
		{"not a boolean", "implicit", refusal(future), `crumbless('consent', 'no')`, append([]string{"crumbless-consent"}, widgetKeys...), "false", false, false},
		{"explicit consent", "explicit", "", `crumbless('consent', true)`, append([]string{"crumbless-consent"}, widgetKeys...), "true", true, true},
		{"explicit withdrawal", "explicit", `{"v":1,"exp":` + future + `,"data":true}`, `crumbless('consent', false)`, nil, "", false, false},
		{"explicit forget", "explicit", refusal(future), `crumbless('forget')`, nil, "", false, false},
	}
	pages := map[string]string{
		"implicit": hostPage(t, base+"/crumbless.js", `data-site="demo"`, ""),
		"explicit": hostPage(t, base+"/crumbless.js", `data-site="demo" data-consent="explicit"`, ""),
	}
	b := newBrowser(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b.do(t, chromedp.Navigate(pages[c.mode]))
			b.waitFor(t, launcher+` != null`)
			eval[any](t, b, `localStorage.clear(), sessionStorage.clear(),
				['crumbless-theme', 'crumbless-unread', 'crumbless-visitor'].forEach(k => localStorage.setItem(k, '{}')),
				['crumbless-open', 'crumbless-nav'].forEach(k => sessionStorage.setItem(k, '{}')),
				localStorage.setItem('site-pref', 'mine'), sessionStorage.setItem('site-tab', 'mine'), 0`)
			if c.stored != "" {
				eval[any](t, b, `localStorage.setItem('crumbless-consent', `+strconv.Quote(c.stored)+`), 0`)
			}
			eval[any](t, b, c.call+`, 0`)
			assert.ElementsMatch(t, c.keys, prefixedKeys(t, b, "crumbless-"))
			stored := eval[string](t, b, `localStorage.getItem('crumbless-consent') ?? ''`)
			if c.decision == "" {
				assert.Empty(t, stored, "no decision stored")
			} else if c.written {
				checkDecision(t, b, stored, c.decision)
			} else {
				assert.Equal(t, c.stored, stored, "the stored decision is left as it was")
			}
			assert.Equal(t, "mine", eval[string](t, b, `localStorage.getItem('site-pref')`), "the page's own keys stay")
			assert.Equal(t, "mine", eval[string](t, b, `sessionStorage.getItem('site-tab')`))
			st := evalPromise[map[string]any](t, b, `crumbless('state')`)
			assert.Equal(t, c.consent, st["consent"], "state's consent")
			assert.Equal(t, false, st["ready"])
			assert.Zero(t, b.requestsEndingIn(".wasm"), "no runtime for a decision")
			assert.Zero(t, b.requestsContaining("/a/runtime."), "no runtime list either")
		})
	}
}

// TestRefusalBeforeTheRuntimeHolds: the refusal the loader stores before
// the runtime ran is the one the runtime writes (same envelope, same
// lifetime), and it holds: after a reload the widget opens and works in
// memory, stores nothing else however it is used, and forget keeps the
// refusal; consent true lifts it. A second tab with the runtime running
// follows the loader's refusal at once.
func TestRefusalBeforeTheRuntimeHolds(t *testing.T) {
	base := startServer(t)

	// The runtime's own refusal, for comparison.
	ref := newBrowser(t)
	openWidget(t, ref, base)
	eval[any](t, ref, `crumbless('consent', false), 0`)
	byRuntime := eval[string](t, ref, `localStorage.getItem('crumbless-consent')`)
	checkDecision(t, ref, byRuntime, "false")

	one := newBrowser(t)
	one.do(t, chromedp.Navigate(base+"/"))
	one.waitFor(t, launcher+` != null`)
	two := one.newTab(t) // a second tab of the same browser, with the runtime
	openWidget(t, two, base)
	two.settings(t)
	two.click(t, themeRadio("dark"))
	two.waitFor(t, `localStorage.getItem('crumbless-theme') != null`)
	eval[any](t, two, `window.__consent = [], crumbless('on', 'consent', d => __consent.push(d.consent)), 0`)

	eval[any](t, one, `crumbless('consent', false), 0`)
	byLoader := eval[string](t, one, `localStorage.getItem('crumbless-consent')`)
	checkDecision(t, one, byLoader, "false")
	expiry := regexp.MustCompile(`"exp":\d+`)
	assert.Equal(t, expiry.ReplaceAllString(byRuntime, `"exp":…`), expiry.ReplaceAllString(byLoader, `"exp":…`), "the same record")
	assert.Equal(t, []string{"crumbless-consent"}, prefixedKeys(t, one, "crumbless-"), "only the refusal is left")
	assert.Zero(t, one.requestsEndingIn(".wasm"), "the refusal needs no runtime")

	two.waitFor(t, `__consent.length == 1`)
	assert.Equal(t, []bool{false}, eval[[]bool](t, two, `__consent`), "the other tab hears the refusal")
	assert.True(t, eval[bool](t, two, themeRadio("dark")+`.checked`), "and keeps its theme in memory")
	two.click(t, themeRadio("light"))
	two.waitFor(t, panelBg+` == '`+lightBg+`'`)
	assert.Equal(t, []string{"crumbless-consent"}, prefixedKeys(t, two, "crumbless-"), "nor does it store")

	// After a reload the runtime finds the refusal: it works in memory.
	one.do(t, chromedp.Reload())
	one.waitFor(t, launcher+` != null`)
	one.click(t, launcher)
	one.waitFor(t, panelReady)
	st := themeInMemory(t, one, "dark")
	assert.Equal(t, false, st["consent"])
	assert.Equal(t, []string{"crumbless-consent"}, prefixedKeys(t, one, "crumbless-"), "nothing stored but the refusal")

	// The runtime's forget keeps it too.
	eval[any](t, one, `crumbless('forget'), 0`)
	assert.Equal(t, []string{"crumbless-consent"}, prefixedKeys(t, one, "crumbless-"), "forget keeps the refusal")

	eval[any](t, one, `crumbless('consent', true), 0`)
	assert.NotContains(t, prefixedKeys(t, one, "crumbless-"), "crumbless-consent", "lifted")
	assert.Empty(t, one.cookies(t))
}
