package registry

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the generated table of docs/privacy.md")

func TestKeysAreWellFormed(t *testing.T) {
	seen := map[string]bool{}
	for _, k := range Keys {
		t.Run(k.Name, func(t *testing.T) {
			assert.NotEmpty(t, k.Name)
			assert.False(t, seen[k.Name], "declared twice")
			seen[k.Name] = true
			assert.Equal(t, strings.ToLower(k.Name), k.Name, "names are lower case")
			assert.NotContains(t, k.Name, " ")
			assert.Contains(t, []string{Local, Session}, k.Area)
			assert.Contains(t, []string{StrictlyNecessary, Functional}, k.Category)
			assert.GreaterOrEqual(t, len(k.Purpose), 20, "purpose must be a sentence")
			assert.True(t, strings.HasSuffix(k.Purpose, "."), "purpose must be a sentence")
			assert.NotEmpty(t, k.Written)
			if k.Area == Local {
				assert.Positive(t, k.TTL, "a local key must expire")
			} else {
				assert.Zero(t, k.TTL, "a session key lives until the tab closes")
			}
		})
	}
}

// TestPromisedKeys pins the declared keys with their area, category and
// lifetime: a change here is a change to the visitor-facing promise and
// must be deliberate.
func TestPromisedKeys(t *testing.T) {
	cases := []struct {
		name     string
		area     string
		category string
		ttl      Duration
		renewed  bool
	}{
		{"theme", Local, Functional, 365 * day, false},
		{"lang", Local, Functional, 365 * day, false},
		{"visitor", Local, StrictlyNecessary, 30 * day, true},
		{"consent", Local, StrictlyNecessary, 180 * day, false},
		{"banned", Local, StrictlyNecessary, day, false},
		{"unread", Local, Functional, 30 * day, false},
		{"outbox", Local, StrictlyNecessary, 7 * day, false},
		{"leader", Local, StrictlyNecessary, Minute, false},
		{"bus", Local, StrictlyNecessary, Minute, false},
		{"forget", Local, StrictlyNecessary, Minute, false},
		{"nav", Session, Functional, 0, false},
		{"last-read", Session, Functional, 0, false},
		{"open", Session, Functional, 0, false},
		{"draft", Session, Functional, 0, false},
		{"markers", Session, Functional, 0, false},
		{"tab", Session, StrictlyNecessary, 0, false},
	}
	require.Len(t, Keys, len(cases), "every declared key is pinned here")
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			k, ok := Lookup(c.name)
			require.True(t, ok, "declared")
			assert.Equal(t, c.name, Keys[i].Name, "disclosure order")
			assert.Equal(t, c.area, k.Area)
			assert.Equal(t, c.category, k.Category)
			assert.Equal(t, c.ttl, k.TTL)
			assert.Equal(t, c.renewed, k.Renewed)
		})
	}
}

func TestLookup(t *testing.T) {
	k, ok := Lookup("theme")
	require.True(t, ok)
	assert.Equal(t, Local, k.Area)
	_, ok = Lookup("nope")
	assert.False(t, ok)
	_, ok = Lookup("crumbless-theme")
	assert.False(t, ok, "names are declared without prefix")
}

func TestLifetime(t *testing.T) {
	cases := []struct {
		key  Key
		want string
	}{
		{Key{TTL: 0}, "until the tab closes"},
		{Key{TTL: 365 * day}, "365 days"},
		{Key{TTL: day}, "1 day"},
		{Key{TTL: 30 * day, Renewed: true}, "30 days, renewed on activity"},
		{Key{TTL: 2 * Hour}, "2 hours"},
		{Key{TTL: Minute}, "1 minute"},
		{Key{TTL: 90 * Second}, "90 seconds"},
	}
	for _, c := range cases {
		t.Run(c.want, func(t *testing.T) {
			assert.Equal(t, c.want, Lifetime(c.key))
		})
	}
}

