package stats

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crumbless/crumbless/server/storage"
)

func TestClean(t *testing.T) {
	cases := []struct{ name, got, want string }{
		{"path drops query", CleanPath("/pricing?email=a@b.c#x"), "/pricing"},
		{"path must be absolute", CleanPath("pricing"), ""},
		{"path control char", CleanPath("/a\nb"), ""},
		{"path capped", CleanPath("/" + strings.Repeat("é", 150)), "/" + strings.Repeat("é", 99)},
		{"origin only", Origin("https://Search.Example:8443/q?s=me"), "https://search.example:8443"},
		{"origin not http", Origin("javascript:alert(1)"), ""},
		{"origin with user", Origin("https://u:p@x.example/"), ""},
		{"origin empty", Origin(""), ""},
		{"lang base", CleanLang("de-AT"), "de"},
		{"lang bad", CleanLang("d3"), ""},
		{"device", CleanDevice("small"), "small"},
		{"device bad", CleanDevice("phone"), ""},
		{"query normalised", NormalizeQuery("  Refund\tPOLICY  now "), "refund policy now"},
		{"query email hidden", NormalizeQuery("my mail ana@example.org"), Hidden},
		{"query number hidden", NormalizeQuery("order 555 1234"), Hidden},
		{"query short number kept", NormalizeQuery("iso 9001"), "iso 9001"},
		{"query capped", NormalizeQuery(strings.Repeat("ab ", 40)), strings.TrimSpace(strings.Repeat("ab ", 22))[:MaxDetail]},
		{"query controls dropped", NormalizeQuery("a\u200e\u0000b"), "ab"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { assert.Equal(t, c.want, c.got) })
	}
	_, ok := CleanID("contact-us_2")
	assert.True(t, ok)
	_, ok = CleanID("a/b")
	assert.False(t, ok)
}

func TestCell(t *testing.T) {
	for _, c := range []struct {
		n          int64
		text, json string
	}{{0, "0", "0"}, {1, "< 5", `"< 5"`}, {4, "< 5", `"< 5"`}, {5, "5", "5"}, {1234, "1234", "1234"}} {
		t.Run(c.text, func(t *testing.T) {
			assert.Equal(t, c.text, Cell(c.n).String())
			assert.Equal(t, c.json, string(marshal(t, Cell(c.n))))
		})
	}
}

func TestParseRange(t *testing.T) {
	now := time.Date(2026, 12, 4, 13, 0, 0, 0, time.UTC)
	day := func(s string) time.Time { d, _ := time.Parse(DayFormat, s); return d }
	cases := []struct {
		from, to, wantFrom, wantTo, err string
	}{
		{"", "", "2026-11-05", "2026-12-04", ""},
		{"2026-12-01", "2026-12-01", "2026-12-01", "2026-12-01", ""},
		{"", "2026-06-30", "2026-06-01", "2026-06-30", ""},
		{"2025-12-04", "2026-12-04", "2025-12-04", "2026-12-04", ""},
		{"2025-12-03", "2026-12-04", "", "", "at most 366 days"},
		{"2026-12-05", "2026-12-04", "", "", "before"},
		{"yesterday", "", "", "", "from must be"},
		{"", "2026-13-01", "", "", "to must be"},
	}
	for _, c := range cases {
		t.Run(c.from+".."+c.to, func(t *testing.T) {
			f, to, err := ParseRange(c.from, c.to, now)
			if c.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), c.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, day(c.wantFrom), f)
			assert.Equal(t, day(c.wantTo), to)
		})
	}
}

func TestQuantiles(t *testing.T) {
	cases := []struct {
		in          []int64
		median, p90 int64
	}{
		{nil, 0, 0},
		{[]int64{7}, 7, 7},
		{[]int64{1, 3}, 2, 3},
		{[]int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 5, 9},
		{[]int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 100}, 6, 10},
	}
	for _, c := range cases {
		t.Run("", func(t *testing.T) {
			assert.Equal(t, c.median, Median(c.in))
			assert.Equal(t, c.p90, Percentile(c.in, 90))
		})
	}
}

