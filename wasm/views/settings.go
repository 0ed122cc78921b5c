//go:build js && wasm

package views

import (
	"syscall/js"

	"github.com/crumbless/crumbless/wasm/events"
	"github.com/crumbless/crumbless/wasm/store"
	"github.com/crumbless/crumbless/wasm/ui"
)

// Themes are the values of the theme setting, in the order they are offered.
var Themes = []struct{ Value, Label string }{
	{"light", "Light"},
	{"dark", "Dark"},
	{"auto", "Automatic"},
}

// ValidTheme reports whether t is one of Themes.
func ValidTheme(t string) bool {
	for _, th := range Themes {
		if th.Value == t {
			return true
		}
	}
	return false
}

// Settings is the view where the visitor picks the theme.
type Settings struct {
	Element js.Value
	store   *store.Store
	wrapper js.Value
	radios  map[string]js.Value
	on      ui.Listeners
	theme   string
	events  *events.Hub // set by the panel; may be nil
}

// NewSettings renders the settings view and applies the stored theme, or
// fallback when none is stored.
func NewSettings(s *store.Store, wrapper js.Value, fallback string) *Settings {
	v := &Settings{store: s, wrapper: wrapper, radios: map[string]js.Value{}}
	fs := ui.Append(ui.El("fieldset", "class", "choice"), ui.TextEl("legend", "Theme"))
	for _, th := range Themes {
		value := th.Value
		input := ui.El("input", "type", "radio", "name", "cl-theme", "value", value)
		v.radios[value] = input
		ui.Append(fs, ui.Append(ui.El("label"), input, ui.TextEl("span", th.Label)))
		v.on.On(input, "change", func(js.Value) {
			if input.Get("checked").Bool() {
				v.SetTheme(value)
			}
		})
	}
	v.Element = ui.Append(ui.El("section", "class", "settings", "aria-labelledby", "cl-settings-h"),
		ui.TextEl("h3", "Appearance", "id", "cl-settings-h"),
		fs,
	)

	theme := fallback
	var stored string
	if s.Get("theme", &stored) && ValidTheme(stored) {
		theme = stored
	}
	if !ValidTheme(theme) {
		theme = "auto"
	}
	v.apply(theme)
	return v
}

// Theme returns the theme in effect.
func (v *Settings) Theme() string { return v.theme }

// SetTheme applies theme and stores it; it reports false for an unknown theme
// and changes nothing then.
func (v *Settings) SetTheme(theme string) bool {
	if !ValidTheme(theme) {
		return false
	}
	changed := theme != v.theme
	v.apply(theme)
	if changed {
		v.events.Emit("theme", map[string]any{"theme": theme})
	}
	if err := v.store.Set("theme", theme); err != nil {
		js.Global().Get("console").Call("warn", "crumbless: could not store the theme:", err.Error())
	}
	return true
}

func (v *Settings) apply(theme string) {
	v.theme = theme
	v.wrapper.Call("setAttribute", "data-theme", theme)
	for value, r := range v.radios {
		r.Set("checked", value == theme)
	}
}

// Release removes the view's listeners.
func (v *Settings) Release() { v.on.Release() }
