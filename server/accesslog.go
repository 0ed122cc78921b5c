package server

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"
)

// NewLogger returns a logger for Config.Logger that writes to w in format
// "text" (logfmt) or "json"; wrap a slow w in a LogWriter.
func NewLogger(format string, w io.Writer) (*slog.Logger, error) {
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, nil)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, nil)), nil
	default:
		return nil, fmt.Errorf("-log %q: want text or json", format)
	}
}

// maxLoggedPath caps the path written to the log: a hostile path must not
// turn one request into a megabyte of log.
const maxLoggedPath = 256

// accessLog logs one line per request, after it is served: method, path
// (without the query, which may carry personal data), status, body bytes
// written and duration. Client addresses are not logged: the widget's
// promise is that it keeps nothing it does not need.
func accessLog(logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := recorders.Get().(*statusRecorder)
		rec.ResponseWriter, rec.status, rec.bytes = w, 0, 0
		next.ServeHTTP(rec, r)
		status, bytes := rec.status, rec.bytes
		if status == 0 {
			status = http.StatusOK // nothing written: net/http sends 200
		}
		rec.ResponseWriter = nil
		recorders.Put(rec)

		p := r.URL.Path
		if len(p) > maxLoggedPath {
			p = p[:maxLoggedPath] + "…"
		}
		logger.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("method", r.Method),
			slog.String("path", p),
			slog.Int("status", status),
			slog.Int64("bytes", bytes),
			slog.Duration("duration", time.Since(start)))
	})
}

var recorders = sync.Pool{New: func() any { return new(statusRecorder) }}

// statusRecorder remembers the status and counts the body bytes of a
// response. Unwrap lets http.ResponseController reach the real writer (for
// flushing and per-write deadlines); Flush keeps old-style http.Flusher
// checks working.
type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 && code >= 200 { // 1xx responses are not the final status
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += int64(n)
	return n, err
}

func (r *statusRecorder) Flush() {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	_ = http.NewResponseController(r.ResponseWriter).Flush()
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
