package storage

import (
	"context"
	neturl "net/url"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crumbless/crumbless/internal/testenv/pgtest"
)

func openPostgres(t *testing.T, url string) *Postgres {
	t.Helper()
	s, err := OpenPostgres(context.Background(), url)
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return s
}

func TestPostgresMigrations(t *testing.T) {
	ctx := context.Background()
	url := pgtest.Database(t)
	// Instances starting together: the migrations are applied once.
	var wg sync.WaitGroup
	stores := make([]*Postgres, 4)
	errs := make([]error, 4)
	for i := range stores {
		wg.Add(1)
		go func() {
			defer wg.Done()
			stores[i], errs[i] = OpenPostgres(ctx, url)
		}()
	}
	wg.Wait()
	for i, s := range stores {
		require.NoError(t, errs[i])
		defer s.Close()
	}
	names, latest := shippedMigrations(t, "migrations/postgres")
	v, err := stores[0].Version(ctx)
	require.NoError(t, err)
	assert.Equal(t, latest, v)
	var n int
	require.NoError(t, stores[0].Pool().QueryRow(ctx, `SELECT count(*) FROM schema_migrations`).Scan(&n))
	assert.Equal(t, len(names), n, "each migration applied once")
}

func TestRedactURL(t *testing.T) {
	cases := []struct{ in, want string }{
		{"postgres://ana:s3cret@db.example:5432/crumbless?sslmode=require", "postgres://ana:xxxxx@db.example:5432/crumbless?sslmode=require"},
		{"postgres://db.example/crumbless?user=ana&password=s3cret", "postgres://db.example/crumbless?password=xxxxx&user=ana"},
		{"postgresql://ana@db.example/crumbless", "postgresql://ana@db.example/crumbless"},
		{"sqlite", "sqlite"},
		{"postgres://ana:s3cret@[::1", "(unparsable URL)"},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			assert.Equal(t, c.want, RedactURL(c.in))
		})
	}
}

func TestPostgresErrorsHideThePassword(t *testing.T) {
	for _, url := range []string{
		"postgres://ana:s3cret-pw@127.0.0.1:1/crumbless?connect_timeout=2",
		"postgres://127.0.0.1:1/crumbless?user=ana&password=s3cret-pw&connect_timeout=2",
		"postgres://ana:s3cret-pw@127.0.0.1:1/crumbless?pool_max_conns=many",
	} {
		t.Run(RedactURL(url), func(t *testing.T) {
			_, err := OpenPostgres(context.Background(), url)
			require.Error(t, err)
			assert.NotContains(t, err.Error(), "s3cret-pw")
			assert.Contains(t, err.Error(), "127.0.0.1:1")
		})
	}
}

// TestPostgresTimeouts: every connection has the statement and lock
// timeouts unless the URL sets its own, and a statement that runs past
// them fails as unavailable; migrations still run without them.
func TestPostgresTimeouts(t *testing.T) {
	ctx := context.Background()
	dbURL := pgtest.Database(t)
	for _, tc := range []struct {
		name, url, statement, lock string
	}{
		{"defaults", dbURL, StatementTimeout, LockTimeout},
		{"from the URL", withParams(t, dbURL, "statement_timeout=250&lock_timeout=100"), "250ms", "100ms"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := OpenPostgres(ctx, tc.url)
			require.NoError(t, err)
			defer s.Close()
			var statement, lock string
			require.NoError(t, s.row(ctx, `SELECT current_setting('statement_timeout'), current_setting('lock_timeout')`).Scan(&statement, &lock))
			assert.Equal(t, tc.statement, statement)
			assert.Equal(t, tc.lock, lock)
		})
	}
	s, err := OpenPostgres(ctx, withParams(t, dbURL, "statement_timeout=100"))
	require.NoError(t, err)
	defer s.Close()
	_, err = s.exec(ctx, `SELECT pg_sleep(1)`)
	require.Error(t, err)
	assert.True(t, IsUnavailable(err), "%v", err)
	_, err = s.exec(ctx, `SELECT 1/0`)
	require.Error(t, err)
	assert.False(t, IsUnavailable(err), "another error is not unavailability")
}

// withParams returns the database URL u with the query parameters params
// added.
func withParams(t *testing.T, u, params string) string {
	t.Helper()
	parsed, err := neturl.Parse(u)
	require.NoError(t, err)
	q := parsed.Query()
	extra, err := neturl.ParseQuery(params)
	require.NoError(t, err)
	for k, v := range extra {
		q[k] = v
	}
	parsed.RawQuery = q.Encode()
	return parsed.String()
}
