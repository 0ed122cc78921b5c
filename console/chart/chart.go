// Package chart draws the console's statistics as SVG, in Go, without a
// chart library: Bars returns a tree of SVG elements (Node) that the
// console turns into DOM nodes, every text set as text, never as markup.
package chart

import "strconv"

// Node is an SVG element: its tag, attributes in order, its text and
// its children.
type Node struct {
	Tag   string
	Attrs [][2]string
	Text  string
	Kids  []*Node
}

// Attr returns the value of attribute name, "" when it has none.
func (n *Node) Attr(name string) string {
	for _, a := range n.Attrs {
		if a[0] == name {
			return a[1]
		}
	}
	return ""
}

// Find returns every node below n (n included) with class cls.
func (n *Node) Find(cls string) []*Node {
	var out []*Node
	if n.Attr("class") == cls {
		out = append(out, n)
	}
	for _, k := range n.Kids {
		out = append(out, k.Find(cls)...)
	}
	return out
}

func el(tag string, text string, attrs ...string) *Node {
	n := &Node{Tag: tag, Text: text}
	for i := 0; i+1 < len(attrs); i += 2 {
		n.Attrs = append(n.Attrs, [2]string{attrs[i], attrs[i+1]})
	}
	return n
}

// Size of a chart in SVG units; the console scales it to its width.
const (
	Width  = 600
	Height = 160
	top    = 16 // room for the largest value's label
	bottom = 20 // room for the first and last day
)

// Bar is one day of a chart: its label (the day), its value and the
// value as shown ("< 5" for a small count, which is drawn as a short
// hatched bar of no height of its own).
type Bar struct {
	Label string
	Value int64
	Shown string
}

// Bars draws one bar per day, scaled to the largest value, with the
// largest value and the first and last day written out. title names the
// chart for assistive technology (role="img" with aria-label); the table
// under it in the console carries the same numbers.
func Bars(title string, bars []Bar) *Node {
	svg := el("svg", "", "viewBox", "0 0 "+itoa(Width)+" "+itoa(Height), "role", "img", "aria-label", title,
		"class", "chart", "preserveAspectRatio", "none")
	svg.Kids = append(svg.Kids, el("title", title))
	var most int64
	for _, b := range bars {
		most = max(most, b.Value)
	}
	plot := Height - top - bottom
	n := len(bars)
	if n == 0 {
		return svg
	}
	step := float64(Width) / float64(n)
	w := max(step*0.8, 1)
	for i, b := range bars {
		h := 0.0
		if most > 0 {
			h = float64(b.Value) / float64(most) * float64(plot)
		}
		cls := "bar"
		if b.Value == 0 && b.Shown != "" && b.Shown != "0" {
			cls, h = "bar small", 3 // a small count: drawn, but not to scale
		}
		x := float64(i)*step + (step-w)/2
		bar := el("rect", "", "class", cls, "x", ftoa(x), "y", ftoa(float64(top+plot)-h), "width", ftoa(w), "height", ftoa(h),
			"data-day", b.Label, "data-count", b.Shown)
		bar.Kids = append(bar.Kids, el("title", b.Label+": "+b.Shown))
		svg.Kids = append(svg.Kids, bar)
	}
	svg.Kids = append(svg.Kids,
		el("line", "", "class", "axis", "x1", "0", "x2", itoa(Width), "y1", itoa(top+plot), "y2", itoa(top+plot)),
		el("text", strconv.FormatInt(most, 10), "class", "max", "x", "2", "y", "12"),
		el("text", bars[0].Label, "class", "day", "x", "2", "y", itoa(Height-4)),
		el("text", bars[n-1].Label, "class", "day", "x", itoa(Width-2), "y", itoa(Height-4), "text-anchor", "end"))
	return svg
}

func itoa(n int) string { return strconv.Itoa(n) }

func ftoa(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) }
