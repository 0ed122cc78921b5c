// Package mail sends the notification mails: agents hear of visitor
// messages no agent has seen within the notify-after delay, visitors who
// gave an address get the agents' replies they have not seen, with a
// continue link that brings the conversation to any browser (package
// restore).
//
// The mails wait in the store's outbox (storage.Mail), written in the
// transaction of the message they are about, so a crash loses none; a
// Mailer claims them with a lease, so instances sharing a PostgreSQL
// database never send one twice at once. A mail that fails (SMTP down, an
// address refused for now) is logged and retried with backoff for a day;
// one the SMTP server refuses for good (a 5xx reply for the recipient) or
// whose address does not parse is not retried. Every attempt is written to
// the store's delivery log (storage.MailStatus), which the console shows. Mail
// goes through SMTP with github.com/wneessen/go-mail: smtp:// uses STARTTLS
// when the server offers it, smtps:// TLS from the start.
package mail

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/mail"
	"net/url"
	"os"
	"strconv"
	"sync"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/crumbless/crumbless/server/restore"
	"github.com/crumbless/crumbless/server/storage"
)

// PasswordEnv names the environment variable that holds the SMTP password
// when the -smtp URL has none (so that it stays out of the process list).
const PasswordEnv = "CRUMBLESS_SMTP_PASSWORD"

// DefaultNotifyAfter is how long a message waits unseen before it is mailed.
const DefaultNotifyAfter = 2 * time.Minute

// Config configures a Mailer; the zero value of every field but Store,
// SMTP, From, PublicURL and Key takes the default given with it.
type Config struct {
	Store storage.Mail
	// SMTP is smtp://user:password@host:587 (STARTTLS when offered) or
	// smtps://user:password@host:465 (TLS). The password may instead come
	// from Password.
	SMTP     string
	Password string
	// From is the sender's address (the -mail-from flag).
	From string
	// PublicURL is the origin of the continue, console and unsubscribe
	// links (the -public-url flag).
	PublicURL string
	// Key signs the unsubscribe links.
	Key []byte
	// NotifyAfter is how long a message waits unseen before it is mailed
	// (DefaultNotifyAfter); the messages that come meanwhile join its mail.
	NotifyAfter time.Duration
	// Logger receives a line per mail sent or failed. Nil: nothing.
	Logger *slog.Logger
	// Poll is how often the outbox is read (1 s).
	Poll time.Duration
	// Retry is how long a failing mail is retried after its first message (24 h).
	Retry time.Duration
	// Timeout bounds one SMTP conversation (30 s).
	Timeout time.Duration
	// Now is the clock (time.Now).
	Now func() time.Time
	// Send sends a mail; nil: SMTP as configured. For tests.
	Send func(ctx context.Context, m *gomail.Msg) error
}

// Mailer sends the outbox's mails until Close.
type Mailer struct {
	cfg     Config
	secrets []string // kept out of the error texts
	cancel  context.CancelFunc
	done    sync.WaitGroup
}

// ParseSMTP checks an -smtp URL and returns the go-mail client options for
// it; password, when the URL has none, is the one used.
func ParseSMTP(raw, password string, timeout time.Duration) (host string, opts []gomail.Option, err error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "smtp" && u.Scheme != "smtps") {
		return "", nil, errors.New("-smtp: want smtp://user:password@host:587 or smtps://…@host:465")
	}
	host = u.Hostname()
	port := 587
	// WithTLSPolicy, not WithTLSPortPolicy: the latter falls back to port
	// 25 without TLS when the port it was given does not answer.
	opts = []gomail.Option{gomail.WithTimeout(timeout), gomail.WithTLSPolicy(gomail.TLSOpportunistic)}
	if u.Scheme == "smtps" {
		port = 465
		opts = []gomail.Option{gomail.WithTimeout(timeout), gomail.WithSSL()}
	}
	if p := u.Port(); p != "" {
		if port, err = strconv.Atoi(p); err != nil {
			return "", nil, fmt.Errorf("-smtp: bad port %q", p)
		}
	}
	opts = append(opts, gomail.WithPort(port))
	if user := u.User.Username(); user != "" {
		if pw, ok := u.User.Password(); ok {
			password = pw
		}
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover), gomail.WithUsername(user), gomail.WithPassword(password))
	}
	return host, opts, nil
}

