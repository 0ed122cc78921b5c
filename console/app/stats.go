//go:build js && wasm

package app

import (
	"strconv"
	"syscall/js"
	"time"

	"honnef.co/go/js/dom/v2"

	"github.com/crumbless/crumbless/console/chart"
	"github.com/crumbless/crumbless/console/web"
)

// statsRange is the query of the last days days, today (UTC) included.
func statsRange(days int) string {
	to := time.Now().UTC()
	from := to.AddDate(0, 0, -(days - 1))
	return "from=" + from.Format("2006-01-02") + "&to=" + to.Format("2006-01-02")
}

func (a *App) statsDays() int {
	n, err := strconv.Atoi(value(byID("stats-days")))
	if err != nil || (n != 7 && n != 30 && n != 90) {
		return 30
	}
	return n
}

// loadStats fetches the report of the chosen period and draws it.
func (a *App) loadStats() {
	status := byID("stats-status")
	status.SetTextContent(a.loc.T("stats.loading"))
	a.statsLoad++
	load := a.statsLoad
	var r js.Value
	err := a.client.Do("GET", "/api/v1/agent/stats?"+statsRange(a.statsDays()), nil, &r)
	if load != a.statsLoad { // another period was asked for meanwhile
		return
	}
	if err != nil {
		status.SetTextContent("")
		a.failed(err)
		return
	}
	a.renderStats(r)
	status.SetTextContent("")
}

// downloadStats saves the period's report as CSV.
func (a *App) downloadStats() {
	q := statsRange(a.statsDays())
	text, err := a.client.Text("/api/v1/agent/stats?format=csv&" + q)
	if err != nil {
		a.failed(err)
		return
	}
	web.Download("crumbless-stats.csv", "text/csv", text)
}

func (a *App) wireStats() {
	on(byID("stats-days"), "change", false, func(dom.Event) { a.loadStats() })
	on(byID("stats-csv"), "click", false, func(dom.Event) { a.downloadStats() })
}

// cell reads a count of the report: a number, or the text "< 5" (value 0).
func cell(v js.Value) (int64, string) {
	if v.Type() == js.TypeString {
		return 0, v.String()
	}
	n := int64(v.Float())
	return n, strconv.FormatInt(n, 10)
}

