package chat

import (
	"context"
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
	"github.com/crumbless/crumbless/server/storage"
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

// LoadNetworkKey returns the network bans' key for a server over st with
// its data folder's key file at path. A store that several instances share
// (storage.Fanout: PostgreSQL) keeps the key, so that a ban made through
// one instance holds on all: the first instance to start stores it, seeded
// with the key file when one exists (its hashes stay valid) or else random
// bytes, and every instance reads it from there. A store of one instance
// (SQLite) leaves the key in the file, apart from the hashes it keys
// (LoadOrCreateKey).
func LoadNetworkKey(ctx context.Context, st storage.Store, path string) ([]byte, error) {
	sec, ok := st.(storage.Secrets)
	if _, shared := st.(storage.Fanout); !shared || !ok {
		return LoadOrCreateKey(path)
	}
	seed, err := readKey(path)
	if errors.Is(err, fs.ErrNotExist) {
		seed = make([]byte, NetworkKeySize)
		rand.Read(seed) // never fails (crypto/rand, Go 1.24+)
	} else if err != nil {
		return nil, err
	}
	key, err := sec.Secret(ctx, "network", seed)
	if err != nil {
		return nil, fmt.Errorf("network key: %w", err)
	}
	if len(key) != NetworkKeySize {
		return nil, fmt.Errorf("network key in the database: %d bytes, want %d", len(key), NetworkKeySize)
	}
	return key, nil
}

// readKey reads a key file, checking its size.
func readKey(path string) ([]byte, error) {
	key, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		return nil, fmt.Errorf("network key: %w", err)
	}
	if len(key) != NetworkKeySize {
		return nil, fmt.Errorf("network key %s: %d bytes, want %d (delete it to make a new one; network bans then start afresh)", path, len(key), NetworkKeySize)
	}
	return key, nil
}

// LoadOrCreateKey returns the server secret kept at path (the data folder's
// network.key), writing NetworkKeySize random bytes there, readable by the
// owner only, when the file does not exist yet.
func LoadOrCreateKey(path string) ([]byte, error) {
	key, err := readKey(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return key, err
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
