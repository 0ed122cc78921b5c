//go:build js && wasm

package views

import (
	"syscall/js"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestHomeSaysWhenTheTeamIsBack: outside the business hours Home shows
// the next opening in the visitor's language and time zone (fixed here to
// Europe/Stockholm) at a frozen clock: the weekday within six days, the
// date too beyond; online and no schedule show as before. (Chromium's
// Arabic uses Latin digits, as CLDR's "ar" does.)
func TestHomeSaysWhenTheTeamIsBack(t *testing.T) {
	defer func(f func() int64, z js.Value) { nowMs, hoursZone = f, z }(nowMs, hoursZone)
	const now = 1764928800000 // Friday 2025-12-05 10:00 UTC (11:00 in Stockholm)
	nowMs = func() int64 { return now }
	hoursZone = js.ValueOf("Europe/Stockholm")
	const monday9 = 1765180800000 // Monday 2025-12-08 08:00 UTC, 09:00 in Stockholm
	const jan7 = 1767772800000    // Wednesday 2026-01-07 08:00 UTC, 09:00 in Stockholm
	cases := []struct {
		name, lang string
		online     bool
		back       int64
		want       string
	}{
		{"English", "en", false, monday9, "Back Monday 9:00 AM"},
		{"Swedish", "sv", false, monday9, "Tillbaka måndag 09:00"},
		{"Arabic", "ar", false, monday9, "نعود الاثنين 9:00 ص"},
		{"Swedish, after the holidays", "sv", false, jan7, "Tillbaka onsdag 7 januari kl. 9:00"},
		{"Arabic, after the holidays", "ar", false, jan7, "نعود الأربعاء، 7 يناير في 9:00 ص"},
		{"online", "sv", true, monday9, "Teamet är online och svarar oftast inom några minuter."},
		{"no schedule", "en", false, 0, "Find an answer right away, or write to us and we will reply by email."},
		{"the opening passed", "en", false, now - 1, "Find an answer right away, or write to us and we will reply by email."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			clearStorage(t)
			conv := newFake()
			conv.online, conv.back = c.online, c.back
			f := mount(t, true, Options{Lang: c.lang, Chat: conv})
			assert.Equal(t, c.want, f.text(".avail span:last-child"))
		})
	}
}
