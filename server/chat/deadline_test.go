package chat

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/bcrypt"

	"github.com/crumbless/crumbless/internal/testenv/pgtest"
	"github.com/crumbless/crumbless/server/storage"
	"github.com/crumbless/crumbless/static/content"
)

// TestStalledDatabase: while another connection holds a lock on the
// messages table, a visitor's message answers 503 unavailable with
// Retry-After instead of hanging — through PostgreSQL's lock_timeout, or
// the request's deadline when the database has no timeout — and the same
// message goes through once the lock is gone.
func TestStalledDatabase(t *testing.T) {
	for _, tc := range []struct {
		name    string
		params  string // added to the database URL
		timeout time.Duration
	}{
		{"lock timeout", "", time.Hour},
		{"request deadline", "lock_timeout=0&statement_timeout=0", 2 * time.Second}, // room for the requests before the stall on a busy machine
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			base := pgtest.Database(t)
			u, err := url.Parse(base)
			require.NoError(t, err)
			if tc.params != "" {
				q := u.Query()
				extra, err := url.ParseQuery(tc.params)
				require.NoError(t, err)
				for k, v := range extra {
					q[k] = v
				}
				u.RawQuery = q.Encode()
			}
			st, err := storage.OpenPostgres(ctx, u.String())
			require.NoError(t, err)
			t.Cleanup(func() { st.Close() })
			a, f, err := LoadContent(t.TempDir(), content.Answers, content.Forms)
			require.NoError(t, err)
			fx := &fixture{t: t, now: time.UnixMilli(1767225600000)}
			fx.srv = New(Config{
				Store: st, Answers: a, Forms: f, Now: fx.clock,
				IPRate: -1, MessageRate: -1, StartRate: -1, LoginRate: -1,
				Heartbeat: time.Hour, BcryptCost: bcrypt.MinCost, RequestTimeout: tc.timeout,
			})
			t.Cleanup(fx.srv.Close)
			fx.h = fx.srv.Handler()
			visitor, _ := fx.start()

			holder, err := pgx.Connect(ctx, base)
			require.NoError(t, err)
			defer holder.Close(ctx)
			tx, err := holder.Begin(ctx)
			require.NoError(t, err)
			_, err = tx.Exec(ctx, `LOCK TABLE messages IN ACCESS EXCLUSIVE MODE`)
			require.NoError(t, err)

			rec := fx.do(request{method: "POST", path: "/api/v1/conversation/messages", token: visitor, body: `{"id":"m1","body":"anyone?"}`})
			require.Equal(t, http.StatusServiceUnavailable, rec.Code, rec.Body.String())
			assert.Equal(t, "unavailable", decodeBody(t, rec)["code"])
			assert.Equal(t, "5", rec.Header().Get("Retry-After"))

			require.NoError(t, tx.Rollback(ctx))
			rec = fx.do(request{method: "POST", path: "/api/v1/conversation/messages", token: visitor, body: `{"id":"m1","body":"anyone?"}`})
			assert.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
		})
	}
}
