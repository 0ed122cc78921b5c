package assets

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// FuzzServe sends requests with arbitrary paths, Accept-Encoding, Range and
// If-None-Match headers and checks the rules that must hold for any input:
// a known status, an exact Content-Length, a body that is (a slice of) one
// of the bundle's own variants for the path asked, an encoding the client
// did not refuse, and never a file for a path that is not clean.
// make test runs it for a few seconds; go test runs the seeds.
func FuzzServe(f *testing.F) {
	for _, seed := range [][4]string{
		{"/", "", "", ""},
		{wasmPath, "gzip, deflate, br", "", ""},
		{wasmPath, "br;q=0, gzip;q=0.5, *;q=0", "bytes=0-3", ""},
		{"/crumbless.js", "identity;q=0", "bytes=-5", `"x", W/"y"`},
		{"/a/%2e%2e/index.html", "*", "", "*"},
		{"/%c0%ae%c0%ae/manifest.json", "br;q=1.0001", "bytes=9-1", ""},
		{"/a%2fcrumbless.0123456789.wasm", ";;;,,,q=", "bytes=0-1,2-3", ""},
		{"/index.html\x00", "br;q=1e400", "", ""},
	} {
		f.Add(seed[0], seed[1], seed[2], seed[3])
	}
	table := load(f)
	f.Fuzz(func(t *testing.T, path, acceptEncoding, rangeHeader, ifNoneMatch string) {
		u, err := url.Parse(path)
		if err != nil {
			u = &url.URL{Path: path} // also exercise decoded paths that url.Parse refuses
		}
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.URL = u
		for name, value := range map[string]string{"Accept-Encoding": acceptEncoding, "Range": rangeHeader, "If-None-Match": ifNoneMatch} {
			if value != "" {
				req.Header[name] = []string{value}
			}
		}
		rec := httptest.NewRecorder()
		table.ServeHTTP(rec, req)
		h := rec.Header()
		body := rec.Body.Bytes()

		switch rec.Code {
		case 200, 206, 304, 400, 404, 416:
		default:
			t.Fatalf("status %d for %q", rec.Code, path)
		}
		if rec.Code != 304 && h.Get("Content-Length") != strconv.Itoa(len(body)) {
			t.Fatalf("Content-Length %q, body %d bytes", h.Get("Content-Length"), len(body))
		}
		if rec.Code == 400 || rec.Code == 404 || rec.Code == 416 {
			return
		}
		if !CleanPath(u) {
			t.Fatalf("served %d for unclean path %q", rec.Code, u.Path)
		}
		file := table.lookup(u.Path)
		if file == nil {
			t.Fatalf("served %d for %q, which is not in the bundle", rec.Code, u.Path)
		}
		if h.Get("Vary") != "Accept-Encoding" || h.Get("ETag") == "" {
			t.Fatalf("missing Vary or ETag: %v", h)
		}
		// The ETag names the variant (a 304 carries no Content-Encoding).
		enc := -1
		for e := range numEncodings {
			if file.available[e] && h.Get("ETag") == file.variants[e].etag {
				enc = e
			}
		}
		if enc < 0 {
			t.Fatalf("ETag %s is none of %s's", h.Get("ETag"), file.Path)
		}
		wantEncoding := ""
		if enc != identity {
			wantEncoding = encodingNames[enc]
		}
		if rec.Code != 304 && h.Get("Content-Encoding") != wantEncoding {
			t.Fatalf("Content-Encoding %q with the ETag of the %s variant", h.Get("Content-Encoding"), encodingNames[enc])
		}
		var lines []string
		if acceptEncoding != "" {
			lines = []string{acceptEncoding}
		}
		if enc != identity && refuses(lines, enc) {
			t.Fatalf("sent %s although Accept-Encoding %q refuses it", encodingNames[enc], acceptEncoding)
		}
		v := file.variants[enc]
		switch rec.Code {
		case 200:
			if !bytes.Equal(body, v.body) {
				t.Fatalf("body is not the %s variant of %s", encodingNames[enc], file.Path)
			}
		case 206:
			if enc != identity || !bytes.Contains(v.body, body) || len(body) == 0 {
				t.Fatalf("206 with %d bytes from the %s variant", len(body), encodingNames[enc])
			}
		case 304:
			if len(body) != 0 || ifNoneMatch == "" {
				t.Fatalf("304 with a body or without If-None-Match")
			}
		}
	})
}

// refuses reports whether an Accept-Encoding header rates enc q=0, either
// by name or through "*" when enc is not named. It is a second, simpler
// reading of the header to check negotiate against.
func refuses(lines []string, enc int) bool {
	if len(lines) == 0 {
		return true // no header: only identity is sent
	}
	star, named := -1, -1
	for _, line := range lines {
		for _, element := range strings.Split(line, ",") {
			coding, params, _ := strings.Cut(element, ";")
			coding = strings.ToLower(strings.Trim(coding, " \t"))
			w := parseQ(params)
			switch {
			case coding == "*":
				star = w
			case coding == encodingNames[enc] || (enc == gzip && coding == "x-gzip"):
				named = w
			}
		}
	}
	if named >= 0 {
		return named == 0
	}
	return star <= 0
}
