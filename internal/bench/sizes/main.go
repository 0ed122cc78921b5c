// Command sizes prints the sizes of the server's web files (raw, gzip, brotli) from its
// manifest, as a Markdown table. make bench runs it.
//
//	go run ./internal/bench/sizes server/web
package main

import (
	"encoding/json"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"

	"github.com/crumbless/crumbless/server/assets"
)

func main() {
	log.SetFlags(0)
	dir := "server/web"
	if len(os.Args) > 1 {
		dir = os.Args[1]
	}
	raw, err := os.ReadFile(filepath.Join(dir, assets.ManifestName))
	if err != nil {
		log.Fatalf("sizes: %v (run make build first)", err)
	}
	var m assets.Manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		log.Fatalf("sizes: parse manifest: %v", err)
	}
	fmt.Printf("bundle %s\n\n", m.Version)
	fmt.Printf("| %-32s | %10s | %10s | %10s |\n", "file", "raw", "gzip", "brotli")
	fmt.Printf("|%s|%s|%s|%s|\n", strings.Repeat("-", 34), strings.Repeat("-", 12), strings.Repeat("-", 12), strings.Repeat("-", 12))
	for _, e := range m.Files {
		fmt.Printf("| %-32s | %10d | %10d | %10d |\n", e.Path, e.Size, e.GzipSize, e.BrotliSize)
	}
}
