package launch

import (
	"context"
	"strings"
	"testing"
)

// ForTest starts the server for t (see Start), relays each line of its log
// to t.Log with a "server: " prefix unless o.Log is set, and stops it with
// SIGTERM when the test ends. It fails t when the server does not start.
func ForTest(t testing.TB, o Options) *Server {
	t.Helper()
	if o.Log == nil {
		o.Log = testLog{t}
	}
	s, err := Start(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Stop() })
	return s
}

// testLog writes each line it is given to t.Log. Start writes one line per
// call, and Stop waits for the last write, so no line comes after the test.
type testLog struct{ t testing.TB }

func (l testLog) Write(p []byte) (int, error) {
	l.t.Log("server: " + strings.TrimSuffix(string(p), "\n"))
	return len(p), nil
}

// HostForTest starts a host for t (see StartHost) and stops it when the
// test ends. It returns StartHost's error instead of failing t, so that a
// caller inside OnFreePort can try another port when it wraps ErrExited.
func HostForTest(t testing.TB, o HostOptions) (*Host, error) {
	t.Helper()
	h, err := StartHost(context.Background(), o)
	if err != nil {
		return nil, err
	}
	t.Cleanup(func() { _ = h.Stop() })
	return h, nil
}
