package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func npmInputs() NpmInputs {
	return NpmInputs{
		Entry:   []byte(`var L="__CRUMBLESS_LOADER__";export function load(){return L}`),
		Types:   []byte(`/// <reference path="./crumbless.d.ts" />` + "\nexport declare function load(): void;\n"),
		API:     []byte("declare namespace Crumbless {}\n"),
		Readme:  []byte("# crumbless\n"),
		License: []byte("MIT License\n"),
	}
}

// TestNpmPackageLayout: the package is npm pack's layout, package.json
// says what bundlers and tsc look for, the page API's declarations ship
// as they are, and the entry is bound to the distribution's pinned loader.
func TestNpmPackageLayout(t *testing.T) {
	files, err := Build(stage(), "1.2.3-abc1234")
	require.NoError(t, err)
	dist, err := Dist(files, "1.2.3-abc1234", DistInputs{License: []byte("MIT License\n"), Types: []byte("declare namespace Crumbless {}\n")})
	require.NoError(t, err)
	in := npmInputs()
	tgz, err := NpmPackage(dist, "1.2.3-abc1234", in)
	require.NoError(t, err)
	got, err := readTarGz(tgz)
	require.NoError(t, err)

	var names []string
	for name := range got {
		names = append(names, name)
	}
	assert.ElementsMatch(t, []string{"package/package.json", "package/index.js", "package/index.d.ts",
		"package/crumbless.d.ts", "package/README.md", "package/LICENSE"}, names)
	assert.Equal(t, in.API, got["package/crumbless.d.ts"], "the page API's declarations, not a fork")
	assert.Equal(t, in.Types, got["package/index.d.ts"])
	assert.Equal(t, in.License, got["package/LICENSE"])
	assert.Equal(t, in.Readme, got["package/README.md"])

	var pkg map[string]any
	require.NoError(t, json.Unmarshal(got["package/package.json"], &pkg))
	assert.Equal(t, "crumbless", pkg["name"])
	assert.Equal(t, "1.2.3-abc1234", pkg["version"])
	assert.Equal(t, "module", pkg["type"])
	assert.Equal(t, "MIT", pkg["license"])
	assert.Equal(t, false, pkg["sideEffects"])
	assert.Equal(t, "./index.d.ts", pkg["types"])
	assert.Equal(t, map[string]any{"types": "./index.d.ts", "default": "./index.js"}, pkg["exports"].(map[string]any)["."])
	assert.Equal(t, []any{"index.js", "index.d.ts", "crumbless.d.ts"}, pkg["files"])
	assert.NotContains(t, pkg, "dependencies")

	pinned, ok := PinnedLoader(dist)
	require.True(t, ok)
	want, _ := json.Marshal([2]string{pinned.Path, pinned.Integrity})
	assert.Equal(t, `var L=`+string(want)+`;export function load(){return L}`, string(got["package/index.js"]))

	entry, err := NpmEntry(tgz)
	require.NoError(t, err)
	assert.Equal(t, got["package/index.js"], entry.Raw)
	assert.Positive(t, entry.BrotliSize)

	again, err := NpmPackage(dist, "1.2.3-abc1234", in)
	require.NoError(t, err)
	assert.Equal(t, tgz, again, "the same inputs make the same tarball")
}

func TestNpmPackageRefusesBrokenInputs(t *testing.T) {
	files, err := Build(stage(), "1.2.3")
	require.NoError(t, err)
	dist, err := Dist(files, "1.2.3", DistInputs{License: []byte("MIT License\n")})
	require.NoError(t, err)
	cases := []struct {
		name   string
		files  []File
		change func(*NpmInputs)
		want   string
	}{
		{"no pinned loader", files, func(*NpmInputs) {}, "no pinned loader"},
		{"no placeholder", dist, func(in *NpmInputs) { in.Entry = []byte("export {}") }, "placeholder"},
		{"no entry", dist, func(in *NpmInputs) { in.Entry = nil }, "entry"},
		{"no page API declarations", dist, func(in *NpmInputs) { in.API = nil }, "crumbless.d.ts"},
		{"no licence", dist, func(in *NpmInputs) { in.License = nil }, "LICENSE"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := npmInputs()
			c.change(&in)
			_, err := NpmPackage(c.files, "1.2.3", in)
			assert.ErrorContains(t, err, c.want)
		})
	}
}

func TestNpmVersion(t *testing.T) {
	cases := []struct{ in, want, err string }{
		{in: "0.1.0-8803b86", want: "0.1.0-8803b86"},
		{in: "0.1.0-8803b86-dirty", want: "0.1.0-8803b86-dirty"},
		{in: "0.1.0-1234567", want: "0.1.0-1234567"},
		{in: "0.1.0-0123456", want: "0.1.0-g0123456"},
		{in: "0.1.0-0123456-dirty", want: "0.1.0-0123456-dirty"},
		{in: "0.1.0-dev", want: "0.1.0-dev"},
		{in: "1.2.3", want: "1.2.3"},
		{in: "v1.2.3", err: "no semantic version"},
		{in: "dev", err: "no semantic version"},
		{in: "01.2.3-abc", err: "no semantic version"},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			got, err := npmVersion(c.in)
			if c.err != "" {
				assert.ErrorContains(t, err, c.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c.want, got)
			assert.False(t, strings.HasPrefix(got, "v"))
		})
	}
}
