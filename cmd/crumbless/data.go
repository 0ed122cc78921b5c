package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"time"

	"github.com/crumbless/crumbless/server"
	"github.com/crumbless/crumbless/server/chat"
	"github.com/crumbless/crumbless/server/storage"
)

// dataCommand parses the flags and conversation ids of `crumbless data …`
// and opens the store; at most max ids (0: any number, at least one).
func dataCommand(c command, args []string, stderr io.Writer, max int) (storage.Store, []int64, error) {
	flags := commandFlags(c, stderr)
	data := flags.String("data", "./data", "folder for the server's data")
	db := flags.String("db", "sqlite", "database: sqlite (a file in -data) or a postgres:// URL")
	if err := flags.Parse(args); err != nil {
		return nil, nil, err
	}
	if flags.NArg() == 0 || max > 0 && flags.NArg() > max {
		return nil, nil, fmt.Errorf("usage: crumbless %s %s", c.name, c.args)
	}
	ids := make([]int64, flags.NArg())
	for i, a := range flags.Args() {
		id, err := strconv.ParseInt(a, 10, 64)
		if err != nil || id <= 0 {
			return nil, nil, fmt.Errorf("%q is not a conversation id (the number the inbox shows)", a)
		}
		ids[i] = id
	}
	if _, err := os.Stat(*data); *db == "sqlite" && err != nil {
		return nil, nil, fmt.Errorf("data folder: %w", err)
	}
	st, err := server.OpenStore(context.Background(), *db, *data)
	return st, ids, err
}

// cliActor names who ran a data command in the audit line.
func cliActor() string {
	if u := os.Getenv("USER"); u != "" {
		return "cli:" + u
	}
	return "cli"
}

// runDataErase is `crumbless data erase ID…`: each conversation is erased
// with everything linked to it, and an audit line (who, which id; no
// content) goes to standard error. With a shared PostgreSQL database the
// running instances are told, so that the visitor's open streams end.
func runDataErase(c command, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	st, ids, err := dataCommand(c, args, stderr, 0)
	if err != nil {
		return err
	}
	defer st.Close()
	log := slog.New(slog.NewTextHandler(stderr, nil))
	ctx := context.Background()
	for _, id := range ids {
		err := chat.EraseConversation(ctx, st, id)
		if errors.Is(err, storage.ErrNotFound) {
			return fmt.Errorf("conversation %d: no such conversation", id)
		}
		if err != nil && !errors.Is(err, storage.ErrScrubIncomplete) {
			return err
		}
		chat.Audit(log, "erase", cliActor(), id)
		if err := chat.AnnounceErased(ctx, st, id); err != nil {
			fmt.Fprintf(stderr, "conversation %d erased; the running servers were not told (their open streams end at the next reconnection): %v\n", id, err)
		}
		fmt.Fprintf(stdout, "conversation %d erased\n", id)
	}
	return nil
}

// runDataExport is `crumbless data export ID`: the JSON the visitor's
// "Download my data" gives, on standard output, and an audit line on
// standard error.
func runDataExport(c command, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	st, ids, err := dataCommand(c, args, stderr, 1)
	if err != nil {
		return err
	}
	defer st.Close()
	e, err := st.ExportConversation(context.Background(), ids[0])
	if errors.Is(err, storage.ErrNotFound) {
		return fmt.Errorf("conversation %d: no such conversation", ids[0])
	}
	if err != nil {
		return err
	}
	chat.Audit(slog.New(slog.NewTextHandler(stderr, nil)), "export", cliActor(), ids[0])
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(chat.ExportJSON(e, time.Now().UnixMilli()))
}
