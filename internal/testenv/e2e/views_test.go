//go:build e2e

package e2e

import (
	"strconv"
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

// openWidget loads the demo page and opens the panel on its home view
// with a real click.
func openWidget(t *testing.T, b *browser, base string) {
	t.Helper()
	openPanel(t, b, base+"/")
	b.waitFor(t, panel+`?.getAttribute('data-view') == 'home'`)
}

// openPanel loads page, opens the panel with a real click and waits until
// it shows a view (the one the tab restores, if any).
func openPanel(t *testing.T, b *browser, page string) {
	t.Helper()
	b.do(t, chromedp.Navigate(page))
	b.waitFor(t, launcher+` != null`)
	b.click(t, launcher)
	b.waitFor(t, panelReady)
}

// newTab opens another tab in b's browser: it shares b's localStorage,
// BroadcastChannels and locks. It is closed when the test ends.
func (b *browser) newTab(t *testing.T) *browser {
	t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx)
	t.Cleanup(cancel)
	return &browser{ctx: ctx}
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

	// Home: the chat entry and tab, as the server is a chat backend.
	b.waitFor(t, q(`.home-list .row`)+` != null`)
	assert.Equal(t, "Hi there", eval[string](t, b, title+`.textContent`))
	assert.True(t, eval[bool](t, b, q(`[data-go=chat]`)+` != null`), "a chat entry on home")
	assert.True(t, eval[bool](t, b, q(`.tab[data-route=chat]`)+` != null`), "a chat tab")
	assert.Equal(t, []string{"home", "chat", "answers", "forms"}, eval[[]string](t, b, `[...`+shadow+`.querySelectorAll('.tab')].map(e => e.dataset.route)`))
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
}

// TestFormIsSentToTheServer fills the contact form by keyboard, reloads
// half way (nothing is lost), sends it to the chat server and sees the
// success state; the draft is gone afterwards.
func TestFormIsSentToTheServer(t *testing.T) {
	base := startServer(t)
	b := newBrowser(t)
	openWidget(t, b, base)
	b.do(t, chromedp.Evaluate[chromedp.Void](`crumbless('navigate', 'forms/contact')`))
	b.waitFor(t, q(`form`)+` != null`)
	b.do(t, chromedp.Evaluate[chromedp.Void](q(`#cl-f-name`)+`.focus()`))
	b.do(t, chromedp.KeyEvent("Ada Lovelace"))
	b.do(t, chromedp.Evaluate[chromedp.Void](q(`#cl-f-email`)+`.focus()`))
	b.do(t, chromedp.KeyEvent("ada@example.com"))

	b.do(t, chromedp.Reload())
	b.waitFor(t, q(`#cl-f-email`)+`?.value == 'ada@example.com'`)
	assert.Equal(t, "Ada Lovelace", eval[string](t, b, q(`#cl-f-name`)+`.value`), "the draft survived the reload")

	b.do(t, chromedp.Evaluate[chromedp.Void](`(() => { const s = `+q(`#cl-f-topic`)+`; s.value = 'Order'; s.dispatchEvent(new Event('change')) })()`))
	b.do(t, chromedp.Evaluate[chromedp.Void](q(`#cl-f-message`)+`.focus()`))
	b.do(t, chromedp.KeyEvent("Where is my parcel? It left a week ago."))
	b.click(t, q(`#cl-f-consent`))
	b.click(t, q(`form button[type=submit]`))
	b.waitFor(t, q(`.success`)+` != null`)
	assert.Equal(t, "Message sent", eval[string](t, b, q(`.success h3`)+`.textContent`))
	assert.Nil(t, eval[any](t, b, `sessionStorage.getItem('crumbless-draft')`), "the draft is dropped once sent")
	b.screenshot(t, "views-form-sent")
}

// TestReloadRestoresAndNewTabStartsClosed: a reload in the same tab comes
// back open on the same article, scrolled where it was; another tab starts
// closed at home with the same theme.
func TestReloadRestoresAndNewTabStartsClosed(t *testing.T) {
	base := startServer(t)
	b := newBrowser(t)
	openWidget(t, b, base)
	b.do(t, chromedp.Evaluate[chromedp.Void](`crumbless('theme', 'dark')`))
	b.do(t, chromedp.Evaluate[chromedp.Void](`crumbless('navigate', 'answers/shipping')`))
	b.waitFor(t, q(`#cl-article-h`)+`?.textContent == 'Shipping times and costs'`)
	b.do(t, chromedp.Evaluate[chromedp.Void](body+`.scrollTop = 150; `+body+`.dispatchEvent(new Event('scroll'))`))
	scrolled := eval[int](t, b, body+`.scrollTop`)
	require.Greater(t, scrolled, 50, "the article is long enough to scroll")

	b.do(t, chromedp.Reload())
	b.waitFor(t, q(`#cl-article-h`)+`?.textContent == 'Shipping times and costs'`)
	assert.True(t, eval[bool](t, b, panel+`.checkVisibility()`), "still open after reload")
	assert.Equal(t, "answers/shipping", evalPromise[string](t, b, `crumbless('state').then(s => s.view)`))
	b.waitFor(t, body+`.scrollTop == `+strconv.Itoa(scrolled))
	b.screenshot(t, "views-reload-restored")

	// A new tab: fresh sessionStorage, same localStorage.
	nb := b.newTab(t)
	nb.do(t, chromedp.Navigate(base+"/"))
	nb.waitFor(t, launcher+` != null`)
	assert.False(t, eval[bool](t, nb, panel+` != null && `+panel+`.checkVisibility()`), "a new tab starts closed")
	nb.click(t, launcher)
	nb.waitFor(t, viewName+` == 'home'`)
	assert.Equal(t, "dark", eval[string](t, nb, shadow+`.querySelector('.cl').getAttribute('data-theme')`), "the theme carries over")
}