// Start checks cfg and starts sending from cfg.Store.
func Start(cfg Config) (*Mailer, error) {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&cfg.NotifyAfter, DefaultNotifyAfter)
	def(&cfg.Poll, time.Second)
	def(&cfg.Retry, 24*time.Hour)
	def(&cfg.Timeout, 30*time.Second)
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Password == "" {
		cfg.Password = os.Getenv(PasswordEnv)
	}
	if a, err := mail.ParseAddress(cfg.From); err != nil || a.Name != "" {
		return nil, fmt.Errorf("-mail-from: %q is not an address", cfg.From)
	}
	if u, err := url.Parse(cfg.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, errors.New("-smtp needs -public-url (https://chat.example): the mails link to it")
	}
	secrets := []string{cfg.Password}
	if u, err := url.Parse(cfg.SMTP); err == nil {
		if pw, ok := u.User.Password(); ok {
			secrets = append(secrets, pw, url.QueryEscape(pw))
		}
	}
	if cfg.Send == nil {
		host, opts, err := ParseSMTP(cfg.SMTP, cfg.Password, cfg.Timeout)
		if err != nil {
			return nil, err
		}
		cfg.Send = func(ctx context.Context, m *gomail.Msg) error {
			c, err := gomail.NewClient(host, opts...)
			if err != nil {
				return err
			}
			return c.DialAndSendWithContext(ctx, m)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	m := &Mailer{cfg: cfg, secrets: secrets, cancel: cancel}
	m.done.Add(1)
	go m.run(ctx)
	return m, nil
}

// Close stops sending; a mail in flight is cancelled and sent again later
// (by this process's next start or another instance).
func (m *Mailer) Close() {
	m.cancel()
	m.done.Wait()
}

// lease is how long a claimed mail stays with this process.
func (m *Mailer) lease() time.Duration { return m.cfg.Timeout + 30*time.Second }

func (m *Mailer) run(ctx context.Context) {
	defer m.done.Done()
	tick := time.NewTicker(m.cfg.Poll)
	defer tick.Stop()
	for {
		for m.sendDue(ctx) {
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		case <-m.cfg.Store.MailQueued():
		}
	}
}

// sendDue sends one batch of due mails and reports whether it was full
// (more may be due).
func (m *Mailer) sendDue(ctx context.Context) bool {
	const batch = 10
	now := m.cfg.Now()
	list, err := m.cfg.Store.ClaimMails(ctx, now.UnixMilli(), now.Add(-m.cfg.NotifyAfter).UnixMilli(), m.lease(), batch)
	if err != nil {
		if ctx.Err() == nil {
			m.cfg.Logger.Warn("mail: claim", "err", err)
		}
		return false
	}
	for _, out := range list {
		m.send(ctx, out)
	}
	return len(list) == batch
}

// send sends one claimed mail and records the outcome: sent, retried
// later (with backoff, until Retry after its first message), or given up
// at once when the server refused it for good.
func (m *Mailer) send(ctx context.Context, out storage.OutMail) {
	log := m.cfg.Logger.With("conversation", out.ConversationID, "agent", out.AgentID, "attempt", out.Attempt)
	content, err := m.cfg.Store.MailContent(ctx, out)
	if err != nil {
		log.Warn("mail: read", "err", err)
		return // the lease ends and it is claimed again
	}
	var r storage.MailResult
	if n := len(content.Messages); n > 0 {
		r.Upto = content.Messages[n-1].ID
		r.To = content.To
		err = m.deliver(ctx, out, content)
	}
	r.At = m.cfg.Now().UnixMilli()
	if err != nil && ctx.Err() != nil {
		return // shutting down: the lease ends and it is claimed again
	}
	var permanent bool
	if err != nil {
		r.Error, permanent = failure(err, m.secrets...)
	}
	switch {
	case err == nil && r.To != "":
		r.State = storage.MailSent
		log.Info("mail: sent", "messages", len(content.Messages))
	case err == nil:
	case permanent:
		r.State = storage.MailRejected
		log.Error("mail: rejected; not retried", "err", r.Error)
	case m.cfg.Now().Sub(time.UnixMilli(out.Created)) < m.cfg.Retry:
		r.State = storage.MailRetrying
		r.RetryAt = m.cfg.Now().Add(backoff(out.Attempt)).UnixMilli()
		log.Warn("mail: failed; will retry", "err", r.Error, "retry_at", time.UnixMilli(r.RetryAt).UTC().Format(time.RFC3339))
	default:
		r.State = storage.MailFailed
		log.Error("mail: failed; giving up", "err", r.Error)
	}
	if err := m.cfg.Store.FinishMail(context.WithoutCancel(ctx), out, r); err != nil {
		log.Warn("mail: finish", "err", err)
	}
}

// deliver composes and sends a mail; a mail to a visitor carries a new
// restore code in its continue link.
func (m *Mailer) deliver(ctx context.Context, out storage.OutMail, content storage.MailContent) error {
	if !ValidAddress(content.To) {
		return errBadAddress
	}
	if content.Site == "" { // the widget did not name its site: the server's name
		if u, err := url.Parse(m.cfg.PublicURL); err == nil {
			content.Site = u.Host
		}
	}
	l := letter{
		content: content, toAgent: out.AgentID != 0, from: m.cfg.From,
		consoleURL:  consoleURL(m.cfg.PublicURL),
		unsubscribe: unsubscribeURL(m.cfg.PublicURL, m.cfg.Key, out.ConversationID, out.AgentID),
	}
	if !l.toAgent {
		code, selector, hash := restore.New()
		now := m.cfg.Now()
		if err := m.cfg.Store.AddRestoreCode(ctx, out.ConversationID, selector, hash, now.UnixMilli(), now.Add(restore.MailTTL).UnixMilli()); err != nil {
			return fmt.Errorf("restore code: %w", err)
		}
		l.continueURL = continueURL(m.cfg.PublicURL, code)
	}
	msg, err := l.build()
	if err != nil {
		return fmt.Errorf("compose: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, m.cfg.Timeout)
	defer cancel()
	return m.cfg.Send(ctx, msg)
}

// backoff is the wait before attempt n+1: 30 s doubling to 1 h, ±20 %.
func backoff(attempt int) time.Duration {
	d := 30 * time.Second << min(attempt-1, 7)
	d = min(d, time.Hour)
	return time.Duration(float64(d) * (0.8 + 0.4*rand.Float64()))
}

// ValidAddress reports whether s is a bare mail address (no display name),
// at most 254 bytes, as people type it.
func ValidAddress(s string) bool {
	if len(s) > 254 || s == "" {
		return false
	}
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s
}
