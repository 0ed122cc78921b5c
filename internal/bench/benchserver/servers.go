package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/crumbless/crumbless/internal/testenv/debian"
	"github.com/crumbless/crumbless/internal/testenv/launch"
)

// brotliModule is Debian's libnginx-mod-http-brotli-static.
const brotliModule = debian.NginxBrotliModule

// server is one contender, started pinned to a core on a loopback port.
type server struct {
	name string
	base string // http://127.0.0.1:port
	pid  int
	stop func() // SIGTERM (Crumbless writes its CPU profile then), wait
	note string // what differs from the others, for the report
}

func (s *server) url(path string) string { return s.base + path }

// start runs argv pinned to cpu with env added, logging to work/<name>.log,
// and waits until port answers with a Server header containing product
// (so that another program on the port is not taken for it).
func start(name, cpu string, port int, product, work string, env []string, argv ...string) (*server, error) {
	logFile, err := os.Create(filepath.Join(work, name+".log"))
	if err != nil {
		return nil, err
	}
	base := "http://127.0.0.1:" + strconv.Itoa(port)
	h, err := launch.StartHost(context.Background(), launch.HostOptions{
		Name: name, Argv: append([]string{"taskset", "-c", cpu}, argv...), Env: env,
		Probe: base + "/crumbless.js", Product: product, Log: logFile, Timeout: 15 * time.Second,
	})
	if err != nil {
		logFile.Close()
		return nil, err
	}
	return &server{name: name, base: base, pid: h.Cmd.Process.Pid, stop: func() { _ = h.Stop(); logFile.Close() }}, nil
}

// onFreePort runs start on a loopback port nobody listens on now, and on
// another when the server exited before answering (see launch.OnFreePort).
func onFreePort(start func(port int) (*server, error)) (*server, error) {
	var s *server
	err := launch.OnFreePort(func(port int) (err error) {
		s, err = start(port)
		return err
	})
	return s, err
}

// startNginx serves dir with nginx-light: one worker, sendfile, the
// precompressed .br (when the Debian module is installed) and .gz files,
// and the same Cache-Control as Crumbless. Its access log is on, to a file,
// batched like Crumbless's (64 KiB or 100 ms).
func startNginx(cpu, dir, work string) (*server, error) {
	return onFreePort(func(port int) (*server, error) { return startNginxOn(cpu, dir, work, port) })
}

func startNginxOn(cpu, dir, work string, port int) (*server, error) {
	brotli, note := "", "no brotli module: br requests get identity"
	if _, err := os.Stat(brotliModule); err == nil {
		brotli, note = "load_module "+brotliModule+";", "brotli_static + gzip_static, sendfile, access log to a file (buffer=64k flush=100ms)"
	}
	brotliOn := ""
	if brotli != "" {
		brotliOn = "brotli_static on;"
	}
	conf := fmt.Sprintf(`%[1]s
daemon off;
master_process on;
worker_processes 1;
pid %[2]s/nginx.pid;
error_log %[2]s/nginx-error.log warn;
events { worker_connections 4096; }
http {
	types {
		text/html html; text/css css; text/javascript js; application/json json; application/wasm wasm;
	}
	default_type application/octet-stream;
	access_log %[2]s/nginx-access.log combined buffer=64k flush=100ms;
	client_body_temp_path %[2]s/nginx-body;
	proxy_temp_path %[2]s/nginx-proxy;
	fastcgi_temp_path %[2]s/nginx-fastcgi;
	uwsgi_temp_path %[2]s/nginx-uwsgi;
	scgi_temp_path %[2]s/nginx-scgi;
	sendfile on;
	tcp_nopush on;
	keepalive_requests 1000000;
	keepalive_timeout 120s;
	server_tokens off;
	server {
		listen 127.0.0.1:%[3]d;
		root %[4]s;
		gzip_static on;
		gzip_vary on;
		%[5]s
		add_header X-Content-Type-Options nosniff;
		location /a/ { add_header Cache-Control "public, max-age=31536000, immutable"; add_header X-Content-Type-Options nosniff; }
		location = /crumbless.js { add_header Cache-Control "public, max-age=300"; add_header X-Content-Type-Options nosniff; }
	}
}
`, brotli, work, port, dir, brotliOn)
	confPath := filepath.Join(work, "nginx.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o644); err != nil {
		return nil, err
	}
	s, err := start("nginx", cpu, port, "nginx", work, nil, "nginx", "-p", work, "-c", confPath, "-e", filepath.Join(work, "nginx-error.log"))
	if err != nil {
		return nil, err
	}
	s.note = note
	return s, nil
}

// startCaddy serves dir with Caddy's file_server and its precompressed
// sidecars. Caddy logs no access by default; that is left as shipped.
func startCaddy(cpu, dir, work string) (*server, error) {
	return onFreePort(func(port int) (*server, error) { return startCaddyOn(cpu, dir, work, port) })
}

func startCaddyOn(cpu, dir, work string, port int) (*server, error) {
	conf := fmt.Sprintf(`{
	admin off
	auto_https off
}
http://127.0.0.1:%d {
	root * %s
	header /a/* Cache-Control "public, max-age=31536000, immutable"
	header /crumbless.js Cache-Control "public, max-age=300"
	file_server {
		precompressed br gzip
	}
}
`, port, dir)
	confPath := filepath.Join(work, "Caddyfile")
	if err := os.WriteFile(confPath, []byte(conf), 0o644); err != nil {
		return nil, err
	}
	env := []string{"GOMAXPROCS=1", "XDG_DATA_HOME=" + work, "XDG_CONFIG_HOME=" + work, "HOME=" + work}
	s, err := start("caddy", cpu, port, "caddy", work, env, "caddy", "run", "--config", confPath, "--adapter", "caddyfile")
	if err != nil {
		return nil, err
	}
	s.note = "file_server precompressed br gzip, no access log (its default)"
	return s, nil
}

// startCrumbless runs the built server with GOMAXPROCS=1 on a port the
// kernel picks, its access log (always on) going to a file, and a CPU
// profile when profile is set.
func startCrumbless(cpu, bin, work, profile string) (*server, error) {
	logFile, err := os.Create(filepath.Join(work, "crumbless.log"))
	if err != nil {
		return nil, err
	}
	args := []string{"-data", filepath.Join(work, "data"), "-log", "text"}
	if profile != "" {
		args = append(args, "-cpuprofile", profile)
	}
	srv, err := launch.Start(context.Background(), launch.Options{
		Bin: bin, Args: args, Env: []string{"GOMAXPROCS=1"}, Prefix: []string{"taskset", "-c", cpu}, Log: logFile,
	})
	if err != nil {
		logFile.Close()
		return nil, err
	}
	return &server{
		name: "crumbless", base: srv.URL, pid: srv.Cmd.Process.Pid,
		stop: func() { srv.Stop(); logFile.Close() },
		note: "GOMAXPROCS=1, in-memory table, access log to a file (batched: 64 KiB or 100 ms)",
	}, nil
}

// ensureTools installs what is missing with apt-get (Debian); the brotli
// module is optional (without it nginx serves br requests gzip or identity).
func ensureTools(ctx context.Context) error {
	return debian.Install(ctx, os.Stdout, debian.Nginx, debian.Caddy,
		debian.Need{Command: "wrk", Package: "wrk"},
		debian.Need{Command: "taskset", Package: "util-linux"},
		debian.Need{File: debian.NginxBrotliModule, Package: "libnginx-mod-http-brotli-static", Optional: true})
}