// TestKeyboardOnly opens the widget, moves through it and closes it with the
// keyboard alone; Tab never leaves the dialog.
func TestKeyboardOnly(t *testing.T) {
	base := startServer(t)
	b := newBrowser(t)
	b.do(t, chromedp.Navigate(base+"/"))
	b.waitFor(t, launcher+` != null`)
	b.do(t, chromedp.Evaluate[chromedp.Void](launcher+`.focus()`))
	b.do(t, chromedp.KeyEvent(kb.Enter))
	b.waitFor(t, viewName+` == 'home'`)
	b.waitFor(t, activeSel+`?.id == 'cl-title'`)

	// Tab through the whole dialog twice: focus stays inside and wraps.
	inside := panel + `.contains(` + activeSel + `)`
	seen := map[string]bool{}
	for i := 0; i < 40; i++ {
		b.do(t, chromedp.KeyEvent(kb.Tab))
		require.True(t, eval[bool](t, b, inside), "Tab %d left the dialog", i+1)
		seen[eval[string](t, b, activeSel+`.className`)] = true
	}
	assert.True(t, seen["tab"], "the bottom bar is reachable")
	assert.True(t, seen["icon-btn close"], "the close button is reachable")
	for i := 0; i < 5; i++ {
		b.do(t, chromedp.KeyEvent(kb.Shift+kb.Tab))
		require.True(t, eval[bool](t, b, inside), "Shift+Tab left the dialog")
	}
	// Focus rings are visible.
	b.do(t, chromedp.Evaluate[chromedp.Void](q(`.tab[data-route=answers]`)+`.focus()`))
	assert.NotEqual(t, "none", eval[string](t, b, `getComputedStyle(`+activeSel+`).outlineStyle`))

	// Enter on the Help tab, type a query, Tab to the first result, Enter.
	b.do(t, chromedp.KeyEvent(kb.Enter))
	b.waitFor(t, viewName+` == 'answers'`)
	b.do(t, chromedp.Evaluate[chromedp.Void](q(`#cl-search`)+`.focus()`))
	b.do(t, chromedp.KeyEvent("refund"))
	b.waitFor(t, shadow+`.querySelectorAll('.results .row').length == 1`)
	b.do(t, chromedp.KeyEvent(kb.Tab))
	require.Equal(t, "answers/returns", eval[string](t, b, activeSel+`.dataset.go`))
	b.do(t, chromedp.KeyEvent(kb.Enter))
	b.waitFor(t, q(`#cl-article-h`)+`?.textContent == 'Returns and refunds'`)
	assert.Equal(t, "cl-title", eval[string](t, b, activeSel+`.id`), "focus on the new view's heading")

	b.do(t, chromedp.KeyEvent(kb.Escape))
	b.waitFor(t, `!`+panel+`.checkVisibility()`)
	assert.True(t, eval[bool](t, b, activeSel+` === `+launcher), "focus back on the launcher")
	b.do(t, chromedp.KeyEvent(kb.Enter))
	b.waitFor(t, panel+`.checkVisibility()`)
	assert.Equal(t, "answers/returns", evalPromise[string](t, b, `crumbless('state').then(s => s.view)`), "reopens where it was")
}

// TestArabicIsRightToLeft switches to Arabic: the panel is laid out right to
// left in both themes.
func TestArabicIsRightToLeft(t *testing.T) {
	base := startServer(t)
	b := newBrowser(t)
	setScheme(t, b, "light")
	openWidget(t, b, base)
	b.do(t, chromedp.Evaluate[chromedp.Void](`crumbless('lang', 'ar')`))
	b.waitFor(t, panel+`.getAttribute('dir') == 'rtl'`)
	assert.Equal(t, "ar", eval[string](t, b, panel+`.getAttribute('lang')`))
	assert.Equal(t, "مرحبًا", eval[string](t, b, title+`.textContent`))
	assert.Equal(t, "ar", evalPromise[string](t, b, `crumbless('state').then(s => s.lang)`))
	b.waitFor(t, q(`.home-list .row`)+` != null`)
	// Mirrored: the close button sits on the left, a row's icon on the right.
	assert.True(t, eval[bool](t, b, q(`.head .close`)+`.getBoundingClientRect().left < `+title+`.getBoundingClientRect().left`))
	assert.True(t, eval[bool](t, b, q(`.home-list .row-icon`)+`.getBoundingClientRect().left > `+q(`.home-list .row-title`)+`.getBoundingClientRect().left`))
	b.screenshot(t, "views-home-ar-light")
	b.do(t, chromedp.Evaluate[chromedp.Void](`crumbless('theme', 'dark'); crumbless('navigate', 'forms/contact')`))
	b.waitFor(t, q(`form`)+` != null`)
	b.click(t, q(`form button[type=submit]`))
	b.waitFor(t, q(`.summary`)+`.hidden == false`)
	assert.Equal(t, "يُرجى ملء هذا الحقل.", eval[string](t, b, q(`#cl-f-name-err`)+`.textContent`))
	b.screenshot(t, "views-form-ar-dark")
	b.do(t, chromedp.Evaluate[chromedp.Void](`crumbless('navigate', 'privacy')`))
	b.waitFor(t, viewName+` == 'privacy'`)
	b.screenshot(t, "views-privacy-ar-dark")
}

// settings shows the settings view (where the theme radios are) unless it
// is shown already, the way a visitor does: with the gear in the header.
func (b *browser) settings(t *testing.T) {
	t.Helper()
	if eval[string](t, b, viewName) != "settings" {
		b.click(t, gear)
	}
	b.waitFor(t, themeRadio("auto")+` != null`)
}
