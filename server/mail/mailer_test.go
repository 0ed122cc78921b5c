package mail

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime/quotedprintable"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crumbless/crumbless/server/storage"
)

// outbox records the mails a Mailer sends; fail makes sending fail.
type outbox struct {
	mu   sync.Mutex
	sent []string // the whole mails as written
	fail error
}

func (o *outbox) send(_ context.Context, m *gomail.Msg) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.fail != nil {
		return o.fail
	}
	var b bytes.Buffer
	if _, err := m.WriteTo(&b); err != nil {
		return err
	}
	o.sent = append(o.sent, readable(b.String()))
	return nil
}

func (o *outbox) mails() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]string(nil), o.sent...)
}

// waitFor polls cond until it holds or 10 s pass.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func openStore(t *testing.T) *storage.SQLite {
	t.Helper()
	st, err := storage.OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "db"))
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	return st
}

func TestBurstIsOneMail(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	_, err := st.AddAgent(ctx, "ana", "h", 1)
	require.NoError(t, err)
	require.NoError(t, st.SetAgentEmail(ctx, "ana", "ana@example.com", true))
	c, err := st.CreateConversation(ctx, []byte("t"), "shop.example", nil, time.Now().UnixMilli())
	require.NoError(t, err)

	var box outbox
	m, err := Start(Config{Store: st, From: "chat@example.com", PublicURL: "https://chat.example", Key: []byte("k"),
		NotifyAfter: 300 * time.Millisecond, Poll: 20 * time.Millisecond, Send: box.send})
	require.NoError(t, err)
	defer m.Close()
	for i := range 20 {
		_, _, err := st.AddMessage(ctx, storage.Message{ConversationID: c.ID, ClientID: "m" + itoa(i), Author: storage.Visitor,
			Body: "<b>message " + itoa(i) + "</b>", Created: time.Now().UnixMilli()})
		require.NoError(t, err)
	}
	waitFor(t, "a mail", func() bool { return len(box.mails()) > 0 })
	// A later poll sends nothing more for the burst.
	_, _, err = st.AddMessage(ctx, storage.Message{ConversationID: c.ID, ClientID: "late", Author: storage.Visitor, Body: "late", Created: time.Now().UnixMilli()})
	require.NoError(t, err)
	waitFor(t, "the late message's mail", func() bool { return len(box.mails()) == 2 })
	mails := box.mails()
	first := mails[0]
	assert.Contains(t, first, "Subject: New conversation on shop.example")
	assert.Contains(t, first, "To: <ana@example.com>")
	assert.Contains(t, first, "List-Unsubscribe: <https://chat.example/api/v1/unsubscribe?a=")
	assert.Contains(t, first, "List-Unsubscribe-Post: List-Unsubscribe=One-Click")
	assert.Contains(t, first, "multipart/alternative")
	assert.Contains(t, first, "&lt;b&gt;message 19&lt;/b&gt;", "HTML escapes what people wrote")
	assert.Contains(t, first, "> <b>message 0</b>")
	assert.NotContains(t, first, "late")
	assert.Contains(t, mails[1], "Subject: New messages on shop.example")
	assert.Contains(t, mails[1], "late")
}

