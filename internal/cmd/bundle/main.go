// Command bundle turns the staged widget files into the bundle the server
// embeds: every asset except the loader and the pages gets a content-hashed
// name under a/, every file gets brotli (quality 11) and gzip (level 9)
// variants, and manifest.json lists them all.
//
//	go run ./internal/cmd/bundle -in build/stage -out server/bundle -version v0.1.0
//
// It fails, and writes nothing, when a required file is missing or broken.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
)

func main() {
	in := flag.String("in", "build/stage", "folder with the staged files")
	out := flag.String("out", "server/bundle", "folder to write the bundle to (its contents are replaced)")
	version := flag.String("version", "dev", "version recorded in the manifest")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("bundle: ")

	files, err := Build(os.DirFS(*in), *version)
	if err != nil {
		log.Fatalf("%s: %v", *in, err)
	}
	if err := Write(*out, files); err != nil {
		log.Fatal(err)
	}
	for _, f := range files {
		fmt.Printf("%-40s %9d raw %9d gzip %9d br\n", f.Path, len(f.Raw), len(f.Gzip), len(f.Brotli))
	}
}
