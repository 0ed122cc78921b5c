package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/crumbless/crumbless/internal/bench/loadgen"
	"github.com/crumbless/crumbless/server/chat"
	"github.com/crumbless/crumbless/server/storage"
)

// visitor is one conversation and its four streams.
type visitor struct {
	id      int64
	token   string
	streams []*loadgen.Stream
}

// addAgent makes the agent account "soak" in data's database.
func addAgent(ctx context.Context, data string) error {
	if err := os.MkdirAll(data, 0o700); err != nil {
		return err
	}
	st, err := storage.OpenSQLite(ctx, filepath.Join(data, "crumbless.db"))
	if err != nil {
		return err
	}
	defer st.Close()
	return chat.AddAgent(ctx, st, "soak", "soak-password", bcrypt.MinCost, time.Now())
}

func agentLogin(c *http.Client, base string) (string, error) {
	req, err := http.NewRequest("POST", base+"/api/v1/agent/sessions", nil)
	if err != nil {
		return "", err
	}
	req.SetBasicAuth("soak", "soak-password")
	var session struct{ Token string }
	res, err := c.Do(req)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusCreated {
		return "", fmt.Errorf("agent login: %s %s", res.Status, raw)
	}
	if err := json.Unmarshal(raw, &session); err != nil || session.Token == "" {
		return "", fmt.Errorf("agent login: %s", raw)
	}
	return session.Token, nil
}

// newVisitor starts a conversation through nginx and opens min(4, left)
// streams on it, each reporting what it sees. A 429 (the server's rate
// limits) is tried again after a pause.
func newVisitor(ctx context.Context, c *http.Client, base string, left int, seen func(int64, time.Time)) (*visitor, error) {
	var st struct {
		Token        string
		Conversation struct{ ID int64 }
	}
	if err := retry(func() (int, error) {
		return loadgen.Call(c, "POST", base+"/api/v1/conversations", "", `{"site":"demo"}`, &st)
	}, http.StatusCreated); err != nil {
		return nil, fmt.Errorf("start conversation: %w", err)
	}
	v := &visitor{id: st.Conversation.ID, token: st.Token}
	for range min(4, left) {
		var s *loadgen.Stream
		err := retry(func() (int, error) {
			var err error
			s, err = loadgen.OpenStream(ctx, c, base+"/api/v1/conversation/events", st.Token, seen)
			if err != nil && strings.Contains(err.Error(), "429") {
				return http.StatusTooManyRequests, nil
			}
			return http.StatusOK, err
		}, http.StatusOK)
		if err != nil {
			return nil, fmt.Errorf("open stream: %w", err)
		}
		v.streams = append(v.streams, s)
	}
	return v, nil
}

// retry calls f until it answers want, pausing a second after each 429,
// ten times at most.
func retry(f func() (int, error), want int) error {
	for range 10 {
		code, err := f()
		if err != nil {
			return err
		}
		if code == want {
			return nil
		}
		if code != http.StatusTooManyRequests {
			return fmt.Errorf("HTTP %d", code)
		}
		time.Sleep(time.Second)
	}
	return errors.New("still rate limited after 10 tries")
}

// parallel runs f(0) … f(n-1) on workers goroutines and returns the first
// error.
func parallel(workers, n int, f func(i int) error) error {
	var next atomic.Int64
	var once sync.Once
	var first error
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				if err := f(i); err != nil {
					once.Do(func() { first = fmt.Errorf("%d: %w", i, err) })
					return
				}
			}
		}()
	}
	wg.Wait()
	return first
}
