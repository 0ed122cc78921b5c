//go:build e2e

package e2e

import (
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// violation is the part of an axe-core result a failure message needs.
type violation struct {
	ID    string `json:"id"`
	Help  string `json:"help"`
	Nodes []struct {
		Target  []any  `json:"target"`
		Summary string `json:"failureSummary"`
	} `json:"nodes"`
}

// readAxe returns axe-core's script, which make test-e2e installs.
func readAxe(t *testing.T) string {
	t.Helper()
	axePath := os.Getenv("CRUMBLESS_AXE")
	require.NotEmpty(t, axePath, "CRUMBLESS_AXE must name axe.min.js (make test-e2e installs it)")
	axe, err := os.ReadFile(axePath)
	require.NoError(t, err)
	return string(axe)
}

// assertAccessible runs axe-core, which must be in the page already, over
// context (a JS expression: document, or {include: [[selector]]}) with the
// WCAG 2.2 A/AA rules, and fails t for each violation, naming the nodes.
func assertAccessible(t *testing.T, b *browser, context string) {
	t.Helper()
	found := evalPromise[[]violation](t, b, `axe.run(`+context+`, {
		runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']},
		resultTypes: ['violations']
	}).then(r => r.violations)`)
	for _, f := range found {
		var where []string
		for _, n := range f.Nodes {
			where = append(where, strings.TrimSpace(n.Summary)+" at "+toString(n.Target))
		}
		assert.Fail(t, "axe: "+f.ID+": "+f.Help, strings.Join(where, "\n"))
	}
}

// TestAccessibilityScan runs axe-core (installed from npm by make test,
// pinned in the Makefile) on the widget in every view, in both themes and
// in Arabic, and fails on any WCAG 2.2 A/AA violation.
func TestAccessibilityScan(t *testing.T) {
	axe := readAxe(t)

	base := startServer(t)
	b := newBrowser(t)
	openWidget(t, b, base)
	// DevTools evaluation is not subject to the page's CSP, so axe runs on
	// the demo page exactly as served.
	b.do(t, chromedp.Evaluate[chromedp.Void](axe))

	views := []struct{ route, ready string }{
		{"home", q(`.home-list .row`) + ` != null`},
		{"answers", q(`.results .row`) + ` != null`},
		{"answers/shipping", q(`.still .btn`) + ` != null`},
		// Untranslated into Arabic: English in an RTL panel. (The previous
		// view has a .still .btn too: wait for this article's title.)
		{"answers/cafe-creme", q(`.article-h`) + `?.textContent == 'Café crème gift boxes' && ` + q(`.still .btn`) + ` != null`},
		{"forms", q(`.forms .row`) + ` != null`},
		{"forms/contact", q(`form`) + ` != null`},
		{"privacy", q(`.keys .key`) + ` != null`},
		{"settings", q(`#cl-lang`) + ` != null`},
	}
	for _, variant := range []struct{ theme, lang string }{{"light", "en"}, {"dark", "en"}, {"light", "ar"}, {"dark", "ar"}} {
		b.do(t, chromedp.Evaluate[chromedp.Void](`crumbless('theme', '`+variant.theme+`'); crumbless('lang', '`+variant.lang+`')`))
		for _, v := range views {
			t.Run(variant.theme+"/"+variant.lang+"/"+v.route, func(t *testing.T) {
				b.do(t, chromedp.Evaluate[chromedp.Void](`crumbless('navigate', '`+v.route+`')`))
				b.waitFor(t, v.ready)
				if v.route == "forms/contact" { // scan the error state too
					b.click(t, q(`form button[type=submit]`))
					b.waitFor(t, q(`.summary`)+`.hidden == false`)
				}
				if v.route == "privacy" { // and the restore code field's
					b.click(t, q(`form.restore button`))
					b.waitFor(t, q(`#cl-code-msg`)+`.textContent != ''`)
				}
				assertAccessible(t, b, `{include: [['#crumbless-root']]}`)
			})
		}
	}
}

func toString(v []any) string {
	var parts []string
	for _, p := range v {
		if s, ok := p.(string); ok {
			parts = append(parts, s)
		} else if list, ok := p.([]any); ok {
			parts = append(parts, toString(list))
		}
	}
	return strings.Join(parts, " > ")
}
