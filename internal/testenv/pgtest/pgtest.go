// Package pgtest runs throwaway PostgreSQL servers for tests and benchmarks:
// Debian's postgresql package (make deps installs it; a missing one is an
// error naming that command), a cluster made by initdb in a folder of its
// own, listening on a loopback port, stopped and removed afterwards.
//
// A test package uses it through its TestMain (Main) and Database, which
// gives each test an empty database of its own. When CRUMBLESS_POSTGRES
// holds a server URL (make test starts one cluster for every package with
// internal/testenv/pgcluster), that server is used instead of starting one.
// Nothing is skipped: when no server can be started, every test that asks
// for a database fails with the reason.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/crumbless/crumbless/internal/testenv/debian"
	"github.com/crumbless/crumbless/internal/testenv/launch"
)

// EnvURL names the variable that points tests at a running server (an
// administrator's URL, e.g. postgres://postgres@127.0.0.1:5432/postgres).
const EnvURL = "CRUMBLESS_POSTGRES"

// Options configure a cluster.
type Options struct {
	// Dir holds the data folder, the socket and the log; it is created
	// and, when the cluster stops, removed. Run as root, the server runs
	// as user postgres, who must be able to reach Dir; when a folder
	// above Dir does not let other users through (inside a folder made by
	// os.MkdirTemp), the cluster goes to a temporary folder instead.
	Dir string
	// Durable keeps fsync on (benchmarks that compare with SQLite's
	// synchronous=FULL); tests run with fsync off.
	Durable bool
}

// Cluster is a running PostgreSQL server.
type Cluster struct {
	dir, data, bin string
	port           int
	asPostgres     bool // running as root: the server runs as user postgres
}

// Start makes a cluster in opts.Dir and starts it on a free loopback port.
// The superuser is "postgres", trusted on loopback only. PostgreSQL must be
// installed (make deps).
func Start(ctx context.Context, opts Options) (*Cluster, error) {
	if err := debian.Require(debian.Postgres); err != nil {
		return nil, err
	}
	bin, err := binDir()
	if err != nil {
		return nil, err
	}
	dir, err := filepath.Abs(opts.Dir)
	if err != nil {
		return nil, err
	}
	asPostgres := os.Geteuid() == 0
	// The parents must let user postgres through.
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return nil, fmt.Errorf("postgres folder: %w", err)
	}
	if asPostgres && !othersCanEnter(filepath.Dir(dir)) {
		// A checkout inside a private folder (os.MkdirTemp's 0700): the
		// cluster goes to a folder of its own under the system's temp.
		if dir, err = os.MkdirTemp("", "crumbless-pg-"); err != nil {
			return nil, fmt.Errorf("postgres folder: %w", err)
		}
	} else if err := os.Mkdir(dir, 0o700); err != nil && !os.IsExist(err) {
		return nil, fmt.Errorf("postgres folder: %w", err)
	}
	c := &Cluster{dir: dir, data: filepath.Join(dir, "data"), bin: bin, asPostgres: asPostgres}
	if c.asPostgres { // initdb refuses to run as root
		if err := chownToPostgres(dir); err != nil {
			return nil, err
		}
	}
	if err := c.run(ctx, "initdb", "-D", c.data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale", "C", "--no-sync"); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	// PostgreSQL cannot listen on port 0 and report the port it got (the
	// port also names its socket): a port taken between the probe and the
	// start makes pg_ctl fail, and the start is tried again on another.
	for try := 0; ; try++ {
		c.port, err = launch.FreePort()
		if err != nil {
			return nil, err
		}
		settings := []string{
			"-c listen_addresses=127.0.0.1", "-p " + strconv.Itoa(c.port),
			"-c unix_socket_directories=" + dir, "-c max_connections=300",
		}
		if !opts.Durable {
			settings = append(settings, "-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off")
		}
		err = c.run(ctx, "pg_ctl", "-D", c.data, "-l", filepath.Join(dir, "server.log"), "-w", "-t", "60",
			"-o", strings.Join(settings, " "), "start")
		if err == nil {
			return c, nil
		}
		if try == 2 {
			log, _ := os.ReadFile(filepath.Join(dir, "server.log"))
			os.RemoveAll(dir)
			return nil, fmt.Errorf("%w\nserver.log:\n%s", err, log)
		}
	}
}

