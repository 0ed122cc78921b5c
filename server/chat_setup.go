package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/crumbless/crumbless/server/chat"
	"github.com/crumbless/crumbless/server/storage"
	"github.com/crumbless/crumbless/static/content"
)

// openStore opens the database named by -db: "sqlite" (the default) is the
// file crumbless.db in the data folder; a postgres:// (or postgresql://)
// URL is a PostgreSQL database, which several instances may share.
func openStore(ctx context.Context, db, data string) (storage.Store, error) {
	switch {
	case db == "" || db == "sqlite":
		return storage.OpenSQLite(ctx, filepath.Join(data, "crumbless.db"))
	case strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://"):
		return storage.OpenPostgres(ctx, db)
	}
	return nil, fmt.Errorf("-db: %q is neither sqlite nor a postgres:// URL", storage.RedactURL(db))
}

// openChat opens the store and the chat backend with the content of the
// data folder (or the shipped samples). tune, when given, adjusts the
// backend's configuration (flags such as -presence-grace).
func openChat(ctx context.Context, db, data string, logger *slog.Logger, tune ...func(*chat.Config)) (*chat.Server, storage.Store, error) {
	answers, forms, err := chat.LoadContent(data, content.Answers, content.Forms)
	if err != nil {
		return nil, nil, err
	}
	key, err := chat.LoadOrCreateKey(filepath.Join(data, "network.key")) // keys the network bans' hashes
	if err != nil {
		return nil, nil, err
	}
	st, err := openStore(ctx, db, data)
	if err != nil {
		return nil, nil, err
	}
	cfg := chat.Config{Store: st, Answers: answers, Forms: forms, Logger: logger, NetworkKey: key}
	for _, f := range tune {
		f(&cfg)
	}
	return chat.New(cfg), st, nil
}

// runAgent is `crumbless agent add [-data ./data] [-db sqlite|postgres://…] NAME`: it
// reads the password from the first line of standard input (so it never
// shows in the process list or shell history) and stores its bcrypt hash.
func runAgent(args []string, stdin io.Reader, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "add" {
		return errors.New("usage: crumbless agent add [-data ./data] [-db sqlite] NAME  (password on stdin)")
	}
	flags := flag.NewFlagSet("crumbless agent add", flag.ContinueOnError)
	data := flags.String("data", "./data", "folder for the server's data")
	db := flags.String("db", "sqlite", "database: sqlite (a file in -data) or a postgres:// URL")
	if err := flags.Parse(args[1:]); err != nil {
		return err
	}
	if flags.NArg() != 1 {
		return errors.New("usage: crumbless agent add [-data ./data] [-db sqlite] NAME  (password on stdin)")
	}
	name := flags.Arg(0)
	if !chat.ValidAgentName(name) {
		return fmt.Errorf("agent name %q: use 1-64 characters of a-z, A-Z, 0-9, '.', '-' and '_'", name)
	}
	if f, ok := stdin.(*os.File); ok && isTerminal(f) {
		fmt.Fprint(stdout, "password (8-72 bytes, echoed): ")
	}
	line, err := bufio.NewReader(io.LimitReader(stdin, 1024)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("read password: %w", err)
	}
	password := strings.TrimRight(line, "\r\n")
	if err := os.MkdirAll(*data, 0o700); err != nil {
		return fmt.Errorf("data folder: %w", err)
	}
	ctx := context.Background()
	st, err := openStore(ctx, *db, *data)
	if err != nil {
		return err
	}
	defer st.Close()
	if _, err := st.AgentByName(ctx, name); err == nil {
		return fmt.Errorf("agent %q exists already", name)
	}
	if err := chat.AddAgent(ctx, st, name, password, chat.BcryptCost, time.Now()); err != nil {
		if errors.Is(err, storage.ErrConflict) {
			return fmt.Errorf("agent %q exists already", name)
		}
		return fmt.Errorf("agent add: %w", err)
	}
	fmt.Fprintf(stdout, "agent %q added\n", name)
	return nil
}

func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
