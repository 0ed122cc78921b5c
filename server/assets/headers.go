package assets

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"path"
	"regexp"
	"strconv"
	"strings"
)

// kind sorts bundled files by how they may be cached and embedded.
type kind int

const (
	kindHashed kind = iota // a/<name>.<hash>.<ext>: cached for a year, public
	kindLoader             // crumbless.js: stable URL, short cache + ETag, public
	kindPage               // the server's own HTML pages: short cache, CSP
	kindIndex              // manifest.json and anything else: revalidate each time
)

// Cache-Control values by kind of file.
const (
	cacheImmutable  = "public, max-age=31536000, immutable"
	cacheLoader     = "public, max-age=300"
	cacheShort      = "public, max-age=60"
	cacheRevalidate = "no-cache"
)

// Header values shared by every response of the bundle.
const (
	referrerPolicy = "no-referrer"
	nosniff        = "nosniff"
	allowMethods   = "GET, HEAD"
)

func kindOf(e Entry) kind {
	switch {
	case e.Immutable:
		return kindHashed
	case path.Ext(e.Path) == ".js":
		return kindLoader
	case path.Ext(e.Path) == ".html":
		return kindPage
	default:
		return kindIndex
	}
}

func (k kind) cacheControl() string {
	switch k {
	case kindHashed:
		return cacheImmutable
	case kindLoader:
		return cacheLoader
	case kindPage:
		return cacheShort
	default:
		return cacheRevalidate
	}
}

// headerSet is a response's headers in canonical form, copied into a
// response by plain map assignment: no canonicalisation, no allocation.
// Every value slice has len == cap, so a later Header.Add by a middleware
// copies it instead of writing into the shared array.
type headerSet []headerField

type headerField struct {
	key   string
	value []string
}

func (s headerSet) writeTo(h http.Header) {
	for _, f := range s {
		h[f.key] = f.value
	}
}

func (s *headerSet) add(key, value string) {
	*s = append(*s, headerField{http.CanonicalHeaderKey(key), []string{value}[:1:1]})
}

// headers builds the 200 and 304 header sets of one variant.
//
// Public files (everything but pages) carry Access-Control-Allow-Origin: *:
// they hold no secret, the widget's loader fetches the wasm from the
// customer's origin, and credentials are never involved (no cookies), so
// "*" is safe and keeps one cached copy per encoding (no Vary: Origin).
// Pages get a Content-Security-Policy instead, and stay same-origin.
func (k kind) headers(contentType, csp string, enc int, etag string, size int) (ok, notModified headerSet) {
	var common headerSet
	common.add("Cache-Control", k.cacheControl())
	common.add("ETag", etag)
	common.add("Vary", "Accept-Encoding")
	common.add("X-Content-Type-Options", nosniff)
	common.add("Referrer-Policy", referrerPolicy)
	if k == kindPage {
		common.add("Cross-Origin-Resource-Policy", "same-origin")
		common.add("Cross-Origin-Opener-Policy", "same-origin")
		common.add("Content-Security-Policy", csp)
	} else {
		common.add("Cross-Origin-Resource-Policy", "cross-origin")
		common.add("Access-Control-Allow-Origin", "*")
	}
	notModified = common[:len(common):len(common)]

	ok = append(headerSet(nil), common...)
	ok.add("Content-Type", contentType)
	ok.add("Content-Length", strconv.Itoa(size))
	if enc == identity {
		ok.add("Accept-Ranges", "bytes")
	} else {
		ok.add("Content-Encoding", encodingNames[enc])
	}
	return ok, notModified
}

// pageCSP is the Content-Security-Policy of the server's own pages; the
// %s stand for the hashes of the page's inline scripts and inline style
// elements. WebAssembly compilation needs 'wasm-unsafe-eval' (not
// 'unsafe-eval'); the widget's styles are constructable stylesheets, which
// style-src does not govern.
const pageCSP = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'%s; " +
	"style-src 'self'%s; img-src 'self' data:; connect-src 'self'; font-src 'self'; " +
	"base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'"

var (
	scriptElement = inlineElement{regexp.MustCompile(`(?is)<script\b([^>]*)>`), regexp.MustCompile(`(?i)</script\s*>`)}
	styleElement  = inlineElement{regexp.MustCompile(`(?is)<style\b([^>]*)>`), regexp.MustCompile(`(?i)</style\s*>`)}
	srcAttr       = regexp.MustCompile(`(?i)(^|\s)src\s*=`)
)

// pagePolicy returns the CSP for an HTML page: inline scripts and style
// elements are allowed by the sha256 of their exact text (computed here, at
// load time), never by 'unsafe-inline', so a changed page cannot run a
// script nobody built.
func pagePolicy(html []byte) string {
	return fmt.Sprintf(pageCSP, scriptElement.hashes(html), styleElement.hashes(html))
}

// inlineElement finds one kind of element with inline text in HTML.
type inlineElement struct{ open, close *regexp.Regexp }

// hashes returns " 'sha256-…'" for the text of each element that has
// text and no src attribute.
func (e inlineElement) hashes(html []byte) string {
	var out strings.Builder
	rest := html
	for {
		open := e.open.FindSubmatchIndex(rest)
		if open == nil {
			break
		}
		attrs := rest[open[2]:open[3]]
		rest = rest[open[1]:]
		end := e.close.FindIndex(rest)
		if end == nil {
			break
		}
		body := rest[:end[0]]
		rest = rest[end[1]:]
		if srcAttr.Match(attrs) || len(bytes.TrimSpace(body)) == 0 {
			continue
		}
		sum := sha256.Sum256(body)
		out.WriteString(" 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'")
	}
	return out.String()
}

// Error responses, prebuilt like the files: a short text body, no caching.
var errorResponses = map[int]struct {
	header headerSet
	body   []byte
}{}

func init() {
	for _, code := range []int{http.StatusBadRequest, http.StatusNotFound, http.StatusMethodNotAllowed, http.StatusRequestedRangeNotSatisfiable} {
		body := []byte(strconv.Itoa(code) + " " + strings.ToLower(http.StatusText(code)) + "\n")
		var h headerSet
		h.add("Content-Type", "text/plain; charset=utf-8")
		h.add("Content-Length", strconv.Itoa(len(body)))
		h.add("Cache-Control", "no-store")
		h.add("X-Content-Type-Options", nosniff)
		h.add("Referrer-Policy", referrerPolicy)
		if code == http.StatusMethodNotAllowed {
			h.add("Allow", allowMethods)
		}
		errorResponses[code] = struct {
			header headerSet
			body   []byte
		}{h, body}
	}
}

// writeError sends one of the prebuilt error responses.
func writeError(w http.ResponseWriter, code int) {
	e, ok := errorResponses[code]
	if !ok {
		panic("crumbless: no prebuilt response for status " + strconv.Itoa(code))
	}
	e.header.writeTo(w.Header())
	w.WriteHeader(code)
	w.Write(e.body)
}
