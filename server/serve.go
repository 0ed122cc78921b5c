package server

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/crumbless/crumbless/server/chat"
)

// limits are the server's timeouts and header cap.
type limits struct {
	readHeader, read, write, idle time.Duration
	maxHeaderBytes                int
}

// defaultLimits fit static assets: a client has 5 s to send its headers
// (slowloris), 15 s for the whole request, and 60 s to take the response
// (the raw 2.8 MB wasm at 50 KB/s; streaming responses such as SSE set their
// own write deadlines through http.ResponseController). Headers above 16 KiB
// (plus net/http's 4 KiB slack) get 431.
var defaultLimits = limits{
	readHeader:     5 * time.Second,
	read:           15 * time.Second,
	write:          60 * time.Second,
	idle:           120 * time.Second,
	maxHeaderBytes: 16 << 10,
}

// shutdownGrace is how long requests in flight may take to finish after
// SIGTERM before their connections are closed.
const shutdownGrace = 20 * time.Second

// newServer returns an http.Server for h with the given limits, HTTP/1.1
// and HTTP/2 (the latter over TLS only) and net/http's own errors logged
// as warnings.
func newServer(h http.Handler, logger *slog.Logger, l limits) *http.Server {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: l.readHeader,
		ReadTimeout:       l.read,
		WriteTimeout:      l.write,
		IdleTimeout:       l.idle,
		MaxHeaderBytes:    l.maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
		Protocols:         new(http.Protocols),
		// The event streams bound their connections' send buffers.
		ConnContext: chat.ConnContext,
	}
	srv.Protocols.SetHTTP1(true)
	srv.Protocols.SetHTTP2(true)
	return srv
}

// loadTLS returns the TLS configuration for -tls-cert and -tls-key, nil when
// both are empty. The pair is loaded now so that a bad file stops the start.
func loadTLS(certFile, keyFile string) (*tls.Config, error) {
	if certFile == "" && keyFile == "" {
		return nil, nil
	}
	if certFile == "" || keyFile == "" {
		return nil, errors.New("-tls-cert and -tls-key go together")
	}
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, fmt.Errorf("load TLS key pair: %w", err)
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}, nil
}

// serve runs srv on ln, over TLS when srv.TLSConfig is set, until ctx is
// done; then it stops accepting connections, lets the requests in flight
// finish for up to grace, and returns nil once they have.
func serve(ctx context.Context, srv *http.Server, ln net.Listener, grace time.Duration) error {
	served := make(chan error, 1)
	go func() {
		if srv.TLSConfig != nil {
			served <- srv.ServeTLS(ln, "", "")
		} else {
			served <- srv.Serve(ln)
		}
	}()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	shutdownErr := srv.Shutdown(shutdownCtx)
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	if shutdownErr != nil {
		return fmt.Errorf("shutdown: %w", shutdownErr)
	}
	return nil
}
