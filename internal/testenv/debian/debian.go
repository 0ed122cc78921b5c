// Package debian names the Debian packages that the project's tests and
// benches need and finds out which are missing. Require tells a test what
// is missing and that make deps installs it (tests never install software);
// Install installs with apt-get, for make deps (internal/tools/installdeps)
// and make bench-server's own tools (wrk).
package debian

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// NginxBrotliModule is the module of libnginx-mod-http-brotli-static.
const NginxBrotliModule = "/usr/lib/nginx/modules/ngx_http_brotli_static_module.so"

// Need is one thing a tool needs: a command on PATH or a file, and the
// package that provides it.
type Need struct {
	Command  string // looked up on PATH; or
	File     string // an absolute path that must exist; or
	Glob     string // a pattern (filepath.Match) that must match a file
	Package  string
	Optional bool // installed when possible; its failure is not an error
}

// Common needs.
var (
	Nginx       = Need{Command: "nginx", Package: "nginx-light"}
	NginxBrotli = Need{File: NginxBrotliModule, Package: "libnginx-mod-http-brotli-static"}
	Caddy       = Need{Command: "caddy", Package: "caddy"}
	Chromium    = Need{File: "/usr/bin/chromium", Package: "chromium"}
	// ChromiumFonts are the fonts chromium recommends, for pages and
	// screenshots that look as they do on a desktop.
	ChromiumFonts = Need{Glob: "/usr/share/fonts/truetype/liberation/*.ttf", Package: "fonts-liberation"}
	Npm           = Need{Command: "npm", Package: "npm"}
	// Chromedriver drives chromium over classic WebDriver, FirefoxESR
	// speaks WebDriver BiDi itself, and WebKitDriver (WebKitWebDriver)
	// drives WebKitGTK's MiniBrowser, which needs a display: Xvfb.
	Chromedriver = Need{File: "/usr/bin/chromedriver", Package: "chromium-driver"}
	FirefoxESR   = Need{File: "/usr/bin/firefox-esr", Package: "firefox-esr"}
	WebKitDriver = Need{File: "/usr/bin/WebKitWebDriver", Package: "webkit2gtk-driver"}
	Xvfb         = Need{File: "/usr/bin/Xvfb", Package: "xvfb"}
	// Aiosmtpd is a real SMTP server the mail tests run as its own
	// process (python3 -m aiosmtpd), delivering into a Maildir.
	Aiosmtpd = Need{File: "/usr/lib/python3/dist-packages/aiosmtpd/__init__.py", Package: "python3-aiosmtpd"}
	// Postgres is Debian's server; its programs (initdb, pg_ctl) live in
	// a versioned folder that is not on PATH.
	Postgres = Need{Glob: PostgresBinGlob + "/initdb", Package: "postgresql"}
)

// PostgresBinGlob matches the folders of Debian's PostgreSQL programs.
const PostgresBinGlob = "/usr/lib/postgresql/*/bin"

func (n Need) missing() bool {
	if n.Command != "" {
		_, err := exec.LookPath(n.Command)
		return err != nil
	}
	if n.Glob != "" {
		m, _ := filepath.Glob(n.Glob)
		return len(m) == 0
	}
	_, err := os.Stat(n.File)
	return err != nil
}

// Require returns nil when nothing in needs is missing, and otherwise an
// error naming the missing packages and make deps, which installs them.
func Require(needs ...Need) error {
	var missing []string
	for _, n := range needs {
		if n.missing() {
			missing = append(missing, n.Package+" ("+n.what()+")")
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return fmt.Errorf("missing %s: run make deps (as root on Debian) to install it", strings.Join(missing, ", "))
}

// what says what n looks for.
func (n Need) what() string {
	switch {
	case n.Command != "":
		return n.Command + " on PATH"
	case n.Glob != "":
		return "no file matches " + n.Glob
	default:
		return "no " + n.File
	}
}

// Install installs the packages of the needs that are missing, with
// apt-get update and apt-get install (root only; otherwise it says what to
// install). Package scripts are kept from starting services (RUNLEVEL=1),
// so nothing ends up listening on port 80. apt-get's output goes to out.
func Install(ctx context.Context, out io.Writer, needs ...Need) error {
	var required, optional []string
	for _, n := range needs {
		if !n.missing() {
			continue
		}
		if n.Optional {
			optional = append(optional, n.Package)
		} else {
			required = append(required, n.Package)
		}
	}
	all := append(append([]string(nil), required...), optional...)
	if len(all) == 0 {
		return nil
	}
	if os.Geteuid() != 0 {
		return fmt.Errorf("missing %s: install them (apt-get install %s) or run as root", strings.Join(all, ", "), strings.Join(all, " "))
	}
	fmt.Fprintln(out, "installing", strings.Join(all, " "))
	run := func(args ...string) error {
		cmd := exec.CommandContext(ctx, "apt-get", args...)
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive", "RUNLEVEL=1")
		cmd.Stdin = nil // /dev/null: nothing may wait for an answer
		cmd.Stdout, cmd.Stderr = out, out
		return cmd.Run()
	}
	if err := run("update"); err != nil {
		return fmt.Errorf("apt-get update: %w", err)
	}
	install := func(pkgs []string) error {
		return run(append([]string{"install", "-y", "--no-install-recommends"}, pkgs...)...)
	}
	if err := install(all); err == nil || len(optional) == 0 {
		if err != nil {
			return fmt.Errorf("apt-get install %s: %w", strings.Join(all, " "), err)
		}
		return nil
	}
	// Try again without the optional packages.
	if len(required) == 0 {
		return nil
	}
	if err := install(required); err != nil {
		return fmt.Errorf("apt-get install %s: %w", strings.Join(required, " "), err)
	}
	return nil
}
