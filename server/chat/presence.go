package chat

import (
	"net/http"
	"sync"
	"time"
)

// presence knows whether an agent is online: one holds the inbox's event
// stream open (GET /api/v1/agent/events). When the last stream closes the
// team stays online for a grace period, so that an inbox reload or a
// dropped connection does not flicker "offline" on every visitor's widget.
//
// It counts this process's streams; instances sharing a PostgreSQL
// database add theirs up through sharedPresence (presence_shared.go).
type presence struct {
	grace  time.Duration
	notify func(online bool) // called with mu held, on every change

	mu      sync.Mutex
	streams int
	online  bool
	timer   *time.Timer
	gen     int // the grace timer that may still switch to offline
}

func newPresence(grace time.Duration, notify func(bool)) *presence {
	return &presence{grace: grace, notify: notify}
}

// Online reports whether an agent is online now.
func (p *presence) Online() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.online
}

// connect records an agent stream opening.
func (p *presence) connect() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.streams++
	if p.timer != nil {
		p.timer.Stop()
		p.timer = nil
	}
	p.gen++
	if !p.online {
		p.online = true
		p.notify(true)
	}
}

// disconnect records an agent stream closing; the last one starts the
// grace period.
func (p *presence) disconnect() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.streams--
	if p.streams > 0 || !p.online {
		return
	}
	p.gen++
	gen := p.gen
	p.timer = time.AfterFunc(p.grace, func() { p.expire(gen) })
}

// expire switches to offline unless a stream opened since timer gen started.
func (p *presence) expire(gen int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if gen != p.gen || p.streams > 0 || !p.online {
		return
	}
	p.timer = nil
	p.online = false
	p.notify(false)
}

// stop cancels a pending grace timer (server shutdown).
func (p *presence) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.timer != nil {
		p.timer.Stop()
		p.timer = nil
	}
	p.gen++
}

// presenceJSON is the body of GET /api/v1/availability and the data of the
// "presence" events.
// Back is the business hours' next opening in unix ms while they are
// closed (the widget says "Back Monday 09:00"); absent while they are open
// or without a schedule.
// Ask lists the pre-chat details the site asks for before the first
// message (Config.PreChat).
type presenceJSON struct {
	Online bool     `json:"online"`
	Back   int64    `json:"back,omitempty"`
	Ask    []string `json:"ask,omitempty"`
}

// presenceNow is the team's presence with the business hours at this moment.
func (s *Server) presenceNow(online bool) presenceJSON {
	p := presenceJSON{Online: online, Ask: s.cfg.PreChat}
	if open, next := s.cfg.Hours.Next(s.now()); !open && !next.IsZero() {
		p.Back = next.UnixMilli()
	}
	return p
}

// publishPresence tells every visitor stream and every availability stream
// of this process that the team came online or went offline. It is not
// relayed to other instances as an event: each works out the team's
// presence itself (sharedPresence).
func (s *Server) publishPresence(online bool) {
	s.hub.deliver(event{Name: "presence", ToPublic: true, ToVisitors: true, Data: mustJSON(s.presenceNow(online))})
}

// availability answers whether an agent is online; no token needed.
func (s *Server) availability(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, s.presenceNow(s.online()))
}

// online reports whether an agent is online: on this instance, or with a
// shared database on any.
func (s *Server) online() bool {
	if s.shared != nil {
		return s.shared.Online()
	}
	return s.presence.Online()
}

// availabilityEvents streams "presence" events to a widget that has no
// conversation yet: the current state at once, then every change. No token
// is needed, so the streams per client address are capped.
func (s *Server) availabilityEvents(w http.ResponseWriter, r *http.Request) {
	ip := clientKey(r)
	s.publicMu.Lock()
	if s.publicStreams[ip] >= s.cfg.MaxPublicStreams {
		s.publicMu.Unlock()
		s.writeError(w, r, errorf(CodeTooMany, "Too many open availability streams from this address."))
		return
	}
	s.publicStreams[ip]++
	s.publicMu.Unlock()
	defer func() {
		s.publicMu.Lock()
		if s.publicStreams[ip]--; s.publicStreams[ip] <= 0 {
			delete(s.publicStreams, ip)
		}
		s.publicMu.Unlock()
	}()
	s.stream(w, r, publicStream, nil)
}
