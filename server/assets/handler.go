package assets

import (
	"net/http"
	"strconv"
)

// ServeHTTP serves the bundle:
//
//   - a path that fails CleanPath is 400; a method other than GET or HEAD is
//     405 with Allow; a path not in the bundle is 404 ("/" is index.html,
//     nothing else falls back to it);
//   - the representation is chosen from Accept-Encoding (see negotiate),
//     always with Vary: Accept-Encoding, its own strong ETag and an exact
//     Content-Length, also for HEAD, which sends no body;
//   - If-None-Match (a list, W/ tags or "*") that matches answers 304;
//   - Range, with If-Range, is served on the identity representation (206,
//     or 416 when unsatisfiable); on a compressed one it is ignored;
//   - caching and security headers follow the file's kind (see headers).
//
// Everything but a 206 is prebuilt by Load, so a request costs a map lookup,
// a header parse without allocation and a copy of prebuilt header slices.
func (t *Table) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !CleanPath(r.URL) {
		writeError(w, http.StatusBadRequest)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		writeError(w, http.StatusMethodNotAllowed)
		return
	}
	f := t.lookup(r.URL.Path)
	if f == nil {
		writeError(w, http.StatusNotFound)
		return
	}
	enc := negotiate(r.Header["Accept-Encoding"], f.available)
	v := &f.variants[enc]
	h := w.Header()
	if noneMatch(r.Header["If-None-Match"], v.etag) {
		v.notModified.writeTo(h)
		w.WriteHeader(http.StatusNotModified)
		return
	}
	if enc == identity {
		if ranges := r.Header["Range"]; len(ranges) > 0 && ifRangeAllows(r.Header["If-Range"], v.etag) {
			size := int64(len(v.body))
			part, outcome := parseRange(ranges, size)
			switch outcome {
			case rangeSatisfiable:
				v.ok.writeTo(h)
				h["Content-Range"] = []string{"bytes " + strconv.FormatInt(part.first, 10) + "-" + strconv.FormatInt(part.last, 10) + "/" + strconv.FormatInt(size, 10)}
				h["Content-Length"] = []string{strconv.FormatInt(part.length(), 10)}
				w.WriteHeader(http.StatusPartialContent)
				if r.Method != http.MethodHead {
					w.Write(v.body[part.first : part.last+1])
				}
				return
			case rangeUnsatisfiable:
				h["Content-Range"] = []string{"bytes */" + strconv.FormatInt(size, 10)}
				writeError(w, http.StatusRequestedRangeNotSatisfiable)
				return
			}
		}
	}
	v.ok.writeTo(h)
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(v.body)
	}
}
