//go:build e2e

package e2e

import (
	"fmt"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	launcher   = shadow + `.querySelector('button.launcher')`
	panel      = shadow + `.querySelector('[role=dialog]')`
	radio      = shadow + `.querySelector('input[name=cl-theme][value=%s]')`
	panelReady = panel + `?.getAttribute('data-view') != null`
	gear       = shadow + `.querySelector('.head .gear')`
	panelBg    = `getComputedStyle(` + panel + `).backgroundColor`
	darkBg     = "rgb(23, 23, 28)"
	lightBg    = "rgb(255, 255, 255)"
)

func themeRadio(v string) string { return fmt.Sprintf(radio, v) }

// TestOpenChooseThemeReload is the walking skeleton's promise: nothing before
// the click, the runtime after it, and the theme remembered across a reload.
func TestOpenChooseThemeReload(t *testing.T) {
	base := startServer(t)
	b := newBrowser(t)

	b.do(t, chromedp.Navigate(base+"/"))
	b.waitFor(t, launcher+` != null`)
	assert.Empty(t, b.cookies(t), "cookies before interaction")
	assert.Empty(t, prefixedKeys(t, b, "crumbless-"), "storage keys before interaction")
	assert.Zero(t, b.requestsEndingIn(".wasm"), "wasm downloaded before interaction")
	assert.Equal(t, "Open chat", eval[string](t, b, launcher+`.getAttribute('aria-label')`))
	b.screenshot(t, "1-closed")

	b.click(t, launcher)
	b.waitFor(t, panelReady)
	wasmRequests := b.requestsEndingIn(".wasm") // the hover prefetch and the load (from the cache)
	assert.Positive(t, wasmRequests)
	assert.True(t, eval[bool](t, b, panel+`.checkVisibility()`), "panel visible")
	assert.Equal(t, "Hi there", eval[string](t, b, `(()=>{const id=`+panel+`.getAttribute('aria-labelledby');return `+shadow+`.getElementById(id).textContent})()`))
	assert.Equal(t, "true", eval[string](t, b, launcher+`.getAttribute('aria-expanded')`))

	b.click(t, gear) // the theme is in the settings view
	b.waitFor(t, themeRadio("dark")+` != null`)
	b.click(t, themeRadio("dark"))
	b.waitFor(t, panelBg+` == '`+darkBg+`'`)
	env := eval[map[string]any](t, b, `JSON.parse(localStorage.getItem('crumbless-theme'))`)
	assert.EqualValues(t, 1, env["v"])
	assert.Equal(t, "dark", env["data"])
	assert.Greater(t, env["exp"], eval[float64](t, b, `Date.now()`), "theme must carry an expiry in the future")
	assert.ElementsMatch(t, []string{"crumbless-theme", "crumbless-open", "crumbless-nav", "crumbless-tab"}, prefixedKeys(t, b, "crumbless-"),
		"the theme, and for this tab that the panel is open on the settings view and its identity")
	b.screenshot(t, "2-dark")

	// Closed before the reload: a reload of a tab whose panel was open
	// reopens it (views_test.go); a closed one loads nothing until a click.
	reloadStillDark(t, b, wasmRequests)
	b.screenshot(t, "3-dark-after-reload")

	// auto follows prefers-color-scheme, live.
	b.click(t, themeRadio("auto"))
	for _, c := range []struct{ scheme, bg string }{{"dark", darkBg}, {"light", lightBg}} {
		_, err := chromedp.Call(b.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: c.scheme}},
		})
		require.NoError(t, err)
		b.waitFor(t, panelBg+` == '`+c.bg+`'`)
	}

	// The close button hides the panel and hands focus back to the launcher.
	b.click(t, shadow+`.querySelector('button.close')`)
	b.waitFor(t, `!`+panel+`.checkVisibility()`)
	assert.Equal(t, "false", eval[string](t, b, launcher+`.getAttribute('aria-expanded')`))
	assert.True(t, eval[bool](t, b, shadow+`.activeElement === `+launcher), "focus back on the launcher")

	assert.Empty(t, b.cookies(t), "cookies at the end")
}

// reloadStillDark closes the panel, reloads the page, checks that no wasm
// is fetched before a click (wasmRequests so far), opens the panel again
// and checks that the dark theme chosen on the settings view still is.
func reloadStillDark(t *testing.T, b *browser, wasmRequests int) {
	t.Helper()
	b.click(t, shadow+`.querySelector('button.close')`)
	b.do(t, chromedp.Reload())
	b.waitFor(t, launcher+` != null`)
	assert.Equal(t, wasmRequests, b.requestsEndingIn(".wasm"), "reload must not fetch wasm before a click")
	b.click(t, launcher)
	b.waitFor(t, panelReady)
	b.waitFor(t, themeRadio("dark")+` != null`) // back on the settings view
	assert.True(t, eval[bool](t, b, themeRadio("dark")+`.checked`), "dark still chosen after reload")
	assert.Equal(t, darkBg, eval[string](t, b, panelBg))
}
