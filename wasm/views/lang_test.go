//go:build js && wasm

package views

import (
	"syscall/js"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crumbless/crumbless/wasm/events"
	"github.com/crumbless/crumbless/wasm/store"
)

// langFromOtherTab stores tag under crumbless-lang (or removes it for "")
// and dispatches the storage event another tab's write causes.
func langFromOtherTab(tag string) {
	local := js.Global().Get("localStorage")
	var v any
	if tag != "" {
		v = `{"v":1,"exp":0,"data":"` + tag + `"}`
		local.Call("setItem", "crumbless-lang", v)
	} else {
		local.Call("removeItem", "crumbless-lang")
	}
	js.Global().Call("dispatchEvent", js.Global().Get("StorageEvent").New("storage",
		map[string]any{"key": "crumbless-lang", "newValue": v, "storageArea": local}))
}

// TestLanguageFollowsOtherTabs: a language chosen in another tab switches
// this tab live (the view redrawn, the lang event fired, nothing written
// back); a forget elsewhere goes back to the browser's language; with
// data-lang the page's language stays.
func TestLanguageFollowsOtherTabs(t *testing.T) {
	cases := []struct {
		name      string
		page      string
		want      []string // the language after: sv chosen, ar chosen, the choice removed
		wantHeard []string
	}{
		{"no data-lang: follows", "", []string{"sv", "ar", "de"}, []string{"sv", "ar", "de"}},
		{"data-lang pins it", "nl", []string{"nl", "nl", "nl"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			clearStorage(t)
			st := store.New("crumbless-")
			st.Sync()
			t.Cleanup(st.Release)
			hub := events.NewHub()
			hub.Resume()
			heard := js.Global().Get("Array").New()
			hub.On("lang", js.Global().Get("Function").New("heard", "return d => heard.push(d.lang)").Invoke(heard))
			f := mountWith(t, true, Options{Lang: c.page, Languages: []string{"de-DE"}}, st, hub)
			require.True(t, f.p.Navigate("settings"))

			for i, tag := range []string{"sv", "ar", ""} {
				langFromOtherTab(tag)
				eventually(t, func() bool { return f.p.Lang() == c.want[i] }, "the language after "+tag)
				assert.Equal(t, c.want[i], f.q("[role=dialog]").Call("getAttribute", "lang").String())
			}
			assert.Equal(t, map[string]string{"sv": "Inställningar", "nl": "Instellingen", "de": "Einstellungen"}[c.want[2]], f.text("#cl-title"), "the view is redrawn")
			waitABit()
			var got []string
			for i := 0; i < heard.Length(); i++ {
				got = append(got, heard.Index(i).String())
			}
			assert.Equal(t, c.wantHeard, got)
			assert.True(t, rawLocal("crumbless-lang").IsNull(), "nothing written back")
		})
	}
}

// TestRTLFromOtherTab: Arabic chosen elsewhere lays this tab out right to left.
func TestRTLFromOtherTab(t *testing.T) {
	clearStorage(t)
	st := store.New("crumbless-")
	st.Sync()
	t.Cleanup(st.Release)
	f := mountWith(t, true, Options{}, st, nil)
	langFromOtherTab("ar")
	eventually(t, func() bool { return f.p.Lang() == "ar" }, "Arabic once its catalog is there")
	assert.Equal(t, "rtl", f.wrap.Call("getAttribute", "dir").String())
	assert.Equal(t, "ar", f.q(".launcher").Call("getAttribute", "lang").String())
}

// TestPinnedLanguageIsShownNotOffered: with data-lang the settings view
// shows the language and says the site set it, instead of a picker that
// the next page would undo; without it the picker is there.
func TestPinnedLanguageIsShownNotOffered(t *testing.T) {
	cases := []struct {
		name, page    string
		picker        bool
		shown, reason string
	}{
		{"data-lang", "de-AT", false, "Deutsch", "Sprache von dieser Website festgelegt"},
		{"arabic data-lang", "ar", false, "العربية", "اللغة محددة من قِبل هذا الموقع"},
		{"no data-lang", "", true, "", ""},
		{"data-lang without a catalog", "fr", true, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			clearStorage(t)
			f := mount(t, true, Options{Lang: c.page})
			require.True(t, f.p.Navigate("settings"))
			assert.Equal(t, c.picker, !f.q("select#cl-lang").IsNull(), "picker offered")
			if c.picker {
				assert.True(t, f.q("#cl-lang-pinned").IsNull())
				return
			}
			assert.Equal(t, c.shown, f.text("#cl-lang-pinned"))
			assert.Equal(t, c.reason, f.text("#cl-lang-pinned + .help"))
			assert.Equal(t, "cl-lang-h", f.q("#cl-lang-pinned").Get("parentElement").Call("getAttribute", "aria-labelledby").String())
		})
	}
}
