package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
)

// The widget's message catalogs other than English (which the wasm
// compiles in) are staged as i18n.<lang>.json (make stage copies
// wasm/i18n/catalogs/<lang>.json), packed like any asset under a hashed
// name, and listed by language in the runtime list's "i18n", so that the
// runtime fetches only its visitor's language, in one request.

// catalogName matches a staged catalog and captures its language.
var catalogName = regexp.MustCompile(`^i18n\.([a-z]{2,3})\.json$`)

// compactCatalogs checks every staged catalog (a JSON object of strings)
// and replaces it with its compact form.
func compactCatalogs(staged map[string][]byte) error {
	for name, raw := range staged {
		if !strings.HasPrefix(name, "i18n.") {
			continue
		}
		if !catalogName.MatchString(name) {
			return fmt.Errorf("%s: a catalog is named i18n.<language>.json", name)
		}
		if catalogName.FindStringSubmatch(name)[1] == "en" {
			return fmt.Errorf("%s: English is compiled into the wasm, not packed", name)
		}
		var messages map[string]string
		if err := decodeStrict(raw, &messages); err != nil {
			return fmt.Errorf("%s: a catalog is a JSON object of strings: %w", name, err)
		}
		var b bytes.Buffer
		if err := json.Compact(&b, raw); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		staged[name] = b.Bytes()
	}
	return nil
}

// catalogPaths returns the packed path of each catalog by language, from
// renamed (staged name → packed path), or nil when there is none.
func catalogPaths(renamed map[string]string) map[string]string {
	var paths map[string]string
	for name, p := range renamed {
		if m := catalogName.FindStringSubmatch(name); m != nil {
			if paths == nil {
				paths = map[string]string{}
			}
			paths[m[1]] = p
		}
	}
	return paths
}
