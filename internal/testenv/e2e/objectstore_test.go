//go:build e2e

package e2e

import (
	"bytes"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crumbless/crumbless/server/assets"
)

// fakeAWS is a stand-in for the AWS CLI: it records each call's arguments,
// NUL-separated, one call a line, in $AWS_LOG.
const fakeAWS = `#!/bin/sh
for a in "$@"; do printf '%s\0' "$a"; done >> "$AWS_LOG"
printf '\n' >> "$AWS_LOG"
`

// storedObject is what an object store keeps for a key: the uploaded bytes
// and the metadata given at upload.
type storedObject struct {
	body                                    []byte
	contentType, contentEncoding, cacheCtrl string
}

// uploadWithScript runs docs/hosting/object-store/upload.sh on dist with the
// given encoding and a recording aws on PATH, and returns the bucket the
// calls would have filled, by key under bucketPrefix, in upload order.
func uploadWithScript(t *testing.T, dist, encoding string) (map[string]storedObject, []string) {
	t.Helper()
	bin := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(bin, "aws"), []byte(fakeAWS), 0o755))
	logPath := filepath.Join(t.TempDir(), "aws.log")
	cmd := exec.Command("sh", hostingConfig(t, "object-store/upload.sh"), dist, "s3://bucket/crumbless", "--endpoint-url", "http://store.invalid")
	cmd.Env = append(os.Environ(), "PATH="+bin+":"+os.Getenv("PATH"), "AWS_LOG="+logPath, "CRUMBLESS_ENCODING="+encoding)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "upload.sh: %s", out)
	log, err := os.ReadFile(logPath)
	require.NoError(t, err)

	objects := map[string]storedObject{}
	var order []string
	for _, line := range strings.Split(strings.TrimSuffix(string(log), "\n"), "\n") {
		args := strings.Split(strings.TrimSuffix(line, "\x00"), "\x00")
		require.GreaterOrEqual(t, len(args), 4, "aws call %q", args)
		require.Equal(t, []string{"s3", "cp"}, args[:2], "only aws s3 cp uploads: %q", args)
		key, ok := strings.CutPrefix(args[3], "s3://bucket/crumbless/")
		require.True(t, ok, "destination %s", args[3])
		body, err := os.ReadFile(args[2])
		require.NoError(t, err)
		obj := storedObject{body: body}
		rest := args[4:]
		require.Equal(t, []string{"--endpoint-url", "http://store.invalid"}, rest[len(rest)-2:], "extra arguments passed on last")
		rest = rest[:len(rest)-2]
		for i := 0; i+1 < len(rest); i += 2 {
			switch rest[i] {
			case "--content-type":
				obj.contentType = rest[i+1]
			case "--content-encoding":
				obj.contentEncoding = rest[i+1]
			case "--cache-control":
				obj.cacheCtrl = rest[i+1]
			default:
				t.Fatalf("an option the test's object store does not model: %q in %q", rest[i], args)
			}
		}
		require.Zero(t, len(rest)%2, "options come in pairs: %q", rest)
		require.NotContains(t, objects, key, "uploaded twice")
		objects[key] = obj
		order = append(order, key)
	}
	return objects, order
}

// objectStore serves objects the way an object store does: the stored
// bytes with the stored metadata, whatever the request's Accept-Encoding,
// and Access-Control-Allow-Origin: * for a cross-origin request (the CORS
// rule of docs/hosting/object-store). Nothing else: no negotiation, no
// X-Content-Type-Options, no CORP.
func objectStore(t *testing.T, objects map[string]storedObject) string {
	t.Helper()
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key, ok := strings.CutPrefix(r.URL.Path, "/crumbless/")
		obj, found := objects[key]
		if !ok || !found || (r.Method != http.MethodGet && r.Method != http.MethodHead) {
			w.Header().Set("Content-Type", "application/xml")
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte(`<Error><Code>NoSuchKey</Code></Error>`))
			return
		}
		h := w.Header()
		if r.Header.Get("Origin") != "" {
			h.Set("Access-Control-Allow-Origin", "*")
		}
		h.Set("Content-Type", obj.contentType)
		if obj.contentEncoding != "" {
			h.Set("Content-Encoding", obj.contentEncoding)
		}
		if obj.cacheCtrl != "" {
			h.Set("Cache-Control", obj.cacheCtrl)
		}
		h.Set("Content-Length", strconv.Itoa(len(obj.body)))
		if r.Method == http.MethodGet {
			w.Write(obj.body)
		}
	})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String() + "/crumbless/"
}

