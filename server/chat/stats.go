package chat

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"

	"github.com/crumbless/crumbless/server/stats"
	"github.com/crumbless/crumbless/server/storage"
)

// Limits of POST /api/v1/events.
const (
	bodyEvents = 8 << 10
	// MaxEvents is how many events one batch may carry; the widget sends
	// its batch at 10.
	MaxEvents = 20
)

// eventsRequest is a batch of the widget's events: the dimensions they
// share and the events as [kind, detail].
type eventsRequest struct {
	Path     string     `json:"p"`
	Referrer string     `json:"r"`
	Lang     string     `json:"l"`
	Device   string     `json:"d"`
	Events   [][]string `json:"e"`
}

// postEvents counts a batch of the widget's events (server/stats): 204, or
// 400 for a batch that breaks a rule (nothing of it is counted). It takes
// no visitor token, and refuses one, so that statistics cannot be linked
// to a conversation; the client's network only meets the rate limit (in
// memory, or PostgreSQL's buckets with several instances) and is never
// counted. The body may be text/plain, which the widget sends so that a
// keepalive request needs no CORS preflight.
func (s *Server) postEvents(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "" {
		s.writeError(w, r, errorf(CodeInvalid, "Statistics take no token; send none."))
		return
	}
	if ok, wait := s.eventLimit.allow(clientKey(r), s.now()); !ok {
		s.writeError(w, r, &Error{Code: CodeRateLimited, Message: "Too many statistics; slow down.", RetryAfter: wait})
		return
	}
	events, err := readEvents(w, r, stats.Day(s.nowMS()))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if st, ok := s.store.(storage.Stats); ok && len(events) > 0 {
		if err := st.CountStats(r.Context(), events); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	w.WriteHeader(http.StatusNoContent)
}

// readEvents decodes and checks a batch and returns the counts it adds,
// each under the batch's cleaned dimensions and day.
func readEvents(w http.ResponseWriter, r *http.Request, day string) ([]storage.StatCount, error) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && mt != "text/plain") {
			return nil, errorf(CodeMediaType, "Send the body as application/json or text/plain.")
		}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, bodyEvents))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, errorf(CodeTooLarge, "The request body is larger than "+itoa(bodyEvents)+" bytes.")
		}
		return nil, errorf(CodeInvalid, "Could not read the request body.")
	}
	var req eventsRequest
	if err := decodeBytes(bytes.TrimSpace(body), &req); err != nil {
		return nil, err
	}
	if len(req.Events) == 0 || len(req.Events) > MaxEvents {
		return nil, &Error{Code: CodeInvalid, Message: "e must hold 1-" + itoa(MaxEvents) + " events.", Fields: map[string]string{"e": "1-" + itoa(MaxEvents) + " events."}}
	}
	d := stats.CleanDims(stats.Dims{Path: req.Path, Referrer: req.Referrer, Lang: req.Lang, Device: req.Device})
	at := func(kind, detail string) storage.StatCount {
		return storage.StatCount{Day: day, Kind: kind, Detail: detail, Path: d.Path, Referrer: d.Referrer, Lang: d.Lang, Device: d.Device}
	}
	out := make([]storage.StatCount, 0, len(req.Events)+1)
	for i, e := range req.Events {
		bad := func(why string) error {
			return &Error{Code: CodeInvalid, Message: "Event " + itoa(i) + ": " + why, Fields: map[string]string{"e": why}}
		}
		if len(e) < 1 || len(e) > 2 {
			return nil, bad("an event is [kind] or [kind, detail].")
		}
		kind, detail := e[0], ""
		if len(e) == 2 {
			detail = e[1]
		}
		if !stats.FromWidget(kind) {
			return nil, bad("unknown kind.")
		}
		switch kind {
		case stats.Read:
			id, ok := stats.CleanID(detail)
			if !ok {
				return nil, bad("read needs an article id.")
			}
			out = append(out, at(kind, id))
		case stats.NoHit:
			// A search that found nothing is a search too.
			out = append(out, at(stats.Search, ""))
			if q := stats.NormalizeQuery(detail); q != "" {
				out = append(out, at(stats.NoHit, q))
			}
		default:
			if detail != "" {
				return nil, bad(kind + " takes no detail.")
			}
			out = append(out, at(kind, ""))
		}
	}
	return out, nil
}

// agentStats answers GET /api/v1/agent/stats?from=YYYY-MM-DD&to=YYYY-MM-DD
// (inclusive UTC days, at most stats.MaxDays; default the last 30) with
// the report as JSON, or as CSV with format=csv. Counts from 1 to 4 are
// "< 5" in both.
func (s *Server) agentStats(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	format := q.Get("format")
	if format != "" && format != "json" && format != "csv" {
		s.writeError(w, r, &Error{Code: CodeInvalid, Message: "format must be json or csv.", Fields: map[string]string{"format": "json or csv."}})
		return
	}
	start, end, err := stats.ParseRange(q.Get("from"), q.Get("to"), s.now())
	if err != nil {
		s.writeError(w, r, &Error{Code: CodeInvalid, Message: err.Error() + ".", Fields: map[string]string{"range": err.Error()}})
		return
	}
	var counts []storage.StatCount
	var samples []storage.ResponseSample
	if st, ok := s.store.(storage.Stats); ok {
		if counts, err = st.StatCounts(r.Context(), start.Format(stats.DayFormat), end.Format(stats.DayFormat)); err != nil {
			s.writeError(w, r, err)
			return
		}
		if samples, err = st.ResponseSamples(r.Context(), start.UnixMilli(), end.AddDate(0, 0, 1).UnixMilli()); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	report := stats.Build(start, end, counts, samples)
	if st, ok := s.store.(storage.Stats); ok {
		resolved, err := st.ResolutionSamples(r.Context(), start.UnixMilli(), end.AddDate(0, 0, 1).UnixMilli())
		switch {
		case err == nil:
			report.SetResolution(resolved)
		case !errors.Is(err, storage.ErrNoResolution):
			s.writeError(w, r, err)
			return
		}
	}
	if format == "csv" {
		h := w.Header()
		h.Set("Content-Type", "text/csv; charset=utf-8")
		h.Set("Content-Disposition", `attachment; filename="crumbless-stats-`+report.From+`-`+report.To+`.csv"`)
		h.Set("Cache-Control", "no-store")
		h.Set("X-Content-Type-Options", "nosniff")
		w.Write(report.CSV())
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false) // "< 5" stays readable
	_ = enc.Encode(report)
}
