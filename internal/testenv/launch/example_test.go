package launch_test

import (
	"context"
	"log"
	"os"

	"github.com/crumbless/crumbless/internal/testenv/launch"
)

// A bench starts the built server on a port the kernel picks, with its log
// on its own stderr, and stops it when done.
func Example() {
	s, err := launch.Start(context.Background(), launch.Options{
		Bin:  "bin/crumbless",
		Args: []string{"-data", os.TempDir() + "/bench-data", "-log", "json"},
		Log:  os.Stderr,
	})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Stop()
	log.Printf("serving at %s", s.URL)
}