func TestVisitorMailIsLocalizedWithAContinueLink(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	ana, err := st.AddAgent(ctx, "ana", "h", 1)
	require.NoError(t, err)
	c, err := st.CreateConversation(ctx, []byte("t"), "shop.example", nil, time.Now().UnixMilli())
	require.NoError(t, err)
	require.NoError(t, st.SetVisitorEmail(ctx, c.ID, "vi@example.org", "ar"))

	box := outbox{fail: errors.New("554 no")}
	now := time.Now()
	clock := func() time.Time { return now }
	var mu sync.Mutex
	m, err := Start(Config{Store: st, From: "chat@example.com", PublicURL: "http://127.0.0.1:9", Key: []byte("k"),
		NotifyAfter: time.Millisecond, Poll: 10 * time.Millisecond, Send: box.send,
		Now: func() time.Time { mu.Lock(); defer mu.Unlock(); return clock() }})
	require.NoError(t, err)
	defer m.Close()
	_, _, err = st.AddMessage(ctx, storage.Message{ConversationID: c.ID, ClientID: "r", Author: storage.Agent, AgentID: ana.ID, Body: "مرحبا", Created: now.UnixMilli()})
	require.NoError(t, err)
	// Failed: retried later, not at once.
	waitFor(t, "a failed attempt", func() bool {
		got, err := st.ClaimMails(ctx, now.Add(time.Hour*2).UnixMilli(), now.UnixMilli(), time.Millisecond, 1)
		require.NoError(t, err)
		if len(got) == 0 {
			return false
		}
		require.NoError(t, st.FinishMail(ctx, got[0], storage.MailResult{RetryAt: now.Add(time.Minute).UnixMilli()})) // put it back
		return got[0].Attempt >= 2
	})
	box.mu.Lock()
	box.fail = nil
	box.mu.Unlock()
	mu.Lock()
	now = now.Add(2 * time.Minute)
	mu.Unlock()
	waitFor(t, "the mail", func() bool { return len(box.mails()) == 1 })
	mail := box.mails()[0]
	assert.Contains(t, mail, "Content-Language: ar")
	assert.Contains(t, mail, `dir="rtl"`)
	assert.Contains(t, mail, "http://127.0.0.1:9/?crumbless-restore=")
	assert.Contains(t, mail, "List-Unsubscribe: <http://127.0.0.1:9/api/v1/unsubscribe?c=")
	assert.NotContains(t, mail, "List-Unsubscribe-Post", "one-click is for https links")
}

func TestUnsubscribe(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	c, err := st.CreateConversation(ctx, []byte("t"), "demo", nil, 1)
	require.NoError(t, err)
	require.NoError(t, st.SetVisitorEmail(ctx, c.ID, "vi@example.org", "en"))
	key := []byte("key")
	h := UnsubscribeHandler(st, key, nil)
	link := unsubscribeURL("http://x", key, c.ID, 0)
	path := strings.TrimPrefix(link, "http://x")

	tests := []struct {
		name, method, path string
		status             int
		email              string
	}{
		{"forged", http.MethodPost, strings.Replace(path, "c=", "c=9", 1), 404, "vi@example.org"},
		{"no token", http.MethodPost, UnsubscribePath + "?c=1", 404, "vi@example.org"},
		{"GET shows a button only", http.MethodGet, path, 200, "vi@example.org"},
		{"one-click POST", http.MethodPost, path, 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest(tt.method, tt.path, strings.NewReader("List-Unsubscribe=One-Click")))
			assert.Equal(t, tt.status, w.Code)
			got, err := st.Conversation(ctx, c.ID)
			require.NoError(t, err)
			assert.Equal(t, tt.email, got.Email)
		})
	}
}

func TestParseSMTP(t *testing.T) {
	tests := []struct {
		raw  string
		host string
		ok   bool
	}{
		{"smtp://user:pass@mail.example:587", "mail.example", true},
		{"smtps://mail.example", "mail.example", true},
		{"smtp://127.0.0.1:2525", "127.0.0.1", true},
		{"http://mail.example", "", false},
		{"smtp://", "", false},
		{"smtp://mail.example:x", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			host, _, err := ParseSMTP(tt.raw, "", time.Second)
			assert.Equal(t, tt.ok, err == nil, "%v", err)
			assert.Equal(t, tt.host, host)
		})
	}
}

func TestValidAddress(t *testing.T) {
	for s, want := range map[string]bool{
		"a@example.com": true, "Ana <a@example.com>": false, "a": false, "": false,
		strings.Repeat("a", 250) + "@x.io": false, "a@b\r\nBcc: c@d": false,
		"a@@b.com": false, "a@": false, "@b.com": false, "a b@c.com": false, "a@b..com": false,
	} {
		assert.Equal(t, want, ValidAddress(s), s)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

// readable returns a mail with its quoted-printable parts decoded.
func readable(mail string) string {
	head, body, _ := strings.Cut(mail, "\r\n\r\n")
	decoded, _ := io.ReadAll(quotedprintable.NewReader(strings.NewReader(body)))
	return head + "\r\n\r\n" + string(decoded)
}
