package assets

import (
	"net/http"
	"net/url"
	"unicode/utf8"
)

// maxPathLen bounds the request path: no bundled name comes close.
const maxPathLen = 1024

// CleanPath reports whether a request's URL path is one a static file could
// have: it starts with "/" (or is empty, as under http.StripPrefix), is valid
// UTF-8 (so no overlong encodings), at most 1 KiB, and holds no "." or ".."
// segment, no empty segment ("//"), no backslash, no control character (NUL
// included) and, in its escaped form, no encoded "/" or "\". The table is a
// map, so no path can reach a file outside the bundle; this check makes
// hostile paths a plain 400 instead of a redirect or a lookup, whatever the
// router in front does with them.
func CleanPath(u *url.URL) bool {
	p := u.Path
	if len(p) > maxPathLen || !utf8.ValidString(p) {
		return false
	}
	if p != "" && p[0] != '/' {
		return false
	}
	segStart := 1
	for i := 1; i <= len(p); i++ {
		if i < len(p) {
			c := p[i]
			if c < 0x20 || c == 0x7f || c == '\\' {
				return false
			}
			if c != '/' {
				continue
			}
		}
		switch p[segStart:i] {
		case "":
			if i < len(p) { // "//" inside; a trailing "/" is only a miss
				return false
			}
		case ".", "..":
			return false
		}
		segStart = i + 1
	}
	raw := u.RawPath
	for i := 0; i+2 < len(raw); i++ {
		if raw[i] != '%' {
			continue
		}
		hi, lo := raw[i+1], raw[i+2]|0x20 // lower-case the second hex digit
		if (hi == '2' && lo == 'f') || (hi == '5' && lo == 'c') {
			return false
		}
	}
	return true
}

// Guard answers 400 to any request whose path fails CleanPath and passes the
// others to next. Put it in front of a router so that every route, not only
// the bundle, gets the same rules (net/http's ServeMux would otherwise answer
// "/a/../b" with a redirect).
func Guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !CleanPath(r.URL) {
			writeError(w, http.StatusBadRequest)
			return
		}
		next.ServeHTTP(w, r)
	})
}
