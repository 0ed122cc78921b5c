package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/crumbless/crumbless/server"
	"github.com/crumbless/crumbless/server/chat"
	"github.com/crumbless/crumbless/server/mail"
	"github.com/crumbless/crumbless/server/storage"
)

// command is a subcommand: crumbless <name> <args>.
type command struct {
	name string // "agent add"
	args string // synopsis of its flags and arguments
	help string // one line
	run  func(c command, args []string, stdin io.Reader, stdout, stderr io.Writer) error
}

// commands are the subcommands; usage lists them all.
var commands = []command{
	{"agent add", "[-data ./data] [-db sqlite|postgres://…] [-email ADDRESS] NAME", "add an agent who signs in to the console at /agent/ (password on stdin); with -email they get mail about visitor messages no agent has seen", runAgentAdd},
	{"agent email", "[-data ./data] [-db sqlite|postgres://…] [-mail=false] NAME [ADDRESS]", "set an agent's mail address and whether they want mail; without ADDRESS clear it", runAgentEmail},
	{"agent list", "[-data ./data] [-db sqlite|postgres://…]", "list the agents with their open sessions", runAgentList},
	{"agent remove", "[-data ./data] [-db sqlite|postgres://…] NAME", "remove an agent; their open consoles return to sign-in at once", runAgentRemove},
	{"agent passwd", "[-data ./data] [-db sqlite|postgres://…] NAME", "set an agent's password (on stdin); their open consoles return to sign-in at once", runAgentPasswd},
	{"agent logout-all", "[-data ./data] [-db sqlite|postgres://…] NAME", "end every session of an agent; their open consoles return to sign-in at once", runAgentLogoutAll},
	{"data erase", "[-data ./data] [-db sqlite|postgres://…] CONVERSATION-ID…", "erase conversations and everything linked to them (messages, form submissions, network hash)", runDataErase},
	{"data export", "[-data ./data] [-db sqlite|postgres://…] CONVERSATION-ID", "print everything stored about a conversation as JSON", runDataExport},
	{"webhook add", "[-data ./data] [-db sqlite|postgres://…] [-events conversation.created,…] URL", "send events to URL, signed with a new secret (printed once)", runWebhookAdd},
	{"webhook list", "[-data ./data] [-db sqlite|postgres://…]", "list the webhook endpoints with their pending deliveries", runWebhookList},
	{"webhook remove", "[-data ./data] [-db sqlite|postgres://…] ID", "remove a webhook endpoint with its pending deliveries and its log", runWebhookRemove},
	{"webhook log", "[-data ./data] [-db sqlite|postgres://…] [-n 50] ID", "show a webhook endpoint's latest delivery attempts", runWebhookLog},
}

// runCommand runs the command whose name begins args.
func runCommand(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	var near []string
	for _, c := range commands {
		words := strings.Fields(c.name)
		if len(args) >= len(words) && strings.Join(args[:len(words)], " ") == c.name {
			return c.run(c, args[len(words):], stdin, stdout, stderr)
		}
		if words[0] == args[0] {
			near = append(near, "crumbless "+c.name+" "+c.args)
		}
	}
	if len(near) == 0 {
		return fmt.Errorf("unknown command %q (crumbless -h lists the commands)", args[0])
	}
	return errors.New("usage: " + strings.Join(near, "\n       "))
}

// commandFlags returns the flag set of c, whose usage goes to out.
func commandFlags(c command, out io.Writer) *flag.FlagSet {
	flags := flag.NewFlagSet("crumbless "+c.name, flag.ContinueOnError)
	flags.SetOutput(out)
	flags.Usage = func() {
		fmt.Fprintf(out, "Usage: crumbless %s %s\n  %s\n\nFlags:\n", c.name, c.args, c.help)
		flags.PrintDefaults()
	}
	return flags
}

