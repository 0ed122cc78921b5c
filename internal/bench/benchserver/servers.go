package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
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

// errExited is a contender that exited before it answered: with nginx and
// Caddy, most likely a port taken between freePort and their bind.
var errExited = errors.New("exited before answering")

// start runs argv pinned to cpu with env added, logging to work/<name>.log,
// and waits until port answers with a Server header containing product
// (so that another program on the port is not taken for it).
func start(name, cpu string, port int, product, work string, env []string, argv ...string) (*server, error) {
	logFile, err := os.Create(filepath.Join(work, name+".log"))
	if err != nil {
		return nil, err
	}
	cmd := exec.Command("taskset", append([]string{"-c", cpu}, argv...)...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); logFile.Close(); close(exited) }()
	s := &server{name: name, base: "http://127.0.0.1:" + strconv.Itoa(port), pid: cmd.Process.Pid}
	s.stop = func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		res, err := http.Get(s.url("/crumbless.js"))
		if err == nil {
			res.Body.Close()
			if strings.Contains(strings.ToLower(res.Header.Get("Server")), product) {
				return s, nil
			}
			err = fmt.Errorf("answered by %q", res.Header.Get("Server"))
		}
		select {
		case <-exited:
			log, _ := os.ReadFile(logFile.Name())
			return nil, fmt.Errorf("%s on port %d: %w: %v\n%s", name, port, errExited, err, log)
		default:
		}
		if time.Now().After(deadline) {
			s.stop()
			log, _ := os.ReadFile(logFile.Name())
			return nil, fmt.Errorf("%s did not answer on port %d: %v\n%s", name, port, err, log)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// onFreePort runs start on a loopback port nobody listens on now, and on
// another when the server exited before answering (up to three tries).
// nginx and Caddy cannot bind port 0 and report the port they got, so a
// port taken between the probe and their bind is found out by their exit
// (or by another server's answer, which start refuses).
func onFreePort(start func(port int) (*server, error)) (*server, error) {
	var err error
	for range 3 {
		var port int
		if port, err = freePort(); err != nil {
			return nil, err
		}
		var s *server
		if s, err = start(port); err == nil || !errors.Is(err, errExited) {
			return s, err
		}
	}
	return nil, err
}

// freePort returns a loopback port nobody listens on now.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
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
