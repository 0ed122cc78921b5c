//go:build e2e

package e2e

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestImplicitRefusalHolds: on a page in the default (implicit) mode,
// consent false wipes the keys but one, crumbless-consent holding false; a
// second tab follows at once, and after a reload nothing but the refusal is
// stored however the visitor uses the widget; consent true lifts it.
func TestImplicitRefusalHolds(t *testing.T) {
	base := startServer(t)
	one := newBrowser(t)
	openWidget(t, one, base)
	one.settings(t)
	one.click(t, themeRadio("dark"))
	one.waitFor(t, `localStorage.getItem('crumbless-theme') != null`)

	two := one.newTab(t) // a second tab of the same browser
	openWidget(t, two, base)
	eval[any](t, two, `window.__consent = [], crumbless('on', 'consent', d => __consent.push(d.consent)), 0`)

	eval[any](t, one, `crumbless('consent', false), 0`)
	assert.Equal(t, []string{"crumbless-consent"}, prefixedKeys(t, one, "crumbless-"), "only the refusal is left")
	assert.Equal(t, false, eval[bool](t, one, `JSON.parse(localStorage.getItem('crumbless-consent')).data`))
	two.waitFor(t, `__consent.length == 1`)
	assert.Equal(t, false, evalPromise[map[string]any](t, two, `crumbless('state')`)["consent"], "the other tab follows")
	two.settings(t)
	two.click(t, themeRadio("light"))
	assert.Equal(t, []string{"crumbless-consent"}, prefixedKeys(t, two, "crumbless-"), "nor does it store")

	// Another page load: still refused, the widget works in memory.
	openPanel(t, one, base+"/")
	st := themeInMemory(t, one, "light")
	assert.Equal(t, false, st["consent"])
	assert.Equal(t, []string{"crumbless-consent"}, prefixedKeys(t, one, "crumbless-"), "the refusal held across the reload")

	eval[any](t, one, `crumbless('consent', true), 0`)
	one.waitFor(t, `localStorage.getItem('crumbless-theme') != null`)
	assert.NotContains(t, prefixedKeys(t, one, "crumbless-"), "crumbless-consent", "lifted")
	two.waitFor(t, `__consent.length == 2`)
	assert.Empty(t, one.cookies(t))
}
