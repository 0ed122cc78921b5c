//go:build e2e

package e2e

import (
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Safe-area insets the phone tests emulate: a notch above, a home
// indicator below.
const (
	insetTop    = 44
	insetBottom = 34
)

// phonePage is a host page as a phone shows it: a viewport meta tag that
// lets the page draw under the notch (so env(safe-area-inset-*) is not
// zero), and content far taller than the screen, striped so that a
// screenshot shows any of it the panel leaves uncovered.
const phonePage = `<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">` +
	`<style>body{margin:0;font:16px sans-serif}main{height:4000px;background:repeating-linear-gradient(#fde68a 0 40px,#fff 40px 80px)}</style>` +
	`<main>A long page</main>`

// phone makes b a phone of w×h CSS pixels: mobile viewport, touch events,
// a notch and a home indicator.
func phone(t *testing.T, b *browser, w, h int64) {
	t.Helper()
	_, err := chromedp.Call(b.ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
		Width: w, Height: h, DeviceScaleFactor: 2, Mobile: true,
	})
	require.NoError(t, err)
	_, err = chromedp.Call(b.ctx, emulation.SetTouchEmulationEnabled, emulation.SetTouchEmulationEnabledParams{Enabled: true, MaxTouchPoints: 5})
	require.NoError(t, err)
	top, bottom := int64(insetTop), int64(insetBottom)
	_, err = chromedp.Call(b.ctx, emulation.SetSafeAreaInsetsOverride, emulation.SetSafeAreaInsetsOverrideParams{
		Insets: &emulation.SafeAreaInsets{Top: &top, Bottom: &bottom},
	})
	require.NoError(t, err)
}

// touch sends one touch event with a finger at (x, y), or none for the
// end, at the time at (event times matter: they make a swipe's speed).
func (b *browser) touch(t *testing.T, typ input.DispatchTouchEventType, x, y float64, at time.Time) {
	t.Helper()
	points := []*input.TouchPoint{}
	if typ != input.DispatchTouchEventTypeTouchEnd {
		points = append(points, &input.TouchPoint{X: x, Y: y})
	}
	_, err := chromedp.Call(b.ctx, input.DispatchTouchEvent, input.DispatchTouchEventParams{
		Type: typ, TouchPoints: points, Timestamp: input.TimeSinceEpoch(float64(at.UnixMicro()) / 1e6),
	})
	require.NoError(t, err)
}

// tap touches the centre of the element the JS expression gives.
func (b *browser) tap(t *testing.T, expr string) {
	t.Helper()
	c := eval[[]float64](t, b, `(() => { const r = `+expr+`.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2] })()`)
	now := time.Now()
	b.touch(t, input.DispatchTouchEventTypeTouchStart, c[0], c[1], now)
	b.touch(t, input.DispatchTouchEventTypeTouchEnd, 0, 0, now.Add(50*time.Millisecond))
}

// swipe drags one finger from (x, y) by dy CSS pixels in a third of a
// second, as a visitor scrolling does (a negative dy moves the finger up:
// the content below comes into view), and holds it still for a moment
// before lifting it, so that no fling goes on scrolling after the swipe.
func (b *browser) swipe(t *testing.T, x, y, dy float64) {
	t.Helper()
	at := time.Now()
	b.touch(t, input.DispatchTouchEventTypeTouchStart, x, y, at)
	for i := 1.0; i <= 12; i++ {
		at = at.Add(25 * time.Millisecond)
		b.touch(t, input.DispatchTouchEventTypeTouchMove, x, y+dy*i/12, at)
	}
	at = at.Add(300 * time.Millisecond)
	b.touch(t, input.DispatchTouchEventTypeTouchMove, x, y+dy, at)
	b.touch(t, input.DispatchTouchEventTypeTouchEnd, 0, 0, at)
}

// box is the JS expression for [left, top, width, height] of the element
// expr gives, and of the viewport.
func box(expr string) string {
	return `(() => { const r = ` + expr + `.getBoundingClientRect(); return [r.left, r.top, r.width, r.height, 0, 0, innerWidth, innerHeight] })()`
}

