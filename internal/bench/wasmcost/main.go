// Command wasmcost builds Go packages for GOOS=js GOARCH=wasm the way make
// build does and prints their sizes (raw, brotli) and each one's difference
// from the first, as a Markdown table. make bench uses it to show what the
// store costs:
//
//	go run ./internal/bench/wasmcost ./wasm/store/internal/probe/without ./wasm/store/internal/probe/with
//
// With -budget it measures the Go hello world and the widget and prints
// both with the widget's budget (1.5 times the hello world, see
// internal/testenv/wasmsize). With -bytes it prints only "RAW BROTLI", one line per
// package, for the budget test of internal/testenv/wasmsize (which runs under
// -race, where compressing in the test itself takes minutes).
package main

import (
	"bytes"
	"fmt"
	"log"
	"os"

	"github.com/crumbless/crumbless/internal/testenv/wasmsize"
)

func main() {
	log.SetFlags(0)
	if len(os.Args) < 2 {
		log.Fatal("usage: wasmcost PACKAGE...")
	}
	dir, err := os.MkdirTemp("", "wasmcost")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	switch os.Args[1] {
	case "-bytes":
		for _, pkg := range os.Args[2:] {
			raw, br, err := wasmsize.Measure(dir, pkg)
			if err != nil {
				log.Fatalf("wasmcost: %s: %v", pkg, err)
			}
			fmt.Println(raw, br)
		}
		return
	case "-budget":
		brs := table(dir, []string{wasmsize.Hello, wasmsize.Widget})
		budget := wasmsize.Budget(brs[0])
		fmt.Printf("\nwidget budget: 1.5 × %d = %d bytes brotli; the widget weighs %d, %d left\n", brs[0], budget, brs[1], budget-brs[1])
		return
	}
	table(dir, os.Args[1:])
}

// table measures pkgs and prints them as a Markdown table; it returns their
// brotli sizes.
func table(dir string, pkgs []string) []int {
	fmt.Printf("| %-44s | %10s | %10s | %14s |\n", "package", "raw", "brotli", "brotli vs first")
	fmt.Printf("|%s|%s|%s|%s|\n", dashes(46), dashes(12), dashes(12), dashes(16))
	brs := make([]int, len(pkgs))
	for i, pkg := range pkgs {
		raw, br, err := wasmsize.Measure(dir, pkg)
		if err != nil {
			log.Fatalf("wasmcost: %s: %v", pkg, err)
		}
		brs[i] = br
		fmt.Printf("| %-44s | %10d | %10d | %+14d |\n", pkg, raw, br, br-brs[0])
	}
	return brs
}

func dashes(n int) string { return string(bytes.Repeat([]byte("-"), n)) }
