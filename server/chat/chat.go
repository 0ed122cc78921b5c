// Package chat is Crumbless's reference chat backend: the visitor API under
// /api/v1/ (conversations, messages, read cursors, typing, a Server-Sent
// Events stream with Last-Event-ID resume, answers search, forms), the agent
// API under /api/v1/agent/ that the operator console at /agent/ calls.
//
// Nothing here sets a cookie. Visitors send "Authorization: Bearer cv_…"
// (the opaque token they got when starting a conversation); agents log in
// with HTTP Basic once and then send "Authorization: Bearer ca_…". Every
// request body is size-limited and decoded strictly; every error is JSON
// {"error": message, "code": code}.
package chat

import (
	"context"
	"crypto/rand"
	"log/slog"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/crumbless/crumbless/internal/shared/localized"
	"github.com/crumbless/crumbless/server/hours"
	"github.com/crumbless/crumbless/server/storage"
)

// Config configures a Server. Zero durations and counts take the defaults
// given on each field.
type Config struct {
	Store   storage.Store
	Answers localized.Answers
	Forms   localized.Forms
	Logger  *slog.Logger
	Now     func() time.Time // default time.Now

	Heartbeat          time.Duration // SSE comment every 15 s
	StreamWriteTimeout time.Duration // per SSE write, 10 s
	// StreamSendBuffer is the kernel's send buffer for an event stream's
	// HTTP/1 connection, 64 KiB (Linux doubles it for its bookkeeping), when
	// the http.Server has ConnContext: a client that stops reading blocks the
	// stream's writes after that much, and StreamWriteTimeout later the
	// stream ends, instead of megabytes of events queueing in the kernel.
	StreamSendBuffer int
	MaxStreams       int // open streams per visitor, 4
	MaxPublicStreams int // availability streams per client address, 16
	// MaxAddressStreams caps the open streams of every kind from one client
	// network (an IPv4 address or IPv6 /64), 128: a 429 beyond.
	MaxAddressStreams int
	// MaxTotalStreams caps the open streams of this process, 20,000: a 503
	// beyond, so that a flood cannot exhaust memory or file descriptors.
	// With a Store that keeps stream leases (PostgreSQL) it also caps the
	// streams of every instance sharing it together, and so do MaxStreams
	// and MaxAddressStreams.
	MaxTotalStreams int
	// MaxLimiterKeys bounds the client networks each rate limit
	// remembers (10,000); the least recently seen are forgotten first.
	MaxLimiterKeys int
	// MaxLogins caps the password checks (bcrypt) running at once,
	// 2 × GOMAXPROCS: a login beyond gets 429 with Retry-After, so that
	// parallel guessing cannot take every core.
	MaxLogins int
	// NetworkKey keys the hashes of the networks visitors come from (network
	// bans); the server keeps it in its data folder or its shared database
	// (LoadNetworkKey). Empty: a random key for this process, so bans by
	// network end with it.
	NetworkKey []byte
	// PreChat lists the details the widget asks for before the first
	// message (PreChatName, PreChatEmail; the -prechat flag): each is then
	// required to start a conversation. Empty: none are asked or accepted.
	PreChat []string
	// Hours is the team's business hours (the -hours flag): outside them
	// the availability says when the team is next back. Nil: no schedule.
	Hours *hours.Schedule
	// PresenceGrace is how long the team still counts as online after the
	// last agent's inbox stream closed (15 s).
	PresenceGrace time.Duration
	// PresenceBeat is how often an instance sharing a PostgreSQL database
	// refreshes its agents' presence there (5 s); a presence not refreshed
	// for three beats (an instance that died) no longer counts.
	PresenceBeat time.Duration
	// RequestTimeout bounds every API request but the event streams (10 s):
	// a database that does not answer in time gives 503 unavailable.
	RequestTimeout time.Duration
	SessionTTL     time.Duration // agent sessions, 12 h
	// SessionCheck is how often an open agent stream checks that its
	// session still exists (2 s), so that ending it (the CLI's agent
	// remove, passwd, logout-all) closes the agent's console at once.
	SessionCheck time.Duration
	// VisitorTokenTTL is how long a visitor token works unused
	// (DefaultVisitorTokenTTL, the widget's lifetime for it); every use
	// renews it.
	VisitorTokenTTL time.Duration
	// Retention is how long conversations, form submissions and network
	// hashes are kept (storage.Retention); the sweep runs in the
	// background unless NoSweep is set.
	Retention storage.Retention
	NoSweep   bool
	TicketTTL time.Duration // stream tickets, 60 s
	// SnoozeCheck is how often the server opens the conversations whose
	// snooze has ended (30 s); listing the conversations does it too.
	SnoozeCheck time.Duration
	// BcryptCost is the cost of the agents' password hashes (BcryptCost);
	// logins for unknown names compare against a dummy hash of this cost
	// so that they take as long as a wrong password.
	BcryptCost int

	// Rate limits (per second, burst). Defaults: 20/60 per IP for every
	// API request, 2/10 per conversation for sent messages and typing, 0.2/5
	// per IP for new conversations and 1/5 per IP for agent logins.
	// A negative rate turns a limit off.
	IPRate, MessageRate, StartRate, LoginRate     float64
	IPBurst, MessageBurst, StartBurst, LoginBurst int
	// EventRate and EventBurst limit the widget's statistics batches per
	// client network (1/s, burst 20).
	EventRate  float64
	EventBurst int
	// RestoreRate and RestoreBurst limit the restore codes tried per
	// client network (1 a minute, 5 at once).
	RestoreRate  float64
	RestoreBurst int

	// Mail reports that the server sends mail (-smtp): visitors may then
	// leave an address for replies.
	Mail bool
}

