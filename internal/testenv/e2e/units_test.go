//go:build e2e

package e2e

import (
	"slices"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// panelMetrics lists, for every element of the open panel, its computed
// font size, line height, padding, margin, width and height: what would
// move if a size in the widget's CSS followed the page's root font size.
const panelMetrics = `[...` + shadow + `.querySelectorAll('[role=dialog], [role=dialog] *')].map(e => {
	const s = getComputedStyle(e), r = e.getBoundingClientRect();
	return [e.tagName, e.className, s.fontSize, s.lineHeight, s.padding, s.margin, r.width.toFixed(1), r.height.toFixed(1)].join(' ');
})`

// TestPanelIgnoresTheHostRootFontSize: a host page's root font size (here
// html { font-size: 40px }, or 10px as in "62.5%" resets) does not change
// the panel: the widget's CSS sizes are px, not rem.
func TestPanelIgnoresTheHostRootFontSize(t *testing.T) {
	base := startServer(t)
	b := newBrowser(t)
	setScheme(t, b, "light")
	openWidget(t, b, base)
	b.waitFor(t, q(`.home-list .row`)+` != null`)

	want := stableMetrics(t, b)
	require.Greater(t, len(want), 20, "the home view is rendered")
	b.screenshot(t, "units-root-16px")
	for _, size := range []string{"40px", "10px"} {
		t.Run(size, func(t *testing.T) {
			b.do(t, chromedp.Evaluate[chromedp.Void](`document.documentElement.style.fontSize = '`+size+`'`))
			assert.Equal(t, size, eval[string](t, b, `getComputedStyle(document.documentElement).fontSize`))
			got := stableMetrics(t, b)
			require.Len(t, got, len(want))
			var moved []string
			for i := range want {
				if got[i] != want[i] {
					moved = append(moved, want[i]+" → "+got[i])
				}
			}
			assert.Empty(t, moved, "every element of the panel keeps its size (tag class font-size line-height padding margin width height)")
			b.screenshot(t, "units-root-"+size)
		})
	}
}

// stableMetrics reads panelMetrics until two reads 300 ms apart agree: the
// home view fills in its lists as the content arrives.
func stableMetrics(t *testing.T, b *browser) []string {
	t.Helper()
	last := eval[[]string](t, b, panelMetrics)
	for range 30 {
		time.Sleep(300 * time.Millisecond)
		now := eval[[]string](t, b, panelMetrics)
		if slices.Equal(now, last) {
			return now
		}
		last = now
	}
	t.Fatal("the panel kept changing for 9 s")
	return nil
}
