// Command installdeps installs, with apt-get, the Debian packages the
// tests use when they are missing: chromium and its fonts (the e2e and
// wasm tiers), postgresql (the storage tests), nginx-light with its brotli
// module and caddy (the e2e test of the hosting configs), npm (which
// make deps uses to fetch axe-core), and the engines tier's drivers:
// chromium-driver, firefox-esr, webkit2gtk-driver and xvfb; and python3-aiosmtpd,
// the SMTP server of the mail tests. It is what make deps runs; it needs
// root only when something is missing, and asks nothing (apt-get -y,
// DEBIAN_FRONTEND=noninteractive, stdin closed), so it runs in CI as is.
//
//	go run ./internal/tools/installdeps
package main

import (
	"context"
	"log"
	"os"

	"github.com/crumbless/crumbless/internal/testenv/debian"
)

func main() {
	log.SetFlags(0)
	err := debian.Install(context.Background(), os.Stdout,
		debian.Chromium, debian.ChromiumFonts, debian.Postgres,
		debian.Nginx, debian.NginxBrotli, debian.Caddy, debian.Npm,
		debian.Chromedriver, debian.FirefoxESR, debian.WebKitDriver, debian.Xvfb, debian.Aiosmtpd)
	if err != nil {
		log.Fatalf("installdeps: %v", err)
	}
}
