package stats

import (
	"bytes"
	"encoding/csv"
	"errors"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/crumbless/crumbless/server/storage"
)

// MaxDays is the longest range a report covers.
const MaxDays = 366

// DayFormat is how days are written: UTC, YYYY-MM-DD.
const DayFormat = "2006-01-02"

// Day returns the UTC day of a unix ms time.
func Day(ms int64) string { return time.UnixMilli(ms).UTC().Format(DayFormat) }

// ParseRange reads from and to (inclusive days, YYYY-MM-DD); empty ones
// default to the 30 days ending today. It refuses a range that ends
// before it starts or spans more than MaxDays days.
func ParseRange(from, to string, now time.Time) (time.Time, time.Time, error) {
	today := now.UTC().Truncate(24 * time.Hour)
	end, start := today, today.AddDate(0, 0, -29)
	var err error
	if to != "" {
		if end, err = time.Parse(DayFormat, to); err != nil {
			return start, end, errors.New("to must be a day such as 2026-12-04")
		}
	}
	if from != "" {
		if start, err = time.Parse(DayFormat, from); err != nil {
			return start, end, errors.New("from must be a day such as 2026-11-05")
		}
	} else if to != "" {
		start = end.AddDate(0, 0, -29)
	}
	if end.Before(start) {
		return start, end, errors.New("to must not be before from")
	}
	if end.Sub(start) >= MaxDays*24*time.Hour {
		return start, end, errors.New("the range must be at most " + strconv.Itoa(MaxDays) + " days")
	}
	return start, end, nil
}

// Cell is a count as a report shows it: from 1 to MinShown-1 it is the
// text "< 5" (in JSON too), so that a small group of visitors cannot be
// picked out; 0 and counts from MinShown are numbers.
type Cell int64

// Small reports whether the cell is shown as "< 5".
func (c Cell) Small() bool { return c > 0 && c < MinShown }

// String is the cell as shown.
func (c Cell) String() string {
	if c.Small() {
		return "< " + strconv.Itoa(MinShown)
	}
	return strconv.FormatInt(int64(c), 10)
}

// MarshalJSON writes a number, or the string "< 5".
func (c Cell) MarshalJSON() ([]byte, error) {
	if c.Small() {
		return []byte(`"` + c.String() + `"`), nil
	}
	return []byte(c.String()), nil
}

// Report is the statistics of a range of days.
type Report struct {
	From string   `json:"from"`
	To   string   `json:"to"`
	Days []string `json:"days"`
	// Series has one entry per kind (Kinds order): the count of each day
	// and the total.
	Series []Series `json:"series"`
	// Pages, Referrers, Languages and Devices break the opens down.
	Pages     []Row `json:"pages"`
	Referrers []Row `json:"referrers"`
	Languages []Row `json:"languages"`
	Devices   []Row `json:"devices"`
	// NoHits are the searches that found nothing, by query; Articles the
	// articles read and Forms the forms submitted, by id.
	NoHits   []Row `json:"nohits"`
	Articles []Row `json:"articles"`
	Forms    []Row `json:"forms"`
	// FirstResponse is the time from a conversation's first visitor
	// message to the first agent reply, by the day of that message and by
	// the agent who replied.
	FirstResponse Times `json:"first_response"`
	// Resolution is the time from a conversation's first visitor message
	// to its resolution, by the day it was resolved and by the agent it is
	// assigned to ("" unassigned); null while conversations have no
	// resolved state (SetResolution not called).
	Resolution *Times `json:"resolution"`
}

// Series is one kind's counts.
type Series struct {
	Kind  string `json:"kind"`
	Total Cell   `json:"total"`
	Days  []Cell `json:"days"`
}

// Row is one value of a breakdown with its count.
type Row struct {
	Value string `json:"value"`
	Count Cell   `json:"count"`
}

// Times are durations by day and by agent.
type Times struct {
	Days   []Timing `json:"days"`
	Agents []Timing `json:"agents"`
}

// Timing is the median and 90th percentile of N durations, in ms.
type Timing struct {
	Key      string `json:"key"` // the day or the agent
	N        Cell   `json:"n"`
	MedianMS int64  `json:"median_ms"`
	P90MS    int64  `json:"p90_ms"`
}

