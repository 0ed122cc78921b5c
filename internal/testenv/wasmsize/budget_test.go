package wasmsize

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBudget builds the hello world and the widget as make build does and
// fails when the widget's brotli size is over Budget of the hello world's.
// The measuring runs in internal/bench/wasmcost, outside this test binary:
// under -race, brotli at quality 11 takes minutes.
func TestBudget(t *testing.T) {
	cmd := exec.Command("go", "run", "github.com/crumbless/crumbless/internal/bench/wasmcost", "-bytes", Hello, Widget)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	require.NoError(t, err)
	var helloRaw, hello, raw, br int
	_, err = fmt.Sscan(string(out), &helloRaw, &hello, &raw, &br)
	require.NoError(t, err, "wasmcost -bytes printed %q", out)
	require.Positive(t, hello)
	require.Positive(t, br)
	budget := Budget(hello)
	t.Logf("hello world wasm: %d bytes raw, %d bytes brotli", helloRaw, hello)
	t.Logf("widget wasm: %d bytes raw, %d bytes brotli (budget 1.5 × %d = %d, %d left)", raw, br, hello, budget, budget-br)
	assert.LessOrEqual(t, br, budget, "the widget's wasm is over its brotli budget: find what grew with go run ./internal/bench/wasmcost")
}

// heavy are packages that must never be linked into the widget, with what
// they cost (measured against a minimal syscall/js program, brotli).
var heavy = map[string]string{
	"fmt":                       "about 122 KB brotli; use strconv and string concatenation",
	"os":                        "about 59 KB brotli",
	"encoding/json":             "about 206 KB brotli; use the browser's JSON through syscall/js and wasm/jsvalue",
	"net/http":                  "about 1.5 MB brotli; use fetch through syscall/js (wasm/ui, wasm/transport)",
	"reflect":                   "about 60 KB brotli; convert with wasm/jsvalue (Decoder/Encoder methods), not reflection",
	"time":                      "about 25 KB brotli: its init links internal/godebug and the runtime's metrics; use Date.now and setTimeout through syscall/js, registry.Duration",
	"embed":                     "imports io/fs and time; compile texts in with internal/tools/embedgo",
	"sort":                      "sort.Slice* links reflectlite's Swapper; use slices",
	"github.com/norunners/vert": "about 163 KB brotli with the fmt it imports; use wasm/jsvalue",
	"honnef.co/go/js/dom/v2":    "a wrapper per DOM node; use syscall/js (wasm/ui)",
	"text/template":             "reflection-driven method calls keep every exported method alive",
	"html/template":             "reflection-driven method calls keep every exported method alive",
	"syscall":                   "looks up Node's fs and process through js.Global, which make build keeps out of the host page's globals (Makefile WASMEXEC_LOCALS)",
}

// TestNoHeavyImports lists the widget's dependencies for GOOS=js
// GOARCH=wasm and fails when one of the heavy packages is among them.
func TestNoHeavyImports(t *testing.T) {
	cmd := exec.Command("go", "list", "-deps", Widget)
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	out, err := cmd.Output()
	require.NoError(t, err)
	deps := strings.Fields(string(out))
	require.Contains(t, deps, "syscall/js", "go list listed the widget's dependencies")
	for _, pkg := range deps {
		if cost, ok := heavy[pkg]; ok {
			t.Errorf("the widget's wasm imports %s (%s): find the importer with GOOS=js GOARCH=wasm go list -deps -f '{{.ImportPath}}: {{.Imports}}' ./wasm/", pkg, cost)
		}
	}
}

// TestMakefileFlags checks that make build compiles the widget with Flags,
// the flags the budget is measured with: a flag added to one and not the
// other would measure a wasm that visitors never download.
func TestMakefileFlags(t *testing.T) {
	src, err := os.ReadFile("../../../Makefile")
	require.NoError(t, err)
	var got string
	for _, line := range strings.Split(string(src), "\n") {
		if v, ok := strings.CutPrefix(line, "WIDGETFLAGS := "); ok {
			got = v
		}
	}
	require.NotEmpty(t, got, "the Makefile sets WIDGETFLAGS")
	want := make([]string, len(Flags))
	for i, f := range Flags {
		if name, value, ok := strings.Cut(f, "="); ok && strings.Contains(value, " ") {
			f = name + `="` + value + `"`
		}
		want[i] = f
	}
	assert.Equal(t, strings.Join(want, " "), got)
	assert.Contains(t, string(src), "$(GO) build $(WIDGETFLAGS) -o $(STAGE)/crumbless.wasm ./wasm")
}
