//go:build e2e

package e2e

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	teaser = shadow + `.querySelector('.tz')`
	// teaserText is the teaser's message (with the agent's name, if any).
	teaserText = teaser + `?.firstChild.textContent`
	// inviteRan holds once the invitation module has run and taken the
	// page's invite calls: from then on a teaser that should show is there
	// (after its trigger), and one that should not never comes.
	inviteRan = `window.crumbless?._b?.take != null`
	// inviteEvents records the invite events in window.__ev, through the
	// snippet's queue, before any script of the page runs.
	inviteEvents = `window.crumbless = function () { (crumbless.q = crumbless.q || []).push(arguments) };
window.__ev = [];
for (const e of ['invite:shown', 'invite:closed', 'invite:clicked', 'open']) crumbless('on', e, (d) => __ev.push(e + ' ' + JSON.stringify(d)));
crumbless('on', 'invite:shown', () => { window.__shownAt = performance.now() });
`
)

// inviteBudget is the most the invitation module (a/invite.<hash>.js, as
// the server sends it, brotli) may weigh: a page that invites pays it before
// interaction, on top of the loader and the runtime list (1 KB, counted as
// 1,000 bytes; the module must stay under it).
const inviteBudget = 1000

// TestInviteModuleWithinBudget fetches the invitation module the way a
// browser does (the loader names the runtime list, the list names the
// module) with Accept-Encoding: br, and holds what is transferred to its
// budget. The runtime list's size, which an inviting page pays too, is
// logged.
func TestInviteModuleWithinBudget(t *testing.T) {
	base := startServer(t)
	get := func(path string) []byte {
		t.Helper()
		req, err := http.NewRequest("GET", base+"/"+path, nil)
		require.NoError(t, err)
		req.Header.Set("Accept-Encoding", "br")
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer res.Body.Close()
		require.Equal(t, http.StatusOK, res.StatusCode, path)
		require.Equal(t, "br", res.Header.Get("Content-Encoding"), path)
		body, err := io.ReadAll(res.Body)
		require.NoError(t, err)
		return body
	}
	loader := get("crumbless.js") // brotli, but the list's name is in it
	listPath := regexp.MustCompile(`a/runtime\.[0-9a-f]+\.json`).FindString(string(decodeBrotli(t, loader)))
	require.NotEmpty(t, listPath, "the loader names the runtime list")
	listBr := get(listPath)
	var list struct {
		Invite []string `json:"invite"`
	}
	require.NoError(t, json.Unmarshal(decodeBrotli(t, listBr), &list))
	require.Len(t, list.Invite, 2, "the list names the module and its hash")
	module := get(list.Invite[0])
	t.Logf("invitation module %s: %d bytes brotli (budget: under %d); runtime list %d bytes brotli", list.Invite[0], len(module), inviteBudget, len(listBr))
	assert.Less(t, len(module), inviteBudget, "the invitation module's brotli size")
	assert.Contains(t, string(decodeBrotli(t, module)), "invite:", "it is the module")
}

// decodeBrotli returns the bytes b compresses.
func decodeBrotli(t *testing.T, b []byte) []byte {
	t.Helper()
	out, err := io.ReadAll(brotli.NewReader(bytes.NewReader(b)))
	require.NoError(t, err)
	return out
}

// inviteSite serves, from its own loopback origin, a small site whose every
// page embeds the loader from base with attrs: /, /pricing, /docs/a and
// /long (a tall page), each with a link to /other in the same tab (#next)
// and in a new one (#newtab). header, when set, is its CSP.
func inviteSite(t *testing.T, base, attrs, csp string) string {
	t.Helper()
	return inviteSiteOf(t, func() string { return base }, attrs, csp).URL
}

