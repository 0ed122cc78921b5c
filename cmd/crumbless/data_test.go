package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crumbless/crumbless/internal/testenv/pgtest"
	"github.com/crumbless/crumbless/server"
	"github.com/crumbless/crumbless/server/storage"
)

func TestDataExportAndErase(t *testing.T) {
	for _, db := range []string{"sqlite", "postgres"} {
		t.Run(db, func(t *testing.T) {
			ctx := context.Background()
			data := t.TempDir()
			if db == "postgres" {
				db = pgtest.Database(t)
			}
			st, err := server.OpenStore(ctx, db, data)
			require.NoError(t, err)
			c, err := st.CreateConversation(ctx, []byte("token"), "demo", []byte("net"), 1000)
			require.NoError(t, err)
			_, _, err = st.AddMessage(ctx, storage.Message{ConversationID: c.ID, ClientID: "m", Author: storage.Visitor, Body: "private words", Created: 1000})
			require.NoError(t, err)
			require.NoError(t, st.Close())
			id := strconv.FormatInt(c.ID, 10)

			var out, errOut bytes.Buffer
			require.NoError(t, run([]string{"data", "export", "-data", data, "-db", db, id}, nil, &out, &errOut))
			var e struct {
				Conversation struct{ ID int64 } `json:"conversation"`
				Messages     []struct{ Body string }
			}
			require.NoError(t, json.Unmarshal(out.Bytes(), &e), out.String())
			assert.Equal(t, c.ID, e.Conversation.ID)
			require.Len(t, e.Messages, 1)
			assert.Equal(t, "private words", e.Messages[0].Body)
			assert.Contains(t, errOut.String(), "msg=audit action=export by=cli")
			assert.NotContains(t, errOut.String(), "private words")

			out.Reset()
			errOut.Reset()
			require.NoError(t, run([]string{"data", "erase", "-data", data, "-db", db, id}, nil, &out, &errOut))
			assert.Contains(t, out.String(), "conversation "+id+" erased")
			assert.Contains(t, errOut.String(), "msg=audit action=erase by=cli")
			assert.Contains(t, errOut.String(), "conversation="+id)
			assert.Contains(t, errOut.String(), "time="+time.Now().UTC().Format("2006"), "when")

			err = run([]string{"data", "erase", "-data", data, "-db", db, id}, nil, io.Discard, io.Discard)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "no such conversation")
			st, err = server.OpenStore(ctx, db, data)
			require.NoError(t, err)
			defer st.Close()
			_, err = st.Conversation(ctx, c.ID)
			assert.ErrorIs(t, err, storage.ErrNotFound)
		})
	}
}

func TestDataUsage(t *testing.T) {
	data := t.TempDir()
	cases := []struct {
		args []string
		err  string
	}{
		{[]string{"data", "erase", "-data", data}, "usage"},
		{[]string{"data", "export", "-data", data, "1", "2"}, "usage"},
		{[]string{"data", "erase", "-data", data, "abc"}, "not a conversation id"},
		{[]string{"data", "erase", "-data", data, "-5"}, "flag provided but not defined"},
		{[]string{"data", "erase", "-data", filepath.Join(data, "missing"), "1"}, "data folder"},
		{[]string{"data", "wipe"}, "usage"},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			err := run(c.args, nil, io.Discard, io.Discard)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.err)
		})
	}
}

func TestRetainFlag(t *testing.T) {
	cases := []struct {
		in   string
		want time.Duration
		err  bool
	}{
		{"90d", 90 * 24 * time.Hour, false},
		{"0", 0, false},
		{"720h", 720 * time.Hour, false},
		{"1.5d", 0, true},
		{"-1h", 0, true},
		{"soon", 0, true},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			var d days
			err := d.Set(c.in)
			if c.err {
				assert.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c.want, time.Duration(d))
		})
	}
	var d days
	require.NoError(t, d.Set("90d"))
	assert.Equal(t, "90d", d.String())
}
