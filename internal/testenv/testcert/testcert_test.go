package testcert

import (
	"crypto/tls"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
)

// TestWrite serves HTTPS with the written pair and reaches it with a
// client that trusts only the returned pool.
func TestWrite(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile, pool, err := Write(dir)
	if err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	if perm := info.Mode().Perm(); perm != 0o600 {
		t.Errorf("key file mode %v, want 0600", perm)
	}
	pair, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{pair}}
	srv.StartTLS()
	defer srv.Close()

	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	res, err := client.Get(srv.URL)
	if err != nil {
		t.Fatalf("a client trusting the pool: %v", err)
	}
	res.Body.Close()
	if _, err := http.Get(srv.URL); err == nil {
		t.Error("a client with the system's roots trusted the throwaway certificate")
	}
}
