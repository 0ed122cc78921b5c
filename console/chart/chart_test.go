package chart

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBars(t *testing.T) {
	svg := Bars("Widget opens", []Bar{{"2026-12-01", 10, "10"}, {"2026-12-02", 0, "< 5"}, {"2026-12-03", 5, "5"}, {"2026-12-04", 0, "0"}})
	assert.Equal(t, "svg", svg.Tag)
	assert.Equal(t, "img", svg.Attr("role"))
	assert.Equal(t, "Widget opens", svg.Attr("aria-label"))
	bars := append(svg.Find("bar"), svg.Find("bar small")...)
	require.Len(t, bars, 4)
	height := map[string]string{}
	for _, b := range bars {
		height[b.Attr("data-day")] = b.Attr("height")
		assert.Equal(t, b.Attr("data-day")+": "+b.Attr("data-count"), b.Kids[0].Text, "each bar says its day and count")
	}
	assert.Equal(t, map[string]string{"2026-12-01": "124.0", "2026-12-02": "3.0", "2026-12-03": "62.0", "2026-12-04": "0.0"}, height,
		"scaled to the largest; a small count is marked, not to scale; zero is flat")
	assert.Equal(t, "10", svg.Find("max")[0].Text)
	days := svg.Find("day")
	assert.Equal(t, "2026-12-01", days[0].Text)
	assert.Equal(t, "2026-12-04", days[1].Text)
}

func TestBarsEmpty(t *testing.T) {
	svg := Bars("Nothing", nil)
	assert.Empty(t, svg.Find("bar"))
	svg = Bars("All zero", []Bar{{"d", 0, "0"}})
	require.Len(t, svg.Find("bar"), 1)
	assert.Equal(t, "0.0", svg.Find("bar")[0].Attr("height"))
}
