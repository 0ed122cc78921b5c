// Package server is the Crumbless server as a library: the widget's built
// files, the storage disclosure, the chat API and the agent inbox behind one
// http.Handler, and an http.Server with the limits, TLS and graceful
// shutdown the crumbless command runs it with.
//
//	s, err := server.New(ctx, server.Config{Data: "./data", Logger: logger})
//	if err != nil { … }
//	defer s.Close()
//	err = s.ListenAndServe(ctx, "127.0.0.1:8080") // until ctx is done
//
// Or mount s.Handler() in a server of your own. The command that parses the
// flags is cmd/crumbless.
package server

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/crumbless/crumbless/server/assets"
	"github.com/crumbless/crumbless/server/chat"
	"github.com/crumbless/crumbless/server/disclosure"
	"github.com/crumbless/crumbless/server/forwarded"
	"github.com/crumbless/crumbless/server/hours"
	"github.com/crumbless/crumbless/server/mail"
	"github.com/crumbless/crumbless/server/storage"
	"github.com/crumbless/crumbless/server/webhook"
)

// Config configures a Server. Data is required; the zero value of every
// other field takes the default given with it.
type Config struct {
	// Data is the folder for the server's data: the SQLite database, the
	// key of the network bans' hashes and content that overrides the
	// shipped samples. It is created (mode 0700) when missing.
	Data string
	// DB names the database: "sqlite" or "" for crumbless.db in Data, or a
	// postgres:// URL, which several instances may share.
	DB string
	// Origins lists the pages (https://shop.example) allowed to call
	// /api/v1/ cross-origin; "*" allows any. Empty: same-origin calls only.
	Origins []string
	// Files is the built widget (manifest.json at its root), such as a
	// distribution made by make dist. Nil: the files make build embedded.
	Files fs.FS
	// TrustedProxies lists the reverse proxies (CIDRs or addresses, the
	// -trusted-proxies flag) whose X-Forwarded-For, X-Forwarded-Proto and
	// Forwarded headers are believed: from those peers the client is the
	// first untrusted address of the chain read from the right, and the
	// scheme the one they report. Empty: the headers are ignored and the
	// client is the connection's peer.
	TrustedProxies []string
	// PublicURL is the origin browsers use (https://chat.example, the
	// -public-url flag) when a proxy stands in front. The agent API's
	// same-origin check compares Origin with it, requests for another Host
	// get 421, and an https URL turns on HSTS. Empty: the origin is the
	// request's scheme and Host.
	PublicURL string
	// Logger receives the access log (one line per request) and the
	// server's own messages. Nil: nothing is logged.
	Logger *slog.Logger
	// TLSCert and TLSKey name a PEM certificate chain and its private key;
	// when set, Serve speaks HTTPS (HTTP/2 and HTTP/1.1) instead of HTTP.
	TLSCert, TLSKey string
	// PreChat lists the details the widget asks for before the first
	// message: "name", "email" (the -prechat flag); each is then required
	// to start a conversation, and kept, shown, exported and erased with
	// it. Empty (the default): none are asked.
	PreChat []string
	// Hours names a JSON file with the team's business hours (the -hours
	// flag; format in package server/hours). New refuses a file that does
	// not validate. Empty: no schedule, the widget shows online or offline.
	Hours string
	// PresenceGrace is how long the team still shows as online after the
	// last agent closed the inbox (15 s).
	PresenceGrace time.Duration
	// Heartbeat is how often an idle event stream sends a comment (15 s).
	Heartbeat time.Duration
	// Retain is how long a conversation (no message and no use of its
	// visitor token for longer) and a form submission are kept before the
	// retention sweep erases them (the -retain flag). 0 keeps them until
	// an erasure. Network hashes are dropped after 30 days either way
	// unless a network ban uses them.
	Retain time.Duration
	// RetainStats is how long the statistics of a day are kept before the
	// retention sweep deletes them (the -retain-stats flag, 400 days by
	// default there, so that a day can be compared with the same day a
	// year before). 0 keeps them. The words of the searches that found
	// nothing are deleted after Retain when that is sooner.
	RetainStats time.Duration
	// SMTP is the mail server (the -smtp flag): smtp://user:password@host:587
	// (STARTTLS when offered) or smtps://…@host:465. Empty: no mail is sent
	// and visitors are not offered replies by mail. It needs MailFrom and
	// PublicURL (the links in the mails).
	SMTP string
	// SMTPPassword is the password when SMTP has none (the
	// CRUMBLESS_SMTP_PASSWORD environment variable).
	SMTPPassword string
	// MailFrom is the sender of the mails (the -mail-from flag).
	MailFrom string
	// NotifyAfter is how long a message waits unseen before it is mailed
	// (the -notify-after flag, 2 m).
	NotifyAfter time.Duration
}

