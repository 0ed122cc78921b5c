package main

import (
	"net/http/httptest"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crumbless/crumbless/server/assets"
)

func TestHandlerRoutes(t *testing.T) {
	table, err := assets.Load(fstest.MapFS{
		"manifest.json": {Data: []byte(`{"version":"t","files":[{"name":"index.html","path":"index.html"}]}`)},
		"index.html":    {Data: []byte("<!doctype html>demo")},
	})
	require.NoError(t, err)
	h := newHandler(table)
	cases := []struct {
		method, path string
		want         int
		body         string
	}{
		{"GET", "/healthz", 200, "ok\n"},
		{"GET", "/", 200, "<!doctype html>demo"},
		{"GET", "/missing", 404, ""},
		{"POST", "/", 405, ""},
		{"GET", "/disclosure.json", 200, ""},
		{"HEAD", "/disclosure.json", 200, ""},
		{"POST", "/disclosure.json", 405, ""},
	}
	for _, c := range cases {
		t.Run(c.method+" "+c.path, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(c.method, c.path, nil))
			assert.Equal(t, c.want, rec.Code)
			if c.body != "" {
				assert.Equal(t, c.body, rec.Body.String())
			}
			assert.Empty(t, rec.Header().Values("Set-Cookie"), "no cookies, ever")
		})
	}
}