// openAgentStore parses c's flags, checks the agent NAME argument (when
// withName) and opens the store the flags name.
func openAgentStore(c command, args []string, stderr io.Writer, withName bool, extra ...func(*flag.FlagSet)) (storage.Store, string, error) {
	st, rest, err := openAgentStoreArgs(c, args, stderr, withName, 0, extra...)
	if err != nil || !withName {
		return st, "", err
	}
	return st, rest[0], nil
}

// openAgentStoreArgs is openAgentStore with up to optional arguments
// after the NAME, which it returns with it.
func openAgentStoreArgs(c command, args []string, stderr io.Writer, withName bool, optional int, extra ...func(*flag.FlagSet)) (storage.Store, []string, error) {
	flags := commandFlags(c, stderr)
	data := flags.String("data", "./data", "folder for the server's data")
	db := flags.String("db", "sqlite", "database: sqlite (a file in -data) or a postgres:// URL")
	for _, f := range extra {
		f(flags)
	}
	if err := flags.Parse(args); err != nil {
		return nil, nil, err
	}
	want := 0
	if withName {
		want = 1
	}
	if flags.NArg() < want || flags.NArg() > want+optional {
		return nil, nil, fmt.Errorf("usage: crumbless %s %s", c.name, c.args)
	}
	name := flags.Arg(0)
	if withName && !chat.ValidAgentName(name) {
		return nil, nil, fmt.Errorf("agent name %q: use 1-64 characters of a-z, A-Z, 0-9, '.', '-' and '_'", name)
	}
	if err := os.MkdirAll(*data, 0o700); err != nil {
		return nil, nil, fmt.Errorf("data folder: %w", err)
	}
	st, err := server.OpenStore(context.Background(), *db, *data)
	if err != nil {
		return nil, nil, err
	}
	return st, flags.Args(), nil
}

