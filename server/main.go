// Command crumbless serves the Crumbless widget bundle and its demo page.
//
//	crumbless [-addr 127.0.0.1:8080] [-data ./data]
//
// The bundle (loader, hashed runtime files, pages) is embedded at build time
// by make build. SIGINT or SIGTERM shut the server down gracefully: requests
// in flight are finished first.
package main

import (
	"context"
	"embed"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/crumbless/crumbless/server/assets"
	"github.com/crumbless/crumbless/server/disclosure"
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
	flags := flag.NewFlagSet("crumbless", flag.ContinueOnError)
	addr := flags.String("addr", "127.0.0.1:8080", "address to listen on")
	data := flags.String("data", "./data", "folder for the server's data")
	if err := flags.Parse(args); err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))

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

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           newHandler(table),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    16 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	logger.Info("listening", "url", "http://"+ln.Addr().String()+"/", "version", table.Version(), "data", *data)

	select {
	case err := <-serveErr:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-serveErr; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// newHandler routes /healthz to the health check, /disclosure.json to the
// storage disclosure and everything else to the bundle.
func newHandler(table *assets.Table) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		fmt.Fprintln(w, "ok")
	})
	mux.Handle("/disclosure.json", disclosure.Handler())
	mux.Handle("/", table)
	return mux
}
