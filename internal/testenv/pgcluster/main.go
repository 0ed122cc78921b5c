// Command pgcluster runs a command next to a throwaway PostgreSQL server,
// so that every test package of a run shares one:
//
//	go run ./internal/testenv/pgcluster [-dir build/pg] [-durable] -- go test ./...
//
// It needs Debian's postgresql (make deps installs it; without it, it fails
// saying so), makes a cluster in -dir (owned by user postgres when run as
// root: initdb refuses root), starts it on a free loopback port, runs the command with
// CRUMBLESS_POSTGRES set to the superuser's URL (package pgtest makes a
// database per test there), then stops the server and removes -dir. Its
// exit status is the command's; a server that cannot start is an error,
// never a skipped test.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/crumbless/crumbless/internal/testenv/launch"
	"github.com/crumbless/crumbless/internal/testenv/pgtest"
)

func main() {
	log.SetFlags(0)
	dir := flag.String("dir", "build/pg", "folder for the cluster (removed afterwards)")
	durable := flag.Bool("durable", false, "keep fsync on (benchmarks); tests run with fsync off")
	flag.Parse()
	if flag.NArg() == 0 {
		log.Fatal("usage: pgcluster [-dir build/pg] [-durable] -- command [args...]")
	}
	code, err := run(*dir, *durable, flag.Args())
	if err != nil {
		log.Fatalf("pgcluster: %v", err)
	}
	os.Exit(code)
}

func run(dir string, durable bool, args []string) (int, error) {
	if err := os.RemoveAll(dir); err != nil { // a cluster left by a killed run
		return 0, err
	}
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	c, err := pgtest.Start(ctx, pgtest.Options{Dir: dir, Durable: durable})
	cancel()
	if err != nil {
		return 0, err
	}
	url := c.URL("postgres")
	fmt.Fprintf(os.Stderr, "pgcluster: PostgreSQL at %s (ready in %s)\n", url, time.Since(start).Round(time.Millisecond))
	defer func() {
		if err := c.Stop(); err != nil {
			log.Printf("pgcluster: stop: %v", err)
		}
	}()

	return launch.Wrap(args, pgtest.EnvURL+"="+url)
}
