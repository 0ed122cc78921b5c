// Command chatbench measures the chat backend of the built server on
// loopback: message POST → agent SSE delivery latency with many open agent
// streams, sustained messages per second, and the server's resident memory
// with many idle streams. make bench-chat runs it; it never fails on time.
//
//	go run ./internal/bench/chatbench -bin bin/crumbless [-streams 1000] [-idle 10000] [-messages 500]
//	go run ./internal/bench/chatbench -bin bin/crumbless -postgres [-instances 2] [-idle 0]
//
// With -postgres the server stores in a throwaway PostgreSQL cluster
// (fsync on, like SQLite's synchronous=FULL; package pgtest); with
// -instances 2 two server processes share it: messages are posted to the
// first and the agent streams are open on the second, so the latency is
// the cross-instance one (LISTEN/NOTIFY, then a read of the new rows).
//
// The server keeps its real rate limits (per IP and per conversation), so
// the load is spread over many loopback source addresses (127.0.x.y) and
// conversations, as many real visitors would be. Every loop is bounded in
// count and time.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/crumbless/crumbless/internal/bench/loadgen"
	"github.com/crumbless/crumbless/internal/testenv/launch"
	"github.com/crumbless/crumbless/internal/testenv/pgtest"
)

func main() {
	log.SetFlags(0)
	bin := flag.String("bin", "bin/crumbless", "the built server")
	streams := flag.Int("streams", 1000, "agent streams open while measuring delivery latency")
	idle := flag.Int("idle", 10000, "idle streams for the memory measurement")
	messages := flag.Int("messages", 500, "messages sent for the latency and throughput runs")
	postgres := flag.Bool("postgres", false, "store in a throwaway PostgreSQL server instead of SQLite")
	instances := flag.Int("instances", 1, "server processes sharing the PostgreSQL database (with -postgres)")
	flag.Parse()
	loadgen.RaiseFileLimit()
	if *instances < 1 || *instances > 1 && !*postgres {
		log.Fatal("chatbench: -instances above 1 needs -postgres")
	}
	if err := run(*bin, *streams, *idle, *messages, *postgres, *instances); err != nil {
		log.Fatalf("chatbench: %v", err)
	}
}

type server struct {
	*launch.Server
	base string
}

// startServer runs the built server on a port the kernel picks; its log
// is discarded.
func startServer(bin, data string, db []string) (*server, error) {
	s, err := launch.Start(context.Background(), launch.Options{Bin: bin, Args: append([]string{"-data", data, "-log", "json"}, db...)})
	if err != nil {
		return nil, err
	}
	return &server{Server: s, base: s.URL}, nil
}

func (s *server) rssKB() int { return loadgen.RSSKB(s.Cmd.Process.Pid) }