// readPassword reads the password from the first line of standard input
// (so that it never shows in the process list or shell history).
func readPassword(stdin io.Reader, stdout io.Writer) (string, error) {
	if f, ok := stdin.(*os.File); ok && isTerminal(f) {
		fmt.Fprint(stdout, "password (8-72 bytes, echoed): ")
	}
	line, err := bufio.NewReader(io.LimitReader(stdin, 1024)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password: %w", err)
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// noAgent says that name is not an agent, for ErrNotFound.
func noAgent(name string, err error) error {
	if errors.Is(err, storage.ErrNotFound) {
		return fmt.Errorf("no agent %q (crumbless agent list shows them)", name)
	}
	return err
}

// runAgentAdd is `crumbless agent add [-data ./data] [-db sqlite|postgres://…] NAME`:
// it reads the password from standard input and stores its bcrypt hash.
func runAgentAdd(c command, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	var email string
	st, name, err := openAgentStore(c, args, stderr, true, func(f *flag.FlagSet) {
		f.StringVar(&email, "email", "", "the agent's mail address, for mail about visitor messages no agent has seen")
	})
	if err != nil {
		return err
	}
	defer st.Close()
	if email != "" && !mail.ValidAddress(email) {
		return fmt.Errorf("-email: %q is not a mail address", email)
	}
	ctx := context.Background()
	if _, err := st.AgentByName(ctx, name); err == nil {
		return fmt.Errorf("agent %q exists already", name)
	}
	password, err := readPassword(stdin, stdout)
	if err != nil {
		return err
	}
	if err := chat.AddAgent(ctx, st, name, password, chat.BcryptCost, time.Now()); err != nil {
		if errors.Is(err, storage.ErrConflict) {
			return fmt.Errorf("agent %q exists already", name)
		}
		return fmt.Errorf("agent add: %w", err)
	}
	if email != "" {
		if err := setAgentEmail(ctx, st, name, email, true); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "agent %q added\n", name)
	return nil
}

// setAgentEmail stores an agent's address and mail wish.
func setAgentEmail(ctx context.Context, st storage.Store, name, email string, mailMe bool) error {
	m, ok := st.(storage.Mail)
	if !ok {
		return errors.New("this database keeps no mail addresses")
	}
	if err := m.SetAgentEmail(ctx, name, email, mailMe); err != nil {
		return noAgent(name, err)
	}
	return nil
}

// runAgentEmail is `crumbless agent email [-mail=false] NAME [ADDRESS]`.
func runAgentEmail(c command, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	mailMe := true
	st, rest, err := openAgentStoreArgs(c, args, stderr, true, 1, func(f *flag.FlagSet) {
		f.BoolVar(&mailMe, "mail", true, "the agent wants mail about visitor messages no agent has seen")
	})
	if err != nil {
		return err
	}
	defer st.Close()
	name, email := rest[0], ""
	if len(rest) == 2 {
		email = rest[1]
		if !mail.ValidAddress(email) {
			return fmt.Errorf("%q is not a mail address", email)
		}
	}
	if err := setAgentEmail(context.Background(), st, name, email, mailMe); err != nil {
		return err
	}
	switch {
	case email == "":
		fmt.Fprintf(stdout, "agent %q: no mail address\n", name)
	case mailMe:
		fmt.Fprintf(stdout, "agent %q: mail goes to %s\n", name, email)
	default:
		fmt.Fprintf(stdout, "agent %q: address %s, mail turned off\n", name, email)
	}
	return nil
}

// runAgentList is `crumbless agent list`: name, when added, open sessions.
func runAgentList(c command, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	st, _, err := openAgentStore(c, args, stderr, false)
	if err != nil {
		return err
	}
	defer st.Close()
	list, err := st.Agents(context.Background(), time.Now().UnixMilli())
	if err != nil {
		return err
	}
	if len(list) == 0 {
		fmt.Fprintln(stdout, "no agents (crumbless agent add NAME adds one)")
		return nil
	}
	fmt.Fprintf(stdout, "%-24s %-20s %-8s %s\n", "NAME", "ADDED (UTC)", "SESSIONS", "MAIL")
	for _, a := range list {
		email := a.Email
		if email != "" && !a.MailMe {
			email += " (off)"
		}
		line := fmt.Sprintf("%-24s %-20s %-8d %s", a.Name, time.UnixMilli(a.Created).UTC().Format("2006-01-02 15:04"), a.Sessions, email)
		fmt.Fprintln(stdout, strings.TrimRight(line, " "))
	}
	return nil
}

// runAgentRemove is `crumbless agent remove NAME`.
func runAgentRemove(c command, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	st, name, err := openAgentStore(c, args, stderr, true)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.RemoveAgent(context.Background(), name); err != nil {
		return noAgent(name, err)
	}
	fmt.Fprintf(stdout, "agent %q removed; their sessions ended\n", name)
	return nil
}

// runAgentPasswd is `crumbless agent passwd NAME` (the new password on stdin).
func runAgentPasswd(c command, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	st, name, err := openAgentStore(c, args, stderr, true)
	if err != nil {
		return err
	}
	defer st.Close()
	ctx := context.Background()
	if _, err := st.AgentByName(ctx, name); err != nil {
		return noAgent(name, err)
	}
	password, err := readPassword(stdin, stdout)
	if err != nil {
		return err
	}
	hash, err := chat.HashPassword(password, chat.BcryptCost)
	if err != nil {
		return err
	}
	if err := st.SetAgentPassword(ctx, name, hash); err != nil {
		return noAgent(name, err)
	}
	fmt.Fprintf(stdout, "password of agent %q changed; their sessions ended\n", name)
	return nil
}

// runAgentLogoutAll is `crumbless agent logout-all NAME`.
func runAgentLogoutAll(c command, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	st, name, err := openAgentStore(c, args, stderr, true)
	if err != nil {
		return err
	}
	defer st.Close()
	n, err := st.EndAgentSessions(context.Background(), name)
	if err != nil {
		return noAgent(name, err)
	}
	fmt.Fprintf(stdout, "agent %q: %d sessions ended\n", name, n)
	return nil
}

func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
