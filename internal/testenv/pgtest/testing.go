package pgtest

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"
)

// server is the package's one server: CRUMBLESS_POSTGRES, or a cluster
// started on the first call to Database and stopped by Main.
var server struct {
	once    sync.Once
	admin   string
	err     error
	cluster *Cluster
}

// Main is a TestMain body: it runs the tests, then stops the cluster they
// started, if any. Use it as
//
//	func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
func Main(m *testing.M) int {
	code := m.Run()
	if c := server.cluster; c != nil {
		if err := c.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "pgtest: stop:", err)
			if code == 0 {
				code = 1
			}
		}
	}
	return code
}

// Admin returns the administrator's URL of the test server, starting a
// cluster when CRUMBLESS_POSTGRES is not set. A failure to start fails t.
func Admin(t testing.TB) string {
	t.Helper()
	server.once.Do(func() {
		if u := os.Getenv(EnvURL); u != "" {
			server.admin = u
			return
		}
		dir, err := os.MkdirTemp("", "crumbless-pg-")
		if err != nil {
			server.err = err
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		c, err := Start(ctx, Options{Dir: dir})
		if err != nil {
			server.err = err
			return
		}
		server.cluster, server.admin = c, c.URL("postgres")
	})
	if server.err != nil {
		t.Fatalf("postgres: cannot start a test server: %v", server.err)
	}
	return server.admin
}

// Database returns the URL of a new, empty database for t, dropped when t
// ends.
func Database(t testing.TB) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	u, drop, err := CreateDatabase(ctx, Admin(t))
	if err != nil {
		t.Fatalf("postgres: %v", err)
	}
	t.Cleanup(func() {
		if err := drop(); err != nil {
			t.Errorf("postgres: drop database: %v", err)
		}
	})
	return u
}
