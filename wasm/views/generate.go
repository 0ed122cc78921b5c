package views

// The embedded texts; see internal/tools/embedgo. Run go generate ./wasm/...
// from the module root after editing them.

//go:generate go run ../../internal/tools/embedgo -pkg views -o css_gen.go css=views.css
