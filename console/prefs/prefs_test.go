package prefs

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crumbless/crumbless/console/locale"
	"github.com/crumbless/crumbless/internal/shared/registry"
)

func TestKeysAreDeclaredAndExplained(t *testing.T) {
	seen := map[string]bool{}
	for _, k := range Keys {
		t.Run(k.Name, func(t *testing.T) {
			assert.False(t, seen[k.Name], "declared once")
			seen[k.Name] = true
			assert.True(t, strings.HasPrefix(k.Full(), "crumbless-"))
			assert.Contains(t, []string{registry.Local, registry.Session}, k.Area)
			assert.NotEqual(t, k.Purpose, locale.New("en").T(k.Purpose), "the purpose is translated")
			if k.Area == registry.Local {
				assert.Positive(t, k.Days, "what outlives the tab has a lifetime")
			}
		})
	}
}

func TestWrapUnwrap(t *testing.T) {
	k, ok := Lookup(Theme)
	require.True(t, ok)
	const now = 1_700_000_000_000
	text := k.Wrap(`"dark"`, now)
	cases := []struct {
		name string
		text string
		at   int64
		want string
		ok   bool
	}{
		{"fresh", text, now + 1, `"dark"`, true},
		{"expired after a year", text, now + 366*86400000, "", false},
		{"corrupt", `{"v":1,"exp":0,"data":`, now, "", false},
		{"other version", `{"v":2,"exp":0,"data":1}`, now, "", false},
		{"tab key never expires", Key{Area: registry.Session}.Wrap(`{}`, now), now * 2, `{}`, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, ok := Unwrap(c.text, c.at)
			assert.Equal(t, c.ok, ok)
			assert.Equal(t, c.want, got)
		})
	}
	_, ok = Lookup("nope")
	assert.False(t, ok)
}
