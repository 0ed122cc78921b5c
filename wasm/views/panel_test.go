//go:build js && wasm

package views

import (
	"syscall/js"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPanelRendersDialog(t *testing.T) {
	clearStorage(t)
	f := mount(t, true, contentOptions(t))
	dialog := f.q("[role=dialog]")
	require.False(t, dialog.IsNull())
	assert.Equal(t, "cl-title", dialog.Call("getAttribute", "aria-labelledby").String())
	assert.Equal(t, "true", dialog.Call("getAttribute", "aria-modal").String())
	assert.Equal(t, "Hi there", f.text("#cl-title"))
	assert.True(t, f.p.IsOpen())
	assert.Equal(t, "true", f.q(".launcher").Call("getAttribute", "aria-expanded").String())
	assert.Equal(t, "Close chat", f.q(".launcher").Call("getAttribute", "aria-label").String())
	assert.True(t, f.active().Equal(f.q("#cl-title")), "focus moves to the dialog's heading on open")
	assert.Equal(t, []string{"Home", "Help", "Contact"}, f.texts("nav.tabs .tab"))
	assert.Equal(t, "Sections", f.q("nav.tabs").Call("getAttribute", "aria-label").String())
}

func TestPanelStartsClosedWithoutFrame(t *testing.T) {
	clearStorage(t)
	f := mount(t, false, Options{})
	assert.False(t, f.p.IsOpen())
	assert.True(t, f.q("[role=dialog]").Call("hasAttribute", "hidden").Bool())
	f.p.Open()
	f.p.Open() // idempotent
	assert.False(t, f.q("[role=dialog]").Call("hasAttribute", "hidden").Bool())
	f.p.Toggle()
	assert.False(t, f.p.IsOpen())
}

func TestCloseButtonAndEscapeReturnFocus(t *testing.T) {
	clearStorage(t)
	f := mount(t, true, Options{})
	f.click(t, "button.close")
	assert.False(t, f.p.IsOpen())
	assert.True(t, f.q("[role=dialog]").Call("hasAttribute", "hidden").Bool())
	assert.Equal(t, "false", f.q(".launcher").Call("getAttribute", "aria-expanded").String())
	assert.True(t, f.active().Equal(f.q(".launcher")), "focus back on the launcher")

	f.p.Open()
	f.key(t, "#cl-title", "Escape", false)
	assert.False(t, f.p.IsOpen(), "Escape closes")
	assert.True(t, f.active().Equal(f.q(".launcher")))
}

func TestTabStaysInsideTheDialog(t *testing.T) {
	clearStorage(t)
	f := mount(t, true, Options{})
	items := f.all("[role=dialog] button:not([hidden])")
	require.GreaterOrEqual(t, len(items), 3)
	first, last := items[0], items[len(items)-1]

	last.Call("focus")
	f.key(t, "[role=dialog]", "Tab", false)
	assert.True(t, f.active().Equal(first), "Tab on the last control wraps to the first")

	first.Call("focus")
	f.key(t, "[role=dialog]", "Tab", true)
	assert.True(t, f.active().Equal(last), "Shift+Tab on the first control wraps to the last")
}

func TestChoosingThemeStoresAndApplies(t *testing.T) {
	clearStorage(t)
	f := mount(t, true, Options{Theme: "auto"})
	assert.Equal(t, "auto", f.wrap.Call("getAttribute", "data-theme").String(), "fallback before any choice")
	assert.True(t, rawLocal("crumbless-theme").IsNull(), "nothing stored before a choice")

	require.True(t, f.p.Navigate("settings"))
	f.click(t, "input[value=dark]")
	assert.Equal(t, "dark", f.wrap.Call("getAttribute", "data-theme").String())
	assert.Equal(t, "dark", storedData(rawLocal("crumbless-theme")).String())

	// A new panel, as after a reload, starts with the stored theme.
	g := mount(t, true, Options{Theme: "light"})
	assert.Equal(t, "dark", g.p.Theme())
	assert.Equal(t, "dark", g.wrap.Call("getAttribute", "data-theme").String())
	assert.True(t, g.q("input[value=dark]").Get("checked").Bool(), "settings shows the stored theme")
}

func TestSetThemeRejectsUnknown(t *testing.T) {
	clearStorage(t)
	f := mount(t, true, Options{})
	before := f.wrap.Call("getAttribute", "data-theme").String()
	assert.False(t, f.p.SetTheme("purple"))
	assert.Equal(t, before, f.wrap.Call("getAttribute", "data-theme").String())
}

func TestNavigateAcceptsOnlyKnownViews(t *testing.T) {
	clearStorage(t)
	cases := []struct {
		route string
		chat  bool
		ok    bool
	}{
		{"home", false, true}, {"answers", false, true}, {"answers/shipping", false, true},
		{"forms", false, true}, {"forms/contact", false, true}, {"privacy", false, true}, {"settings", false, true},
		{"chat", false, false}, {"chat", true, true},
		{"answers/Bad_ID", false, false}, {"settings/x", false, false}, {"nowhere", false, false}, {"", false, false},
	}
	for _, c := range cases {
		t.Run(c.route, func(t *testing.T) {
			clearStorage(t)
			opts := contentOptions(t)
			if c.chat {
				opts.Chat = newFake()
			}
			f := mount(t, true, opts)
			assert.Equal(t, c.ok, f.p.Navigate(c.route))
			if c.ok {
				assert.Equal(t, c.route, f.p.Route())
			} else {
				assert.Equal(t, "home", f.p.Route(), "a refused route changes nothing")
			}
		})
	}
}

func TestReloadRestoresOpenViewSearchAndScroll(t *testing.T) {
	clearStorage(t)
	opts := contentOptions(t)
	f := mount(t, true, opts)
	assert.Equal(t, true, storedData(rawSession("crumbless-open")).Bool(), "open state kept for this tab")
	require.True(t, f.p.Navigate("answers"))
	eventually(t, func() bool { return len(f.all(".results .row")) == 4 }, "articles listed")
	f.typeInto(t, "#cl-search", "ship")
	f.q(".body").Get("style").Set("height", "120px") // make the list scroll
	f.q(".body").Set("scrollTop", 40)
	f.q(".body").Call("dispatchEvent", js.Global().Get("Event").New("scroll"))
	nav := storedData(rawSession("crumbless-nav"))
	assert.Equal(t, "answers", nav.Get("route").String())
	assert.Equal(t, "ship", nav.Get("query").String())
	scrolled := nav.Get("scroll").Int()
	assert.Greater(t, scrolled, 0)

	// Reload: the loader shows the panel again (it reads "open"), the runtime restores the rest.
	g := mount(t, true, opts)
	assert.Equal(t, "answers", g.p.Route())
	assert.Equal(t, "ship", g.q("#cl-search").Get("value").String())
	eventually(t, func() bool { return len(g.all(".results .row")) > 0 }, "results after reload")
	g.q(".body").Get("style").Set("height", "120px")
	g.p.contentArrived()
	assert.Equal(t, scrolled, g.q(".body").Get("scrollTop").Int(), "scroll restored")

	// An article stays open across a reload too.
	require.True(t, g.p.Navigate("answers/returns"))
	h := mount(t, true, opts)
	assert.Equal(t, "answers/returns", h.p.Route())
	eventually(t, func() bool { return h.text("#cl-article-h") == "Returns and refunds" }, "article restored")

	// Closing forgets the open state; a new tab (empty session storage) starts closed at home.
	h.p.Close()
	assert.True(t, rawSession("crumbless-open").IsNull())
	js.Global().Get("sessionStorage").Call("clear")
	n := mount(t, false, opts)
	assert.False(t, n.p.IsOpen())
	assert.Equal(t, "home", n.p.Route())
}

func TestLanguageChoice(t *testing.T) {
	cases := []struct {
		name      string
		stored    string
		page      string
		browser   []string
		wantLang  string
		wantTitle string
		wantDir   string
	}{
		{"browser languages", "", "", []string{"fr-FR", "de-AT"}, "de", "Hallo", "ltr"},
		{"page attribute beats the browser", "", "sv", []string{"de"}, "sv", "Hej", "ltr"},
		{"the page's data-lang beats the visitor's choice", "nl", "sv", []string{"de"}, "sv", "Hej", "ltr"},
		{"the visitor's choice beats the browser", "nl", "", []string{"de"}, "nl", "Hallo", "ltr"},
		{"a data-lang without a catalog pins nothing", "nl", "fr", []string{"de"}, "nl", "Hallo", "ltr"},
		{"arabic is right to left", "", "", []string{"ar-EG"}, "ar", "مرحبًا", "rtl"},
		{"nothing known", "", "", []string{"ja"}, "en", "Hi there", "ltr"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			clearStorage(t)
			if c.stored != "" {
				js.Global().Get("localStorage").Call("setItem", "crumbless-lang", `{"v":1,"exp":0,"data":"`+c.stored+`"}`)
			}
			f := mount(t, true, Options{Lang: c.page, Languages: c.browser})
			assert.Equal(t, c.wantLang, f.p.Lang())
			assert.Equal(t, c.wantTitle, f.text("#cl-title"))
			assert.Equal(t, c.wantDir, f.q("[role=dialog]").Call("getAttribute", "dir").String())
			assert.Equal(t, c.wantLang, f.q("[role=dialog]").Call("getAttribute", "lang").String())
		})
	}
}

