package chat

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/netip"
	"os"

	"github.com/crumbless/crumbless/server/forwarded"
)

// NetworkKeySize is the length of the secret that keys the network hashes.
const NetworkKeySize = 32

// Network bans last 30 days unless the agent picks 1-365.
const (
	defaultNetworkBanDays = 30
	maxNetworkBanDays     = 365
)

// networkHash is the keyed hash (HMAC-SHA256 with the server's secret) of
// the network r came from: its IPv4 address, or the /64 its IPv6 address
// is in (one household or phone usually holds a whole /64). The address
// is the client's as package forwarded resolves it (behind trusted proxies,
// the forwarded one). The address itself is never stored; without the
// secret the hash cannot be tied back to it by trying every address.
func (s *Server) networkHash(r *http.Request) []byte {
	return hashNetwork(s.networkKey, clientKey(r))
}

// networkHash is the hash of the network of the address ip.
func networkHash(key []byte, ip string) []byte {
	name := "raw " + ip
	if addr, err := netip.ParseAddr(ip); err == nil {
		name = forwarded.Key(addr)
	}
	return hashNetwork(key, name)
}

func hashNetwork(key []byte, name string) []byte {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(name))
	return mac.Sum(nil)
}

// LoadOrCreateKey returns the server secret kept at path (the data folder's
// network.key), writing NetworkKeySize random bytes there, readable by the
// owner only, when the file does not exist yet.
func LoadOrCreateKey(path string) ([]byte, error) {
	key, err := os.ReadFile(path)
	if err == nil {
		if len(key) != NetworkKeySize {
			return nil, fmt.Errorf("network key %s: %d bytes, want %d (delete it to make a new one; network bans then start afresh)", path, len(key), NetworkKeySize)
		}
		return key, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("network key: %w", err)
	}
	key = make([]byte, NetworkKeySize)
	rand.Read(key) // never fails (crypto/rand, Go 1.24+)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("network key: %w", err)
	}
	if _, err := f.Write(key); err != nil {
		f.Close()
		return nil, fmt.Errorf("network key: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return nil, fmt.Errorf("network key: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("network key: %w", err)
	}
	return key, nil
}
