package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/crumbless/crumbless/server"
	"github.com/crumbless/crumbless/server/storage"
	"github.com/crumbless/crumbless/server/webhook"
)

// webhookStore is a store with the webhook outbox (both stores have it).
type webhookStore interface {
	storage.Store
	storage.Webhooks
}

// webhookCommand parses the flags of `crumbless webhook …` (given before
// or after the arguments), checks that want arguments remain and opens the
// store. extra adds the command's own flags.
func webhookCommand(c command, args []string, stderr io.Writer, want int, extra func(*flag.FlagSet)) (webhookStore, []string, error) {
	flags := commandFlags(c, stderr)
	data := flags.String("data", "./data", "folder for the server's data")
	db := flags.String("db", "sqlite", "database: sqlite (a file in -data) or a postgres:// URL")
	if extra != nil {
		extra(flags)
	}
	var rest []string
	for {
		if err := flags.Parse(args); err != nil {
			return nil, nil, err
		}
		if flags.NArg() == 0 {
			break
		}
		rest = append(rest, flags.Arg(0))
		args = flags.Args()[1:]
	}
	if len(rest) != want {
		return nil, nil, fmt.Errorf("usage: crumbless %s %s", c.name, c.args)
	}
	if *db == "sqlite" {
		if err := os.MkdirAll(*data, 0o700); err != nil {
			return nil, nil, fmt.Errorf("data folder: %w", err)
		}
	}
	st, err := server.OpenStore(context.Background(), *db, *data)
	if err != nil {
		return nil, nil, err
	}
	ws, ok := st.(webhookStore)
	if !ok {
		st.Close()
		return nil, nil, errors.New("this database keeps no webhooks")
	}
	return ws, rest, nil
}

// endpointID reads an endpoint's id.
func endpointID(arg string) (int64, error) {
	id, err := strconv.ParseInt(arg, 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("%q is not a webhook id (crumbless webhook list shows them)", arg)
	}
	return id, nil
}

// runWebhookAdd is `crumbless webhook add [-events …] URL`: it stores the
// endpoint with a new secret and prints the secret, once: the server
// signs with it and the receiver verifies with it.
func runWebhookAdd(c command, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	var events string
	st, rest, err := webhookCommand(c, args, stderr, 1, func(f *flag.FlagSet) {
		f.StringVar(&events, "events", "", "comma-separated events to send ("+strings.Join(webhook.Events, ", ")+"); empty: all")
	})
	if err != nil {
		return err
	}
	defer st.Close()
	url, err := webhook.ValidateURL(rest[0])
	if err != nil {
		return err
	}
	list, err := webhook.ParseEvents(events)
	if err != nil {
		return err
	}
	secret, err := webhook.NewSecret()
	if err != nil {
		return err
	}
	e, err := st.AddWebhook(context.Background(), url, secret, list, time.Now().UnixMilli())
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "webhook %d added: %s\nevents: %s\nsecret: %s\n(the secret is shown this once: give it to the receiver, which verifies each request's webhook-signature with it)\n",
		e.ID, e.URL, strings.Join(e.Events, ", "), secret)
	return nil
}

// runWebhookList is `crumbless webhook list`: every endpoint, without
// its secret.
func runWebhookList(c command, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	st, _, err := webhookCommand(c, args, stderr, 0, nil)
	if err != nil {
		return err
	}
	defer st.Close()
	list, err := st.WebhookEndpoints(context.Background())
	if err != nil {
		return err
	}
	if len(list) == 0 {
		fmt.Fprintln(stdout, "no webhooks (crumbless webhook add URL adds one)")
		return nil
	}
	w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tURL\tEVENTS\tPENDING\tADDED")
	for _, e := range list {
		fmt.Fprintf(w, "%d\t%s\t%s\t%d\t%s\n", e.ID, e.URL, strings.Join(e.Events, ","), e.Pending,
			time.UnixMilli(e.Created).UTC().Format(time.RFC3339))
	}
	return w.Flush()
}

// runWebhookRemove is `crumbless webhook remove ID`: the endpoint goes
// with its pending deliveries and its log.
func runWebhookRemove(c command, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	st, rest, err := webhookCommand(c, args, stderr, 1, nil)
	if err != nil {
		return err
	}
	defer st.Close()
	id, err := endpointID(rest[0])
	if err != nil {
		return err
	}
	if err := st.RemoveWebhook(context.Background(), id); errors.Is(err, storage.ErrNotFound) {
		return fmt.Errorf("webhook %d: no such webhook", id)
	} else if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "webhook %d removed\n", id)
	return nil
}

// runWebhookLog is `crumbless webhook log [-n 50] ID`: the endpoint's
// latest attempts, newest first (never a payload).
func runWebhookLog(c command, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	var n int
	st, rest, err := webhookCommand(c, args, stderr, 1, func(f *flag.FlagSet) {
		f.IntVar(&n, "n", 50, "how many attempts to show, at most "+strconv.Itoa(storage.WebhookLogSize))
	})
	if err != nil {
		return err
	}
	defer st.Close()
	id, err := endpointID(rest[0])
	if err != nil {
		return err
	}
	log, err := st.WebhookLog(context.Background(), id, min(max(n, 1), storage.WebhookLogSize))
	if errors.Is(err, storage.ErrNotFound) {
		return fmt.Errorf("webhook %d: no such webhook", id)
	}
	if err != nil {
		return err
	}
	if len(log) == 0 {
		fmt.Fprintf(stdout, "webhook %d: no attempts yet\n", id)
		return nil
	}
	w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "TIME\tWEBHOOK-ID\tTYPE\tATTEMPT\tOUTCOME\tSTATUS\tLATENCY\tERROR")
	for _, a := range log {
		status := "-"
		if a.Status != 0 {
			status = strconv.Itoa(a.Status)
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%d\t%s\t%s\t%dms\t%s\n", time.UnixMilli(a.At).UTC().Format(time.RFC3339), a.MsgID, a.Type,
			a.Attempt, a.Outcome, status, a.LatencyMS, a.Error)
	}
	return w.Flush()
}
