//go:build js && wasm

// Command console is the Crumbless operator console, served at /agent/:
// static/console.js starts it on static/console.html. It runs until the
// page goes.
package main

import "github.com/crumbless/crumbless/console/app"

func main() {
	app.Start()
	select {}
}