func TestDisclosure(t *testing.T) {
	for _, prefix := range []string{"", DefaultPrefix, "acme-"} {
		t.Run("prefix "+prefix, func(t *testing.T) {
			d := Disclosure(prefix)
			require.Len(t, d, len(Keys))
			want := prefix
			if want == "" {
				want = DefaultPrefix
			}
			for i, e := range d {
				k := Keys[i]
				assert.Equal(t, want+k.Name, e.Key)
				assert.Equal(t, k.Area, e.Area)
				assert.Equal(t, k.Purpose, e.Purpose)
				assert.Equal(t, k.Category, e.Category)
				assert.Equal(t, int64(k.TTL/Second), e.TTL)
				assert.Equal(t, k.Renewed, e.Renewed)
				assert.Equal(t, Lifetime(k), e.Lifetime)
			}
		})
	}
	theme := Disclosure("")[0]
	assert.Equal(t, Entry{
		Key: "crumbless-theme", Area: "local",
		Purpose:  "Remembers the colour theme you chose for the chat panel (light, dark or automatic).",
		Category: "functional", TTL: 365 * 24 * 3600, Lifetime: "365 days", Written: "you choose a theme",
	}, theme)
}

func TestMarkdown(t *testing.T) {
	md := Markdown(DefaultPrefix)
	lines := strings.Split(strings.TrimSuffix(md, "\n"), "\n")
	require.Len(t, lines, 2+len(Keys), "header, separator, one row per key")
	assert.Equal(t, "| `crumbless-theme` | localStorage | Remembers the colour theme you chose for the chat panel (light, dark or automatic). | functional | 365 days | you choose a theme |", lines[2])
	for i, k := range Keys {
		assert.Contains(t, lines[2+i], "`crumbless-"+k.Name+"`")
		assert.Equal(t, 7, strings.Count(lines[2+i], " | ")+2, "six cells in row %d", i)
	}
	assert.Equal(t, `a \| b`, cell("a | b"))
}

const (
	tableBegin = "<!-- registry table: generated by `go test ./internal/shared/registry -update`; do not edit -->\n"
	tableEnd   = "<!-- end of registry table -->\n"
)

// TestPrivacyTableIsGenerated fails when the table of docs/privacy.md
// differs from the registry. Run `go test ./internal/shared/registry -update` to
// regenerate it.
func TestPrivacyTableIsGenerated(t *testing.T) {
	path := filepath.Join("..", "..", "..", "docs", "privacy.md")
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	text := string(raw)
	begin := strings.Index(text, tableBegin)
	end := strings.Index(text, tableEnd)
	require.True(t, begin >= 0 && end > begin, "docs/privacy.md must contain the generated table between its markers")
	got := text[begin+len(tableBegin) : end]
	want := Markdown(DefaultPrefix)
	if *update && got != want {
		text = text[:begin+len(tableBegin)] + want + text[end:]
		require.NoError(t, os.WriteFile(path, []byte(text), 0o644))
		got = want
	}
	assert.Equal(t, want, got, "docs/privacy.md is stale: run go test ./internal/shared/registry -update")
}

// TestDurationUnits: Duration counts nanoseconds, like time.Duration, so
// that host code can convert with time.Duration(k.TTL).
func TestDurationUnits(t *testing.T) {
	for _, c := range []struct {
		got  Duration
		want time.Duration
	}{
		{Millisecond, time.Millisecond}, {Second, time.Second}, {Minute, time.Minute},
		{Hour, time.Hour}, {Day, 24 * time.Hour}, {365 * day, 365 * 24 * time.Hour},
	} {
		t.Run(c.want.String(), func(t *testing.T) {
			assert.Equal(t, c.want, time.Duration(c.got))
			assert.Equal(t, c.want.Milliseconds(), c.got.Milliseconds())
			assert.Equal(t, c.want.Seconds(), c.got.Seconds())
		})
	}
}
