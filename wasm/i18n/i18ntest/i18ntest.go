//go:build js && wasm

// Package i18ntest gives the wasm tests the catalogs the widget fetches
// (wasm/i18n/catalogs/*.json), compiled in: a test page has no bundle to
// fetch them from. Only tests import it; the widget compiles in English
// alone.
package i18ntest

import "syscall/js"

// JSON returns the text of lang's catalog file, or "" for a language
// without one.
func JSON(lang string) string {
	switch lang {
	case "ar":
		return catalogAR
	case "de":
		return catalogDE
	case "en":
		return catalogEN
	case "nl":
		return catalogNL
	case "sv":
		return catalogSV
	}
	return ""
}

// Languages are the languages the widget fetches a catalog for.
var Languages = []string{"ar", "de", "nl", "sv"}

var urls map[string]string

// URLs returns a blob: URL of every fetched catalog, by language, as the
// runtime list gives the widget their packed files (views.Options.Catalogs).
// The blobs are made once and live as long as the test page.
func URLs() map[string]string {
	if urls == nil {
		urls = map[string]string{}
		for _, l := range Languages {
			urls[l] = BlobURL(JSON(l))
		}
	}
	out := make(map[string]string, len(urls))
	for l, u := range urls {
		out[l] = u
	}
	return out
}

// BlobURL returns a blob: URL serving text as application/json.
func BlobURL(text string) string {
	parts := js.Global().Get("Array").New(text)
	blob := js.Global().Get("Blob").New(parts, map[string]any{"type": "application/json"})
	return js.Global().Get("URL").Call("createObjectURL", blob).String()
}
