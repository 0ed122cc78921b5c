package main

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crumbless/crumbless/internal/testenv/pgtest"
	"github.com/crumbless/crumbless/server/storage"
)

func TestWebhookCommands(t *testing.T) {
	data := t.TempDir()
	pgURL := pgtest.Database(t)
	cases := []struct {
		name string
		args []string
		out  []string // each must show in the output
		err  string
	}{
		{"add", []string{"add", "-data", data, "https://hooks.example/in"}, []string{"webhook 1 added: https://hooks.example/in", "events: conversation.created, message.created, conversation.resolved, form.submitted", "secret: whsec_"}, ""},
		{"add, flags after the URL", []string{"add", "-data", data, "http://127.0.0.1:9000/", "-events", "form.submitted"}, []string{"webhook 2 added", "events: form.submitted"}, ""},
		{"list", []string{"list", "-data", data}, []string{"https://hooks.example/in", "conversation.created,message.created,conversation.resolved,form.submitted", "http://127.0.0.1:9000/", "form.submitted"}, ""},
		{"log, nothing yet", []string{"log", "-data", data, "1"}, []string{"webhook 1: no attempts yet"}, ""},
		{"remove", []string{"remove", "-data", data, "2"}, []string{"webhook 2 removed"}, ""},
		{"remove again", []string{"remove", "-data", data, "2"}, nil, "webhook 2: no such webhook"},
		{"log of none", []string{"log", "-data", data, "2"}, nil, "webhook 2: no such webhook"},
		{"bad id", []string{"log", "-data", data, "two"}, nil, `"two" is not a webhook id`},
		{"ftp", []string{"add", "-data", data, "ftp://hooks.example/"}, nil, "use http:// or https://"},
		{"no scheme", []string{"add", "-data", data, "hooks.example"}, nil, "use http:// or https://"},
		{"resolved", []string{"add", "-data", data, "-events", "conversation.resolved", "https://hooks.example/"}, []string{"webhook 3 added", "events: conversation.resolved"}, ""},
		{"unknown event", []string{"add", "-data", data, "-events", "message.sent", "https://hooks.example/"}, nil, `unknown event "message.sent"`},
		{"no URL", []string{"add", "-data", data}, nil, "usage: crumbless webhook add"},
		{"two URLs", []string{"add", "-data", data, "https://a.example/", "https://b.example/"}, nil, "usage"},
		{"unknown verb", []string{"edit", "1"}, nil, "usage"},
		{"postgres", []string{"add", "-db", pgURL, "https://pg.example/"}, []string{"webhook 1 added"}, ""},
		{"postgres list", []string{"list", "-db", pgURL}, []string{"https://pg.example/"}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out bytes.Buffer
			err := run(append([]string{"webhook"}, c.args...), strings.NewReader(""), &out, io.Discard)
			if c.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), c.err)
				return
			}
			require.NoError(t, err)
			for _, want := range c.out {
				assert.Contains(t, out.String(), want)
			}
			if strings.Contains(c.name, "list") {
				assert.NotContains(t, out.String(), "whsec_", "a list never shows a secret")
			}
		})
	}

	// The printed secret is the one the server signs with.
	var out bytes.Buffer
	require.NoError(t, run([]string{"webhook", "add", "-data", data, "https://three.example/"}, nil, &out, io.Discard))
	secret := regexp.MustCompile(`secret: (whsec_\S+)`).FindStringSubmatch(out.String())
	require.Len(t, secret, 2)
	st, err := storage.OpenSQLite(context.Background(), filepath.Join(data, "crumbless.db"))
	require.NoError(t, err)
	defer st.Close()
	eps, err := st.WebhookEndpoints(context.Background())
	require.NoError(t, err)
	require.Len(t, eps, 3)
	assert.Equal(t, secret[1], eps[2].Secret)
}
