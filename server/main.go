// Command crumbless serves the Crumbless widget bundle and its demo page.
//
//	crumbless [-addr 127.0.0.1:8080] [-data ./data] [-db sqlite|postgres://…] [-origins https://a,https://b]
//	          [-log text|json] [-tls-cert cert.pem -tls-key key.pem]
//
// The bundle (loader, hashed runtime files, pages) is embedded at build time
// by make build and held in memory. Every request is logged on one line.
// SIGINT or SIGTERM shut the server down gracefully: requests in flight are
// finished first.
package main

import (
	"context"
	"embed"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/pprof"
	"strconv"
	"syscall"
	"time"

	"github.com/crumbless/crumbless/server/assets"
	"github.com/crumbless/crumbless/server/chat"
	"github.com/crumbless/crumbless/server/disclosure"
	"github.com/crumbless/crumbless/server/storage"
)

// bundle is written by internal/cmd/bundle; "all:" keeps the .keep file so
// that the package compiles before the first build.
//
//go:embed all:bundle
var bundle embed.FS

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "crumbless:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) > 0 && args[0] == "agent" {
		return runAgent(args[1:], os.Stdin, os.Stdout)
	}
	flags := flag.NewFlagSet("crumbless", flag.ContinueOnError)
	addr := flags.String("addr", "127.0.0.1:8080", "address to listen on")
	data := flags.String("data", "./data", "folder for the server's data")
	db := flags.String("db", "sqlite", "database: sqlite (crumbless.db in -data) or postgres://user:password@host/db (shared by several instances)")
	originList := flags.String("origins", "", "comma-separated origins (https://shop.example) allowed to call /api/v1/ from their pages; * for any")
	logFormat := flags.String("log", "text", "access and server log format: text or json (on stderr)")
	tlsCert := flags.String("tls-cert", "", "PEM certificate chain: serve HTTPS (HTTP/2 and HTTP/1.1) instead of HTTP")
	tlsKey := flags.String("tls-key", "", "PEM private key for -tls-cert")
	presenceGrace := flags.Duration("presence-grace", 15*time.Second, "how long the team still shows as online after the last agent closed the inbox")
	heartbeat := flags.Duration("heartbeat", 15*time.Second, "how often an idle event stream sends a comment; the widget counts a stream silent for twice as long (plus 2 s) as dead and reconnects")
	cpuProfile := flags.String("cpuprofile", "", "write a CPU profile to this file until shutdown (for make bench-server)")
	if err := flags.Parse(args); err != nil {
		return err
	}
	logOut := newLogWriter(os.Stderr)
	defer logOut.Close()
	logger, err := newLogger(*logFormat, logOut)
	if err != nil {
		return err
	}
	allowed, err := parseOrigins(*originList)
	if err != nil {
		return err
	}
	tlsConfig, err := loadTLS(*tlsCert, *tlsKey)
	if err != nil {
		return err
	}

	sub, err := fs.Sub(bundle, "bundle")
	if err != nil {
		return err
	}
	table, err := assets.Load(sub)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*data, 0o700); err != nil {
		return fmt.Errorf("data folder: %w", err)
	}
	if *cpuProfile != "" {
		stop, err := startCPUProfile(*cpuProfile)
		if err != nil {
			return err
		}
		defer stop()
	}

	chatServer, store, err := openChat(context.Background(), *db, *data, logger, func(c *chat.Config) {
		c.PresenceGrace = *presenceGrace
		c.Heartbeat = *heartbeat
	})
	if err != nil {
		return err
	}
	defer store.Close()

	srv := newServer(accessLog(logger, newHandler(table, allowed, chatServer.Mount)), logger, defaultLimits)
	srv.RegisterOnShutdown(chatServer.Close) // Shutdown does not end SSE streams by itself
	srv.TLSConfig = tlsConfig
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	scheme := "http"
	if tlsConfig != nil {
		scheme = "https"
	}
	logger.Info("listening", "url", scheme+"://"+ln.Addr().String()+"/", "version", table.Version(), "data", *data, "db", storage.RedactURL(*db), "origins", allowed.String())
	err = serve(ctx, srv, ln, shutdownGrace)
	logger.Info("stopped")
	return err
}

// newHandler mounts every route behind the path guard: /healthz, the
// storage disclosure, the chat API (its routes go on api, under /api/v1/,
// where the -origins CORS policy applies), and the bundle for everything
// not routed elsewhere. Bundle file names are made by the build (a/…,
// crumbless.js, pages, manifest.json) and never collide with a route.
// Each mount adds routes to both muxes (the chat backend: its API on api,
// the agent inbox page on mux).
func newHandler(table *assets.Table, allowed origins, mounts ...func(mux, api *http.ServeMux)) http.Handler {
	api := http.NewServeMux()
	mux := http.NewServeMux()
	for _, mount := range mounts {
		mount(mux, api)
	}
	mux.HandleFunc("GET /healthz", healthz(table.Version()))
	mux.Handle("/disclosure.json", disclosure.Handler())
	mux.Handle("/api/v1/", allowed.wrap(api))
	mux.Handle("/", table)
	return assets.Guard(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if table.Has(r.URL.Path) { // fast path: a bundle file skips the router
			table.ServeHTTP(w, r)
			return
		}
		mux.ServeHTTP(w, r)
	}))
}

// healthz answers 200 ok once the server is serving; with ?detail it
// answers {"status":"ok","version":"…"} (the bundle's version).
func healthz(version string) http.HandlerFunc {
	detail, _ := json.Marshal(map[string]string{"status": "ok", "version": version})
	return func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Cache-Control", "no-store")
		h.Set("X-Content-Type-Options", "nosniff")
		if r.URL.Query().Has("detail") {
			h.Set("Content-Type", "application/json")
			h.Set("Content-Length", strconv.Itoa(len(detail)))
			w.Write(detail)
			return
		}
		h.Set("Content-Type", "text/plain; charset=utf-8")
		h.Set("Content-Length", "3")
		fmt.Fprintln(w, "ok")
	}
}

func startCPUProfile(name string) (stop func(), err error) {
	f, err := os.Create(name)
	if err != nil {
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}