// URL is the superuser's URL for database db.
func (c *Cluster) URL(db string) string {
	return "postgres://postgres@127.0.0.1:" + strconv.Itoa(c.port) + "/" + db + "?sslmode=disable"
}

// Stop stops the server (fast shutdown) and removes its folder.
func (c *Cluster) Stop() error {
	err := c.run(context.Background(), "pg_ctl", "-D", c.data, "-m", "fast", "-w", "-t", "60", "stop")
	if rmErr := os.RemoveAll(c.dir); err == nil {
		err = rmErr
	}
	return err
}

// run runs one of PostgreSQL's programs, as user postgres when we are root.
func (c *Cluster) run(ctx context.Context, program string, args ...string) error {
	path := filepath.Join(c.bin, program)
	if c.asPostgres {
		args = append([]string{"-u", "postgres", "--", path}, args...)
		path = "runuser"
	}
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Dir = c.dir
	outBytes, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s: %w\n%s", program, err, outBytes)
	}
	return nil
}

// binDir returns the programs' folder of the newest PostgreSQL installed.
func binDir() (string, error) {
	dirs, _ := filepath.Glob(debian.PostgresBinGlob)
	var found []string
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			found = append(found, d)
		}
	}
	if len(found) == 0 {
		return "", fmt.Errorf("no PostgreSQL programs in %s", debian.PostgresBinGlob)
	}
	version := func(d string) int {
		n, _ := strconv.Atoi(filepath.Base(filepath.Dir(d)))
		return n
	}
	sort.Slice(found, func(i, j int) bool { return version(found[i]) > version(found[j]) })
	return found[0], nil
}

// othersCanEnter reports whether every folder from dir up to the root lets
// other users through (their execute bit), as user postgres needs.
func othersCanEnter(dir string) bool {
	for {
		info, err := os.Stat(dir)
		if err != nil || info.Mode().Perm()&0o001 == 0 {
			return false
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return true
		}
		dir = parent
	}
}

func chownToPostgres(dir string) error {
	u, err := user.Lookup("postgres")
	if err != nil {
		return fmt.Errorf("user postgres (made by the postgresql package): %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	if err := os.Chown(dir, uid, gid); err != nil {
		return fmt.Errorf("postgres folder: %w", err)
	}
	return nil
}

// CreateDatabase makes an empty database with a fresh random name on the
// server at adminURL and returns its URL and a function that drops it.
func CreateDatabase(ctx context.Context, adminURL string) (dbURL string, drop func() error, err error) {
	b := make([]byte, 6)
	rand.Read(b)
	name := "crumbless_" + hex.EncodeToString(b)
	admin, err := connect(ctx, adminURL)
	if err != nil {
		return "", nil, err
	}
	defer admin.Close(context.Background())
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return "", nil, fmt.Errorf("create database: %w", err)
	}
	u, err := url.Parse(adminURL)
	if err != nil {
		return "", nil, fmt.Errorf("%s: %w", EnvURL, err)
	}
	u.Path = "/" + name
	drop = func() error {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		admin, err := connect(ctx, adminURL)
		if err != nil {
			return err
		}
		defer admin.Close(ctx)
		_, err = admin.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		return err
	}
	return u.String(), drop, nil
}

func connect(ctx context.Context, adminURL string) (*pgx.Conn, error) {
	var last error
	for try := 0; try < 50; try++ { // the server may still be starting
		conn, err := pgx.Connect(ctx, adminURL)
		if err == nil {
			return conn, nil
		}
		last = err
		select {
		case <-ctx.Done():
			return nil, errors.Join(last, ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
	return nil, fmt.Errorf("connect to postgres: %w", last)
}
