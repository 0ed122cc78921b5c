// Package floor serves the floor of the widget's click-to-ready benchmarks:
// a Go hello world (internal/testenv/wasmsize/hello, built with the
// widget's flags) that a click fetches, instantiates and runs until it
// writes its one DOM node, as the loader does for the widget. Every Go
// program in a page pays that time; the benchmarks print the widget's time
// next to it. enginebench (three engines, cold) and loaderbench (Chromium,
// cold, hover-prefetched and warm) serve it from here.
package floor

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/andybalholm/brotli"

	"github.com/crumbless/crumbless/internal/testenv/wasmsize"
)

// ClickProbe notes, in the page, the time of the first click (capture
// phase on the window: before any handler of the page or the widget).
const ClickProbe = `addEventListener('click', () => { window.__clickAt ??= performance.now(); }, true);`

// helloPage is the floor: a button whose click does what the loader does
// for the widget (wasm_exec.js and the wasm fetched at the same time,
// instantiateStreaming, go.run) for the Go hello world; the time the
// hello world's node appears is noted in __doneAt by a MutationObserver.
// With ?prefetch=hover, the pointer entering the button fetches both files
// into the HTTP cache first, as the loader's hover prefetch does.
const helloPage = `<!doctype html><html lang="en"><title>Hello</title>
<button id="go" style="position:fixed;right:20px;bottom:20px;width:56px;height:56px">Go</button>
<script>` + ClickProbe + `
new MutationObserver((_, o) => { if ([...document.body.children].some(e => e.tagName == 'P')) { window.__doneAt ??= performance.now(); o.disconnect(); } })
  .observe(document.body, {childList: true});
const go = document.getElementById('go');
if (location.search.includes('prefetch=hover')) go.addEventListener('pointerenter', () => { fetch('/hello.wasm'); fetch('/wasm_exec.js'); }, {once: true});
go.addEventListener('click', async () => {
  const res = fetch('/hello.wasm');
  await new Promise((resolve, reject) => { const s = document.createElement('script'); s.src = '/wasm_exec.js'; s.onload = resolve; s.onerror = reject; document.head.append(s); });
  const go = new Go();
  const result = await WebAssembly.instantiateStreaming(res, go.importObject);
  go.run(result.instance);
});
</script></html>`

// Server serves, on a loopback origin of its own, the hello-world page at
// /hello and its files, which a browser may cache as the widget's hashed
// files (immutable), and with Host a page that embeds the widget from
// the Crumbless server at WidgetBase.
type Server struct {
	*httptest.Server
	// WidgetBase is the Crumbless server's origin, for the page Host serves.
	WidgetBase string
	// Host is the body of the page at /host (with %s for WidgetBase), or "".
	Host  string
	files map[string]map[string][]byte // path → coding ("br", "gzip", "") → body

	mu     sync.Mutex
	served string // the coding of the last hello.wasm response
}

// New builds the hello world into tmp with wasmsize.Flags and serves it with
// the wasm_exec.js of the built web folder web (server/web), the one the
// widget loads.
func New(tmp, web string) (*Server, error) {
	if _, _, err := wasmsize.Measure(tmp, wasmsize.Hello); err != nil {
		return nil, err
	}
	wasm, err := os.ReadFile(filepath.Join(tmp, "hello.wasm"))
	if err != nil {
		return nil, err
	}
	execs, _ := filepath.Glob(filepath.Join(web, "a", "wasm_exec.*.js"))
	if len(execs) != 1 {
		return nil, fmt.Errorf("want one wasm_exec.*.js in %s/a (make build), found %d", web, len(execs))
	}
	exec := map[string][]byte{}
	for coding, ext := range map[string]string{"": "", "br": ".br", "gzip": ".gz"} {
		if exec[coding], err = os.ReadFile(execs[0] + ext); err != nil {
			return nil, err
		}
	}
	helloBr, helloGz, err := compress(wasm)
	if err != nil {
		return nil, err
	}
	f := &Server{files: map[string]map[string][]byte{
		"/wasm_exec.js": exec,
		"/hello.wasm":   {"": wasm, "br": helloBr, "gzip": helloGz},
	}}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	return f, nil
}

// HelloURL is the hello world's page; prefetch "hover" fetches its files
// when the pointer enters the button.
func (f *Server) HelloURL(prefetch string) string {
	return f.URL + "/hello?prefetch=" + prefetch
}

func (f *Server) serve(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/hello":
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, helloPage)
		return
	case "/host":
		if f.Host == "" {
			break
		}
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, f.Host, f.WidgetBase)
		return
	}
	bodies, ok := f.files[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	coding := negotiate(r.Header.Get("Accept-Encoding"))
	if coding != "" {
		w.Header().Set("Content-Encoding", coding)
	}
	w.Header().Set("Vary", "Accept-Encoding")
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable") // as the widget's hashed files
	if strings.HasSuffix(r.URL.Path, ".wasm") {
		w.Header().Set("Content-Type", "application/wasm")
		f.mu.Lock()
		f.served = coding
		f.mu.Unlock()
	} else {
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	}
	w.Write(bodies[coding])
}

// Coding returns the coding of the last hello.wasm response.
func (f *Server) Coding() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.served == "" {
		return "identity"
	}
	return f.served
}

// negotiate picks brotli, then gzip, then identity from an Accept-Encoding
// header, as the server does for what it offers.
func negotiate(accept string) string {
	var br, gz bool
	for _, part := range strings.Split(accept, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.ReplaceAll(strings.TrimSpace(params), " ", "") == "q=0" {
			continue
		}
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "br":
			br = true
		case "gzip":
			gz = true
		}
	}
	switch {
	case br:
		return "br"
	case gz:
		return "gzip"
	}
	return ""
}

// compress returns data as brotli (quality 11, as the bundle is
// precompressed) and gzip (best compression).
func compress(data []byte) (br, gz []byte, err error) {
	var b bytes.Buffer
	w := brotli.NewWriterLevel(&b, brotli.BestCompression)
	if _, err := w.Write(data); err != nil {
		return nil, nil, err
	}
	if err := w.Close(); err != nil {
		return nil, nil, err
	}
	var g bytes.Buffer
	zw, err := gzip.NewWriterLevel(&g, gzip.BestCompression)
	if err != nil {
		return nil, nil, err
	}
	if _, err := zw.Write(data); err != nil {
		return nil, nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, nil, err
	}
	return b.Bytes(), g.Bytes(), nil
}
