package mail

import (
	"bufio"
	"context"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crumbless/crumbless/server/storage"
)

// smtpReplies serves SMTP on a local port, taking every mail except to
// the recipients that reject names (with that reply). It stands for a
// mail server's answers to go-mail; the e2e tests use a real one.
func smtpReplies(t *testing.T, reject map[string]string) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				r := bufio.NewReader(c)
				say := func(s string) { c.Write([]byte(s + "\r\n")) }
				say("220 test ESMTP")
				for {
					line, err := r.ReadString('\n')
					if err != nil {
						return
					}
					cmd := strings.ToUpper(strings.TrimSpace(line))
					switch {
					case strings.HasPrefix(cmd, "EHLO"):
						say("250-test")
						say("250 ENHANCEDSTATUSCODES")
					case strings.HasPrefix(cmd, "RCPT TO:"):
						reply := "250 2.1.5 OK"
						for who, r := range reject {
							if strings.Contains(strings.ToLower(line), who) {
								reply = r
							}
						}
						say(reply)
					case cmd == "DATA":
						say("354 go on")
						for {
							l, err := r.ReadString('\n')
							if err != nil {
								return
							}
							if l == ".\r\n" {
								break
							}
						}
						say("250 2.0.0 queued")
					case cmd == "QUIT":
						say("221 2.0.0 bye")
						return
					default: // MAIL, RSET, NOOP
						say("250 2.0.0 OK")
					}
				}
			}()
		}
	}()
	return l.Addr().String()
}

// closedPort returns a local address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	l.Close()
	return addr
}

func TestFailuresAreLoggedAndRetriedOrNot(t *testing.T) {
	server := smtpReplies(t, map[string]string{
		"gone@":  "550 5.1.1 <gone@example.com>: mailbox unavailable",
		"later@": "451 4.3.0 try again later",
	})
	down := closedPort(t)
	tests := []struct {
		name, smtp, to string
		state          string
		err            string // the start of the logged error
	}{
		{"sent", server, "ana@example.com", storage.MailSent, ""},
		{"5xx for the recipient", server, "gone@example.com", storage.MailRejected, "550 5.1.1 <gone@example.com>: mailbox unavailable"},
		{"4xx for the recipient", server, "later@example.com", storage.MailRetrying, "451 4.3.0 try again later"},
		{"no server", down, "ana@example.com", storage.MailRetrying, "dial " + down + ": connection refused"},
		{"an address no server takes", server, "ana@@example.com", storage.MailRejected, "not a mail address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			st := openStore(t)
			_, err := st.AddAgent(ctx, "ana", "h", 1)
			require.NoError(t, err)
			require.NoError(t, st.SetAgentEmail(ctx, "ana", tt.to, true)) // the store takes what the API checked
			c, err := st.CreateConversation(ctx, []byte("t"), "shop.example", nil, time.Now().UnixMilli())
			require.NoError(t, err)
			m, err := Start(Config{Store: st, SMTP: "smtp://" + tt.smtp, Password: "s3cret-pw", From: "chat@example.com",
				PublicURL: "https://chat.example", Key: []byte("k"), NotifyAfter: time.Millisecond, Poll: 20 * time.Millisecond,
				Timeout: 5 * time.Second})
			require.NoError(t, err)
			defer m.Close()
			_, _, err = st.AddMessage(ctx, storage.Message{ConversationID: c.ID, ClientID: "m", Author: storage.Visitor, Body: "hi",
				Created: time.Now().UnixMilli()})
			require.NoError(t, err)
			var log []storage.MailDelivery
			waitFor(t, "the attempt in the log", func() bool {
				log, err = st.MailLog(ctx, storage.MailLogQuery{Limit: 10})
				require.NoError(t, err)
				return len(log) > 0
			})
			got := log[0]
			assert.Equal(t, tt.state, got.State)
			assert.Equal(t, tt.to, got.To)
			assert.Equal(t, 1, got.Attempts)
			assert.True(t, strings.HasPrefix(got.Error, tt.err), "error %q, want it to begin with %q", got.Error, tt.err)
			assert.NotContains(t, got.Error, "s3cret-pw")
			if tt.state == storage.MailRetrying {
				wait := time.Until(time.UnixMilli(got.NextAt))
				assert.True(t, wait > 20*time.Second && wait < 40*time.Second, "retried in %v", wait)
			} else {
				assert.Zero(t, got.NextAt)
			}
			h, err := st.MailHealth(ctx)
			require.NoError(t, err)
			assert.Equal(t, tt.state == storage.MailSent, h.LastSent != 0)
			assert.Equal(t, tt.state != storage.MailSent, h.LastFailure != 0)
		})
	}
}

