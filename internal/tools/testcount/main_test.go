package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestScan(t *testing.T) {
	cases := []struct {
		name                    string
		in                      string
		passed, failed, skipped int
		failures                []string
		out                     string
	}{
		{
			name: "passes, a skip and wrapper lines",
			in: `pgcluster: PostgreSQL at postgres://x
{"Action":"start","Package":"p"}
{"Action":"run","Package":"p","Test":"TestA"}
{"Action":"output","Package":"p","Test":"TestA","Output":"=== RUN   TestA\n"}
{"Action":"output","Package":"p","Test":"TestA","Output":"--- PASS: TestA (0.00s)\n"}
{"Action":"pass","Package":"p","Test":"TestA"}
{"Action":"run","Package":"p","Test":"TestA/sub"}
{"Action":"pass","Package":"p","Test":"TestA/sub"}
{"Action":"skip","Package":"p","Test":"TestB"}
{"Action":"output","Package":"p","Output":"ok  \tp\t0.1s\n"}
{"Action":"pass","Package":"p"}
`,
			passed: 2, skipped: 1,
			out: "pgcluster: PostgreSQL at postgres://x\n=== RUN   TestA\n--- PASS: TestA (0.00s)\nok  \tp\t0.1s\n",
		},
		{
			name: "a failed test fails its package once",
			in: `{"Action":"fail","Package":"p","Test":"TestA/sub"}
{"Action":"fail","Package":"p","Test":"TestA"}
{"Action":"pass","Package":"p","Test":"TestB"}
{"Action":"fail","Package":"p"}
`,
			passed: 1, failed: 2, failures: []string{"p TestA/sub", "p TestA"},
		},
		{
			name: "a package that fails outside its tests",
			in: `# q
q/x.go:1:1: syntax error
{"Action":"output","Package":"q","Output":"FAIL\tq [build failed]\n"}
{"Action":"fail","Package":"q"}
`,
			failures: []string{"q (package)"},
			out:      "# q\nq/x.go:1:1: syntax error\nFAIL\tq [build failed]\n",
		},
		{
			name: "not JSON after all",
			in:   "{not json\n--- PASS: TestFake (0.00s)\n",
			out:  "{not json\n--- PASS: TestFake (0.00s)\n",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out bytes.Buffer
			got, err := scan(strings.NewReader(c.in), &out)
			if err != nil {
				t.Fatal(err)
			}
			if got.passed != c.passed || got.failed != c.failed || got.skipped != c.skipped {
				t.Errorf("passed, failed, skipped = %d, %d, %d; want %d, %d, %d", got.passed, got.failed, got.skipped, c.passed, c.failed, c.skipped)
			}
			if !slices.Equal(got.failures, c.failures) {
				t.Errorf("failures = %q, want %q", got.failures, c.failures)
			}
			if c.out != "" && out.String() != c.out {
				t.Errorf("output = %q, want %q", out.String(), c.out)
			}
		})
	}
}

// TestRealGoTest counts the events of a real go test -json run of a
// throwaway package with a passing, a failing and a skipped test.
func TestRealGoTest(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		t.Helper()
		if err := writeFile(filepath.Join(dir, name), body); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module example.com/sample\n\ngo 1.22\n")
	write("sample_test.go", `package sample

import "testing"

func TestPass(t *testing.T) { t.Run("sub", func(t *testing.T) {}) }
func TestFail(t *testing.T) { t.Log("reason"); t.Fail() }
func TestSkip(t *testing.T) { t.Skip("why") }
`)
	cmd := exec.Command("go", "test", "-json", "-count=1", ".")
	cmd.Dir = dir
	raw, _ := cmd.CombinedOutput() // exits 1: TestFail
	var out bytes.Buffer
	got, err := scan(bytes.NewReader(raw), &out)
	if err != nil {
		t.Fatal(err)
	}
	if got.passed != 2 || got.failed != 1 || got.skipped != 1 {
		t.Errorf("passed, failed, skipped = %d, %d, %d; want 2, 1, 1\n%s", got.passed, got.failed, got.skipped, raw)
	}
	for _, want := range []string{"--- FAIL: TestFail", "reason", "--- PASS: TestPass/sub"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

func writeFile(path, body string) error { return os.WriteFile(path, []byte(body), 0o644) }
