package webhook_test

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crumbless/crumbless/server/webhook"
)

// The Standard Webhooks specification's test vector: any of its libraries
// verifies what Sign makes.
const (
	vectorSecret    = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	vectorID        = "msg_p5jXN8AQM9LWM0D4loKWxJek"
	vectorTimestamp = 1614265330
	vectorBody      = `{"test": 2432232314}`
	vectorSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
)

func TestSignMatchesTheSpecification(t *testing.T) {
	got, err := webhook.Sign(vectorSecret, vectorID, vectorTimestamp, []byte(vectorBody))
	require.NoError(t, err)
	assert.Equal(t, vectorSignature, got)
}

func TestVerify(t *testing.T) {
	at := time.Unix(vectorTimestamp, 0)
	header := func(id, ts, sig string) http.Header {
		h := http.Header{}
		for k, v := range map[string]string{"webhook-id": id, "webhook-timestamp": ts, "webhook-signature": sig} {
			if v != "" {
				h.Set(k, v)
			}
		}
		return h
	}
	ts := strconv.Itoa(vectorTimestamp)
	cases := []struct {
		name   string
		secret string
		h      http.Header
		body   string
		now    time.Time
		want   error
	}{
		{"valid", vectorSecret, header(vectorID, ts, vectorSignature), vectorBody, at, nil},
		{"one of several", vectorSecret, header(vectorID, ts, "v1,bm9wZQ== v2,xyz "+vectorSignature), vectorBody, at.Add(4 * time.Minute), nil},
		{"tampered body", vectorSecret, header(vectorID, ts, vectorSignature), `{"test": 2432232315}`, at, webhook.ErrSignature},
		{"other id", vectorSecret, header("msg_other", ts, vectorSignature), vectorBody, at, webhook.ErrSignature},
		{"wrong secret", "whsec_c2VjcmV0LW9mLWFub3RoZXItZW5kcG9pbnQ=", header(vectorID, ts, vectorSignature), vectorBody, at, webhook.ErrSignature},
		{"old", vectorSecret, header(vectorID, ts, vectorSignature), vectorBody, at.Add(6 * time.Minute), webhook.ErrTimestamp},
		{"future", vectorSecret, header(vectorID, ts, vectorSignature), vectorBody, at.Add(-6 * time.Minute), webhook.ErrTimestamp},
		{"bad timestamp", vectorSecret, header(vectorID, "soon", vectorSignature), vectorBody, at, webhook.ErrTimestamp},
		{"no signature", vectorSecret, header(vectorID, ts, ""), vectorBody, at, webhook.ErrMissingHeader},
		{"no id", vectorSecret, header("", ts, vectorSignature), vectorBody, at, webhook.ErrMissingHeader},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := webhook.Verify(c.secret, c.h, []byte(c.body), c.now)
			if c.want == nil {
				assert.NoError(t, err)
				return
			}
			assert.ErrorIs(t, err, c.want)
		})
	}
}

func TestNewSecret(t *testing.T) {
	a, err := webhook.NewSecret()
	require.NoError(t, err)
	b, err := webhook.NewSecret()
	require.NoError(t, err)
	assert.Regexp(t, `^whsec_[A-Za-z0-9+/]{43}=$`, a, "32 bytes in base64")
	assert.NotEqual(t, a, b)
	sig, err := webhook.Sign(a, "msg_1", 1, []byte("{}"))
	require.NoError(t, err)
	h := http.Header{"Webhook-Id": {"msg_1"}, "Webhook-Timestamp": {"1"}, "Webhook-Signature": {sig}}
	assert.NoError(t, webhook.Verify(a, h, []byte("{}"), time.Unix(1, 0)))
	_, err = webhook.Sign("not-a-secret", "msg_1", 1, nil)
	assert.Error(t, err)
}

func TestParseEvents(t *testing.T) {
	cases := []struct {
		in   string
		want []string
		err  string
	}{
		{"", webhook.Events, ""},
		{"message.created", []string{"message.created"}, ""},
		{" form.submitted , conversation.created,form.submitted", []string{"form.submitted", "conversation.created"}, ""},
		{"conversation.resolved", []string{"conversation.resolved"}, ""},
		{"message.deleted", nil, `unknown event "message.deleted"`},
		{"message.created,", nil, `unknown event ""`},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			got, err := webhook.ParseEvents(c.in)
			if c.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), c.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c.want, got)
		})
	}
}

func TestValidateURL(t *testing.T) {
	cases := []struct {
		in, err string
	}{
		{"https://hooks.example/crumbless?key=1", ""},
		{"http://127.0.0.1:9000/in", ""},
		{"http://[::1]:9000/", ""},
		{"ftp://hooks.example/", "use http:// or https://"},
		{"hooks.example/in", "use http:// or https://"},
		{"javascript:alert(1)", "use http:// or https://"},
		{"https:///path", "no host"},
		{"https://:443/", "no host"},
		{"https://hooks.example/#x", "fragment"},
		{"https://hooks.example:99999/", "port"},
		{"https://hooks.example/%zz", "cannot parse"},
		{"https://hooks.example/" + string(make([]byte, webhook.MaxURLLength)), "longer than"},
	}
	for _, c := range cases {
		t.Run(c.in[:min(len(c.in), 40)], func(t *testing.T) {
			got, err := webhook.ValidateURL(c.in)
			if c.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), c.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c.in, got)
		})
	}
}

func TestRetryDelay(t *testing.T) {
	cases := []struct {
		attempt int
		r       float64
		want    time.Duration
	}{
		{1, 0.5, 5 * time.Second},
		{2, 0.5, 10 * time.Second},
		{3, 0.5, 20 * time.Second},
		{1, 0, 4 * time.Second},
		{1, 0.999999, 5999999 * time.Microsecond},
		{10, 0.5, 2560 * time.Second},
		{11, 0.5, time.Hour},
		{40, 0.5, time.Hour},
	}
	for _, c := range cases {
		t.Run(strconv.Itoa(c.attempt), func(t *testing.T) {
			assert.InDelta(t, c.want, webhook.RetryDelay(c.attempt, c.r), float64(time.Millisecond))
		})
	}
	// 24 h of retries: the schedule reaches 1 h waits and makes about 30 attempts.
	var total time.Duration
	n := 0
	for total < 24*time.Hour {
		n++
		total += webhook.RetryDelay(n, 0.5)
	}
	assert.Less(t, n, 40)
}
