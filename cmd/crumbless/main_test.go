package main

import (
	"bytes"
	"flag"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestUsageListsEveryFlagAndCommand checks that -h prints every flag the
// server defines, with its description, and every subcommand.
func TestUsageListsEveryFlagAndCommand(t *testing.T) {
	for _, arg := range []string{"-h", "-help", "--help"} {
		t.Run(arg, func(t *testing.T) {
			var out bytes.Buffer
			err := run([]string{arg}, strings.NewReader(""), io.Discard, &out)
			require.ErrorIs(t, err, flag.ErrHelp)
			usage := out.String()
			flags, _ := newFlags(io.Discard)
			n := 0
			flags.VisitAll(func(f *flag.Flag) {
				n++
				assert.Contains(t, usage, "  -"+f.Name+" ", "flag -%s", f.Name)
				assert.Contains(t, usage, f.Usage, "description of -%s", f.Name)
			})
			assert.GreaterOrEqual(t, n, 10, "the server's flags")
			for _, c := range commands {
				assert.Contains(t, usage, "crumbless "+c.name+" "+c.args, "command %s", c.name)
				assert.Contains(t, usage, c.help, "description of %s", c.name)
			}
			assert.Contains(t, usage, "crumbless agent add ")
		})
	}
}

// TestCommandUsage checks that -h after a command prints its synopsis and
// its flags.
func TestCommandUsage(t *testing.T) {
	for _, c := range commands {
		t.Run(c.name, func(t *testing.T) {
			var out bytes.Buffer
			err := run(append(strings.Fields(c.name), "-h"), strings.NewReader(""), io.Discard, &out)
			require.ErrorIs(t, err, flag.ErrHelp)
			assert.Contains(t, out.String(), "Usage: crumbless "+c.name+" "+c.args)
			for _, f := range []string{"-data", "-db"} {
				assert.Contains(t, out.String(), "  "+f+" ")
			}
		})
	}
}

// TestRunRejectsBadArguments checks the errors that stop the server before
// it listens.
func TestRunRejectsBadArguments(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"log format", []string{"-log", "xml"}, "want text or json"},
		{"origin", []string{"-origins", "shop.example"}, "-origins"},
		{"cert without key", []string{"-tls-cert", "cert.pem"}, "go together"},
		{"missing key pair", []string{"-tls-cert", "/nonexistent/c.pem", "-tls-key", "/nonexistent/k.pem"}, "load TLS key pair"},
		{"trusted proxy", []string{"-trusted-proxies", "127.0.0.1/32,proxy.example"}, "-trusted-proxies"},
		{"public URL with a path", []string{"-public-url", "https://chat.example/app"}, "-public-url"},
		{"public URL without scheme", []string{"-public-url", "chat.example"}, "-public-url"},
		{"unknown flag", []string{"-nope"}, "flag provided but not defined"},
		{"argument after the flags", []string{"-log", "text", "serve"}, "unexpected argument \"serve\""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := run(append(c.args, "-addr", "127.0.0.1:0", "-data", t.TempDir()), strings.NewReader(""), io.Discard, io.Discard)
			assert.ErrorContains(t, err, c.want)
		})
	}
	t.Run("unknown command", func(t *testing.T) {
		err := run([]string{"serve"}, strings.NewReader(""), io.Discard, io.Discard)
		assert.ErrorContains(t, err, `unknown command "serve"`)
	})
}

// TestRetainStatsFlag checks -retain-stats: 400 days unless set, whole
// days or a duration, 0 to keep the statistics.
func TestRetainStatsFlag(t *testing.T) {
	cases := []struct {
		args []string
		want time.Duration
	}{
		{nil, 400 * 24 * time.Hour},
		{[]string{"-retain-stats", "30d"}, 30 * 24 * time.Hour},
		{[]string{"-retain-stats", "36h"}, 36 * time.Hour},
		{[]string{"-retain-stats", "0"}, 0},
	}
	for _, tc := range cases {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			flags, o := newFlags(io.Discard)
			require.NoError(t, flags.Parse(tc.args))
			assert.Equal(t, tc.want, time.Duration(o.retainStats))
		})
	}
	flags, _ := newFlags(io.Discard)
	assert.Error(t, flags.Parse([]string{"-retain-stats", "-1h"}))
}
