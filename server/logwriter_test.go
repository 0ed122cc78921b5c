package server

import (
	"bytes"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// lockedBuffer is a bytes.Buffer safe for the flusher and the test to share.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestLogWriterFlushesInTheBackground(t *testing.T) {
	var out lockedBuffer
	w := NewLogWriter(&out)
	defer w.Close()
	_, err := w.Write([]byte("one line\n"))
	require.NoError(t, err)
	assert.Eventually(t, func() bool { return out.String() == "one line\n" }, 5*time.Second, flushEvery/4,
		"a line reaches the output without Close")
}

func TestLogWriterKeepsLinesWholeAndFlushesOnClose(t *testing.T) {
	var out lockedBuffer
	w := NewLogWriter(&out)
	var wg sync.WaitGroup
	const writers, lines = 8, 2000
	for g := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			logger, err := NewLogger("text", w)
			if err != nil {
				t.Error(err)
				return
			}
			for i := range lines {
				logger.Info("request", "writer", g, "i", i, "pad", strings.Repeat("x", 100))
			}
		}()
	}
	wg.Wait()
	require.NoError(t, w.Close())
	got := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	require.Len(t, got, writers*lines, "every line is written by Close")
	seen := map[string]bool{}
	for _, line := range got {
		require.Regexp(t, `^time=\S+ level=INFO msg=request writer=\d i=\d+ pad=x{100}$`, line)
		key := line[strings.Index(line, "writer="):strings.Index(line, " pad=")]
		assert.False(t, seen[key], "duplicate %s", key)
		seen[key] = true
	}
	assert.True(t, seen["writer=7 i="+strconv.Itoa(lines-1)])
	assert.NoError(t, w.Close(), "Close twice is harmless")
}