// inviteSiteOf is inviteSite with the loader's server given later (base is
// called for each page): a server whose -origins names the site.
func inviteSiteOf(t *testing.T, base func() string, attrs, csp string) *httptest.Server {
	t.Helper()
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/favicon.ico" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if csp != "" {
			w.Header().Set("Content-Security-Policy", csp)
		}
		tall := ""
		if r.URL.Path == "/long" {
			tall = `<div style="height:4000px">long</div>`
		}
		snippet := `<script>window.crumbless=window.crumbless||function(){(crumbless.q=crumbless.q||[]).push(arguments)};</script>`
		if csp != "" {
			snippet = "" // no inline script under a strict CSP: the script tag alone
		}
		w.Write([]byte(`<!doctype html><html lang="en"><title>Site</title><h1>Site ` + r.URL.Path + `</h1>` +
			`<p><a id="next" href="/other">Next</a> <a id="newtab" href="/other" target="_blank">New tab</a></p>` + tall + snippet +
			`<script src="` + base() + `/crumbless.js" data-site="demo" ` + attrs + ` async></script></html>`))
	}))
	t.Cleanup(site.Close)
	return site
}

// otherSite serves a page of another origin that links to to.
func otherSite(t *testing.T, to string) string {
	t.Helper()
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<!doctype html><html lang="en"><title>Elsewhere</title><a id="go" href="` + to + `">Go</a></html>`))
	}))
	t.Cleanup(other.Close)
	return other.URL + "/"
}

// follow clicks the link the JS expression gives and waits for the page it
// leads to (path) and for the invitation module there.
func (b *browser) follow(t *testing.T, link, path string) {
	t.Helper()
	b.click(t, link)
	// The page goes while this waits: an evaluation in the old document
	// may fail, and is tried again in the new one.
	ready := `location.pathname == '` + path + `' && document.readyState == 'complete' && ` + inviteRan
	require.Eventually(t, func() bool {
		ok, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](ready))
		return err == nil && ok
	}, 30*time.Second, 50*time.Millisecond, "waiting for %s", ready)
}

// noTeaser asserts, once the invitation module has run, that no teaser
// shows and nothing of the runtime was fetched.
func noTeaser(t *testing.T, b *browser, why string) {
	t.Helper()
	b.waitFor(t, inviteRan)
	assert.True(t, eval[bool](t, b, teaser+` == null`), why)
}

// TestInviteTeaser shows the script tag's invitation on a visit's landing
// page: the teaser with its message and agent, a close button named Close,
// announced politely; nothing stored and no wasm fetched while it shows;
// Esc closes it (focus back on the launcher), the visitor's act is marked,
// and neither a reload nor the next page of the visit shows it again.
func TestInviteTeaser(t *testing.T) {
	base := startServer(t)
	site := inviteSite(t, base, `data-invite="Hello! Questions about pricing?" data-invite-name="Ana Lima"`, "")
	b := newBrowser(t)
	b.onNewDocument(t, inviteEvents+storageWrites)
	b.do(t, chromedp.Navigate(site+"/"))
	b.waitFor(t, teaserText+`?.includes('Questions about pricing?')`)

	assert.Equal(t, "Ana Lima", eval[string](t, b, teaser+`.querySelector('bdi').textContent`), "the agent's name")
	assert.Equal(t, "polite", eval[string](t, b, teaser+`.getAttribute('aria-live')`))
	assert.Equal(t, "Close", eval[string](t, b, teaser+`.querySelector('button[aria-label]').getAttribute('aria-label')`))
	assert.Equal(t, 2, eval[int](t, b, teaser+`.querySelectorAll('button').length`), "the message and Close are buttons: focusable")
	assert.Equal(t, []string{`invite:shown {"text":"Hello! Questions about pricing?"}`}, eval[[]string](t, b, `__ev`))
	assert.Zero(t, b.requestsEndingIn(".wasm"), "no wasm while the teaser shows")
	assert.Zero(t, b.requestsContaining("/a/wasm_exec."), "no wasm_exec.js while the teaser shows")
	assert.Equal(t, 1, b.requestsContaining("/a/invite."), "the invitation module, once")
	assert.Empty(t, eval[[]string](t, b, `__writes`), "nothing stored while the teaser shows")
	assert.Empty(t, prefixedKeys(t, b, "crumbless-"))

	// Esc, with the focus in the teaser, closes it.
	b.do(t, chromedp.Evaluate[chromedp.Void](teaser+`.querySelector('button').focus()`))
	b.do(t, chromedp.KeyEvent(kb.Escape))
	b.waitFor(t, teaser+` == null`)
	assert.True(t, eval[bool](t, b, shadow+`.activeElement?.classList.contains('launcher')`), "focus back on the launcher")
	assert.Contains(t, eval[[]string](t, b, `__ev`), "invite:closed {}")
	assert.Equal(t, []string{"crumbless-markers"}, prefixedKeys(t, b, "crumbless-"), "the visitor acted: the marker, nothing else")
	assert.True(t, eval[bool](t, b, `JSON.parse(sessionStorage.getItem('crumbless-markers')).data.teaser > 0`))

	b.do(t, chromedp.Reload())
	noTeaser(t, b, "closed, then reloaded: no teaser")
	b.follow(t, `document.querySelector('#next')`, "/other")
	noTeaser(t, b, "the next page of the visit: no teaser")
}

// TestInviteOnlyOnLanding: a reload, the next page of the visit and a new
// tab opened from a link of the site show no teaser, though the visitor
// never touched it; a visit that comes from another site does.
func TestInviteOnlyOnLanding(t *testing.T) {
	base := startServer(t)
	site := inviteSite(t, base, `data-invite="Welcome"`, "")
	b := newBrowser(t)
	b.onNewDocument(t, storageWrites)
	b.do(t, chromedp.Navigate(site+"/"))
	b.waitFor(t, teaserText+` == 'Welcome'`)

	// A new tab of the same site, from a link.
	opened := chromedp.WaitNewTarget(b.ctx, func(i *target.Info) bool { return strings.HasSuffix(i.URL, "/other") })
	b.click(t, `document.querySelector('#newtab')`)
	tabCtx, cancel := chromedp.NewContext(b.ctx, chromedp.WithTargetID(<-opened))
	t.Cleanup(cancel)
	tab := &browser{ctx: tabCtx}
	tab.waitFor(t, `document.readyState == 'complete'`)
	noTeaser(t, tab, "a new tab from a link of the site: no teaser")
	assert.Equal(t, site+"/", eval[string](t, tab, `document.referrer`))

	b.do(t, chromedp.Reload())
	noTeaser(t, b, "a reload: no teaser")
	b.follow(t, `document.querySelector('#next')`, "/other")
	noTeaser(t, b, "the next page: no teaser")
	assert.Empty(t, eval[[]string](t, b, `__writes`), "the visitor never acted: nothing stored")

	// A visit from another site (another origin) lands here: teaser.
	b.do(t, chromedp.Navigate(otherSite(t, site+"/pricing")))
	b.follow(t, `document.querySelector('#go')`, "/pricing")
	b.waitFor(t, teaserText+` == 'Welcome'`)
	assert.Zero(t, b.requestsEndingIn(".wasm"))
}

// TestInviteTriggers fires each trigger of the script tag once, at its
// moment, on the pages it names, and not before.
func TestInviteTriggers(t *testing.T) {
	base := startServer(t)
	cases := []struct {
		name, attrs, path string
		before            string // JS that must hold before the trigger, with no teaser
		act               func(t *testing.T, b *browser)
		want              bool
	}{
		{name: "delay", attrs: `data-invite="Hi" data-invite-delay="1.5"`, path: "/", before: `true`, want: true},
		{name: "path matches", attrs: `data-invite="Hi" data-invite-path="/docs/*"`, path: "/docs/a", want: true},
		{name: "path does not match", attrs: `data-invite="Hi" data-invite-path="/docs/* /pricing"`, path: "/", want: false},
		{name: "scroll", attrs: `data-invite="Hi" data-invite-scroll="50"`, path: "/long", want: true,
			before: `true`,
			act: func(t *testing.T, b *browser) {
				b.do(t, chromedp.Evaluate[chromedp.Void](`scrollTo(0, (document.documentElement.scrollHeight - innerHeight) * 0.3)`))
				b.do(t, chromedp.Evaluate[chromedp.Void](`new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))`, chromedp.EvalAwaitPromise))
				assert.True(t, eval[bool](t, b, teaser+` == null`), "30 % scrolled: not yet")
				b.do(t, chromedp.Evaluate[chromedp.Void](`scrollTo(0, (document.documentElement.scrollHeight - innerHeight) * 0.6)`))
			}},
		{name: "exit intent", attrs: `data-invite="Hi" data-invite-exit`, path: "/", want: true,
			before: `true`,
			act: func(t *testing.T, b *browser) {
				require.False(t, eval[bool](t, b, `matchMedia('(pointer:coarse)').matches`), "no touch screen")
				for _, y := range []float64{300, 100, 5, -1} { // toward the top, then out of the window
					_, err := chromedp.Call(b.ctx, input.DispatchMouseEvent, input.DispatchMouseEventParams{Type: input.DispatchMouseEventTypeMouseMoved, X: 400, Y: y})
					require.NoError(t, err)
				}
				b.do(t, chromedp.Evaluate[chromedp.Void](`document.documentElement.dispatchEvent(new MouseEvent('mouseout', {bubbles: true, clientX: 400, clientY: -1, relatedTarget: null}))`))
			}},
		{name: "URL parameter", attrs: `data-invite="Hi" data-invite-param`, path: "/?chat=open", want: true},
		{name: "URL parameter absent", attrs: `data-invite="Hi" data-invite-param`, path: "/?chat=no", want: false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			site := inviteSite(t, base, c.attrs, "")
			b := newBrowser(t)
			b.onNewDocument(t, inviteEvents)
			b.do(t, chromedp.Navigate(site+c.path))
			b.waitFor(t, inviteRan)
			if c.before != "" {
				assert.True(t, eval[bool](t, b, teaser+` == null && (`+c.before+`)`), "no teaser before the trigger")
			}
			if c.act != nil {
				c.act(t, b)
			}
			if !c.want {
				assert.True(t, eval[bool](t, b, teaser+` == null`), "not on this page")
				return
			}
			b.waitFor(t, teaserText+` == 'Hi'`)
			if c.name == "delay" { // 1.5 s after the module started, itself after the page's start
				assert.GreaterOrEqual(t, eval[float64](t, b, `__shownAt`), 1500.0)
			}
			assert.Equal(t, []string{`invite:shown {"text":"Hi"}`}, eval[[]string](t, b, `__ev`), "shown once")
			assert.Zero(t, b.requestsEndingIn(".wasm"))
		})
	}
}

// TestInviteOpensChat: a click on the teaser opens the chat with the
// teaser's message first, as the agent's; the visitor's acts are marked.
// An auto-opening invitation opens the panel by itself, stores nothing
// until the visitor acts, and never opens again in a tab where the visitor
// closed it.
func TestInviteOpensChat(t *testing.T) {
	base := startServer(t)
	site := inviteSite(t, base, `data-invite="Can I help you choose?" data-invite-name="Ana Lima"`, "")
	b := newBrowser(t)
	b.onNewDocument(t, inviteEvents)
	b.do(t, chromedp.Navigate(site+"/"))
	b.waitFor(t, teaserText+`?.includes('Can I help')`)
	b.click(t, teaser+`.querySelector('button')`)
	b.waitFor(t, panelReady+` && `+panel+`.getAttribute('data-view') == 'chat' && `+q(`.msg.agent`)+` != null`)
	assert.Equal(t, "Can I help you choose?", eval[string](t, b, q(`.log .msg`)+`.querySelector('.bubble').textContent`), "the teaser's message first in the chat")
	assert.Equal(t, "Ana Lima", eval[string](t, b, q(`.log .msg .author`)+`.textContent`))
	assert.True(t, eval[bool](t, b, `getComputedStyle(`+teaser+`).display == 'none'`), "the panel's frame there, the teaser is hidden")
	assert.Contains(t, eval[[]string](t, b, `__ev`), `invite:clicked {"view":"chat"}`)
	b.waitFor(t, `(JSON.parse(sessionStorage.getItem('crumbless-markers'))?.data.opened ?? 0) > 0`)
	assert.Positive(t, eval[float64](t, b, `JSON.parse(sessionStorage.getItem('crumbless-markers')).data.first`), "first message shown")

	t.Run("auto-open", func(t *testing.T) {
		auto := inviteSite(t, base, `data-invite="Welcome back" data-invite-open`, "")
		b := newBrowser(t)
		b.onNewDocument(t, storageWrites)
		b.do(t, chromedp.Navigate(auto+"/"))
		b.waitFor(t, panelReady+` && `+q(`.log .msg.agent`)+` != null`)
		assert.Equal(t, "Welcome back", eval[string](t, b, q(`.log .msg .bubble`)+`.textContent`))
		assert.Empty(t, prefixedKeys(t, b, "crumbless-"), "an auto-open is not the visitor's act: nothing stored")
		b.click(t, q(`header button:last-child`)) // the panel's close button
		b.waitFor(t, panel+`.hidden`)
		b.waitFor(t, `(JSON.parse(sessionStorage.getItem('crumbless-markers'))?.data.closed ?? 0) > 0`)
		markers := eval[map[string]float64](t, b, `JSON.parse(sessionStorage.getItem('crumbless-markers')).data`)
		assert.Positive(t, markers["auto"], "auto-opened, kept once the visitor acted")
		assert.Positive(t, markers["header"], "the click was in the header")

		// Away to another site and back through a link: a new landing, but
		// the visitor closed the panel in this tab.
		b.do(t, chromedp.Navigate(otherSite(t, auto+"/")))
		b.follow(t, `document.querySelector('#go')`, "/")
		b.waitFor(t, launcher+` != null`)
		assert.True(t, eval[bool](t, b, panel+` == null && `+teaser+` == null`), "never opened again in this tab")
	})
}

// TestInviteAPI: crumbless('invite', {text, view, delay}) shows the teaser
// after its delay on any page; a bad argument warns and shows nothing.
func TestInviteAPI(t *testing.T) {
	base := startServer(t)
	site := inviteSite(t, base, ``, "")
	b := newBrowser(t)
	b.do(t, chromedp.Navigate(site+"/"))
	b.waitFor(t, launcher+` != null`)
	now := `performance.now()`
	assert.Zero(t, b.requestsContaining("/a/invite."), "no invitation configured: no module")
	assert.Zero(t, b.requestsContaining("/a/runtime."), "nor the runtime list")
	start := eval[float64](t, b, now)
	b.do(t, chromedp.Evaluate[chromedp.Void](`crumbless('invite', 7); crumbless('invite', {text: 'Ask us about forms', view: 'forms', delay: 1})`))
	b.waitFor(t, teaserText+` == 'Ask us about forms'`)
	assert.GreaterOrEqual(t, eval[float64](t, b, now)-start, 1000.0, "after its delay")
	b.click(t, teaser+`.querySelector('button')`)
	b.waitFor(t, panelReady+` && `+panel+`.getAttribute('data-view') == 'forms'`)
}

// TestInviteStrictCSP: the teaser shows, and opens the chat, on a page whose
// CSP allows no inline script or style.
func TestInviteStrictCSP(t *testing.T) {
	base := startServer(t)
	// The demo's strict page's policy: no inline script or style; wasm
	// compiled by the loader.
	csp := "default-src 'none'; script-src " + base + " 'wasm-unsafe-eval'; connect-src " + base + "; img-src " + base
	site := inviteSite(t, base, `data-invite="Strict hello"`, csp)
	b := newBrowser(t)
	errs := consoleErrors(t, b)
	b.do(t, chromedp.Navigate(site+"/"))
	b.waitFor(t, teaserText+` == 'Strict hello'`)
	b.click(t, teaser+`.querySelector('button')`)
	b.waitFor(t, panelReady+` && `+q(`.log .msg.agent`)+` != null`)
	for _, e := range errs() {
		assert.NotContains(t, e, "Content Security Policy")
	}
}

// TestInviteAccessibility runs axe-core on the teaser in both themes and in
// Arabic, right to left.
func TestInviteAccessibility(t *testing.T) {
	axe := readAxe(t)
	base := startServer(t)
	for _, v := range []struct{ theme, lang, text string }{
		{"light", "en", "Hello! Questions?"}, {"dark", "en", "Hello! Questions?"},
		{"light", "ar", "مرحبا! هل لديك أسئلة؟"}, {"dark", "ar", "مرحبا! هل لديك أسئلة؟"},
	} {
		t.Run(v.theme+"/"+v.lang, func(t *testing.T) {
			site := inviteSite(t, base, `data-theme="`+v.theme+`" data-lang="`+v.lang+`" data-invite="`+v.text+`" data-invite-name="Ana"`, "")
			b := newBrowser(t)
			b.do(t, chromedp.Navigate(site+"/"))
			b.waitFor(t, teaserText+`?.includes('`+v.text+`')`)
			if v.lang == "ar" {
				assert.Equal(t, "rtl", eval[string](t, b, `getComputedStyle(`+teaser+`).direction`), "an Arabic message lays the teaser out right to left")
			}
			b.screenshot(t, "invite-"+v.theme+"-"+v.lang)
			b.do(t, chromedp.Evaluate[chromedp.Void](axe))
			assertAccessible(t, b, `{include: [['#crumbless-root']]}`)
		})
	}
}

// TestInviteKeptWithConversation: the teaser's message goes to the server
// only with the visitor's first message (no conversation is started
// before), is kept as the conversation's first message, reaches the
// console labelled "Invitation shown" with the name it showed (not as an
// agent's), and after a reload, with no invitation on the page, is still
// first in the widget, as the agent's message it was, once.
func TestInviteKeptWithConversation(t *testing.T) {
	data := t.TempDir()
	addAgent(t, data, "ana", "correct horse")
	var p *chatProcess
	siteServer := inviteSiteOf(t, func() string { return p.base }, `data-invite="Questions about pricing?" data-invite-name="Ana Lima"`, "")
	site := siteServer.URL
	p = startChatProcess(t, data, "-origins", site) // the site's pages use the chat API
	b := newBrowser(t)
	b.do(t, chromedp.Navigate(site+"/"))
	b.waitFor(t, teaserText+`?.includes('Questions about pricing?')`)
	b.click(t, teaser+`.querySelector('button')`)
	b.waitFor(t, panelReady+` && `+q(`.log .msg.agent`)+` != null`)
	b.waitFor(t, q(`#cl-composer`)+` != null`)
	assert.Zero(t, b.requestsContaining("/api/v1/conversation"), "nothing sent before the visitor writes")

	b.sendInWidget(t, "How much is the big plan?")
	// The stored invitation replaces the page's: one row, first.
	b.waitFor(t, q(`.log .msg.agent[data-id]`)+` != null`)
	assert.Equal(t, []string{"Questions about pricing?", "How much is the big plan?"}, eval[[]string](t, b, `[...`+shadow+`.querySelectorAll('.log .msg .bubble')].map(e => e.textContent)`))

	agent := newBrowser(t)
	inboxLogin(t, agent, p.base, "ana", "correct horse")
	agent.waitFor(t, `document.querySelector('#conversation-list .preview')?.textContent.includes('How much is the big plan?')`)
	assert.Equal(t, 1, eval[int](t, agent, `document.querySelectorAll('#conversation-list button').length`), "one conversation, started with the visitor's message")
	agent.click(t, `document.querySelector('#conversation-list button')`)
	agent.waitFor(t, `document.querySelectorAll('#transcript li').length === 2`)
	first := `document.querySelector('#transcript li')`
	assert.True(t, eval[bool](t, agent, first+`.classList.contains('invite')`), "its own kind, not an agent's message")
	assert.Equal(t, "Questions about pricing?", eval[string](t, agent, first+`.querySelector('.body').textContent`))
	assert.True(t, eval[bool](t, agent, first+`.querySelector('small').textContent.startsWith('Invitation shown · Ana Lima')`),
		"labelled, with the name it showed: %s", eval[string](t, agent, first+`.querySelector('small').textContent`))
	assert.Zero(t, eval[int](t, agent, `document.querySelectorAll('#transcript li.agent').length`))
	agent.screenshot(t, "invite-console")

	// A reload is no landing: no teaser, no invitation from the page; the
	// conversation's history shows it first.
	b.do(t, chromedp.Reload())
	b.waitFor(t, launcher+` != null && `+inviteRan)
	b.click(t, launcher)
	b.waitFor(t, panelReady+` && `+panel+`.getAttribute('data-view') == 'chat' && `+q(`.log .msg.visitor`)+` != null`)
	assert.Equal(t, []string{"Questions about pricing?", "How much is the big plan?"}, eval[[]string](t, b, `[...`+shadow+`.querySelectorAll('.log .msg .bubble')].map(e => e.textContent)`))
	assert.Equal(t, "Ana Lima", eval[string](t, b, q(`.log .msg.agent .author`)+`.textContent`), "as the agent's message it was")
}

