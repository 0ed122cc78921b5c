package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"syscall"

	"github.com/crumbless/crumbless/server"
)

// serveChild runs the Crumbless server on addr with data, trusting the
// proxy on 127.0.0.1, until SIGTERM; its log (slog JSON, the "listening"
// line first) goes to stderr. A second listener answers the process's
// goroutine count; its address is written to statsFile before the server
// starts.
func serveChild(addr, data, statsFile string) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	logOut := server.NewLogWriter(os.Stderr)
	defer logOut.Close()
	logger, err := server.NewLogger("json", logOut)
	if err != nil {
		return err
	}
	s, err := server.New(ctx, server.Config{Data: data, TrustedProxies: []string{"127.0.0.1/32"}, Logger: logger})
	if err != nil {
		return err
	}
	defer s.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	go http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		fmt.Fprint(w, runtime.NumGoroutine(), " ", m.HeapInuse>>10)
	}))
	if err := os.WriteFile(statsFile, []byte(ln.Addr().String()), 0o600); err != nil {
		return err
	}
	return s.ListenAndServe(ctx, addr)
}
