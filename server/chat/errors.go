package chat

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/crumbless/crumbless/server/storage"
)

// Error codes of the API. Every error body is
// {"error": message, "code": code} plus, for some codes, "fields" (form
// validation: name → message), "reason" (bans) or "retryAfter" (seconds).
const (
	CodeInvalid      = "invalid"            // 400: bad JSON, unknown field, bad value
	CodeUnauthorized = "unauthorized"       // 401: missing or unknown token
	CodeBanned       = "banned"             // 403: the visitor is banned; see reason
	CodeForbidden    = "forbidden"          // 403: origin not allowed
	CodeNotFound     = "not_found"          // 404
	CodeConflict     = "conflict"           // 409: a client id reused with other content
	CodeTooLarge     = "too_large"          // 413: body over the limit
	CodeMediaType    = "unsupported_type"   // 415: body is not application/json
	CodeRateLimited  = "rate_limited"       // 429: slow down; see Retry-After
	CodeTooMany      = "too_many_streams"   // 429: stream cap reached
	CodeInternal     = "internal"           // 500
	CodeUnavailable  = "unavailable"        // 503: shutting down, or the database did not answer in time
	CodeBusy         = "busy"               // 503: the server's stream cap reached; see Retry-After
	CodeMethod       = "method_not_allowed" // 405
)

// Error is an API error: a code from the list above and a message for
// people. Fields, Reason and RetryAfter are optional details.
type Error struct {
	Code       string
	Message    string
	Fields     map[string]string
	Reason     string
	RetryAfter time.Duration
	Err        error // internal cause; logged, never sent
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Code + ": " + e.Message + ": " + e.Err.Error()
	}
	return e.Code + ": " + e.Message
}

func (e *Error) Unwrap() error { return e.Err }

func errorf(code, message string) *Error { return &Error{Code: code, Message: message} }

// status maps an error code to its HTTP status. It is the only place that
// does.
func status(code string) int {
	switch code {
	case CodeInvalid:
		return http.StatusBadRequest
	case CodeUnauthorized:
		return http.StatusUnauthorized
	case CodeBanned, CodeForbidden:
		return http.StatusForbidden
	case CodeNotFound:
		return http.StatusNotFound
	case CodeMethod:
		return http.StatusMethodNotAllowed
	case CodeConflict, CodeTransition, CodeNotResolved:
		return http.StatusConflict
	case CodeUnknownAgent:
		return http.StatusUnprocessableEntity
	case CodeTooLarge:
		return http.StatusRequestEntityTooLarge
	case CodeMediaType:
		return http.StatusUnsupportedMediaType
	case CodeRateLimited, CodeTooMany:
		return http.StatusTooManyRequests
	case CodeUnavailable, CodeBusy:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// toAPIError turns any error into an *Error: storage's not-found and
// conflict keep their meaning, a database that did not answer in time is
// unavailable, everything else is internal.
func toAPIError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	switch {
	case errors.Is(err, storage.ErrNotFound):
		return &Error{Code: CodeNotFound, Message: "Not found.", Err: err}
	case errors.Is(err, storage.ErrConflict):
		return &Error{Code: CodeConflict, Message: "This id was already used with different content.", Err: err}
	case storage.IsUnavailable(err):
		return &Error{Code: CodeUnavailable, Message: "The server's database is not answering; try again shortly.", RetryAfter: 5 * time.Second, Err: err}
	}
	return &Error{Code: CodeInternal, Message: "Something went wrong on the server.", Err: err}
}

// writeError sends err as JSON, logging it only when it is internal.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	e := toAPIError(err)
	st := status(e.Code)
	switch {
	case st == http.StatusInternalServerError:
		s.log.Error("api", "method", r.Method, "path", r.URL.Path, "err", err)
	case e.Code == CodeUnavailable && e.Err != nil:
		s.log.Warn("api: database unavailable", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	body := map[string]any{"error": e.Message, "code": e.Code}
	if len(e.Fields) > 0 {
		body["fields"] = e.Fields
	}
	if e.Reason != "" {
		body["reason"] = e.Reason
	}
	if e.RetryAfter > 0 {
		secs := int((e.RetryAfter + time.Second - 1) / time.Second)
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		body["retryAfter"] = secs
	}
	writeJSON(w, st, body)
}

// writeJSON sends v with the given status; API responses are never cached.
func writeJSON(w http.ResponseWriter, status int, v any) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	if v != nil {
		_ = json.NewEncoder(w).Encode(v)
	}
}
