//go:build e2e

package e2e

import (
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// direction is the computed direction of the first element matching sel.
func direction(t *testing.T, b *browser, sel string) string {
	t.Helper()
	return eval[string](t, b, `getComputedStyle(`+q(sel)+`).direction`)
}

// fetched lists the content files and catalogs the page has requested so
// far.
func fetched(t *testing.T, b *browser) []string {
	t.Helper()
	return eval[[]string](t, b, `performance.getEntriesByType('resource').map(e => new URL(e.name).pathname.split('/').pop()).filter(n => /^(answers|forms|i18n)\./.test(n)).map(n => n.replace(/\.[0-9a-f]{10}\.json$/, '.json'))`)
}

// TestContentInTheVisitorsLanguage: in Arabic the Forms and Answers views
// show the Arabic content right to left, an article without a translation
// shows its English text left to right (lang="en") inside the RTL panel,
// Arabic search finds words written without hamza, only the Arabic files
// are fetched, the panel's own texts from the fetched Arabic catalog; in
// Swedish a form is checked with Swedish messages (from the Swedish
// catalog, fetched on the switch) and the server takes its Swedish option.
func TestContentInTheVisitorsLanguage(t *testing.T) {
	base := startServer(t)
	b := newBrowser(t)
	openWidget(t, b, base)
	b.do(t, chromedp.Evaluate[chromedp.Void](`crumbless('lang', 'ar'); crumbless('navigate', 'forms')`))
	b.waitFor(t, q(`.forms .row-title`)+`?.textContent == 'تواصل معنا'`)
	assert.Equal(t, "تواصل معنا", eval[string](t, b, title+`.textContent`), "the catalog's title of the view")
	assert.Equal(t, "ar", eval[string](t, b, q(`.forms .row-text`)+`.getAttribute('lang')`))
	assert.Equal(t, "rtl", direction(t, b, `.forms .row-title`))
	b.screenshot(t, "content-forms-ar")

	b.do(t, chromedp.Evaluate[chromedp.Void](`crumbless('navigate', 'answers')`))
	b.waitFor(t, q(`.results .row-title`)+`?.textContent == 'مواعيد الشحن وتكاليفه'`)
	english := `.results li:last-child`
	assert.Equal(t, "Café crème gift boxes", eval[string](t, b, q(english+` .row-title`)+`.textContent`))
	assert.Equal(t, "en", eval[string](t, b, q(english+` .row-text`)+`.getAttribute('lang')`))
	assert.Equal(t, "ltr", direction(t, b, english+` .row-title`), "English text runs left to right")
	assert.Equal(t, "rtl", direction(t, b, `.results li:first-child .row-title`))

	b.do(t, chromedp.Evaluate[chromedp.Void](q(`#cl-search`)+`.focus()`))
	b.do(t, chromedp.KeyEvent("الارجاع")) // "return", written without the hamza of the article's title
	b.waitFor(t, q(`.results .row-title`)+`?.textContent == 'الإرجاع واسترداد المال'`)

	b.do(t, chromedp.Evaluate[chromedp.Void](`crumbless('navigate', 'answers/cafe-creme')`))
	b.waitFor(t, q(`.article-h`)+` != null`)
	assert.Equal(t, "en", eval[string](t, b, q(`.article-h`)+`.getAttribute('lang')`))
	assert.Equal(t, "ltr", direction(t, b, `.prose p`))
	assert.Equal(t, "rtl", direction(t, b, `.still h3`), "the panel's own text stays right to left")
	b.screenshot(t, "content-article-en-in-ar")

	// A visitor who chose Arabic comes back (in a new tab: this tab's
	// session, where the panel was, is not carried): only the Arabic files
	// are fetched, and the panel is drawn in Arabic from the start.
	b.do(t, chromedp.Evaluate[chromedp.Void](`sessionStorage.clear()`))
	b.do(t, chromedp.Navigate(base+"/"))
	b.waitFor(t, launcher+` != null`)
	b.click(t, launcher)
	b.waitFor(t, panelReady)
	assert.Equal(t, "مرحبًا", eval[string](t, b, title+`.textContent`), "Arabic at once, no English first")
	assert.Equal(t, "rtl", eval[string](t, b, panel+`.getAttribute('dir')`))
	b.waitFor(t, q(`.home-list .row-title`)+`?.textContent == 'مواعيد الشحن وتكاليفه'`)
	b.do(t, chromedp.Evaluate[chromedp.Void](`crumbless('navigate', 'forms')`))
	b.waitFor(t, q(`.forms .row-title`)+` != null`)
	got := fetched(t, b)
	assert.ElementsMatch(t, []string{"i18n.ar.json", "answers.ar.json", "forms.ar.json"}, got, "only the visitor's language")

	b.do(t, chromedp.Evaluate[chromedp.Void](`crumbless('lang', 'sv'); crumbless('navigate', 'forms/callback')`))
	b.waitFor(t, q(`#cl-form-h`)+`?.textContent == 'Be om att bli uppringd'`)
	b.do(t, chromedp.Evaluate[chromedp.Void](q(`#cl-f-phone`)+`.focus()`))
	b.do(t, chromedp.KeyEvent("ring mig"))
	// Leaving the field checks it (and shows its error, moving the button
	// below: the click comes after).
	b.do(t, chromedp.Evaluate[chromedp.Void](q(`#cl-f-phone`)+`.blur()`))
	b.waitFor(t, q(`#cl-f-phone-err`)+`.hidden == false`)
	assert.Equal(t, "Ange ett telefonnummer med siffror, mellanslag, + ( ) eller -.", eval[string](t, b, q(`#cl-f-phone-err`)+`.textContent`))
	b.click(t, q(`form button[type=submit]`))
	b.waitFor(t, q(`.summary`)+`.hidden == false`)
	assert.Equal(t, "Fyll i det här fältet.", eval[string](t, b, q(`#cl-f-name-err`)+`.textContent`))
	assert.Equal(t, []string{"", "Förmiddag", "Eftermiddag", "Kväll"}, eval[[]string](t, b, `[...`+q(`#cl-f-when`)+`.options].map(o => o.value)`))
	b.screenshot(t, "content-form-sv-errors")

	b.do(t, chromedp.Evaluate[chromedp.Void](q(`#cl-f-name`)+`.focus()`))
	b.do(t, chromedp.KeyEvent("Sven"))
	b.do(t, chromedp.Evaluate[chromedp.Void](`(() => { const p = `+q(`#cl-f-phone`)+`; p.value = '+46 8 123 456 78'; p.dispatchEvent(new Event('input')); const s = `+q(`#cl-f-when`)+`; s.value = 'Kväll'; s.dispatchEvent(new Event('change')) })()`))
	b.click(t, q(`form button[type=submit]`))
	b.waitFor(t, q(`.success`)+` != null`)
	require.Equal(t, "Tack, vi ringer dig vid den tid du valde.", eval[string](t, b, q(`.success p`)+`.textContent`), "the server took the Swedish option")
	assert.Equal(t, "sv", eval[string](t, b, q(`.success p`)+`.getAttribute('lang')`))
	assert.Subset(t, fetched(t, b), []string{"i18n.sv.json"})
	assert.NotContains(t, fetched(t, b), "i18n.de.json")
}

// TestCatalogFailureShowsEnglish: an Arabic visitor whose catalog request
// fails gets the panel in English, left to right, with no error shown;
// the content follows the panel's language.
func TestCatalogFailureShowsEnglish(t *testing.T) {
	base := startServer(t)
	b := newBrowser(t)
	_, err := chromedp.Call(b.ctx, network.SetBlockedURLs, network.SetBlockedURLsParams{
		URLPatterns: []*network.BlockPattern{{URLPattern: "*://*:*/a/i18n.*", Block: true}},
	})
	require.NoError(t, err)
	openPanel(t, b, hostPage(t, base+"/crumbless.js", `data-lang="ar"`, ""))
	assert.Equal(t, "Hi there", eval[string](t, b, title+`.textContent`))
	assert.Equal(t, "en", eval[string](t, b, panel+`.getAttribute('lang')`))
	assert.Equal(t, "ltr", eval[string](t, b, panel+`.getAttribute('dir')`))
	b.waitFor(t, q(`.home-list .row-title`)+` != null`)
	assert.Equal(t, "Shipping times and costs", eval[string](t, b, q(`.home-list .row-title`)+`.textContent`), "the content in English too")
	assert.Zero(t, eval[int](t, b, shadow+`.querySelectorAll('[role=alert]').length`), "nothing alarming")
	assert.Subset(t, fetched(t, b), []string{"answers.json"})
}
