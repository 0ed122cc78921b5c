package disclosure

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crumbless/crumbless/internal/shared/registry"
	"github.com/crumbless/crumbless/server/stats"
)

func get(t *testing.T, target string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	Handler().ServeHTTP(rec, req)
	return rec
}

func TestServesTheRegistry(t *testing.T) {
	cases := []struct {
		target, prefix string
	}{
		{"/disclosure.json", registry.DefaultPrefix},
		{"/disclosure.json?prefix=acme-", "acme-"},
		{"/disclosure.json?prefix=a.b:c_D-9", "a.b:c_D-9"},
	}
	for _, c := range cases {
		t.Run(c.target, func(t *testing.T) {
			rec := get(t, c.target)
			require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
			assert.Equal(t, "application/json; charset=utf-8", rec.Header().Get("Content-Type"))
			assert.Equal(t, "nosniff", rec.Header().Get("X-Content-Type-Options"))
			assert.Equal(t, "*", rec.Header().Get("Access-Control-Allow-Origin"))
			assert.Empty(t, rec.Header().Values("Set-Cookie"))

			var got []map[string]any
			require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &got))
			require.Len(t, got, len(registry.Keys))
			for i, k := range registry.Keys {
				e := got[i]
				assert.Equal(t, c.prefix+k.Name, e["key"])
				assert.Equal(t, k.Area, e["area"])
				assert.Equal(t, k.Purpose, e["purpose"])
				assert.Equal(t, k.Category, e["category"])
				assert.EqualValues(t, k.TTL.Seconds(), e["ttl"])
				assert.Equal(t, registry.Lifetime(k), e["lifetime"])
			}
		})
	}
}

func TestRejectsBadPrefix(t *testing.T) {
	for _, p := range []string{"", "a b", "<script>", "é", strings.Repeat("a", MaxPrefix+1), "a%00"} {
		t.Run(p, func(t *testing.T) {
			rec := get(t, "/disclosure.json?prefix="+strings.ReplaceAll(p, " ", "%20"))
			assert.Equal(t, http.StatusBadRequest, rec.Code)
		})
	}
	assert.Equal(t, http.StatusOK, get(t, "/disclosure.json?prefix="+strings.Repeat("a", MaxPrefix)).Code)
}

func TestRevalidatesWithETag(t *testing.T) {
	first := get(t, "/disclosure.json")
	etag := first.Header().Get("ETag")
	require.NotEmpty(t, etag)
	assert.Equal(t, "public, max-age=300", first.Header().Get("Cache-Control"))
	assert.Equal(t, http.StatusNotModified, get(t, "/disclosure.json", "If-None-Match", etag).Code)
	other := get(t, "/disclosure.json?prefix=acme-")
	assert.NotEqual(t, etag, other.Header().Get("ETag"), "each prefix has its own ETag")
}

func TestOtherMethods(t *testing.T) {
	for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodDelete} {
		t.Run(m, func(t *testing.T) {
			rec := httptest.NewRecorder()
			Handler().ServeHTTP(rec, httptest.NewRequest(m, "/disclosure.json", nil))
			assert.Equal(t, http.StatusMethodNotAllowed, rec.Code)
			assert.Equal(t, "GET, HEAD", rec.Header().Get("Allow"))
		})
	}
}

func TestServesWhatIsCounted(t *testing.T) {
	assert.Equal(t, `<`+StatisticsPath+`>; rel="describedby"`, get(t, "/disclosure.json").Header().Get("Link"))
	rec := httptest.NewRecorder()
	StatisticsHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, StatisticsPath, nil))
	require.Equal(t, http.StatusOK, rec.Code)
	assert.Equal(t, "*", rec.Header().Get("Access-Control-Allow-Origin"))
	var d struct {
		Linked bool `json:"linked_to_visitor"`
		Events []struct {
			Name, What string
		} `json:"events"`
		Dimensions []struct{ Name string } `json:"dimensions"`
		Never      []string                `json:"never_kept"`
	}
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &d))
	assert.False(t, d.Linked)
	var names []string
	for _, e := range d.Events {
		names = append(names, e.Name)
		assert.NotEmpty(t, e.What)
	}
	assert.ElementsMatch(t, stats.Kinds, names, "every kind counted is disclosed")
	assert.Len(t, d.Dimensions, 4)
	assert.Contains(t, d.Never, "visitor token")

	rec = httptest.NewRecorder()
	StatisticsHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodPost, StatisticsPath, nil))
	assert.Equal(t, http.StatusMethodNotAllowed, rec.Code)
}
