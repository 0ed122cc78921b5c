// Package e2e holds the end-to-end tests: they start the built server binary
// (CRUMBLESS_BIN, set by make test-e2e) on a loopback port and drive the demo
// page in headless Chromium through chromedp. They are behind the e2e build
// tag so that the host tier does not need a browser.
package e2e
