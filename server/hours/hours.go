// Package hours is the team's business hours: a weekly schedule in an IANA
// time zone with holidays, read from a JSON file (the -hours flag), and
// the next opening it gives at a moment, which the widget shows as "Back
// Monday 09:00" in the visitor's own time zone and language.
//
// The file:
//
//	{
//	  "zone": "Europe/Stockholm",
//	  "week": {"mon": ["09:00-12:00", "13:00-17:00"], "tue": ["09:00-17:00"], "sat": []},
//	  "holidays": ["2026-12-24", "2026-12-25"]
//	}
//
// Days left out of "week" are closed. A span is "HH:MM-HH:MM" in the
// zone's wall-clock time, start before end (24:00 ends at midnight);
// spans of a day may not overlap. A holiday closes that whole date. A wall
// time that does not exist on a spring-forward day (02:30 in Europe) is
// read in the offset before the change (03:30 after it); one that exists
// twice on a fall-back day is the first.
package hours

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // the zones, on hosts without a zoneinfo database
)

// Schedule is a validated weekly schedule. The zero value has no hours.
type Schedule struct {
	loc      *time.Location
	week     [7][]span // by time.Weekday
	holidays map[string]bool
}

// span is an opening in minutes after midnight, wall-clock time.
type span struct{ from, to int }

// file is the JSON form of a Schedule.
type file struct {
	Zone     string              `json:"zone"`
	Week     map[string][]string `json:"week"`
	Holidays []string            `json:"holidays"`
}

var dayNames = [7]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

// Load reads and validates the schedule in the JSON file name.
func Load(name string) (*Schedule, error) {
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("business hours: %w", err)
	}
	s, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("business hours %s: %w", name, err)
	}
	return s, nil
}

// Parse validates a schedule: unknown fields, an unknown zone or day, a
// malformed or overlapping span, a malformed or repeated holiday and a
// schedule that never opens are errors that name what is wrong.
func Parse(b []byte) (*Schedule, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var f file
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	if dec.More() {
		return nil, errors.New("read: text after the JSON object")
	}
	if f.Zone == "" {
		return nil, errors.New(`"zone" is missing: name an IANA time zone such as "Europe/Stockholm"`)
	}
	loc, err := time.LoadLocation(f.Zone)
	if err != nil || f.Zone == "Local" {
		return nil, fmt.Errorf(`"zone" %q is not an IANA time zone`, f.Zone)
	}
	s := &Schedule{loc: loc, holidays: map[string]bool{}}
	open := false
	for name, spans := range f.Week {
		d := dayIndex(name)
		if d < 0 {
			return nil, fmt.Errorf(`"week": unknown day %q (use mon, tue, wed, thu, fri, sat, sun)`, name)
		}
		for _, text := range spans {
			sp, err := parseSpan(text)
			if err != nil {
				return nil, fmt.Errorf(`"week" %s: %w`, name, err)
			}
			s.week[d] = append(s.week[d], sp)
		}
		sort.Slice(s.week[d], func(i, j int) bool { return s.week[d][i].from < s.week[d][j].from })
		for i := 1; i < len(s.week[d]); i++ {
			if s.week[d][i].from < s.week[d][i-1].to {
				return nil, fmt.Errorf(`"week" %s: spans overlap`, name)
			}
		}
		open = open || len(spans) > 0
	}
	if !open {
		return nil, errors.New(`"week" has no opening hours`)
	}
	for _, h := range f.Holidays {
		if _, err := time.Parse(time.DateOnly, h); err != nil {
			return nil, fmt.Errorf(`"holidays": %q is not a date like 2026-12-24`, h)
		}
		if s.holidays[h] {
			return nil, fmt.Errorf(`"holidays": %s is listed twice`, h)
		}
		s.holidays[h] = true
	}
	return s, nil
}

func dayIndex(name string) int {
	for i, n := range dayNames {
		if n == name {
			return i
		}
	}
	return -1
}

// parseSpan reads "09:00-17:00".
func parseSpan(text string) (span, error) {
	from, to, ok := strings.Cut(text, "-")
	a, okA := clock(from)
	b, okB := clock(to)
	switch {
	case !ok || !okA || !okB:
		return span{}, fmt.Errorf("%q is not a span like 09:00-17:00", text)
	case a >= b || a == 24*60:
		return span{}, fmt.Errorf("%q ends before it starts", text)
	}
	return span{a, b}, nil
}

// clock reads "HH:MM" (00:00 to 24:00) as minutes after midnight.
func clock(s string) (int, bool) {
	h, m, ok := strings.Cut(s, ":")
	if !ok || len(h) != 2 || len(m) != 2 {
		return 0, false
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hh < 0 || mm < 0 || mm > 59 || hh > 24 || hh == 24 && mm != 0 {
		return 0, false
	}
	return hh*60 + mm, true
}

// Next reports whether the team's hours are open at now and, when they
// are not, the moment they next open. A schedule whose holidays close
// every opening of the coming 400 days reports closed with a zero time.
func (s *Schedule) Next(now time.Time) (open bool, next time.Time) {
	if s == nil || s.loc == nil {
		return true, time.Time{}
	}
	local := now.In(s.loc)
	y, m, d := local.Date()
	for i := 0; i <= 400; i++ {
		day := time.Date(y, m, d+i, 12, 0, 0, 0, s.loc) // noon: never skipped by a clock change
		if s.holidays[day.Format(time.DateOnly)] {
			continue
		}
		for _, sp := range s.week[day.Weekday()] {
			from := s.at(day, sp.from)
			to := s.at(day, sp.to)
			switch {
			case now.Before(from):
				return false, from
			case now.Before(to):
				return true, time.Time{}
			}
		}
	}
	return false, time.Time{}
}

// at is the moment of the wall-clock time minutes after the start of day:
// the first of the two when the clocks went back over it.
func (s *Schedule) at(day time.Time, minutes int) time.Time {
	y, m, d := day.Date()
	t := time.Date(y, m, d, minutes/60, minutes%60, 0, 0, s.loc)
	for _, back := range []time.Duration{time.Hour, 30 * time.Minute} { // the sizes of clock changes in use
		if e := t.Add(-back); e.Hour() == t.Hour() && e.Minute() == t.Minute() && e.Day() == t.Day() {
			return e
		}
	}
	return t
}