// Build makes the report of the days from start to end (inclusive) from
// the counts and the first-response samples of those days.
func Build(start, end time.Time, counts []storage.StatCount, samples []storage.ResponseSample) Report {
	r := Report{From: start.Format(DayFormat), To: end.Format(DayFormat)}
	index := map[string]int{}
	for d := start; !d.After(end); d = d.AddDate(0, 0, 1) {
		index[d.Format(DayFormat)] = len(r.Days)
		r.Days = append(r.Days, d.Format(DayFormat))
	}
	series := map[string]*Series{}
	for _, k := range Kinds {
		r.Series = append(r.Series, Series{Kind: k, Days: make([]Cell, len(r.Days))})
	}
	for i := range r.Series {
		series[r.Series[i].Kind] = &r.Series[i]
	}
	pages, refs, langs, devices := map[string]int64{}, map[string]int64{}, map[string]int64{}, map[string]int64{}
	nohits, articles, forms := map[string]int64{}, map[string]int64{}, map[string]int64{}
	for _, c := range counts {
		i, ok := index[c.Day]
		s := series[c.Kind]
		if !ok || s == nil {
			continue
		}
		s.Days[i] += Cell(c.N)
		s.Total += Cell(c.N)
		switch c.Kind {
		case Open:
			pages[c.Path] += c.N
			refs[c.Referrer] += c.N
			langs[c.Lang] += c.N
			devices[c.Device] += c.N
		case NoHit:
			nohits[c.Detail] += c.N
		case Read:
			articles[c.Detail] += c.N
		case Form:
			forms[c.Detail] += c.N
		}
	}
	r.Pages, r.Referrers, r.Languages, r.Devices = rows(pages), rows(refs), rows(langs), rows(devices)
	r.NoHits, r.Articles, r.Forms = rows(nohits), rows(articles), rows(forms)
	byDay, byAgent := map[string][]int64{}, map[string][]int64{}
	for _, s := range samples {
		if s.Replied == 0 {
			continue
		}
		d := s.Replied - s.Asked
		byDay[Day(s.Asked)] = append(byDay[Day(s.Asked)], d)
		byAgent[s.Agent] = append(byAgent[s.Agent], d)
	}
	r.FirstResponse = Times{Days: timings(byDay), Agents: timings(byAgent)}
	return r
}

// SetResolution adds the resolution times of the conversations resolved
// in the report's days (storage.Stats.ResolutionSamples: Replied is when
// each was resolved).
func (r *Report) SetResolution(samples []storage.ResponseSample) {
	byDay, byAgent := map[string][]int64{}, map[string][]int64{}
	for _, s := range samples {
		d := s.Replied - s.Asked
		byDay[Day(s.Replied)] = append(byDay[Day(s.Replied)], d)
		byAgent[s.Agent] = append(byAgent[s.Agent], d)
	}
	r.Resolution = &Times{Days: timings(byDay), Agents: timings(byAgent)}
}

// rows sorts a breakdown by count, largest first, then by value.
func rows(m map[string]int64) []Row {
	out := make([]Row, 0, len(m))
	for v, n := range m {
		out = append(out, Row{Value: v, Count: Cell(n)})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Value < out[j].Value
	})
	return out
}

func timings(m map[string][]int64) []Timing {
	out := make([]Timing, 0, len(m))
	for k, ds := range m {
		slices.Sort(ds)
		out = append(out, Timing{Key: k, N: Cell(len(ds)), MedianMS: Median(ds), P90MS: Percentile(ds, 90)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// Median returns the middle of sorted values (the mean of the two middle
// ones for an even count), 0 for none.
func Median(sorted []int64) int64 {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	if n%2 == 1 {
		return sorted[n/2]
	}
	return (sorted[n/2-1] + sorted[n/2]) / 2
}

// Percentile returns the p-th percentile of sorted values by the
// nearest-rank method (the smallest value with at least p% at or below
// it), 0 for none.
func Percentile(sorted []int64, p int) int64 {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	rank := (p*n + 99) / 100 // ceil(p/100 × n)
	return sorted[max(rank, 1)-1]
}

// CSV writes the report as one table: section, key, kind or value, and
// the count as shown ("< 5" for small ones), one line per day and kind,
// then the breakdowns and the response times.
func (r Report) CSV() []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write([]string{"section", "key", "name", "count", "median_ms", "p90_ms"})
	for _, s := range r.Series {
		for i, d := range r.Days {
			w.Write([]string{"day", d, s.Kind, s.Days[i].String(), "", ""})
		}
		w.Write([]string{"total", r.From + ".." + r.To, s.Kind, s.Total.String(), "", ""})
	}
	for _, sec := range []struct {
		name string
		rows []Row
	}{{"page", r.Pages}, {"referrer", r.Referrers}, {"language", r.Languages}, {"device", r.Devices},
		{"search_without_result", r.NoHits}, {"article", r.Articles}, {"form", r.Forms}} {
		for _, row := range sec.rows {
			w.Write([]string{sec.name, cellText(row.Value), "", row.Count.String(), "", ""})
		}
	}
	timing := func(section string, ts []Timing) {
		for _, t := range ts {
			w.Write([]string{section, cellText(t.Key), "", t.N.String(), strconv.FormatInt(t.MedianMS, 10), strconv.FormatInt(t.P90MS, 10)})
		}
	}
	timing("first_response_day", r.FirstResponse.Days)
	timing("first_response_agent", r.FirstResponse.Agents)
	if r.Resolution != nil {
		timing("resolution_day", r.Resolution.Days)
		timing("resolution_agent", r.Resolution.Agents)
	}
	w.Flush()
	return b.Bytes()
}

// cellText keeps a spreadsheet from reading text that visitors typed
// (a search) as a formula: such a cell starts with an apostrophe.
func cellText(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
