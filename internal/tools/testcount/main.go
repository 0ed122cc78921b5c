// Command testcount reads the output of go test -json on stdin, prints it
// as go test -v would (lines that are not JSON events, such as build
// errors or a wrapper's messages, pass through as they are), and counts
// the tests that passed, failed and were skipped:
//
//	go test -json ./... 2>&1 | go run ./internal/tools/testcount -counts counts.txt
//
// At the end it lists the failed tests and packages, and writes
// "passed failed skipped" to the -counts file for .ci/tier. Its exit status
// is 1 when a test or package failed or no test ran, else 0.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
)

// event is one line of go test -json (cmd/test2json).
type event struct {
	Action  string
	Package string
	Test    string
	Output  string
}

// counts are the tests seen by their final action.
type counts struct {
	passed, failed, skipped int
	failures                []string // "pkg TestX/sub", or "pkg" for a package that failed outside its tests
}

func main() {
	log.SetFlags(0)
	countsFile := flag.String("counts", "", "file to write \"passed failed skipped\" to")
	flag.Parse()
	c, err := scan(os.Stdin, os.Stdout)
	if err != nil {
		log.Fatalf("testcount: %v", err)
	}
	for _, f := range c.failures {
		fmt.Println("FAILED:", f)
	}
	if *countsFile != "" {
		if err := os.WriteFile(*countsFile, []byte(fmt.Sprintf("%d %d %d\n", c.passed, c.failed, c.skipped)), 0o644); err != nil {
			log.Fatalf("testcount: %v", err)
		}
	}
	if len(c.failures) > 0 || c.passed == 0 {
		os.Exit(1)
	}
}

// scan copies the output of in to out and counts the tests.
func scan(in io.Reader, out io.Writer) (counts, error) {
	var c counts
	failedTests := map[string]int{} // package → failed tests seen
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	w := bufio.NewWriter(out)
	defer w.Flush()
	for sc.Scan() {
		line := sc.Bytes()
		var ev event
		if len(line) == 0 || line[0] != '{' || json.Unmarshal(line, &ev) != nil || ev.Action == "" {
			w.Write(line)
			w.WriteByte('\n')
			w.Flush()
			continue
		}
		switch ev.Action {
		case "output":
			w.WriteString(ev.Output)
			if len(ev.Output) > 0 && ev.Output[len(ev.Output)-1] == '\n' {
				w.Flush()
			}
		case "pass":
			if ev.Test != "" {
				c.passed++
			}
		case "skip":
			if ev.Test != "" {
				c.skipped++
			}
		case "fail":
			switch {
			case ev.Test != "":
				c.failed++
				failedTests[ev.Package]++
				c.failures = append(c.failures, ev.Package+" "+ev.Test)
			case failedTests[ev.Package] == 0: // a build error, a panic, a timeout, TestMain
				c.failures = append(c.failures, ev.Package+" (package)")
			}
		}
	}
	return c, sc.Err()
}
