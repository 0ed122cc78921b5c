package chat

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/crumbless/crumbless/server/storage"
)

// backlogFunc returns up to a page of stored messages after a message id.
type backlogFunc func(ctx context.Context, after int64) ([]storage.Message, error)

// stream serves Server-Sent Events for a visitor's conversation (or, with
// conversation 0, for the agents; with publicStream and no backlog, for
// presence only). It subscribes first and then replays the
// messages after Last-Event-ID, so nothing falls between replay and live
// events; live messages already replayed are skipped. Last-Event-ID 0
// replays the whole conversation: a client that has read the history (or
// sent the first message) resumes from there even before it has heard an
// event. Without the header the stream carries live events only. A comment line is
// sent every heartbeat; every write has its own deadline
// (Config.StreamWriteTimeout) and the connection's send buffer is small
// (Config.StreamSendBuffer), so that a client that stops reading is let
// go of within a bounded time. The stream ends when the client leaves,
// takes nothing for the write timeout, falls 64 events behind (it
// reconnects and resumes), is banned, or the server closes.
func (s *Server) stream(w http.ResponseWriter, r *http.Request, conversation int64, backlog backlogFunc) {
	sub, lastID, ok := s.subscribe(w, r, conversation)
	if !ok {
		return
	}
	defer s.hub.unsubscribe(sub)
	defer s.releaseLease(sub)
	s.serveStream(w, r, sub, lastID, backlog, nil)
}

// subscribe reads Last-Event-ID (-1 when absent: live events only) and
// takes a stream under the hub's caps; on failure it has answered r.
func (s *Server) subscribe(w http.ResponseWriter, r *http.Request, conversation int64) (*subscriber, int64, bool) {
	lastID := int64(-1)
	if v := strings.TrimSpace(r.Header.Get("Last-Event-ID")); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id < 0 {
			s.writeError(w, r, &Error{Code: CodeInvalid, Message: "Last-Event-ID must be a message id."})
			return nil, 0, false
		}
		lastID = id
	}
	sub, err := s.hub.subscribe(conversation, clientKey(r))
	if err != nil {
		s.writeError(w, r, streamRefused(err))
		return nil, 0, false
	}
	if err := s.leaseStream(r, sub); err != nil {
		s.hub.unsubscribe(sub)
		s.writeError(w, r, streamRefused(err))
		return nil, 0, false
	}
	return sub, lastID, true
}

// leaseStream takes a lease for sub in a shared database
// (storage.StreamLeases), so that the caps of streams per visitor, per
// client network and in all count every instance's: the hub's error for
// the cap that refused it. When the database does not answer the caps
// count this instance's streams only.
func (s *Server) leaseStream(r *http.Request, sub *subscriber) error {
	if s.leases == nil {
		return nil
	}
	b := make([]byte, 12)
	rand.Read(b)
	id := hex.EncodeToString(b)
	caps := storage.StreamCaps{PerNetwork: s.cfg.MaxAddressStreams, Total: s.cfg.MaxTotalStreams}
	if sub.conversation > 0 {
		caps.PerConversation = s.cfg.MaxStreams
	}
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	refused, err := s.leases.LeaseStream(ctx, storage.StreamLease{
		ID: id, Instance: s.fanout.origin, Conversation: sub.conversation,
		Network: hex.EncodeToString(s.networkHash(r)),
	}, caps, 3*s.cfg.PresenceBeat)
	if err != nil {
		s.log.Warn("stream lease; counting this instance's streams only", "err", err)
		return nil
	}
	switch refused {
	case storage.LeaseConversationFull:
		return errConversationFull
	case storage.LeaseNetworkFull:
		return errAddressFull
	case storage.LeaseTotalFull:
		return errHubFull
	}
	sub.lease = id
	return nil
}