func TestBuild(t *testing.T) {
	start, end := time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)
	counts := []storage.StatCount{
		{Day: "2026-12-03", Kind: Open, Path: "/", Lang: "en", Device: Large, N: 6},
		{Day: "2026-12-04", Kind: Open, Path: "/a", Lang: "de", Device: Small, N: 2},
		{Day: "2026-12-04", Kind: NoHit, Detail: "=cmd()", N: 1},
		{Day: "2026-12-04", Kind: Form, Detail: "contact", N: 9},
		{Day: "2026-12-09", Kind: Open, N: 100}, // outside
		{Day: "2026-12-04", Kind: "unknown", N: 100},
	}
	samples := []storage.ResponseSample{
		{Asked: start.UnixMilli(), Replied: start.UnixMilli() + 1000, Agent: "ana"},
		{Asked: start.UnixMilli() + 10, Replied: start.UnixMilli() + 3010, Agent: "ana"},
		{Asked: end.UnixMilli(), Replied: 0},
	}
	r := Build(start, end, counts, samples)
	assert.Equal(t, []string{"2026-12-03", "2026-12-04"}, r.Days)
	assert.Equal(t, Series{Kind: Open, Total: 8, Days: []Cell{6, 2}}, r.Series[0])
	assert.Equal(t, []Row{{"/", 6}, {"/a", 2}}, r.Pages)
	assert.Equal(t, []Row{{Large, 6}, {Small, 2}}, r.Devices)
	assert.Equal(t, []Row{{"=cmd()", 1}}, r.NoHits)
	assert.Equal(t, []Timing{{Key: "ana", N: 2, MedianMS: 2000, P90MS: 3000}}, r.FirstResponse.Agents)
	assert.Equal(t, []Timing{{Key: "2026-12-03", N: 2, MedianMS: 2000, P90MS: 3000}}, r.FirstResponse.Days)

	assert.Contains(t, string(marshal(t, r)), `{"kind":"open","total":8,"days":[6,"< 5"]}`)
	csv := string(r.CSV())
	assert.Contains(t, csv, "day,2026-12-04,open,< 5,,\n")
	assert.Contains(t, csv, "total,2026-12-03..2026-12-04,open,8,,\n")
	assert.Contains(t, csv, "search_without_result,'=cmd(),,< 5,,\n", "a visitor's text never becomes a formula")
	assert.Contains(t, csv, "form,contact,,9,,\n")
	assert.Contains(t, csv, "first_response_agent,ana,,< 5,2000,3000\n")
	assert.NotContains(t, csv, "resolution")
	assert.Contains(t, string(marshal(t, r)), `"resolution":null`, "no resolved state to measure")

	r.SetResolution([]storage.ResponseSample{
		{Asked: start.UnixMilli(), Replied: end.UnixMilli(), Agent: "ana"},
		{Asked: end.UnixMilli(), Replied: end.UnixMilli() + 60_000},
	})
	assert.Equal(t, &Times{
		Days:   []Timing{{Key: "2026-12-04", N: 2, MedianMS: 43_230_000, P90MS: 86_400_000}},
		Agents: []Timing{{Key: "", N: 1, MedianMS: 60_000, P90MS: 60_000}, {Key: "ana", N: 1, MedianMS: 86_400_000, P90MS: 86_400_000}},
	}, r.Resolution)
	assert.Contains(t, string(r.CSV()), "resolution_agent,ana,,< 5,86400000,86400000\n")
}

// marshal encodes v as the API does, without HTML escapes.
func marshal(t *testing.T, v any) []byte {
	t.Helper()
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	require.NoError(t, enc.Encode(v))
	return []byte(strings.TrimSuffix(b.String(), "\n"))
}
