// Command soakbench holds many event streams open through nginx for a
// while, with messages flowing, and reports the server's resident memory,
// its Go heap, its goroutines and the delivery p99 at the start and at the end (flat
// means no leak), and whether streams whose client stopped reading were
// dropped. make bench-soak runs it; it is never part of make test and
// never fails on time.
//
//	go run ./internal/bench/soakbench [-streams 10000] [-duration 10m] [-rate 20] [-stalled 4]
//
// The server is Crumbless's own wiring (server.New, as bin/crumbless runs
// it, SQLite) in a child process of the bench, so that the bench can ask
// it for its goroutine count. nginx (Debian's, two workers: each worker
// has its own open-file limit, and a stream takes two sockets in nginx)
// forwards to it with the docs' proxy settings, without TLS so that the
// cores go to the streams. Visitors come from many loopback addresses
// (the server trusts nginx's X-Forwarded-For); each conversation has the
// four streams a visitor may open, and an agent answers random
// conversations at -rate messages per second. The streams of -stalled
// visitors stop reading at the start while an agent floods their
// conversations with long messages; the server's log says when it ended
// a stream whose client did not read, and at the end the stalled clients
// read again: a stream that then ends had been dropped. The server's RSS
// and Go heap are sampled every tenth of the run.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"strings"
	"time"
)

func main() {
	log.SetFlags(0)
	o := options{}
	flag.IntVar(&o.streams, "streams", 10000, "event streams held open through nginx (four per visitor)")
	flag.DurationVar(&o.duration, "duration", 10*time.Minute, "how long the streams stay open with messages flowing")
	flag.Float64Var(&o.rate, "rate", 20, "agent messages per second to random conversations")
	flag.DurationVar(&o.window, "window", 0, "how much of the start and of the end the p99s cover (default: a tenth of -duration, 10 s to 1 m)")
	flag.IntVar(&o.stalled, "stalled", 4, "streams (four per visitor) that stop reading while their conversations are flooded")
	flag.Float64Var(&o.flood, "flood", 5, "long messages per second to the stalled visitors' conversations")
	serve := flag.Bool("serve", false, "run as the bench's server child (the bench starts it)")
	flag.StringVar(&o.addr, "addr", "127.0.0.1:0", "with -serve: address to listen on")
	flag.StringVar(&o.data, "data", "", "with -serve: the data folder")
	flag.StringVar(&o.stats, "stats", "", "with -serve: file to write the goroutine counter's address to")
	flag.Parse()
	if *serve {
		if err := serveChild(o.addr, o.data, o.stats); err != nil {
			log.Fatalf("soakbench server: %v", err)
		}
		return
	}
	if o.window == 0 {
		o.window = min(max(o.duration/10, 10*time.Second), time.Minute)
	}
	if o.streams < 4 || o.stalled < 0 || o.stalled >= o.streams || 2*o.window > o.duration {
		log.Fatal("soakbench: need -streams ≥ 4, 0 ≤ -stalled < -streams and -window ≤ half of -duration")
	}
	if err := run(context.Background(), o); err != nil {
		log.Fatalf("soakbench: %v", err)
	}
}

type options struct {
	streams, stalled  int
	duration, window  time.Duration
	rate, flood       float64
	addr, data, stats string
}

// longBody is a message of 2,000 four-byte characters (8 KB on the
// stream), the longest a message may be: few messages fill a stalled
// stream's buffers.
var longBody = strings.Repeat("𝄞", 2000)

// randomIndex picks a conversation.
func randomIndex(n int) int { return rand.IntN(n) }

func fmtMB(kb int) string { return fmt.Sprintf("%.1f MB", float64(kb)/1024) }