// releaseLease ends sub's lease, if it has one.
func (s *Server) releaseLease(sub *subscriber) {
	if sub.lease == "" {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := s.leases.ReleaseStream(ctx, sub.lease); err != nil {
		s.log.Warn("stream lease: release; it lapses", "err", err)
	}
}

// serveStream writes sub's events to w (see stream) until it ends. When
// ended (may be nil) is closed, the stream says so with an "ended" event
// and closes: the agent's session is over.
func (s *Server) serveStream(w http.ResponseWriter, r *http.Request, sub *subscriber, lastID int64, backlog backlogFunc, ended <-chan struct{}) {
	conversation := sub.conversation
	rc := http.NewResponseController(w)
	_ = rc.SetReadDeadline(time.Time{}) // the server's ReadTimeout must not end a stream
	h := w.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // proxies: do not buffer
	h.Set("X-Content-Type-Options", "nosniff")
	if boundSendBuffer(r, s.cfg.StreamSendBuffer) {
		h.Set("Connection", "close")
	}
	w.WriteHeader(http.StatusOK)

	write := func(chunk string) bool {
		_ = rc.SetWriteDeadline(time.Now().Add(s.cfg.StreamWriteTimeout))
		_, err := io.WriteString(w, chunk)
		if err == nil {
			err = rc.Flush()
		}
		if errors.Is(err, os.ErrDeadlineExceeded) {
			s.log.Info("stream ended: the client took nothing for the write timeout",
				"conversation", conversation, "timeout", s.cfg.StreamWriteTimeout.String())
		}
		return err == nil
	}
	// "heartbeat" is not a standard field (EventSource ignores it): it tells
	// the widget how often to expect at least a comment.
	if !write("retry: 2000\nheartbeat: " + strconv.FormatInt(s.cfg.Heartbeat.Milliseconds(), 10) + "\n: stream open\n\n") {
		return
	}
	if conversation != 0 { // visitors' and availability streams start with the team's presence
		if !write(formatEvent(0, "presence", mustJSON(s.presenceNow(s.online())))) {
			return
		}
	}
	// sent is the highest message id written on this stream: live events
	// up to it were already replayed. (Not the client's Last-Event-ID: a
	// bogus id past the end must not hide new messages.)
	sent := int64(0)
	if lastID >= 0 && backlog != nil {
		for {
			msgs, err := backlog(r.Context(), lastID)
			if err != nil {
				s.log.Error("stream backlog", "err", err)
				return
			}
			for _, m := range msgs {
				if !write(formatEvent(m.ID, "message", mustJSON(toMessageJSON(m)))) {
					return
				}
				lastID, sent = m.ID, m.ID
			}
			if len(msgs) < 500 {
				break
			}
		}
	}

	beat := time.NewTicker(s.cfg.Heartbeat)
	defer beat.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-s.done:
			return
		case <-ended:
			write(formatEvent(0, "ended", []byte(`{"reason":"session"}`)))
			return
		case <-beat.C:
			if !write(": ping\n\n") {
				return
			}
		case ev, ok := <-sub.ch:
			if !ok { // dropped as too slow, or the hub closed
				if sub.behind {
					s.log.Info("stream ended: the client fell a full queue of events behind",
						"conversation", conversation, "queue", cap(sub.ch))
				}
				return
			}
			if ev.ID != 0 && ev.ID <= sent {
				continue // already replayed
			}
			if !write(formatEvent(ev.ID, ev.Name, ev.Data)) {
				return
			}
			if ev.ID != 0 {
				sent = ev.ID
			}
			if ev.Name == "banned" && conversation != 0 {
				return
			}
		}
	}
}

// streamRefused is the API error for a stream the hub refused.
func streamRefused(err error) *Error {
	switch err {
	case errConversationFull:
		return errorf(CodeTooMany, "Too many open streams for this visitor.")
	case errAddressFull:
		return errorf(CodeTooMany, "Too many open streams from this address.")
	case errHubFull:
		return &Error{Code: CodeBusy, Message: "The server has as many open streams as it takes; try again shortly.", RetryAfter: 5 * time.Second}
	}
	return errorf(CodeUnavailable, "The server is shutting down.")
}

// formatEvent renders one SSE event. Data is single-line JSON.
func formatEvent(id int64, name string, data []byte) string {
	var b strings.Builder
	if id != 0 {
		b.WriteString("id: ")
		b.WriteString(strconv.FormatInt(id, 10))
		b.WriteByte('\n')
	}
	b.WriteString("event: ")
	b.WriteString(name)
	b.WriteString("\ndata: ")
	b.Write(data)
	b.WriteString("\n\n")
	return b.String()
}