// renderStats draws a chart per kind with its table, the breakdowns and
// the response times. Values from visitors (a search, a page) are text.
func (a *App) renderStats(r js.Value) {
	body := byID("stats-body")
	body.SetTextContent("")
	days := r.Get("days")
	series := r.Get("series")
	for i := 0; i < series.Length(); i++ {
		s := series.Index(i)
		kind := s.Get("kind").String()
		title := a.loc.T("stats.k." + kind)
		sec := create("section", "stats-kind", "")
		sec.SetAttribute("data-kind", kind)
		sec.AppendChild(create("h3", "", title))
		_, total := cell(s.Get("total"))
		sec.AppendChild(create("p", "stats-total", a.loc.T("stats.total", "n", total)))
		var bars []chart.Bar
		rows := [][]string{}
		cells := s.Get("days")
		for j := 0; j < days.Length(); j++ {
			n, shown := cell(cells.Index(j))
			day := days.Index(j).String()
			bars = append(bars, chart.Bar{Label: day, Value: n, Shown: shown})
			rows = append(rows, []string{day, shown})
		}
		sec.AppendChild(svg(chart.Bars(title, bars)))
		details := create("details", "", "")
		details.AppendChild(create("summary", "", a.loc.T("stats.table")))
		details.AppendChild(a.table([]string{a.loc.T("stats.day"), a.loc.T("stats.count")}, rows))
		sec.AppendChild(details)
		if kind == "invite_closed" { // the last of the invitations: what they count
			sec.AppendChild(create("p", "stats-note", a.loc.T("stats.invite_note")))
		}
		body.AppendChild(sec)
	}
	for _, b := range []struct{ id, key string }{
		{"nohits", "stats.nohits"}, {"articles", "stats.articles"}, {"forms", "stats.forms"},
		{"pages", "stats.pages"}, {"referrers", "stats.referrers"}, {"languages", "stats.languages"}, {"devices", "stats.devices"},
	} {
		list := r.Get(b.id)
		rows := [][]string{}
		for i := 0; i < list.Length(); i++ {
			v := list.Index(i).Get("value").String()
			if v == "" {
				v = a.loc.T("stats.none")
			}
			_, shown := cell(list.Index(i).Get("count"))
			rows = append(rows, []string{v, shown})
		}
		sec := create("section", "stats-breakdown", "")
		sec.SetID("stats-" + b.id)
		sec.AppendChild(create("h3", "", a.loc.T(b.key)))
		sec.AppendChild(a.table([]string{a.loc.T("stats.value"), a.loc.T("stats.count")}, rows))
		body.AppendChild(sec)
	}
	for _, m := range []struct{ field, id, days, agents string }{
		{"first_response", "first", "stats.first_days", "stats.first_agents"},
		{"resolution", "resolution", "stats.resolution_days", "stats.resolution_agents"},
	} {
		times := r.Get(m.field)
		if times.Type() != js.TypeObject { // null: conversations have no resolved state
			continue
		}
		for _, t := range []struct{ id, key, head string }{{"days", m.days, "stats.day"}, {"agents", m.agents, "stats.agent"}} {
			list := times.Get(t.id)
			rows := [][]string{}
			for i := 0; i < list.Length(); i++ {
				x := list.Index(i)
				_, n := cell(x.Get("n"))
				key := x.Get("key").String()
				if key == "" {
					key = a.loc.T("stats.none")
				}
				rows = append(rows, []string{key, n, duration(x.Get("median_ms").Float()), duration(x.Get("p90_ms").Float())})
			}
			sec := create("section", "stats-breakdown", "")
			sec.SetID("stats-" + m.id + "-" + t.id)
			sec.AppendChild(create("h3", "", a.loc.T(t.key)))
			sec.AppendChild(a.table([]string{a.loc.T(t.head), a.loc.T("stats.n"), a.loc.T("stats.median"), a.loc.T("stats.p90")}, rows))
			body.AppendChild(sec)
		}
	}
}

// table makes a table with a header row; cells after the first are
// numbers, the first is text in its own direction.
func (a *App) table(head []string, rows [][]string) dom.HTMLElement {
	t := create("table", "stats-table", "")
	tr := create("tr", "", "")
	for _, h := range head {
		th := create("th", "", h)
		th.SetAttribute("scope", "col")
		tr.AppendChild(th)
	}
	thead := create("thead", "", "")
	thead.AppendChild(tr)
	t.AppendChild(thead)
	tbody := create("tbody", "", "")
	if len(rows) == 0 {
		row := create("tr", "", "")
		td := create("td", "", a.loc.T("stats.empty"))
		td.SetAttribute("colspan", strconv.Itoa(len(head)))
		row.AppendChild(td)
		tbody.AppendChild(row)
	}
	for _, r := range rows {
		row := create("tr", "", "")
		for i, c := range r {
			if i == 0 {
				row.AppendChild(content("td", "", c))
			} else {
				row.AppendChild(create("td", "n", c))
			}
		}
		tbody.AppendChild(row)
	}
	t.AppendChild(tbody)
	return t
}

// duration shows milliseconds as seconds, minutes or hours.
func duration(ms float64) string {
	s := ms / 1000
	switch {
	case s < 90:
		return strconv.FormatFloat(s, 'f', 0, 64) + " s"
	case s < 90*60:
		return strconv.FormatFloat(s/60, 'f', 1, 64) + " min"
	}
	return strconv.FormatFloat(s/3600, 'f', 1, 64) + " h"
}

// svg makes the DOM of a chart (console/chart) in the SVG namespace, its
// texts as text.
func svg(n *chart.Node) dom.Element {
	el := page.CreateElementNS("http://www.w3.org/2000/svg", n.Tag)
	for _, at := range n.Attrs {
		el.SetAttribute(at[0], at[1])
	}
	if n.Text != "" {
		el.SetTextContent(n.Text)
	}
	for _, k := range n.Kids {
		el.AppendChild(svg(k))
	}
	return el
}
