//go:build js && wasm

package web

import (
	"syscall/js"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crumbless/crumbless/console/inbox"
	"github.com/crumbless/crumbless/console/prefs"
)

// TestStorageRoundTrip: values go through vert into the envelope, in the
// key's area, and come back; expired or corrupt ones are removed.
func TestStorageRoundTrip(t *testing.T) {
	var st Storage
	local := js.Global().Get("localStorage")
	session := js.Global().Get("sessionStorage")
	t.Cleanup(func() { local.Call("clear"); session.Call("clear") })

	st.Set(prefs.Theme, "dark")
	raw := local.Call("getItem", "crumbless-console-theme").String()
	assert.Regexp(t, `^\{"v":1,"exp":\d{13},"data":"dark"\}$`, raw)
	var theme string
	require.True(t, st.Get(prefs.Theme, &theme))
	assert.Equal(t, "dark", theme)

	type sess struct {
		Token string `js:"token"`
		Agent string `js:"agent"`
	}
	st.Set(prefs.Session, sess{"ca_x", "ana"})
	assert.True(t, session.Call("getItem", "crumbless-console-session").Truthy(), "a tab's key goes to sessionStorage")
	assert.True(t, local.Call("getItem", "crumbless-console-session").IsNull())
	var s sess
	require.True(t, st.Get(prefs.Session, &s))
	assert.Equal(t, sess{"ca_x", "ana"}, s)

	cases := []struct{ name, text string }{
		{"expired", `{"v":1,"exp":1,"data":"light"}`},
		{"corrupt", `{"v":1,"exp":0,"data":`},
		{"other version", `{"v":9,"exp":0,"data":"light"}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			local.Call("setItem", "crumbless-console-theme", c.text)
			assert.False(t, st.Get(prefs.Theme, &theme))
			assert.True(t, local.Call("getItem", "crumbless-console-theme").IsNull(), "removed")
		})
	}
	st.Set(prefs.Sound, false)
	st.Remove(prefs.Sound)
	assert.True(t, local.Call("getItem", "crumbless-console-sound").IsNull())
	assert.Panics(t, func() { st.Set("undeclared", 1) }, "an undeclared key cannot be written")
}

// TestDecodeAPIValues: the agent API's JSON becomes the inbox's structs
// through JSON.parse and vert, missing members left zero.
func TestDecodeAPIValues(t *testing.T) {
	var c inbox.Conversation
	require.NoError(t, Decode(`{"id":3,"site":"demo","updated":1700000000123,"unread":2,"banned":"spam",
		"last":{"id":9,"conversation":3,"author":"visitor","body":"<b>hi</b>","created":1700000000000}}`, &c))
	assert.EqualValues(t, 3, c.ID)
	assert.EqualValues(t, 1700000000123, c.Updated)
	assert.Equal(t, 2, c.Unread)
	assert.Equal(t, "spam", c.Banned)
	require.NotNil(t, c.Last)
	assert.Equal(t, "<b>hi</b>", c.Last.Body)
	assert.Nil(t, c.Network)

	var s inbox.Submission
	require.NoError(t, Decode(`{"id":1,"form":"contact","fields":{"name":"Ada","message":"x"},"created":5}`, &s))
	assert.Equal(t, map[string]string{"name": "Ada", "message": "x"}, s.Fields)
	assert.Error(t, Decode(`{not json`, &s))
}

func TestRandomID(t *testing.T) {
	a, b := RandomID(), RandomID()
	assert.Regexp(t, `^[0-9a-f]{32}$`, a)
	assert.NotEqual(t, a, b)
}
