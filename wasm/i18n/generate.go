package i18n

// The compiled-in English catalog; see internal/tools/embedgo. Run go
// generate ./wasm/... from the module root after editing catalogs/en.json.
// The other catalogs are packed as files (internal/tools/pack) and, for
// the tests, compiled into package i18ntest.

//go:generate go run ../../internal/tools/embedgo -pkg i18n -o catalogs_gen.go catalogEN=catalogs/en.json
