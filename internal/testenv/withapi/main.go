// Command withapi runs a command next to a throwaway chat backend, for the
// wasm test tier: the browser tests of wasm/transport talk to a real server
// on loopback, never to a mock.
//
//	go run ./internal/testenv/withapi -- env GOOS=js GOARCH=wasm go test ./wasm/...
//
// It serves the chat API (SQLite in a temporary folder, sample content, no
// rate limits) on 127.0.0.1 with CORS open to any origin (the test page is
// served by wasmbrowsertest from another port), creates an agent and a
// session, and runs the command with CRUMBLESS_TEST_API (the base URL) and
// CRUMBLESS_TEST_AGENT (a bearer session token) set. Its exit status is
// the command's.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/crumbless/crumbless/internal/testenv/launch"
	"github.com/crumbless/crumbless/server/chat"
	"github.com/crumbless/crumbless/server/storage"
	"github.com/crumbless/crumbless/static/content"
)

func main() {
	log.SetFlags(0)
	args := os.Args[1:]
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	if len(args) == 0 {
		log.Fatal("usage: withapi -- command [args...]")
	}
	code, err := run(args)
	if err != nil {
		log.Fatalf("withapi: %v", err)
	}
	os.Exit(code)
}

func run(args []string) (int, error) {
	dir, err := os.MkdirTemp("", "crumbless-withapi-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()
	st, err := storage.OpenSQLite(ctx, filepath.Join(dir, "test.db"))
	if err != nil {
		return 0, err
	}
	defer st.Close()
	a, f, err := chat.LoadContent(dir, content.Answers, content.Forms)
	if err != nil {
		return 0, err
	}
	if err := chat.AddAgent(ctx, st, "wasmtest", "wasm-test-password", bcrypt.MinCost, time.Now()); err != nil {
		return 0, err
	}
	srv := chat.New(chat.Config{
		Store: st, Answers: a, Forms: f, BcryptCost: bcrypt.MinCost,
		IPRate: -1, MessageRate: -1, StartRate: -1, LoginRate: -1,
		Heartbeat: time.Second,
		Logger:    slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
	})
	defer srv.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	hs := &http.Server{Handler: openCORS(srv.Handler()), ReadHeaderTimeout: 5 * time.Second}
	hs.RegisterOnShutdown(srv.Close)
	go hs.Serve(ln)
	defer hs.Close()
	base := "http://" + ln.Addr().String()

	req, _ := http.NewRequest("POST", base+"/api/v1/agent/sessions", nil)
	req.SetBasicAuth("wasmtest", "wasm-test-password")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	var session struct{ Token string }
	err = json.NewDecoder(res.Body).Decode(&session)
	res.Body.Close()
	if err != nil || session.Token == "" {
		return 0, fmt.Errorf("agent session: %s %v", res.Status, err)
	}

	return launch.Wrap(args, "CRUMBLESS_TEST_API="+base, "CRUMBLESS_TEST_AGENT="+session.Token)
}

// openCORS lets the test page (another loopback origin) call the API.
func openCORS(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Origin") != "" {
			h := w.Header()
			h.Set("Access-Control-Allow-Origin", "*")
			h.Set("Access-Control-Expose-Headers", "Retry-After")
			if r.Method == http.MethodOptions {
				h.Set("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE")
				h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, Last-Event-ID")
				w.WriteHeader(http.StatusNoContent)
				return
			}
		}
		// The agent API answers only its own origin (the inbox page); the
		// tests play the agent from the test page, so the harness stands in
		// for that origin.
		r.Header.Del("Origin")
		next.ServeHTTP(w, r)
	})
}
