//go:build e2e

package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// q is the JS expression for the first element in the shadow root matching sel.
func q(sel string) string { return shadow + `.querySelector(` + jsString(sel) + `)` }

func jsString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

const (
	body      = shadow + `.querySelector('.body')`
	title     = shadow + `.querySelector('#cl-title')`
	viewName  = panel + `.getAttribute('data-view')`
	activeSel = shadow + `.activeElement`
)

// openWidget loads the demo page and opens the panel with a real click.
func openWidget(t *testing.T, b *browser, base string) {
	t.Helper()
	b.do(t, chromedp.Navigate(base+"/"))
	b.waitFor(t, launcher+` != null`)
	b.click(t, launcher)
	b.waitFor(t, panel+`?.getAttribute('data-view') == 'home'`)
}

func setScheme(t *testing.T, b *browser, scheme string) {
	t.Helper()
	_, err := chromedp.Call(b.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
	})
	require.NoError(t, err)
}

// TestEveryViewAsAVisitor clicks through home, answers, an article, a form,
// privacy and settings, in both themes, and keeps a screenshot of each.
func TestEveryViewAsAVisitor(t *testing.T) {
	base := startServer(t)
	b := newBrowser(t)
	setScheme(t, b, "light")
	openWidget(t, b, base)

	// Home: no chat entry while the deployment has no chat backend.
	b.waitFor(t, q(`.home-list .row`)+` != null`)
	assert.Equal(t, "Hi there", eval[string](t, b, title+`.textContent`))
	assert.False(t, eval[bool](t, b, q(`[data-go=chat]`)+` != null`), "no chat entry without a backend")
	assert.False(t, eval[bool](t, b, q(`.tab[data-route=chat]`)+` != null`), "no chat tab without a backend")
	assert.Equal(t, []string{"home", "answers", "forms"}, eval[[]string](t, b, `[...`+shadow+`.querySelectorAll('.tab')].map(e => e.dataset.route)`))
	b.screenshot(t, "views-home-light")

	for _, theme := range []string{"light", "dark"} {
		t.Run(theme, func(t *testing.T) {
			b.do(t, chromedp.Evaluate[chromedp.Void](`crumbless('theme', '`+theme+`')`))
			b.do(t, chromedp.Evaluate[chromedp.Void](`crumbless('navigate', 'home')`))
			b.waitFor(t, q(`.home-list .row`)+` != null`)
			b.screenshot(t, "views-home-"+theme)

			b.click(t, q(`.search-entry`))
			b.waitFor(t, viewName+` == 'answers'`)
			b.waitFor(t, activeSel+`?.id == 'cl-search'`)
			b.do(t, chromedp.KeyEvent("cafe"))
			b.waitFor(t, q(`.results .row-title`)+`?.textContent == 'Café crème gift boxes'`)
			b.screenshot(t, "views-answers-search-"+theme)
			b.do(t, chromedp.Evaluate[chromedp.Void](q(`#cl-search`)+`.value = ''; `+q(`#cl-search`)+`.dispatchEvent(new Event('input'))`))
			b.waitFor(t, shadow+`.querySelectorAll('.results .row').length >= 5`)
			b.screenshot(t, "views-answers-"+theme)

			b.click(t, q(`.results .row[data-go="answers/returns"]`))
			b.waitFor(t, q(`#cl-article-h`)+`?.textContent == 'Returns and refunds'`)
			assert.Equal(t, "Returns and refunds", eval[string](t, b, title+`.textContent`))
			b.waitFor(t, q(`.still [data-go="forms/contact"]`)+` != null`)
			b.screenshot(t, "views-article-"+theme)

			b.click(t, q(`.still [data-go="forms/contact"]`))
			b.waitFor(t, q(`form`)+` != null`)
			b.click(t, q(`form button[type=submit]`))
			b.waitFor(t, q(`.summary`)+`.hidden == false`)
			b.screenshot(t, "views-form-errors-"+theme)

			b.click(t, q(`.tab[data-route=forms]`))
			b.waitFor(t, viewName+` == 'forms'`)
			b.waitFor(t, q(`.forms .row`)+` != null`)
			b.screenshot(t, "views-forms-"+theme)

			b.do(t, chromedp.Evaluate[chromedp.Void](`crumbless('navigate', 'privacy')`))
			b.waitFor(t, viewName+` == 'privacy'`)
			b.screenshot(t, "views-privacy-"+theme)

			b.click(t, q(`.head .gear`))
			b.waitFor(t, viewName+` == 'settings'`)
			assert.True(t, eval[bool](t, b, q(`input[name=cl-theme][value=`+theme+`]`)+`.checked`))
			b.screenshot(t, "views-settings-"+theme)
		})
	}
	_ = kb.Enter
}
