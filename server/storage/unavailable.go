package storage

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5/pgconn"
)

// IsUnavailable reports whether err means the database did not answer in
// time or refused for now (a deadline passed, a statement or lock timeout,
// the server shutting down or refusing connections), rather than that the
// request was wrong: worth a 503 and a retry.
func IsUnavailable(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) || pgconn.Timeout(err) {
		return true
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		switch pg.Code {
		case "57014", // query_canceled: statement_timeout
			"55P03",                   // lock_not_available: lock_timeout
			"57P01", "57P02", "57P03", // admin_shutdown, crash_shutdown, cannot_connect_now
			"53300": // too_many_connections
			return true
		}
	}
	var conn *pgconn.ConnectError
	return errors.As(err, &conn)
}
