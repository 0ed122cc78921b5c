package i18ntest

// The catalogs as the widget's tests see them; see internal/tools/embedgo.
// Run go generate ./wasm/... from the module root after editing one.

//go:generate go run ../../../internal/tools/embedgo -pkg i18ntest -o catalogs_gen.go catalogAR=../catalogs/ar.json catalogDE=../catalogs/de.json catalogEN=../catalogs/en.json catalogNL=../catalogs/nl.json catalogSV=../catalogs/sv.json
