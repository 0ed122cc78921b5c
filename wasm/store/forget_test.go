//go:build js && wasm

package store

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestForget(t *testing.T) {
	cases := []struct {
		name    string
		consent string
		before  func(s *Store)
		signal  bool     // the other tabs are told through the momentary key
		kept    []string // prefixed local keys that stay
	}{
		{"implicit, after interaction", "implicit", func(s *Store) { s.Interact() }, true, nil},
		{"implicit, before interaction", "implicit", func(*Store) {}, true, nil},
		{"implicit, refused: the refusal stays", "implicit", func(s *Store) { s.SetConsent(false) }, false, []string{"crumbless-consent"}},
		{"explicit, with consent", "explicit", func(s *Store) { s.SetConsent(true) }, true, nil},
		{"explicit, without consent", "explicit", func(*Store) {}, false, nil},
	}
	forEachFixture(t, func(t *testing.T, local, session Backend) {
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				for _, k := range []string{"crumbless-theme", "crumbless-visitor", "crumbless-old-key"} {
					put(t, local, k, env(`"x"`, 0))
				}
				for _, k := range []string{"crumbless-nav", "crumbless-draft"} {
					put(t, session, k, env(`"x"`, 0))
				}
				foreign := map[string]string{"theme": "mine", "crumbless": "not prefixed", "other-crumbless-theme": "x"}
				for k, v := range foreign {
					put(t, local, k, v)
					put(t, session, k, v)
				}
				rec := &recording{Backend: local}
				s := open(rec, session, c.consent)
				c.before(s)
				require.NoError(t, s.Set("lang", "fr")) // waits in memory or is written
				var heard []string
				s.OnChange(func(name string) {
					heard = append(heard, name)
					_ = s.Set("theme", "dark") // a reset must not store again
				})
				rec.log = nil

				s.Forget()

				assert.Equal(t, c.kept, prefixed(t, local, "crumbless-"), "every other prefixed local key gone")
				assert.Empty(t, prefixed(t, session, "crumbless-"), "every prefixed session key gone")
				for k, v := range foreign {
					assert.Equal(t, v, raw(t, local, k), "foreign local key %s untouched", k)
					assert.Equal(t, v, raw(t, session, k), "foreign session key %s untouched", k)
				}
				var got string
				assert.False(t, s.Get("lang", &got), "memory dropped too")
				assert.Equal(t, []string{""}, heard)
				assert.False(t, s.Allowed(), "the gate closes again")
				if c.signal {
					require.GreaterOrEqual(t, len(rec.log), 2)
					assert.Equal(t, []string{"set crumbless-forget", "remove crumbless-forget"}, rec.log[:2], "signal first, then the wipe")
				} else {
					assert.NotContains(t, rec.log, "set crumbless-forget", "nothing written without consent")
				}
				for _, b := range []Backend{local, session} {
					for k := range foreign {
						require.NoError(t, b.Remove(k))
					}
				}
			})
		}
	})
}

func TestAfterForgetNextInteractionStoresAgain(t *testing.T) {
	forEachFixture(t, func(t *testing.T, local, session Backend) {
		s := open(local, session, "explicit")
		s.SetConsent(true)
		s.Forget()
		assert.False(t, s.Consent(), "consent must be given again")
		require.NoError(t, s.Set("theme", "dark"))
		s.Interact()
		assert.Empty(t, prefixed(t, local, "crumbless-"), "explicit: nothing until consent again")
		s.SetConsent(true)
		assert.Equal(t, []string{"crumbless-consent", "crumbless-theme"}, prefixed(t, local, "crumbless-"))
	})
}