// recordPhoneFrame makes the page record, in window.__frame, the box of
// the panel frame the loader draws at the moment its loading status is
// added (before the runtime runs: boot.run is not set yet), with the
// viewport's.
const recordPhoneFrame = `window.__frame = null, new MutationObserver((_, o) => {
  const p = ` + panel + `;
  if (!p?.querySelector('.state')) return;
  o.disconnect();
  const r = p.getBoundingClientRect();
  window.__frame = {box: [r.left, r.top, r.width, r.height, 0, 0, innerWidth, innerHeight], ready: !!crumbless._b.run,
    styled: getComputedStyle(p.querySelector('.state')).color == 'rgb(91, 91, 102)'};
}).observe(` + shadow + `, {childList: true, subtree: true}), 0`

// TestPhonePanel opens the widget on phones (375×667 and 320×568, touch,
// with a notch and a home indicator): below 480 px the open panel covers
// the viewport exactly, in the frame the loader draws (with its own
// launcher styles alone, or with the panel's styles prefetched) and once
// the runtime is ready, on either side of the page; its header and tabs
// keep clear of the safe-area insets; the launcher does not cover the
// panel; inputs are 16 px, so that iOS does not zoom in on focus; and
// swiping on the panel — header, tabs, a view that scrolls and one that
// does not — never scrolls the page behind it. A swipe on the page before
// the panel opens is the control: it does scroll the page.
func TestPhonePanel(t *testing.T) {
	base := startServer(t)
	cases := []struct {
		w, h     int64
		position string
		prefetch string // "none": the frame has the loader's styles alone; "idle": the panel's too
	}{
		{375, 667, "right", "none"},
		{375, 667, "left", "idle"},
		{320, 568, "right", "idle"},
		{320, 568, "left", "none"},
	}
	for _, c := range cases {
		name := fmt.Sprintf("%dx%d-%s-%s", c.w, c.h, c.position, c.prefetch)
		t.Run(name, func(t *testing.T) {
			w, h := float64(c.w), float64(c.h)
			viewport := []float64{0, 0, w, h, 0, 0, w, h}
			b := newBrowser(t)
			phone(t, b, c.w, c.h)
			b.do(t, chromedp.Navigate(hostPage(t, base+"/crumbless.js",
				`data-site="demo" data-position="`+c.position+`" data-prefetch="`+c.prefetch+`"`, phonePage)))
			b.waitFor(t, launcher+` != null && document.readyState == 'complete'`)
			if c.prefetch == "idle" {
				eventually(t, func() bool { return b.requestsEndingIn(".wasm") == 1 }, "idle prefetch")
			}

			// The control: a swipe on the page scrolls it. Once that
			// scroll has ended, the page goes back to the top and counts
			// its scroll events from then on.
			eval[any](t, b, `window.__ended = false, addEventListener('scrollend', () => __ended = true, {once: true}), 0`)
			b.swipe(t, w/2, h*0.7, -h*0.4)
			b.waitFor(t, `__ended && scrollY > 0`)
			eval[any](t, b, `window.__top = false, addEventListener('scroll', () => __top = true, {once: true}), scrollTo({top: 0, behavior: 'instant'}), 0`)
			b.waitFor(t, `__top && scrollY == 0`)
			eval[any](t, b, `window.__scrolls = 0, addEventListener('scroll', () => __scrolls++), 0`)

			eval[any](t, b, recordPhoneFrame)
			b.tap(t, launcher)
			b.waitFor(t, `window.__frame != null`)
			frame := eval[struct {
				Box    []float64 `json:"box"`
				Ready  bool      `json:"ready"`
				Styled bool      `json:"styled"`
			}](t, b, `window.__frame`)
			assert.False(t, frame.Ready, "the frame is looked at before the runtime runs")
			assert.Equal(t, c.prefetch == "idle", frame.Styled, "the panel's styles in the frame exactly when they were prefetched")
			assert.Equal(t, viewport, frame.Box, "the loader's frame: [left top width height] of the panel, then of the viewport")

			b.waitFor(t, panelReady)
			b.waitFor(t, shadow+`.querySelectorAll('.home-list .row').length >= 3`)
			b.waitFor(t, q(`.avail`)+`?.textContent != ''`)
			assert.Equal(t, viewport, eval[[]float64](t, b, box(panel)), "the ready panel: [left top width height], then the viewport")
			assert.Equal(t, "none", eval[string](t, b, `getComputedStyle(`+launcher+`).display`), "the launcher over the open panel")
			head := eval[[]float64](t, b, box(q(`.head`)))
			assert.Zero(t, head[1], "the header's colour reaches the top edge, under the notch")
			assert.GreaterOrEqual(t, eval[float64](t, b, q(`.head .close`)+`.getBoundingClientRect().top`), float64(insetTop), "the close button below the notch")
			tabs := eval[[]float64](t, b, box(q(`.tabs`)))
			assert.Equal(t, h, tabs[1]+tabs[3], "the tabs' background reaches the bottom edge")
			assert.LessOrEqual(t, eval[float64](t, b, q(`.tabs .tab`)+`.getBoundingClientRect().bottom`), h-insetBottom, "the tabs above the home indicator")
			b.screenshot(t, "phone-"+name+"-home")

			// The chat view fits: its body does not scroll.
			b.tap(t, q(`.tab[data-route=chat]`))
			b.waitFor(t, viewName+` == 'chat'`)
			assert.Equal(t, "16px", eval[string](t, b, `getComputedStyle(`+q(`#cl-composer`)+`).fontSize`), "the composer's text size (smaller makes iOS zoom in on focus)")
			assert.True(t, eval[bool](t, b, q(`.body`)+`.scrollHeight <= `+q(`.body`)+`.clientHeight`), "the chat view fits: its body does not scroll")
			composer := eval[[]float64](t, b, box(q(`.composer`)))
			assert.LessOrEqual(t, composer[1]+composer[3], h-insetBottom, "the composer above the tabs")
			b.swipe(t, w/2, h*0.4, -h*0.3)                     // the view's body
			b.swipe(t, w/2, composer[1]+composer[3]/2, -h*0.3) // the composer
			b.swipe(t, w/2, head[3]/2, h*0.3)                  // the header, downwards
			b.swipe(t, w/2, tabs[1]+tabs[3]/2, -h*0.3)         // the tabs
			b.screenshot(t, "phone-"+name+"-chat")

			// Home scrolls: at its end, a swipe further must stay in the
			// panel; the swipe back is the sign that the swipes were handled.
			b.tap(t, q(`.tab[data-route=home]`))
			b.waitFor(t, viewName+` == 'home'`)
			b.waitFor(t, shadow+`.querySelectorAll('.home-list .row').length >= 3`)
			body := q(`.body`)
			require.Greater(t, eval[float64](t, b, body+`.scrollHeight - `+body+`.clientHeight`), 50.0, "home overflows the panel")
			b.do(t, chromedp.Evaluate[chromedp.Void](body+`.scrollTop = 1e6`))
			end := eval[float64](t, b, body+`.scrollTop`)
			b.swipe(t, w/2, h*0.6, -h*0.4)
			b.swipe(t, w/2, h*0.3, h*0.4)
			b.waitFor(t, body+`.scrollTop < `+fmt.Sprint(end))
			assert.Zero(t, eval[float64](t, b, `scrollY`), "the page scrolled behind the panel")
			assert.Zero(t, eval[float64](t, b, `__scrolls`), "scroll events of the page behind the panel")
			assert.Equal(t, viewport, eval[[]float64](t, b, box(panel)), "the panel after the swipes")
		})
	}
}