// Server serves the chat API. Close it on shutdown so
// that open streams end.
type Server struct {
	store   storage.Store
	content *library
	log     *slog.Logger
	now     func() time.Time
	hub     *hub
	fanout  *fanout // when instances share the store (PostgreSQL)
	cfg     Config

	ipLimit, messageLimit, startLimit, loginLimit *limiters
	eventLimit                                    *limiters
	restoreLimit                                  *limiters
	logins                                        chan struct{} // a slot per password check running
	backoff                                       *loginBackoff

	presence      *presence
	shared        *sharedPresence      // with a storage.Presence store
	leases        storage.StreamLeases // with a store that keeps them
	networkKey    []byte
	publicMu      sync.Mutex
	publicStreams map[string]int // open availability streams per client address

	done      chan struct{}
	closeOnce sync.Once
	swept     chan struct{} // closed when the retention sweep has stopped
	woken     chan struct{} // closed when the snooze wake loop has stopped

	dummyHash func() []byte
}

// New returns a Server for cfg; cfg.Store is required. A store that
// several instances share (a storage.Fanout: PostgreSQL) makes every
// instance's streams carry every instance's events.
func New(cfg Config) *Server {
	if cfg.Store == nil {
		panic("crumbless: chat.New needs a Store")
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&cfg.Heartbeat, 15*time.Second)
	def(&cfg.StreamWriteTimeout, 10*time.Second)
	if cfg.StreamSendBuffer <= 0 {
		cfg.StreamSendBuffer = 64 << 10
	}
	def(&cfg.SessionTTL, 12*time.Hour)
	def(&cfg.SessionCheck, 2*time.Second)
	def(&cfg.TicketTTL, 60*time.Second)
	def(&cfg.SnoozeCheck, 30*time.Second)
	def(&cfg.PresenceGrace, 15*time.Second)
	def(&cfg.PresenceBeat, 5*time.Second)
	def(&cfg.RequestTimeout, 10*time.Second)
	def(&cfg.VisitorTokenTTL, DefaultVisitorTokenTTL)
	if cfg.MaxPublicStreams <= 0 {
		cfg.MaxPublicStreams = 16
	}
	if cfg.BcryptCost <= 0 {
		cfg.BcryptCost = BcryptCost
	}
	if cfg.MaxStreams <= 0 {
		cfg.MaxStreams = 4
	}
	if cfg.MaxAddressStreams <= 0 {
		cfg.MaxAddressStreams = 128
	}
	if cfg.MaxTotalStreams <= 0 {
		cfg.MaxTotalStreams = 20000
	}
	if cfg.MaxLogins <= 0 {
		cfg.MaxLogins = 2 * runtime.GOMAXPROCS(0)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	limit := func(rate float64, burst int, defRate float64, defBurst int) *limiters {
		if rate == 0 {
			rate = defRate
		}
		if burst <= 0 {
			burst = defBurst
		}
		if rate < 0 {
			return nil
		}
		return newLimiters(rate, burst, cfg.MaxLimiterKeys)
	}
	s := &Server{
		store:        cfg.Store,
		content:      newLibrary(cfg.Answers, cfg.Forms),
		log:          cfg.Logger,
		now:          cfg.Now,
		hub:          newHub(hubLimits{perConversation: cfg.MaxStreams, perAddress: cfg.MaxAddressStreams, total: cfg.MaxTotalStreams}),
		cfg:          cfg,
		ipLimit:      limit(cfg.IPRate, cfg.IPBurst, 20, 60),
		messageLimit: limit(cfg.MessageRate, cfg.MessageBurst, 2, 10),
		startLimit:   limit(cfg.StartRate, cfg.StartBurst, 0.2, 5),
		loginLimit:   limit(cfg.LoginRate, cfg.LoginBurst, 1, 5),
		eventLimit:   limit(cfg.EventRate, cfg.EventBurst, 1, 20),
		restoreLimit: limit(cfg.RestoreRate, cfg.RestoreBurst, 1.0/60, 5),
		done:         make(chan struct{}),
		logins:       make(chan struct{}, cfg.MaxLogins),
		backoff:      newLoginBackoff(cfg.MaxLimiterKeys),

		publicStreams: map[string]int{},
		dummyHash: sync.OnceValue(func() []byte { // made on first use, not at start
			h, err := bcrypt.GenerateFromPassword([]byte("crumbless-no-such-agent"), cfg.BcryptCost)
			if err != nil {
				panic("crumbless: bcrypt: " + err.Error())
			}
			return h
		}),
	}
	s.presence = newPresence(cfg.PresenceGrace, s.publishPresence)
	s.networkKey = cfg.NetworkKey
	if len(s.networkKey) == 0 {
		s.networkKey = make([]byte, NetworkKeySize)
		rand.Read(s.networkKey) // never fails (crypto/rand, Go 1.24+)
	}
	if f, ok := cfg.Store.(storage.Fanout); ok {
		if rl, ok := cfg.Store.(storage.RateLimits); ok {
			for name, l := range map[string]*limiters{"ip:": s.ipLimit, "msg:": s.messageLimit, "start:": s.startLimit, "login:": s.loginLimit, "ev:": s.eventLimit, "restore:": s.restoreLimit} {
				if l != nil {
					l.shared, l.name, l.log = rl, name, s.log
				}
			}
		}
		if l, ok := cfg.Store.(storage.StreamLeases); ok {
			s.leases = l
		}
		if p, ok := cfg.Store.(storage.Presence); ok {
			s.shared = newSharedPresence(s, p, cfg.PresenceBeat)
			s.presence = newPresence(cfg.PresenceGrace, s.shared.localChanged)
		}
		s.fanout = startFanout(s, f)
		s.hub.relay = s.fanout.publish
	}
	if !cfg.NoSweep {
		s.swept = make(chan struct{})
		go s.retain()
	}
	s.woken = make(chan struct{})
	go s.wakeLoop()
	return s
}

// Close ends every open stream and refuses new ones; call it when the HTTP
// server shuts down (http.Server.RegisterOnShutdown), since Shutdown does
// not interrupt streaming handlers.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.done)
		s.presence.stop()
		s.hub.close()
		if s.fanout != nil {
			s.fanout.close()
		}
		if s.swept != nil {
			<-s.swept
		}
		<-s.woken
	})
}

