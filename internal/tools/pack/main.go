// Command pack turns the staged widget files into the web files the server
// embeds: every asset except the loader and the pages gets a content-hashed
// name under a/, every file gets brotli (quality 11) and gzip (level 9)
// variants, and manifest.json lists them all.
//
//	go run ./internal/tools/pack -in build/stage -out server/web -version v0.1.0
//
// With -dist it writes the self-hostable distribution instead (see Dist):
//
//	go run ./internal/tools/pack -in build/stage -dist dist -version v0.1.0 -license LICENSE -types static/crumbless.d.ts
//
// With -npm (the minified ESM entry) it also writes the npm package
// crumbless-<version>.tgz next to the distribution (see NpmPackage), with
// the declarations and README from -npm-dir:
//
//	go run ./internal/tools/pack … -npm build/npm/index.js -npm-dir static/npm
//
// It fails, and writes nothing, when a required file is missing or broken.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"log"
	"os"
	"path/filepath"
)

func main() {
	in := flag.String("in", "build/stage", "folder with the staged files")
	out := flag.String("out", "server/web", "folder to write the packed files to (its contents are replaced)")
	version := flag.String("version", "dev", "version recorded in the manifest")
	dist := flag.String("dist", "", "write the distribution into this folder (crumbless-<version>/ and .tar.gz) instead of -out")
	license := flag.String("license", "LICENSE", "with -dist: the licence file to ship")
	types := flag.String("types", "static/crumbless.d.ts", "with -dist: the TypeScript declarations to ship, when the file exists")
	npmEntry := flag.String("npm", "", "with -dist: the npm package's minified ESM entry; writes crumbless-<version>.tgz too")
	npmDir := flag.String("npm-dir", "static/npm", "with -npm: the folder with the package's index.d.ts and README.md")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("pack: ")

	files, err := Build(os.DirFS(*in), *version)
	if err != nil {
		log.Fatalf("%s: %v", *in, err)
	}
	if *dist != "" {
		if err := writeDist(*dist, *version, *license, *types, *npmEntry, *npmDir, files); err != nil {
			log.Fatal(err)
		}
		return
	}
	if err := Write(*out, files); err != nil {
		log.Fatal(err)
	}
	for _, f := range files {
		fmt.Printf("%-40s %9d raw %9d gzip %9d br\n", f.Path, len(f.Raw), len(f.Gzip), len(f.Brotli))
	}
}

func writeDist(dir, version, licensePath, typesPath, npmEntry, npmDir string, files []File) error {
	var in DistInputs
	var err error
	if in.License, err = os.ReadFile(licensePath); err != nil {
		return fmt.Errorf("dist: %w", err)
	}
	if in.Types, err = os.ReadFile(typesPath); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("dist: %w", err)
	}
	files, err = Dist(files, version, in)
	if err != nil {
		return fmt.Errorf("dist: %w", err)
	}
	folder, err := WriteDist(dir, version, files)
	if err != nil {
		return fmt.Errorf("dist: %w", err)
	}
	fmt.Printf("%-44s %9s %9s\n", folder+"/", "raw", "brotli")
	var raw, br int64
	for _, f := range files {
		fmt.Printf("  %-42s %9d %9d\n", f.Path, f.Size, f.BrotliSize)
		raw, br = raw+f.Size, br+f.BrotliSize
	}
	fmt.Printf("  %-42s %9d %9d\n", "total", raw, br)
	fmt.Printf("%s.tar.gz\n", folder)
	if npmEntry != "" {
		if err := writeNpm(folder+".tgz", version, npmEntry, npmDir, files, in); err != nil {
			return fmt.Errorf("npm package: %w", err)
		}
	}
	pinned, _ := PinnedLoader(files)
	fmt.Printf("\nEmbed (pinned, with SRI; replace https://HOST/crumbless/ with where you host the folder):\n\n%s\n",
		Snippet{Version: version, Loader: pinned.Path, Integrity: pinned.Integrity}.HTML("https://HOST/crumbless/"))
	return nil
}

// writeNpm writes the npm package of the distribution files to path.
func writeNpm(path, version, entryPath, dir string, files []File, dist DistInputs) error {
	in := NpmInputs{API: dist.Types, License: dist.License}
	var err error
	for p, b := range map[string]*[]byte{entryPath: &in.Entry, filepath.Join(dir, "index.d.ts"): &in.Types, filepath.Join(dir, "README.md"): &in.Readme} {
		if *b, err = os.ReadFile(p); err != nil {
			return err
		}
	}
	tgz, err := NpmPackage(files, version, in)
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, tgz, 0o644); err != nil {
		return err
	}
	entry, err := NpmEntry(tgz)
	if err != nil {
		return err
	}
	fmt.Printf("%s (npm package; index.js %d bytes, %d brotli)\n", path, len(entry.Raw), entry.BrotliSize)
	return nil
}
