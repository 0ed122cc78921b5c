package chat

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strings"
)

// Token prefixes tell the kinds apart in logs and bug reports; the rest is
// 32 random bytes, base64url.
const (
	prefixVisitor = "cv_"
	prefixAgent   = "ca_"
	prefixTicket  = "ct_"
)

// newToken returns a fresh opaque token with the given prefix.
func newToken(prefix string) string {
	var b [32]byte
	rand.Read(b[:]) // never fails (crypto/rand, Go 1.24+)
	return prefix + base64.RawURLEncoding.EncodeToString(b[:])
}

// hashToken is what the store keeps instead of the token.
func hashToken(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}

// bearer returns the token of an "Authorization: Bearer <token>" header
// when it has the given prefix and a plausible length.
func bearer(r *http.Request, prefix string) (string, bool) {
	h := r.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	if !strings.HasPrefix(token, prefix) || len(token) != len(prefix)+43 {
		return "", false
	}
	return token, true
}