func run(bin string, nStreams, nIdle, nMessages int, postgres bool, nInstances int) error {
	data, err := os.MkdirTemp("", "chatbench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(data)
	var db []string // the -db flag, for the server and agent add
	store := "SQLite, synchronous=FULL"
	if postgres {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		dir, err := os.MkdirTemp("", "chatbench-pg-") // its own: user postgres must get in
		if err != nil {
			return err
		}
		cluster, err := pgtest.Start(ctx, pgtest.Options{Dir: dir, Durable: true})
		if err != nil {
			return err
		}
		defer cluster.Stop()
		url, _, err := pgtest.CreateDatabase(ctx, cluster.URL("postgres"))
		if err != nil {
			return err
		}
		db = []string{"-db", url}
		store = fmt.Sprintf("PostgreSQL, fsync on, %d instance(s)", nInstances)
	}
	add := exec.Command(bin, append(append([]string{"agent", "add", "-data", data}, db...), "bench")...)
	add.Stdin = strings.NewReader("bench-password\n")
	if out, err := add.CombinedOutput(); err != nil {
		return fmt.Errorf("agent add: %v: %s", err, out)
	}
	var servers []*server
	defer func() {
		for _, s := range servers {
			s.Stop()
		}
	}()
	for range nInstances {
		s, err := startServer(bin, data, db)
		if err != nil {
			return err
		}
		servers = append(servers, s)
	}
	// Posts go to the first instance, streams are open on the last.
	srv, streamSrv := servers[0], servers[len(servers)-1]
	src := loadgen.NewSources(250, nil)

	var login struct{ Token string }
	req, _ := http.NewRequest("POST", srv.base+"/api/v1/agent/sessions", nil)
	req.SetBasicAuth("bench", "bench-password")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	json.NewDecoder(res.Body).Decode(&login)
	res.Body.Close()
	if login.Token == "" {
		return fmt.Errorf("login: %s", res.Status)
	}

	// Conversations: each may send 10 messages at once (the per-visitor burst).
	nConv := (nMessages + 9) / 10
	tokens := make([]string, nConv)
	for i := range tokens {
		var st struct{ Token string }
		if code, err := loadgen.Call(src.Next(), "POST", srv.base+"/api/v1/conversations", "", `{"site":"bench"}`, &st); err != nil || code != 201 {
			return fmt.Errorf("start conversation %d: %d %v", i, code, err)
		}
		tokens[i] = st.Token
	}
	rssBase := streamSrv.rssKB()

	// 1. Delivery latency with nStreams agent streams open.
	ctx, cancel := context.WithCancel(context.Background())
	var mu sync.Mutex
	first := map[int64]time.Time{}
	last := map[int64]time.Time{}
	count := map[int64]int{}
	seen := func(id int64, at time.Time) {
		mu.Lock()
		if _, ok := first[id]; !ok {
			first[id] = at
		}
		last[id] = at
		count[id]++
		mu.Unlock()
	}
	for i := 0; i < nStreams; i++ {
		if _, err := loadgen.OpenStream(ctx, src.Next(), streamSrv.base+"/api/v1/agent/events", login.Token, seen); err != nil {
			cancel()
			return fmt.Errorf("open stream %d: %w", i, err)
		}
	}
	rssStreams := streamSrv.rssKB()
	sent := map[int64]time.Time{}
	for i := 0; i < nMessages; i++ {
		var m struct {
			Message struct{ ID int64 }
		}
		t0 := time.Now()
		code, err := loadgen.Call(src.Next(), "POST", srv.base+"/api/v1/conversation/messages", "Bearer "+tokens[i/10], fmt.Sprintf(`{"id":"lat-%d","body":"latency probe %d"}`, i, i), &m)
		if err != nil || code != 201 {
			cancel()
			return fmt.Errorf("send %d: %d %v", i, code, err)
		}
		sent[m.Message.ID] = t0
		// Wait (bounded) until every stream has it, so runs do not overlap.
		deadline := time.Now().Add(10 * time.Second)
		for time.Now().Before(deadline) {
			mu.Lock()
			n := count[m.Message.ID]
			mu.Unlock()
			if n >= nStreams {
				break
			}
			time.Sleep(200 * time.Microsecond)
		}
	}
	var firstLat, allLat []time.Duration
	missing := 0
	mu.Lock()
	for id, t0 := range sent {
		if count[id] < nStreams {
			missing++
			continue
		}
		firstLat = append(firstLat, first[id].Sub(t0))
		allLat = append(allLat, last[id].Sub(t0))
	}
	mu.Unlock()
	cancel()

	// 2. Sustained messages per second: 8 concurrent senders, no streams.
	nThroughput := nMessages * 2
	tput := make([]string, 0, nThroughput)
	for i := 0; i < (nThroughput+9)/10; i++ {
		var st struct{ Token string }
		if code, err := loadgen.Call(src.Next(), "POST", srv.base+"/api/v1/conversations", "", `{}`, &st); err != nil || code != 201 {
			return fmt.Errorf("start conversation: %d %v", code, err)
		}
		tput = append(tput, st.Token)
	}
	var next atomic.Int64
	var failed atomic.Int64
	var wg sync.WaitGroup
	t0 := time.Now()
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= nThroughput {
					return
				}
				code, err := loadgen.Call(src.Next(), "POST", servers[i%len(servers)].base+"/api/v1/conversation/messages", "Bearer "+tput[i/10], fmt.Sprintf(`{"id":"t-%d","body":"throughput %d"}`, i, i), nil)
				if err != nil || code != 201 {
					failed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(t0)

	// 3. Memory with nIdle idle agent streams.
	ctx2, cancel2 := context.WithCancel(context.Background())
	defer cancel2()
	time.Sleep(500 * time.Millisecond)
	rssBeforeIdle := streamSrv.rssKB()
	opened := 0
	for i := 0; i < nIdle; i++ {
		if _, err := loadgen.OpenStream(ctx2, src.Next(), streamSrv.base+"/api/v1/agent/events", login.Token, nil); err != nil {
			log.Printf("idle stream %d: %v (stopping there)", i, err)
			break
		}
		opened++
	}
	if nIdle > 0 {
		time.Sleep(time.Second)
	}
	rssIdle := streamSrv.rssKB()

	fmt.Printf("\n## Chat backend (loopback, %s; %s)\n\n", time.Now().UTC().Format("2006-01-02"), store)
	fmt.Println("| measure | value |")
	fmt.Println("|---|---:|")
	fmt.Printf("| POST → first agent stream, p50 / p99 (%d streams, %d messages) | %s / %s |\n", nStreams, len(firstLat), loadgen.Percentile(firstLat, 50), loadgen.Percentile(firstLat, 99))
	fmt.Printf("| POST → all %d agent streams, p50 / p99 | %s / %s |\n", nStreams, loadgen.Percentile(allLat, 50), loadgen.Percentile(allLat, 99))
	if missing > 0 {
		fmt.Printf("| messages not delivered to every stream within 10 s | %d |\n", missing)
	}
	fmt.Printf("| sustained messages/s (8 senders, durable commits) | %.0f (%d sent, %d failed) |\n", float64(nThroughput)/elapsed.Seconds(), nThroughput, failed.Load())
	fmt.Printf("| server RSS: idle / %d streams | %.1f MB / %.1f MB |\n", nStreams, float64(rssBase)/1024, float64(rssStreams)/1024)
	if nIdle > 0 {
		fmt.Printf("| server RSS: before / with %d idle streams | %.1f MB / %.1f MB (%.1f KB per stream) |\n", opened, float64(rssBeforeIdle)/1024, float64(rssIdle)/1024, float64(rssIdle-rssBeforeIdle)/float64(max(opened, 1)))
	}
	return nil
}
