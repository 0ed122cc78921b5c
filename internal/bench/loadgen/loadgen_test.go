package loadgen

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	ms := func(v ...int) []time.Duration {
		var out []time.Duration
		for _, n := range v {
			out = append(out, time.Duration(n)*time.Millisecond)
		}
		return out
	}
	for _, c := range []struct {
		in   []time.Duration
		p    int
		want string
	}{
		{nil, 99, "n/a"},
		{ms(5), 50, "5ms"},
		{ms(9, 1, 5, 3, 7), 50, "5ms"},
		{ms(9, 1, 5, 3, 7), 99, "7ms"},
		{ms(9, 1, 5, 3, 7), 100, "9ms"},
	} {
		t.Run(fmt.Sprint(c.in, c.p), func(t *testing.T) {
			if got := Percentile(c.in, c.p); got != c.want {
				t.Errorf("Percentile(%v, %d) = %s, want %s", c.in, c.p, got, c.want)
			}
		})
	}
}

func TestSourcesDialFromTheirAddress(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]bool{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, _ := net.SplitHostPort(r.RemoteAddr)
		mu.Lock()
		seen[host] = true
		mu.Unlock()
	}))
	defer srv.Close()
	s := NewSources(3, nil)
	for range 6 {
		if code, err := Call(s.Next(), "GET", srv.URL, "", "", nil); err != nil || code != 200 {
			t.Fatalf("call: %d %v", code, err)
		}
	}
	for i := range 3 {
		if !seen[Address(i).String()] {
			t.Errorf("no request from %s (saw %v)", Address(i), seen)
		}
	}
	if len(seen) != 3 {
		t.Errorf("requests from %v, want 3 addresses", seen)
	}
}

// TestStream reads ids as they come, stops reading while paused (after
// at most the line its read was waiting for) and ends when the server ends the
// stream.
func TestStream(t *testing.T) {
	events := make(chan int, 10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(200)
		w.(http.Flusher).Flush()
		for id := range events {
			fmt.Fprintf(w, "id: %d\nevent: message\ndata: {}\n\n", id)
			w.(http.Flusher).Flush()
		}
	}))
	var once sync.Once
	closeEvents := func() { once.Do(func() { close(events) }) }
	defer srv.Close()
	defer closeEvents() // before srv.Close: the handler waits for it
	got := make(chan int64, 10)
	s, err := OpenStream(context.Background(), http.DefaultClient, srv.URL, "t", func(id int64, _ time.Time) { got <- id })
	if err != nil {
		t.Fatal(err)
	}
	next := func() int64 {
		select {
		case id := <-got:
			return id
		case <-time.After(5 * time.Second):
			t.Fatal("no event")
			return 0
		}
	}
	events <- 1
	if id := next(); id != 1 {
		t.Errorf("id %d, want 1", id)
	}
	s.Pause()
	// The reader may already wait for the next line, which it then takes:
	// event 2 may arrive while paused, never event 3.
	events <- 2
	events <- 3
	want := int64(2)
	quiet := time.After(300 * time.Millisecond)
paused:
	for {
		select {
		case id := <-got:
			if id != want || want != 2 {
				t.Errorf("read id %d while paused", id)
			}
			want = 3
		case <-quiet:
			break paused
		}
	}
	s.Resume()
	for ; want <= 3; want++ {
		if id := next(); id != want {
			t.Errorf("id %d after resuming, want %d", id, want)
		}
	}
	closeEvents()
	select {
	case <-s.Done():
	case <-time.After(5 * time.Second):
		t.Error("Done not closed after the server ended the stream")
	}
}

func TestRSSKB(t *testing.T) {
	if kb := RSSKB(os.Getpid()); kb <= 0 {
		t.Errorf("RSSKB(self) = %d", kb)
	}
	if kb := RSSKB(-5); kb != -1 {
		t.Errorf("RSSKB(no such process) = %d, want -1", kb)
	}
}
