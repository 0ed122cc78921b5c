//go:build e2e

package e2e

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// collectCSPViolations makes every page the browser opens record its
// Content-Security-Policy violations in window.__csp (CDP scripts are not
// subject to the page's CSP).
func collectCSPViolations(t *testing.T, b *browser) {
	t.Helper()
	_, err := chromedp.Call(b.ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
		Source: `window.__csp = []; document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));`,
	})
	require.NoError(t, err)
}

// TestDemoRunsUnderItsCSP opens the widget on the demo page, which the
// server sends with a strict CSP (inline snippet allowed by its hash, wasm
// by 'wasm-unsafe-eval', no 'unsafe-inline'): nothing may be blocked, and
// a script injected at run time must be.
func TestDemoRunsUnderItsCSP(t *testing.T) {
	base := startServer(t)
	res, err := http.Get(base + "/")
	require.NoError(t, err)
	res.Body.Close()
	csp := res.Header.Get("Content-Security-Policy")
	require.Contains(t, csp, "'sha256-")
	require.NotContains(t, csp, "unsafe-inline")

	b := newBrowser(t)
	collectCSPViolations(t, b)
	b.do(t, chromedp.Navigate(base+"/"))
	b.waitFor(t, launcher+` != null`)
	assert.True(t, eval[bool](t, b, `Array.isArray(window.crumbless.q) || typeof window.crumbless === 'function'`), "the inline snippet ran")
	b.click(t, launcher)
	b.waitFor(t, panelReady)
	assert.Empty(t, eval[[]string](t, b, `window.__csp`), "CSP violations on the demo page")

	eval[bool](t, b, `(() => { const s = document.createElement('script'); s.textContent = 'window.__injected = 1'; document.body.append(s); return true })()`)
	b.waitFor(t, `window.__csp.length > 0`)
	assert.False(t, eval[bool](t, b, `window.__injected === 1`), "an injected inline script ran")
	assert.Contains(t, eval[[]string](t, b, `window.__csp`)[0], "script-src")
}

// TestWidgetLoadsFromAnotherOrigin embeds the widget the way a customer
// does, on a page of another origin: the runtime is fetched with CORS
// (fetch + instantiateStreaming), which works because public assets carry
// Access-Control-Allow-Origin: *.
func TestWidgetLoadsFromAnotherOrigin(t *testing.T) {
	base := startServer(t)
	assetsBase := strings.Replace(base, "127.0.0.1", "localhost", 1) // another origin, same server
	shop := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<!doctype html><title>shop</title><h1>Shop</h1>` +
			`<script>window.crumbless=window.crumbless||function(){(crumbless.q=crumbless.q||[]).push(arguments)};</script>` +
			`<script src="` + assetsBase + `/crumbless.js" data-site="demo" async></script>`))
	}))
	t.Cleanup(shop.Close)

	b := newBrowser(t)
	openPanel(t, b, shop.URL+"/")
	assert.Positive(t, b.requestsEndingIn(".wasm")) // the hover prefetch and the load (from the cache)
}