// TestPhoneKeyboard opens the chat on a 375×667 phone whose on-screen
// keyboard comes up: the browser shrinks the visual viewport (the layout
// viewport, and with it 100vh and a fixed box's inset, stays as it was), so
// the panel follows window.visualViewport and the composer stays in view
// above the keyboard. Headless Chromium draws no keyboard, so the page's
// visualViewport is a stand-in that reports the real one's values until
// the test gives it the keyboard's.
func TestPhoneKeyboard(t *testing.T) {
	base := startServer(t)
	b := newBrowser(t)
	phone(t, b, 375, 667)
	b.onNewDocument(t, `(() => {
  const real = window.visualViewport, fake = new EventTarget();
  for (const k of ['width', 'height', 'offsetLeft', 'offsetTop', 'pageLeft', 'pageTop', 'scale'])
    Object.defineProperty(fake, k, {get: () => fake.keyboard?.[k] ?? real[k]});
  window.visualViewport = fake;
  window.__keyboard = (v) => { fake.keyboard = v; fake.dispatchEvent(new Event('resize')); };
})()`)
	b.do(t, chromedp.Navigate(hostPage(t, base+"/crumbless.js", `data-site="demo"`, phonePage)))
	b.waitFor(t, launcher+` != null`)
	b.tap(t, launcher)
	b.waitFor(t, panelReady)
	b.tap(t, q(`.tab[data-route=chat]`))
	b.waitFor(t, viewName+` == 'chat'`)
	assert.Equal(t, []float64{0, 0, 375, 667, 0, 0, 375, 667}, eval[[]float64](t, b, box(panel)), "before the keyboard")

	for _, kb := range []struct {
		name        string
		top, height float64
	}{
		{"keyboard up", 0, 367},
		{"keyboard up, the visual viewport scrolled down", 120, 367},
	} {
		t.Run(kb.name, func(t *testing.T) {
			eval[any](t, b, fmt.Sprintf(`__keyboard({offsetTop: %v, height: %v, scale: 1}), 0`, kb.top, kb.height))
			b.waitFor(t, fmt.Sprintf(`%s.getBoundingClientRect().height == %v`, panel, kb.height))
			got := eval[[]float64](t, b, box(panel))
			assert.Equal(t, []float64{0, kb.top, 375, kb.height}, got[:4], "the panel fills the visual viewport")
			composer := eval[[]float64](t, b, box(q(`.composer`)))
			assert.GreaterOrEqual(t, composer[1], kb.top, "the composer below the visual viewport's top")
			assert.LessOrEqual(t, composer[1]+composer[3], kb.top+kb.height, "the composer above the keyboard")
		})
		if kb.top == 0 {
			// The striped page below the panel is where the keyboard is.
			b.screenshot(t, "phone-keyboard")
		}
	}

	// Zoomed in with two fingers, the panel keeps the layout viewport's
	// size instead of shrinking to the zoomed area.
	eval[any](t, b, `__keyboard({offsetTop: 100, height: 333, scale: 2}), 0`)
	b.waitFor(t, panel+`.getBoundingClientRect().height == 667`)
	eval[any](t, b, `__keyboard(undefined), 0`)
	b.waitFor(t, panel+`.getBoundingClientRect().height == 667`)
	assert.Equal(t, []float64{0, 0, 375, 667, 0, 0, 375, 667}, eval[[]float64](t, b, box(panel)), "the keyboard gone")
}

