package views

// The embedded texts; see internal/cmd/embedgo. Run go generate ./wasm/...
// from the module root after editing them.

//go:generate go run ../../internal/cmd/embedgo -pkg views -o css_gen.go css=views.css
