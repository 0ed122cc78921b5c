// Command wasmcost builds Go packages for GOOS=js GOARCH=wasm the way make
// build does and prints their sizes (raw, brotli) and each one's difference
// from the first, as a Markdown table. make bench uses it to show what the
// store costs:
//
//	go run ./internal/cmd/wasmcost ./wasm/store/internal/probe/without ./wasm/store/internal/probe/with
//
// With -bytes and one package it prints only "RAW BROTLI", for the budget
// test of internal/wasmsize (which runs under -race, where compressing in
// the test itself takes minutes).
package main

import (
	"bytes"
	"fmt"
	"log"
	"os"

	"github.com/crumbless/crumbless/internal/wasmsize"
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

	if os.Args[1] == "-bytes" && len(os.Args) == 3 {
		raw, br, err := wasmsize.Measure(dir, os.Args[2])
		if err != nil {
			log.Fatalf("wasmcost: %s: %v", os.Args[2], err)
		}
		fmt.Println(raw, br)
		return
	}
	fmt.Printf("| %-44s | %10s | %10s | %14s |\n", "package", "raw", "brotli", "brotli vs first")
	fmt.Printf("|%s|%s|%s|%s|\n", dashes(46), dashes(12), dashes(12), dashes(16))
	var first int
	for i, pkg := range os.Args[1:] {
		raw, br, err := wasmsize.Measure(dir, pkg)
		if err != nil {
			log.Fatalf("wasmcost: %s: %v", pkg, err)
		}
		if i == 0 {
			first = br
		}
		fmt.Printf("| %-44s | %10d | %10d | %+14d |\n", pkg, raw, br, br-first)
	}
}

func dashes(n int) string { return string(bytes.Repeat([]byte("-"), n)) }