func TestFailureText(t *testing.T) {
	tests := []struct {
		name, in, want string
		secrets        []string
	}{
		{"password", "535 auth failed for pw hunter2", "535 auth failed for pw …", []string{"hunter2"}},
		{"control characters", "550 no\r\nsuch\tuser", "550 no such user", nil},
		{"long", strings.Repeat("é", 400), strings.Repeat("é", maxErrorText/2) + "…", nil},
		{"dial prefix", "dial failed: something", "something", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, permanent := failure(errString(tt.in), tt.secrets...)
			assert.Equal(t, tt.want, got)
			assert.False(t, permanent)
		})
	}
}

type errString string

func (e errString) Error() string { return string(e) }

// clock is a settable time for a Mailer.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func TestRetriesUntilSentOrGivenUp(t *testing.T) {
	tests := []struct {
		name  string
		heals bool // the SMTP server comes back before the retries are over
		state string
	}{
		{"comes back", true, storage.MailSent},
		{"stays down", false, storage.MailFailed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			st := openStore(t)
			_, err := st.AddAgent(ctx, "ana", "h", 1)
			require.NoError(t, err)
			require.NoError(t, st.SetAgentEmail(ctx, "ana", "ana@example.com", true))
			clk := &clock{now: time.Now()}
			c, err := st.CreateConversation(ctx, []byte("t"), "shop.example", nil, clk.Now().UnixMilli())
			require.NoError(t, err)
			box := outbox{fail: errString("dial failed: dial tcp 127.0.0.1:2525: connect: connection refused")}
			m, err := Start(Config{Store: st, From: "chat@example.com", PublicURL: "https://chat.example", Key: []byte("k"),
				NotifyAfter: time.Second, Retry: 10 * time.Minute, Poll: 10 * time.Millisecond, Now: clk.Now, Send: box.send})
			require.NoError(t, err)
			defer m.Close()
			_, _, err = st.AddMessage(ctx, storage.Message{ConversationID: c.ID, ClientID: "m", Author: storage.Visitor, Body: "hi",
				Created: clk.Now().UnixMilli()})
			require.NoError(t, err)
			clk.advance(time.Second)
			last := func() storage.MailDelivery {
				log, err := st.MailLog(ctx, storage.MailLogQuery{Limit: 1})
				require.NoError(t, err)
				if len(log) == 0 {
					return storage.MailDelivery{}
				}
				return log[0]
			}
			waitFor(t, "the first failure", func() bool { return last().State == storage.MailRetrying })
			assert.Equal(t, "dial tcp 127.0.0.1:2525: connect: connection refused", last().Error)
			if tt.heals {
				box.mu.Lock()
				box.fail = nil
				box.mu.Unlock()
			}
			// Each wait is at most 1 h; past the 10 min the mail is given up.
			for i := 0; i < 20 && last().State == storage.MailRetrying; i++ {
				attempts := last().Attempts
				clk.advance(time.Hour)
				waitFor(t, "the next attempt", func() bool { return last().Attempts > attempts || last().State != storage.MailRetrying })
			}
			got := last()
			assert.Equal(t, tt.state, got.State)
			assert.Equal(t, 2, got.Attempts, "retried once: sent, or given up after the retry window")
			assert.Zero(t, got.NextAt)
			assert.Equal(t, tt.heals, len(box.mails()) == 1)
		})
	}
}
