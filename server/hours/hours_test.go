package hours

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const stockholm = `{
  "zone": "Europe/Stockholm",
  "week": {"mon": ["09:00-12:00", "13:00-17:00"], "tue": ["09:00-17:00"], "wed": ["09:00-17:00"],
           "thu": ["09:00-17:00"], "fri": ["09:00-15:00"], "sun": ["02:30-04:00"]},
  "holidays": ["2026-12-24", "2026-12-25"]
}`

func TestNext(t *testing.T) {
	s, err := Parse([]byte(stockholm))
	require.NoError(t, err)
	loc, err := time.LoadLocation("Europe/Stockholm")
	require.NoError(t, err)
	at := func(text string) time.Time { // wall clock in Stockholm
		tm, err := time.ParseInLocation("2006-01-02 15:04", text, loc)
		require.NoError(t, err)
		return tm
	}
	utc := func(text string) time.Time {
		tm, err := time.Parse("2006-01-02 15:04", text)
		require.NoError(t, err)
		return tm
	}
	tests := []struct {
		name string
		now  time.Time
		open bool
		next time.Time
	}{
		{"inside a span", at("2026-12-01 10:00"), true, time.Time{}},
		{"the first minute is open", at("2026-12-01 09:00"), true, time.Time{}},
		{"the end is closed", at("2026-12-01 17:00"), false, at("2026-12-02 09:00")},
		{"lunch", at("2026-11-30 12:30"), false, at("2026-11-30 13:00")},
		{"early morning", at("2026-12-01 06:00"), false, at("2026-12-01 09:00")},
		{"friday evening to monday", at("2026-12-04 15:00"), false, at("2026-12-06 02:30")},
		{"holidays skipped", at("2026-12-23 18:00"), false, at("2026-12-27 02:30")},
		{"on a holiday", at("2026-12-24 10:00"), false, at("2026-12-27 02:30")},
		// 2027-03-28 02:00 CET the clocks go to 03:00 CEST: 02:30 does not exist.
		{"spring forward: 02:30 opens at 03:30 CEST", utc("2027-03-27 23:00"), false, utc("2027-03-28 01:30")},
		// Before the change Monday 09:00 is 08:00 UTC, after it 07:00 UTC.
		{"monday after spring forward", utc("2027-03-28 03:00"), false, utc("2027-03-29 07:00")},
		// 2026-10-25 03:00 CEST the clocks go back to 02:00 CET: 02:30 exists twice.
		{"fall back: the first 02:30", utc("2026-10-24 22:00"), false, utc("2026-10-25 00:30")},
		{"monday after fall back", utc("2026-10-25 03:00"), false, utc("2026-10-26 08:00")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			open, next := s.Next(tt.now)
			assert.Equal(t, tt.open, open)
			assert.True(t, tt.next.Equal(next), "next: got %v, want %v", next.UTC(), tt.next.UTC())
		})
	}
}

func TestNextWithoutSchedule(t *testing.T) {
	var s *Schedule
	open, next := s.Next(time.Now())
	assert.True(t, open)
	assert.True(t, next.IsZero())
}

func TestNextHolidaysForever(t *testing.T) {
	s, err := Parse([]byte(`{"zone":"UTC","week":{"mon":["09:00-24:00"]},"holidays":["2026-12-07"]}`))
	require.NoError(t, err)
	open, next := s.Next(time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC))
	assert.False(t, open)
	assert.Equal(t, time.Date(2026, 12, 14, 9, 0, 0, 0, time.UTC), next)
	open, _ = s.Next(time.Date(2026, 12, 14, 23, 59, 0, 0, time.UTC))
	assert.True(t, open, "24:00 ends at midnight")
}

func TestParseRefuses(t *testing.T) {
	tests := []struct{ name, json, want string }{
		{"not JSON", `{`, "read:"},
		{"unknown field", `{"zone":"UTC","week":{"mon":["09:00-17:00"]},"tz":"x"}`, `unknown field "tz"`},
		{"trailing text", `{"zone":"UTC","week":{"mon":["09:00-17:00"]}} {}`, "text after"},
		{"no zone", `{"week":{"mon":["09:00-17:00"]}}`, `"zone" is missing`},
		{"unknown zone", `{"zone":"Mars/Olympus","week":{"mon":["09:00-17:00"]}}`, `"Mars/Olympus" is not an IANA time zone`},
		{"Local", `{"zone":"Local","week":{"mon":["09:00-17:00"]}}`, "not an IANA"},
		{"unknown day", `{"zone":"UTC","week":{"monday":["09:00-17:00"]}}`, `unknown day "monday"`},
		{"bad span", `{"zone":"UTC","week":{"mon":["9-17"]}}`, `"9-17" is not a span`},
		{"bad minute", `{"zone":"UTC","week":{"mon":["09:60-17:00"]}}`, "is not a span"},
		{"past midnight", `{"zone":"UTC","week":{"mon":["09:00-24:30"]}}`, "is not a span"},
		{"backwards", `{"zone":"UTC","week":{"mon":["17:00-09:00"]}}`, "ends before it starts"},
		{"empty span", `{"zone":"UTC","week":{"mon":["09:00-09:00"]}}`, "ends before it starts"},
		{"overlap", `{"zone":"UTC","week":{"mon":["09:00-12:00","11:00-13:00"]}}`, "spans overlap"},
		{"never open", `{"zone":"UTC","week":{"mon":[]}}`, "no opening hours"},
		{"bad holiday", `{"zone":"UTC","week":{"mon":["09:00-17:00"]},"holidays":["24/12"]}`, `"24/12" is not a date`},
		{"repeated holiday", `{"zone":"UTC","week":{"mon":["09:00-17:00"]},"holidays":["2026-12-24","2026-12-24"]}`, "listed twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.json))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestLoad(t *testing.T) {
	name := filepath.Join(t.TempDir(), "hours.json")
	_, err := Load(name)
	require.ErrorContains(t, err, "business hours:")
	require.NoError(t, os.WriteFile(name, []byte(`{"zone":"UTC","week":{"mon":["9"]}}`), 0o600))
	_, err = Load(name)
	require.ErrorContains(t, err, "business hours "+name+`: "week" mon:`)
	require.NoError(t, os.WriteFile(name, []byte(stockholm), 0o600))
	s, err := Load(name)
	require.NoError(t, err)
	assert.NotNil(t, s)
}