// Mount adds the chat routes, the API (/api/v1/…), on api, which the
// server puts behind its -origins CORS policy. The operator console at
// /agent/ is a built page the server serves with the widget's files.
func (s *Server) Mount(mux, api *http.ServeMux) {
	api.Handle("/api/v1/", s.Handler())
}

// Handler returns the API routes under /api/v1/. Cross-origin policy
// (CORS, -origins) is the caller's; the agent API refuses other origins
// itself.
func (s *Server) Handler() http.Handler {
	api := http.NewServeMux()
	// Visitors.
	api.HandleFunc("POST /api/v1/conversations", s.startConversation)
	api.HandleFunc("GET /api/v1/conversation", s.getConversation)
	api.HandleFunc("DELETE /api/v1/conversation", s.eraseVisitor)
	api.HandleFunc("GET /api/v1/conversation/export", s.exportVisitor)
	api.HandleFunc("GET /api/v1/conversation/messages", s.listMessages)
	api.HandleFunc("POST /api/v1/conversation/messages", s.sendMessage)
	api.HandleFunc("POST /api/v1/conversation/read", s.markRead)
	api.HandleFunc("POST /api/v1/conversation/typing", s.visitorTyping)
	api.HandleFunc("POST /api/v1/conversation/rating", s.rate)
	api.HandleFunc("PUT /api/v1/conversation/context", s.putContext)
	api.HandleFunc("POST /api/v1/conversation/tickets", s.newTicket)
	api.HandleFunc("GET /api/v1/conversation/events", s.visitorEvents)
	api.HandleFunc("POST /api/v1/conversation/email", s.setVisitorEmail)
	api.HandleFunc("POST /api/v1/conversation/restore-codes", s.newRestoreCode)
	api.HandleFunc("POST /api/v1/restore", s.restoreConversation)
	api.HandleFunc("GET /api/v1/availability", s.availability)
	api.HandleFunc("GET /api/v1/availability/events", s.availabilityEvents)
	api.HandleFunc("GET /api/v1/answers", s.searchAnswers)
	api.HandleFunc("GET /api/v1/answers/{id}", s.getAnswer)
	api.HandleFunc("GET /api/v1/forms", s.listForms)
	api.HandleFunc("GET /api/v1/forms/{id}", s.getForm)
	api.HandleFunc("POST /api/v1/forms/{id}/submissions", s.submitForm)
	api.HandleFunc("POST /api/v1/events", s.postEvents)
	// Agents.
	api.HandleFunc("POST /api/v1/agent/sessions", s.login)
	api.HandleFunc("DELETE /api/v1/agent/sessions", s.agentOnly(s.logout))
	api.HandleFunc("GET /api/v1/agent/conversations", s.agentOnly(s.agentConversations))
	api.HandleFunc("GET /api/v1/agent/conversations/{id}", s.agentOnly(s.agentConversation))
	api.HandleFunc("DELETE /api/v1/agent/conversations/{id}", s.agentOnly(s.eraseAgent))
	api.HandleFunc("GET /api/v1/agent/conversations/{id}/export", s.agentOnly(s.exportAgent))
	api.HandleFunc("POST /api/v1/agent/conversations/{id}/messages", s.agentOnly(s.agentSend))
	api.HandleFunc("POST /api/v1/agent/conversations/{id}/read", s.agentOnly(s.agentRead))
	api.HandleFunc("POST /api/v1/agent/conversations/{id}/typing", s.agentOnly(s.agentTyping))
	api.HandleFunc("POST /api/v1/agent/conversations/{id}/state", s.agentOnly(s.setState))
	api.HandleFunc("POST /api/v1/agent/conversations/{id}/assignee", s.agentOnly(s.assign))
	api.HandleFunc("POST /api/v1/agent/conversations/{id}/take", s.agentOnly(s.take))
	api.HandleFunc("GET /api/v1/agent/agents", s.agentOnly(s.agentList))
	api.HandleFunc("POST /api/v1/agent/conversations/{id}/ban", s.agentOnly(s.ban))
	api.HandleFunc("DELETE /api/v1/agent/conversations/{id}/ban", s.agentOnly(s.unban))
	api.HandleFunc("GET /api/v1/agent/submissions", s.agentOnly(s.agentSubmissions))
	api.HandleFunc("GET /api/v1/agent/me", s.agentOnly(s.agentMe))
	api.HandleFunc("POST /api/v1/agent/me", s.agentOnly(s.setAgentMe))
	api.HandleFunc("GET /api/v1/agent/mail", s.agentOnly(s.agentMail))
	api.HandleFunc("POST /api/v1/agent/mail/retry", s.agentOnly(s.retryMail))
	api.HandleFunc("GET /api/v1/agent/webhooks", s.agentOnly(s.listWebhooks))
	api.HandleFunc("POST /api/v1/agent/webhooks", s.agentOnly(s.addWebhook))
	api.HandleFunc("DELETE /api/v1/agent/webhooks/{id}", s.agentOnly(s.removeWebhook))
	api.HandleFunc("GET /api/v1/agent/webhooks/{id}/log", s.agentOnly(s.webhookLog))
	api.HandleFunc("GET /api/v1/agent/events", s.agentOnly(s.agentEvents))
	api.HandleFunc("GET /api/v1/agent/stats", s.agentOnly(s.agentStats))
	s.findRoutes(api)

	mux := http.NewServeMux()
	mux.Handle("/api/v1/", s.guard(api))
	return mux
}

