// Package webhook sends the chat's events (a conversation created, a
// message, a conversation resolved, a form submitted) to the URLs an
// administrator added with `crumbless webhook add`, signed the Standard Webhooks way
// (https://www.standardwebhooks.com/): a webhook-id that stays the same on
// every retry, a webhook-timestamp in unix seconds and a webhook-signature
// "v1,<base64 HMAC-SHA256 of id.timestamp.body>" made with the endpoint's
// whsec_ secret.
//
// The deliveries come from an outbox in the database (storage.Webhooks),
// queued in the transaction that stored what they are about, so a crash
// loses none; a Deliverer sends them from goroutines of its own, a few at
// a time and each under a timeout, so a slow endpoint never holds up the
// chat, and retries a failed one with exponential backoff and jitter for
// 24 hours. Endpoints are trusted configuration: the server posts to any
// http or https URL it is given, internal addresses included.
package webhook

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/crumbless/crumbless/server/storage"
)

// Events are the event types an endpoint can receive, in the order they
// are documented.
var Events = []string{storage.EventConversationCreated, storage.EventMessageCreated, storage.EventConversationResolved, storage.EventFormSubmitted}

// ParseEvents reads a comma-separated list of event types; an empty list
// is every event.
func ParseEvents(list string) ([]string, error) {
	if strings.TrimSpace(list) == "" {
		return slices.Clone(Events), nil
	}
	var out []string
	for _, e := range strings.Split(list, ",") {
		e = strings.TrimSpace(e)
		switch {
		case !slices.Contains(Events, e):
			return nil, fmt.Errorf("unknown event %q (events: %s)", e, strings.Join(Events, ", "))
		case !slices.Contains(out, e):
			out = append(out, e)
		}
	}
	return out, nil
}

// MaxURLLength bounds an endpoint's URL.
const MaxURLLength = 2048

// ValidateURL checks an endpoint's URL: absolute http or https with a
// host, no fragment, at most MaxURLLength bytes. It returns the URL as
// given.
func ValidateURL(raw string) (string, error) {
	if len(raw) > MaxURLLength {
		return "", fmt.Errorf("webhook URL: longer than %d bytes", MaxURLLength)
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return "", fmt.Errorf("webhook URL %q: cannot parse it", raw)
	case u.Scheme != "http" && u.Scheme != "https":
		return "", fmt.Errorf("webhook URL %q: use http:// or https://", raw)
	case u.Host == "" || u.Hostname() == "":
		return "", fmt.Errorf("webhook URL %q: no host", raw)
	case u.Fragment != "" || strings.Contains(raw, "#"):
		return "", fmt.Errorf("webhook URL %q: a fragment is never sent; remove it", raw)
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return "", fmt.Errorf("webhook URL %q: bad port", raw)
		}
	}
	return raw, nil
}

// secretPrefix starts every secret, as Standard Webhooks writes them.
const secretPrefix = "whsec_"

// NewSecret returns a new endpoint secret: whsec_ and 32 random bytes in
// base64.
func NewSecret() (string, error) {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return "", fmt.Errorf("webhook secret: %w", err)
	}
	return secretPrefix + base64.StdEncoding.EncodeToString(key), nil
}

// secretKey returns the HMAC key of a whsec_ secret.
func secretKey(secret string) ([]byte, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, secretPrefix))
	if err != nil || !strings.HasPrefix(secret, secretPrefix) || len(key) == 0 {
		return nil, errors.New("webhook secret: not whsec_ and base64")
	}
	return key, nil
}

// Sign returns the webhook-signature value of a message: "v1," and the
// base64 HMAC-SHA256, keyed by the secret, of "id.timestamp.body".
func Sign(secret, id string, timestamp int64, body []byte) (string, error) {
	key, err := secretKey(secret)
	if err != nil {
		return "", err
	}
	return "v1," + base64.StdEncoding.EncodeToString(mac(key, id, timestamp, body)), nil
}

func mac(key []byte, id string, timestamp int64, body []byte) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(id + "." + strconv.FormatInt(timestamp, 10) + "."))
	h.Write(body)
	return h.Sum(nil)
}

// Tolerance is how far a webhook-timestamp may be from the receiver's
// clock for Verify, against replays.
const Tolerance = 5 * time.Minute

// Errors of Verify.
var (
	ErrMissingHeader = errors.New("webhook: missing webhook-id, webhook-timestamp or webhook-signature")
	ErrTimestamp     = errors.New("webhook: timestamp too far from now")
	ErrSignature     = errors.New("webhook: no matching signature")
)

// Verify checks a received message the way a receiver should: the three
// headers present, the timestamp within Tolerance of now, and one of the
// space-separated v1 signatures equal (in constant time) to the one made
// with secret over the raw body.
func Verify(secret string, h http.Header, body []byte, now time.Time) error {
	id, ts, sigs := h.Get("webhook-id"), h.Get("webhook-timestamp"), h.Get("webhook-signature")
	if id == "" || ts == "" || sigs == "" {
		return ErrMissingHeader
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return ErrTimestamp
	}
	if d := now.Sub(time.Unix(sec, 0)); d > Tolerance || d < -Tolerance {
		return ErrTimestamp
	}
	key, err := secretKey(secret)
	if err != nil {
		return err
	}
	want := mac(key, id, sec, body)
	for _, s := range strings.Fields(sigs) {
		v, b64, ok := strings.Cut(s, ",")
		if !ok || v != "v1" {
			continue
		}
		got, err := base64.StdEncoding.DecodeString(b64)
		if err == nil && subtle.ConstantTimeCompare(got, want) == 1 {
			return nil
		}
	}
	return ErrSignature
}