// TestDistOnObjectStore checks the object-store recipe: upload.sh stores
// each dist file once, precompressed, with its metadata, hashed files
// first and the stable loader last; served strictly as stored (no content
// negotiation), the widget embedded with the pinned loader and SRI on a
// page of another origin opens, turns dark and stays dark after a reload
// (br objects; gzip objects are checked for their bytes and headers).
func TestDistOnObjectStore(t *testing.T) {
	dist := distDir(t)
	m := distManifest(t, dist)
	pinned := distFile(t, m, func(e assets.Entry) bool { return e.Name == "crumbless.js" && e.Immutable })
	wasm := distFile(t, m, func(e assets.Entry) bool { return e.Name == "crumbless.wasm" })
	immutable := "public, max-age=31536000, immutable"

	for _, encoding := range []string{"br", "gzip"} {
		t.Run(encoding, func(t *testing.T) {
			objects, order := uploadWithScript(t, dist, encoding)

			// Every file of the dist, once, under its plain name.
			var want []string
			for _, e := range m.Files {
				want = append(want, e.Path)
			}
			want = append(want, "manifest.json")
			assert.ElementsMatch(t, want, order, "one object per dist file")
			assert.Equal(t, "crumbless.js", order[len(order)-1], "the stable loader last")
			for i, key := range order {
				if strings.HasPrefix(key, "a/") {
					for _, earlier := range order[:i] {
						assert.True(t, strings.HasPrefix(earlier, "a/"), "hashed %s uploaded after %s", key, earlier)
					}
				}
			}

			suffix := map[string]string{"br": ".br", "gzip": ".gz"}[encoding]
			for _, c := range []struct{ key, contentType, cache string }{
				{wasm.Path, "application/wasm", immutable},
				{pinned.Path, "text/javascript; charset=utf-8", immutable},
				{"crumbless.js", "text/javascript; charset=utf-8", "public, max-age=300"},
				{"manifest.json", "application/json", "no-cache"},
				{"disclosure.json", "application/json", "no-cache"},
			} {
				obj := objects[c.key]
				assert.Equal(t, c.contentType, obj.contentType, c.key)
				assert.Equal(t, encoding, obj.contentEncoding, c.key)
				assert.Equal(t, c.cache, obj.cacheCtrl, c.key)
				stored, err := os.ReadFile(filepath.Join(dist, filepath.FromSlash(c.key)+suffix))
				require.NoError(t, err)
				assert.True(t, bytes.Equal(stored, obj.body), "%s holds the %s file", c.key, suffix)
			}
			for key, obj := range objects {
				if strings.HasPrefix(key, "a/") {
					assert.Equal(t, immutable, obj.cacheCtrl, key)
				}
			}

			base := objectStore(t, objects)
			// The store answers br to a client that did not ask for it: no negotiation.
			req, err := http.NewRequest(http.MethodGet, base+wasm.Path, nil)
			require.NoError(t, err)
			req.Header.Set("Accept-Encoding", "identity")
			res, err := http.DefaultTransport.RoundTrip(req)
			require.NoError(t, err)
			res.Body.Close()
			assert.Equal(t, encoding, res.Header.Get("Content-Encoding"))

			if encoding == "br" { // the widget once: gzip differs only in the bytes checked above
				page := hostPage(t, base+pinned.Path, `integrity="`+pinned.Integrity+`" crossorigin="anonymous" data-site="demo"`, "")
				openThemeReload(t, page, m.Version)
			}
		})
	}
}
