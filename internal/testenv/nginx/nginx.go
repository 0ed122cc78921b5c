// Package nginx runs Debian's nginx in the foreground for tests and
// benches, with a configuration written for the run: one process (or a
// master and workers), the pid and temporary files under a folder of the
// run's, errors on stderr, no access log. The caller writes the server
// blocks.
package nginx

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/crumbless/crumbless/internal/testenv/launch"
)

// Config is what one nginx run serves.
type Config struct {
	// Dir holds nginx.conf, the pid and nginx's temporary files.
	Dir string
	// Main is put in the main context first, for example a load_module
	// line.
	Main string
	// HTTP is the http context's content: upstreams and server blocks.
	HTTP string
	// Connections is worker_connections, per worker (a stream through a
	// proxy takes two); 256 when zero.
	Connections int
	// Workers, when above 1, runs a master process and that many workers:
	// each worker has its own open-file limit, so that together they hold
	// more connections than one process may. Zero or 1: one process.
	Workers int
	// Files is each worker's open-file limit (worker_rlimit_nofile); when
	// zero, the limit nginx inherits.
	Files int
}

// Conf returns the text of nginx.conf for c.
func Conf(c Config) string {
	conns := c.Connections
	if conns == 0 {
		conns = 256
	}
	processes := "master_process off;\nworker_processes 1;"
	if c.Workers > 1 {
		processes = fmt.Sprintf("master_process on;\nworker_processes %d;", c.Workers)
	}
	if c.Files > 0 {
		processes += fmt.Sprintf("\nworker_rlimit_nofile %d;", c.Files)
	}
	return fmt.Sprintf(`%[1]s
daemon off;
%[4]s
pid %[2]s/nginx.pid;
error_log stderr warn;
events { worker_connections %[3]d; }
http {
	access_log off;
	client_body_temp_path %[2]s/body;
	proxy_temp_path %[2]s/proxy;
	fastcgi_temp_path %[2]s/fastcgi;
	uwsgi_temp_path %[2]s/uwsgi;
	scgi_temp_path %[2]s/scgi;
%[5]s
}
`, c.Main, c.Dir, conns, processes, c.HTTP)
}

// Start writes c's configuration to Dir/nginx.conf, runs nginx with it
// and waits until probe answers with nginx's Server header (see
// launch.StartHost; nginx's output goes to log). nginx cannot bind port 0
// and report the port it got, so the caller picks the ports, and a port
// taken before nginx's bind shows as an error wrapping launch.ErrExited:
// run Start inside launch.OnFreePort.
func Start(ctx context.Context, c Config, probe string, log io.Writer) (*launch.Host, error) {
	confPath := filepath.Join(c.Dir, "nginx.conf")
	if err := os.WriteFile(confPath, []byte(Conf(c)), 0o644); err != nil {
		return nil, fmt.Errorf("nginx: %w", err)
	}
	return launch.StartHost(ctx, launch.HostOptions{
		Name: "nginx", Argv: []string{"nginx", "-p", c.Dir, "-c", confPath, "-e", "stderr"},
		Probe: probe, Product: "nginx", Log: log,
	})
}
