package chat

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crumbless/crumbless/server/hours"
)

// TestAvailabilitySaysWhenTheTeamIsBack: outside the business hours the
// availability carries the next opening (unix ms); inside them, or without
// a schedule, it carries none.
func TestAvailabilitySaysWhenTheTeamIsBack(t *testing.T) {
	s, err := hours.Parse([]byte(`{"zone":"Europe/Stockholm",
		"week":{"mon":["09:00-17:00"],"tue":["09:00-17:00"],"wed":["09:00-17:00"],"thu":["09:00-17:00"],"fri":["09:00-17:00"]},
		"holidays":["2026-01-01"]}`))
	require.NoError(t, err)
	fx := newFixture(t, func(c *Config) { c.Hours = s }) // 2026-01-01 00:00 UTC, a Thursday and a holiday
	back := func() any {
		rec := fx.do(request{method: "GET", path: "/api/v1/availability"})
		require.Equal(t, http.StatusOK, rec.Code)
		return decodeBody(t, rec)["back"]
	}
	friday9 := time.Date(2026, 1, 2, 8, 0, 0, 0, time.UTC) // 09:00 CET
	assert.Equal(t, float64(friday9.UnixMilli()), back(), "the holiday is skipped")
	fx.advance(34 * time.Hour) // Friday 11:00 CET
	assert.Nil(t, back(), "open")
	fx.advance(8 * time.Hour) // Friday 19:00 CET
	monday9 := time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC)
	assert.Equal(t, float64(monday9.UnixMilli()), back(), "after the weekend")

	plain := newFixture(t)
	rec := plain.do(request{method: "GET", path: "/api/v1/availability"})
	assert.NotContains(t, decodeBody(t, rec), "back", "no schedule")
}
