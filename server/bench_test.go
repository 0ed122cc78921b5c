package server

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkHandler measures the whole stack a request goes through (access
// log, path guard, router, table) without the network: go test -bench .
func BenchmarkHandler(b *testing.B) {
	table := testTableB(b)
	logger, err := NewLogger("text", io.Discard)
	if err != nil {
		b.Fatal(err)
	}
	h := accessLog(logger, newHandler(table, origins{}))
	etag := func() string {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, "/crumbless.js", nil)
		h.ServeHTTP(rec, req)
		return rec.Header().Get("ETag")
	}()
	for _, c := range []struct {
		name   string
		header http.Header
	}{
		{"200", http.Header{"Accept-Encoding": {"br"}}},
		{"304", http.Header{"Accept-Encoding": {"br"}, "If-None-Match": {etag}}},
	} {
		b.Run(c.name, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, "/crumbless.js", nil)
			req.Header = c.header
			w := &nullWriter{header: http.Header{}}
			b.ReportAllocs()
			for b.Loop() {
				clear(w.header)
				h.ServeHTTP(w, req)
			}
		})
	}
}

type nullWriter struct{ header http.Header }

func (w *nullWriter) Header() http.Header         { return w.header }
func (w *nullWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *nullWriter) WriteHeader(int)             {}
