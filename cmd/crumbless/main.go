// Command crumbless serves the Crumbless widget, its demo page, the chat API
// and the operator console (package server), and manages the agents who answer
// and the webhooks that receive its events.
//
//	crumbless [-addr 127.0.0.1:8080] [-data ./data] [-db sqlite|postgres://…] [-origins https://a,https://b]
//	          [-log text|json] [-tls-cert cert.pem -tls-key key.pem]
//	          [-trusted-proxies CIDR,… -public-url https://chat.example]
//	          [-smtp smtp://user:pass@host:587 -mail-from ADDRESS -notify-after 2m] …
//	crumbless agent add|passwd [-data ./data] [-db sqlite|postgres://…] NAME   (password on stdin)
//	crumbless agent list|remove|logout-all [-data ./data] [-db …] [NAME]
//	crumbless webhook add|list|remove|log …
//
// crumbless -h lists every flag. The widget's files are embedded at build
// time by make build and held in memory. Every request is logged on one
// line; the first line is "listening" with the URL the server bound, so
// that -addr 127.0.0.1:0 tells its starter which port it got. SIGINT or
// SIGTERM shut the server down gracefully: requests in flight are finished
// first.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	"github.com/crumbless/crumbless/server"
	"github.com/crumbless/crumbless/server/mail"
)

func main() {
	err := run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	switch {
	case errors.Is(err, flag.ErrHelp): // -h: the usage is printed
	case err != nil:
		fmt.Fprintln(os.Stderr, "crumbless:", err)
		os.Exit(1)
	}
}

// run runs the subcommand args names, or the server when they name none.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		return runCommand(args, stdin, stdout, stderr)
	}
	flags, opts := newFlags(stderr)
	if err := flags.Parse(args); err != nil {
		return err
	}
	if flags.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q (crumbless -h lists the commands)", flags.Arg(0))
	}
	return serve(opts, stderr)
}

// options are the server's flags.
type options struct {
	addr, data, db, origins, log string
	trustedProxies, publicURL    string
	tlsCert, tlsKey, cpuProfile  string
	hours, prechat               string
	presenceGrace, heartbeat     time.Duration
	smtp, mailFrom               string
	notifyAfter                  time.Duration
	retain, retainStats          days
}

// newFlags defines the server's flags; their usage goes to out.
func newFlags(out io.Writer) (*flag.FlagSet, *options) {
	o := new(options)
	flags := flag.NewFlagSet("crumbless", flag.ContinueOnError)
	flags.SetOutput(out)
	flags.StringVar(&o.addr, "addr", "127.0.0.1:8080", "address to listen on; port 0 picks a free one, logged in the first line")
	flags.StringVar(&o.data, "data", "./data", "folder for the server's data")
	flags.StringVar(&o.db, "db", "sqlite", "database: sqlite (crumbless.db in -data) or postgres://user:password@host/db (shared by several instances)")
	flags.StringVar(&o.origins, "origins", "", "comma-separated origins (https://shop.example) allowed to call /api/v1/ from their pages; * for any")
	flags.StringVar(&o.trustedProxies, "trusted-proxies", "", "comma-separated CIDRs (127.0.0.1/32,10.0.0.0/8) of reverse proxies whose X-Forwarded-For, X-Forwarded-Proto and Forwarded headers are believed; empty: none")
	flags.StringVar(&o.publicURL, "public-url", "", "the origin browsers use (https://chat.example) when a proxy is in front: same-origin checks use it, other Host headers get 421, https turns on HSTS")
	flags.StringVar(&o.log, "log", "text", "access and server log format: text or json (on stderr)")
	flags.StringVar(&o.tlsCert, "tls-cert", "", "PEM certificate chain: serve HTTPS (HTTP/2 and HTTP/1.1) instead of HTTP")
	flags.StringVar(&o.tlsKey, "tls-key", "", "PEM private key for -tls-cert")
	flags.StringVar(&o.hours, "hours", "", "JSON file with the team's business hours (zone, week, holidays; see docs/server.md): outside them the widget says when the team is back")
	flags.StringVar(&o.prechat, "prechat", "", "comma-separated details the widget asks for before the first message: name, email; empty: none")
	flags.DurationVar(&o.presenceGrace, "presence-grace", 15*time.Second, "how long the team still shows as online after the last agent closed the inbox")
	flags.DurationVar(&o.heartbeat, "heartbeat", 15*time.Second, "how often an idle event stream sends a comment; the widget counts a stream silent for twice as long (plus 2 s) as dead and reconnects")
	flags.StringVar(&o.smtp, "smtp", "", "mail server: smtp://user:password@host:587 (STARTTLS when offered) or smtps://user:password@host:465; the password may come from $"+mail.PasswordEnv+" instead; needs -mail-from and -public-url; empty: no mail")
	flags.StringVar(&o.mailFrom, "mail-from", "", "sender address of the mails (chat@shop.example)")
	flags.DurationVar(&o.notifyAfter, "notify-after", mail.DefaultNotifyAfter, "mail a visitor message no agent has seen, or a reply the visitor has not seen, after this long; later messages join the same mail")
	flags.Var(&o.retain, "retain", "erase conversations with no message and no visitor for this long (90d, 720h), and form submissions this old; 0 keeps them until erased")
	o.retainStats = days(DefaultRetainStats)
	flags.Var(&o.retainStats, "retain-stats", "delete the statistics of days older than this (400d keeps a year to compare with, and a month); the words of searches that found nothing go after -retain when that is sooner; 0 keeps them")
	flags.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile to this file until shutdown (for make bench-server)")
	flags.Usage = func() { usage(flags) }
	return flags, o
}

// usage prints the synopsis, every command and every flag of the server.
func usage(flags *flag.FlagSet) {
	w := flags.Output()
	fmt.Fprintf(w, "Usage:\n  crumbless [flags]\n    \tserve the widget, the demo page, the chat API and the agent inbox\n")
	for _, c := range commands {
		fmt.Fprintf(w, "  crumbless %s %s\n    \t%s\n", c.name, c.args, c.help)
	}
	fmt.Fprintf(w, "\nFlags of the server:\n")
	flags.PrintDefaults()
}

// serve runs the server until SIGINT or SIGTERM.
func serve(o *options, stderr io.Writer) error {
	logOut := server.NewLogWriter(stderr)
	defer logOut.Close()
	logger, err := server.NewLogger(o.log, logOut)
	if err != nil {
		return err
	}
	if o.cpuProfile != "" {
		stop, err := startCPUProfile(o.cpuProfile)
		if err != nil {
			return err
		}
		defer stop()
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	s, err := server.New(ctx, server.Config{
		Data:           o.data,
		DB:             o.db,
		Origins:        strings.Split(o.origins, ","),
		TrustedProxies: strings.Split(o.trustedProxies, ","),
		PublicURL:      o.publicURL,
		Logger:         logger,
		TLSCert:        o.tlsCert,
		TLSKey:         o.tlsKey,
		PresenceGrace:  o.presenceGrace,
		Hours:          o.hours,
		PreChat:        strings.Split(o.prechat, ","),
		Heartbeat:      o.heartbeat,
		Retain:         time.Duration(o.retain),
		RetainStats:    time.Duration(o.retainStats),
		SMTP:           o.smtp,
		SMTPPassword:   os.Getenv(mail.PasswordEnv),
		MailFrom:       o.mailFrom,
		NotifyAfter:    o.notifyAfter,
	})
	if err != nil {
		return err
	}
	err = s.ListenAndServe(ctx, o.addr)
	if closeErr := s.Close(); err == nil {
		err = closeErr
	}
	return err
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