func TestSetLangSwitchesTextDirectionAndStores(t *testing.T) {
	clearStorage(t)
	f := mount(t, true, contentOptions(t))
	require.True(t, f.p.Navigate("settings"))
	assert.False(t, f.p.SetLang("xx"), "no catalog")
	assert.False(t, f.p.SetLang(""), "empty tag")
	assert.Equal(t, "en", f.p.Lang())

	sel := f.q("#cl-lang")
	sel.Set("value", "ar")
	sel.Call("dispatchEvent", js.Global().Get("Event").New("change"))
	eventually(t, func() bool { return f.p.Lang() == "ar" }, "Arabic once its catalog is there")
	assert.Equal(t, "rtl", f.wrap.Call("getAttribute", "dir").String())
	assert.Equal(t, "الإعدادات", f.text("#cl-title"))
	assert.Equal(t, "ar", storedData(rawLocal("crumbless-lang")).String())
	assert.True(t, f.active().Equal(f.q("#cl-lang")), "focus stays on the language picker")
	assert.Equal(t, "أغلق الدردشة", f.q(".launcher").Call("getAttribute", "aria-label").String(), "launcher relabelled")

	assert.True(t, f.p.SetLang("de-CH"))
	eventually(t, func() bool { return f.p.Lang() == "de" }, "German once its catalog is there")
	assert.Equal(t, "ltr", f.wrap.Call("getAttribute", "dir").String())
	assert.Equal(t, "Einstellungen", f.text("#cl-title"))
}

func TestReleaseRemovesListeners(t *testing.T) {
	clearStorage(t)
	f := mount(t, true, Options{})
	f.p.Release()
	f.q("button.close").Call("click")
	assert.True(t, f.p.IsOpen(), "a released panel no longer reacts")
}