// Server is a configured Crumbless server: its files in memory, its store
// open and its chat backend running until Close.
type Server struct {
	cfg     Config
	logger  *slog.Logger
	table   *assets.Table
	allowed origins
	trusted forwarded.Trusted
	tls     *tls.Config
	chat    *chat.Server
	store   storage.Store
	hooks   *webhook.Deliverer // nil when the store keeps no outbox
	mailer  *mail.Mailer       // nil without SMTP
	handler http.Handler
}

// New checks cfg, loads the widget's files, opens the store and starts the
// chat backend, the webhook deliveries and, with SMTP, the mails. A bad origin, TLS pair or database stops it with an error
// that names the setting.
func New(ctx context.Context, cfg Config) (*Server, error) {
	if cfg.Data == "" {
		return nil, errors.New("server: Config.Data names no folder")
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	allowed, err := parseOrigins(cfg.Origins)
	if err != nil {
		return nil, err
	}
	trusted, err := forwarded.ParseTrusted(strings.Join(cfg.TrustedProxies, ","))
	if err != nil {
		return nil, err
	}
	public, err := parsePublicURL(cfg.PublicURL)
	if err != nil {
		return nil, err
	}
	tlsConfig, err := loadTLS(cfg.TLSCert, cfg.TLSKey)
	if err != nil {
		return nil, err
	}
	files := cfg.Files
	if files == nil {
		files = builtFiles()
	}
	table, err := assets.Load(files)
	if err != nil {
		return nil, err
	}
	prechat, err := preChat(cfg.PreChat)
	if err != nil {
		return nil, err
	}
	var schedule *hours.Schedule
	if cfg.Hours != "" {
		if schedule, err = hours.Load(cfg.Hours); err != nil {
			return nil, err
		}
	}
	if err := os.MkdirAll(cfg.Data, 0o700); err != nil {
		return nil, fmt.Errorf("data folder: %w", err)
	}
	if cfg.SMTP != "" && (cfg.MailFrom == "" || cfg.PublicURL == "") {
		return nil, errors.New("-smtp needs -mail-from (the sender) and -public-url (the links in the mails)")
	}
	var key []byte
	chatServer, store, err := openChat(ctx, cfg.DB, cfg.Data, logger, func(c *chat.Config) {
		c.PresenceGrace = cfg.PresenceGrace
		c.Hours = schedule
		c.PreChat = prechat
		c.Heartbeat = cfg.Heartbeat
		c.Retention.Conversations = cfg.Retain
		c.Retention.Stats = cfg.RetainStats
		c.Mail = cfg.SMTP != ""
		key = c.NetworkKey
	})
	if err != nil {
		return nil, err
	}
	mounts := []func(mux, api *http.ServeMux){chatServer.Mount}
	var mailer *mail.Mailer
	if outbox, ok := store.(storage.Mail); ok {
		// The links are signed with a key of their own, derived from the
		// server's secret.
		mac := hmac.New(sha256.New, key)
		mac.Write([]byte("crumbless mail links"))
		linkKey := mac.Sum(nil)
		mounts = append(mounts, func(_, api *http.ServeMux) {
			api.Handle(mail.UnsubscribePath, mail.UnsubscribeHandler(outbox, linkKey, logger))
		})
		if cfg.SMTP != "" {
			mailer, err = mail.Start(mail.Config{Store: outbox, SMTP: cfg.SMTP, Password: cfg.SMTPPassword, From: cfg.MailFrom,
				PublicURL: cfg.PublicURL, Key: linkKey, NotifyAfter: cfg.NotifyAfter, Logger: logger})
			if err != nil {
				chatServer.Close()
				store.Close()
				return nil, err
			}
		}
	}
	var hooks *webhook.Deliverer
	if outbox, ok := store.(webhook.Store); ok {
		hooks = webhook.Start(webhook.Config{Store: outbox, Logger: logger})
	}
	return &Server{
		cfg:     cfg,
		logger:  logger,
		table:   table,
		allowed: allowed,
		trusted: trusted,
		tls:     tlsConfig,
		chat:    chatServer,
		store:   store,
		hooks:   hooks,
		mailer:  mailer,
		handler: accessLog(logger, clientResolver(trusted, public, newHandler(table, allowed, mounts...))),
	}, nil
}

// Handler serves every route, with the access log in front.
func (s *Server) Handler() http.Handler { return s.handler }

// Version is the version of the widget's files, from their manifest.
func (s *Server) Version() string { return s.table.Version() }

// Close stops the webhook deliveries (those in flight are sent again by
// the next start, with the same webhook-id), the mails (likewise) and the
// chat backend (ending
// its event streams), and closes the store. Call it after Serve has
// returned.
func (s *Server) Close() error {
	if s.hooks != nil {
		s.hooks.Close()
	}
	if s.mailer != nil {
		s.mailer.Close()
	}
	s.chat.Close()
	if err := s.store.Close(); err != nil {
		return fmt.Errorf("close store: %w", err)
	}
	return nil
}

// ListenAndServe listens on the TCP address addr ("127.0.0.1:0" picks a
// free port) and serves there until ctx is done, as Serve does.
func (s *Server) ListenAndServe(ctx context.Context, addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	return s.Serve(ctx, ln)
}

// Serve serves on ln until ctx is done, then shuts down gracefully: it
// stops accepting, ends the event streams and lets the requests in flight
// finish for up to 20 s. Its first log line is "listening" with the URL of
// the address ln really bound, so that whoever started the server on port 0
// learns where it is.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := newServer(s.handler, s.logger, defaultLimits)
	srv.RegisterOnShutdown(s.chat.Close) // Shutdown does not end SSE streams by itself
	srv.TLSConfig = s.tls
	scheme := "http"
	if s.tls != nil {
		scheme = "https"
	}
	attrs := []any{"url", scheme + "://" + ln.Addr().String() + "/", "version", s.table.Version(), "data", s.cfg.Data, "db", storage.RedactURL(s.cfg.DB), "origins", s.allowed.String()}
	if s.cfg.PublicURL != "" { // behind a proxy: the address browsers use
		attrs = append(attrs, "public_url", s.cfg.PublicURL)
	}
	if !s.trusted.Empty() {
		attrs = append(attrs, "trusted_proxies", s.trusted.String())
	}
	s.logger.Info("listening", attrs...)
	err := serve(ctx, srv, ln, shutdownGrace)
	s.logger.Info("stopped")
	return err
}