// TestPhoneLoadError opens the widget on a 375×667 phone that cannot fetch
// the runtime: the loader's frame, with the error and its retry button,
// covers the viewport, and the launcher stays over it as the way to close
// it (the runtime's header, with its close button, never came).
func TestPhoneLoadError(t *testing.T) {
	base := startServer(t)
	b := newBrowser(t)
	phone(t, b, 375, 667)
	_, err := chromedp.Call(b.ctx, network.SetBlockedURLs, network.SetBlockedURLsParams{
		URLPatterns: []*network.BlockPattern{{URLPattern: "*://*:*/*.wasm", Block: true}},
	})
	require.NoError(t, err)
	b.do(t, chromedp.Navigate(hostPage(t, base+"/crumbless.js", `data-site="demo" data-prefetch="none"`, phonePage)))
	b.waitFor(t, launcher+` != null`)
	b.tap(t, launcher)
	b.waitFor(t, q(`.state[role=alert] button`)+` != null`)
	assert.Equal(t, []float64{0, 0, 375, 667, 0, 0, 375, 667}, eval[[]float64](t, b, box(panel)), "the error's frame")
	assert.True(t, eval[bool](t, b, `(() => { const r = `+launcher+`.getBoundingClientRect();
		return `+shadow+`.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2) == `+launcher+` })()`), "the launcher on top of the frame")
	b.screenshot(t, "phone-load-error")
	b.tap(t, launcher)
	b.waitFor(t, panel+`.hidden`)
	assert.Equal(t, "false", eval[string](t, b, launcher+`.getAttribute('aria-expanded')`))
}