// guard refuses other origins on the agent API (the console is served by
// this server; -origins is for visitor pages), applies the per-IP rate
// limit, answers unknown routes with JSON 404/405, and gives every request
// but the streams a deadline (RequestTimeout).
func (s *Server) guard(api *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if origin := r.Header.Get("Origin"); origin != "" && strings.HasPrefix(r.URL.Path, "/api/v1/agent/") && !sameOrigin(r, origin) {
			s.writeError(w, r, errorf(CodeForbidden, "The agent API answers only the console on this server."))
			return
		}
		if ok, wait := s.ipLimit.allow(clientKey(r), s.now()); !ok {
			s.writeError(w, r, &Error{Code: CodeRateLimited, Message: "Too many requests; slow down.", RetryAfter: wait})
			return
		}
		if _, pattern := api.Handler(r); pattern == "" {
			s.noRoute(w, r, api)
			return
		}
		if r.Method != http.MethodGet || !strings.HasSuffix(r.URL.Path, "/events") { // streams stay open; their queries have the database's timeouts
			ctx, cancel := context.WithTimeout(r.Context(), s.cfg.RequestTimeout)
			defer cancel()
			r = r.WithContext(ctx)
		}
		api.ServeHTTP(w, r)
	})
}

// noRoute answers 405 with Allow when the path exists for other methods,
// else 404.
func (s *Server) noRoute(w http.ResponseWriter, r *http.Request, api *http.ServeMux) {
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodDelete} {
		probe := r.Clone(context.Background())
		probe.Method = m
		if _, p := api.Handler(probe); p != "" {
			allow = append(allow, m)
		}
	}
	if len(allow) == 0 {
		s.writeError(w, r, errorf(CodeNotFound, "No such API endpoint."))
		return
	}
	allowed := allow[0]
	for _, m := range allow[1:] {
		allowed += ", " + m
	}
	w.Header().Set("Allow", allowed)
	s.writeError(w, r, errorf(CodeMethod, "Use "+allowed+"."))
}

// nowMS is the current time in unix milliseconds.
func (s *Server) nowMS() int64 { return s.now().UnixMilli() }

func itoa(n int) string { return strconv.Itoa(n) }