// newHandler mounts every route behind the path guard: /healthz, the
// operator console's page at /agent/, the storage disclosure, the chat API
// (its routes go on api, under /api/v1/,
// where the Origins CORS policy applies), and the widget's files for
// everything not routed elsewhere. Their names are made by the build (a/…,
// crumbless.js, pages, manifest.json) and never collide with a route.
// Each mount adds routes to both muxes (the chat backend: its API on api,
// the operator console at /agent/ on mux).
func newHandler(table *assets.Table, allowed origins, mounts ...func(mux, api *http.ServeMux)) http.Handler {
	api := http.NewServeMux()
	mux := http.NewServeMux()
	for _, mount := range mounts {
		mount(mux, api)
	}
	mux.HandleFunc("GET /healthz", healthz(table.Version()))
	mux.Handle("GET /agent/{$}", consolePage(table))
	mux.Handle("GET /agent", http.RedirectHandler("/agent/", http.StatusMovedPermanently))
	mux.Handle("/disclosure.json", disclosure.Handler())
	mux.Handle(disclosure.StatisticsPath, disclosure.StatisticsHandler())
	mux.Handle("/api/v1/", allowed.wrap(api))
	mux.Handle("/", table)
	return assets.Guard(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if table.Has(r.URL.Path) { // fast path: a file of the widget skips the router
			table.ServeHTTP(w, r)
			return
		}
		mux.ServeHTTP(w, r)
	}))
}

// healthz answers 200 ok once the server is serving; with ?detail it
// answers {"status":"ok","version":"…"} (the widget files' version).
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

// ConsolePage is the built file of the operator console's page (static/
// console.html); /agent/ serves it with the pages' headers and CSP.
const ConsolePage = "/console.html"

// consolePage serves the console's page of table at /agent/ (404 when the
// files have no console, as a distribution of the widget alone).
func consolePage(table *assets.Table) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r2 := r.Clone(r.Context())
		r2.URL.Path, r2.URL.RawPath = ConsolePage, ""
		table.ServeHTTP(w, r2)
	})
}

// preChat checks the pre-chat field names: name and email, each at most
// once; empty entries (an empty flag) are dropped.
func preChat(fields []string) ([]string, error) {
	var out []string
	for _, f := range fields {
		f = strings.TrimSpace(f)
		switch {
		case f == "":
			continue
		case f != chat.PreChatName && f != chat.PreChatEmail:
			return nil, fmt.Errorf("pre-chat: unknown field %q (use name, email)", f)
		case slices.Contains(out, f):
			return nil, fmt.Errorf("pre-chat: %q is listed twice", f)
		}
		out = append(out, f)
	}
	return out, nil
}
