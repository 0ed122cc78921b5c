package locale

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestEveryLanguageHasEveryKey(t *testing.T) {
	for lang, cat := range catalogs {
		t.Run(lang, func(t *testing.T) {
			for key := range catalogs["en"] {
				assert.Contains(t, cat, key)
			}
		})
	}
}

func TestTranslate(t *testing.T) {
	cases := []struct {
		name string
		got  string
		want string
	}{
		{"English", New("en-GB").T("login.submit"), "Sign in"},
		{"match base", New("de-CH").T("login.submit"), "Anmelden"},
		{"unknown falls to English", New("fr").T("login.name"), "Name"},
		{"placeholder", New("en").T("list.visitor", "id", "7"), "Visitor #7"},
		{"missing key as is", New("sv").T("no.such"), "no.such"},
		{"plural one", New("en").N("list.unread", 1), "1 unread message"},
		{"plural other", New("en").N("list.unread", 3), "3 unread messages"},
		{"Arabic two", New("ar").N("ban.days", 2), "يومان"},
		{"Arabic few", New("ar").N("ban.days", 7), "7 أيام"},
		{"Arabic many", New("ar").N("ban.days", 30), "30 يومًا"},
		{"Swedish plural", New("sv").N("history.count", 2), "2 meddelanden"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { assert.Equal(t, c.want, c.got) })
	}
	assert.Equal(t, "rtl", New("ar").Dir())
	assert.Equal(t, "ltr", New("nl").Dir())
}