// TestInviteFromASecondTab: the visitor opened the widget in one tab (which
// then leads and starts conversations for every tab) and answers a teaser
// in another: the conversation still starts with that teaser's message.
func TestInviteFromASecondTab(t *testing.T) {
	data := t.TempDir()
	addAgent(t, data, "ana", "correct horse")
	var p *chatProcess
	siteServer := inviteSiteOf(t, func() string { return p.base }, `data-invite="Questions about pricing?" data-invite-path="/pricing"`, "")
	site := siteServer.URL
	p = startChatProcess(t, data, "-origins", site)

	first := newBrowser(t)
	openPanel(t, first, site+"/")
	second := first.newTab(t)
	second.do(t, chromedp.Navigate(site+"/pricing"))
	second.waitFor(t, teaserText+`?.includes('Questions about pricing?')`)
	second.click(t, teaser+`.querySelector('button')`)
	second.waitFor(t, panelReady+` && `+q(`#cl-composer`)+` != null`)
	first.waitFor(t, `crumbless('state').then(s => window.__lead = s.leader) && window.__lead === true`)
	second.sendInWidget(t, "How much is the big plan?")
	assert.False(t, evalPromise[map[string]any](t, second, `crumbless('state')`)["leader"] == true, "the first tab started the conversation")

	agent := newBrowser(t)
	inboxLogin(t, agent, p.base, "ana", "correct horse")
	agent.click(t, `document.querySelector('#conversation-list button')`)
	agent.waitFor(t, `document.querySelectorAll('#transcript li').length === 2`)
	first0 := `document.querySelector('#transcript li')`
	assert.True(t, eval[bool](t, agent, first0+`.classList.contains('invite')`), "the teaser's message opens the conversation")
	assert.Equal(t, "Questions about pricing?", eval[string](t, agent, first0+`.querySelector('.body').textContent`))
}
