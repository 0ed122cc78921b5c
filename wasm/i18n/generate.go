package i18n

// The embedded texts; see internal/tools/embedgo. Run go generate ./wasm/...
// from the module root after editing them.

//go:generate go run ../../internal/tools/embedgo -pkg i18n -o catalogs_gen.go catalogAR=catalogs/ar.json catalogDE=catalogs/de.json catalogEN=catalogs/en.json catalogNL=catalogs/nl.json catalogSV=catalogs/sv.json
