package server

import (
	"bufio"
	"io"
	"sync"
	"time"
)

// LogWriter batches log lines in memory and writes them out every
// flushEvery, when its buffer fills, and on Close, so that a busy server
// pays one write(2) per batch instead of one per request (nginx's
// "access_log … buffer= flush=" does the same). At most flushEvery of
// lines can be lost if the process is killed with SIGKILL. slog handlers
// write one record per Write call, so lines are never interleaved.
type LogWriter struct {
	mu   sync.Mutex
	buf  *bufio.Writer
	stop chan struct{}
	done chan struct{}
}

const (
	logBufferSize = 64 << 10
	flushEvery    = 100 * time.Millisecond
)

// NewLogWriter returns a LogWriter in front of w; Close it to write out
// the last lines.
func NewLogWriter(w io.Writer) *LogWriter {
	l := &LogWriter{buf: bufio.NewWriterSize(w, logBufferSize), stop: make(chan struct{}), done: make(chan struct{})}
	go l.flushLoop()
	return l
}

// Write buffers p, one log line.
func (l *LogWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *LogWriter) flushLoop() {
	defer close(l.done)
	tick := time.NewTicker(flushEvery)
	defer tick.Stop()
	for {
		select {
		case <-tick.C:
			l.flush()
		case <-l.stop:
			return
		}
	}
}

func (l *LogWriter) flush() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.buf.Buffered() == 0 {
		return nil
	}
	return l.buf.Flush()
}

// Close stops the background flushes and writes out what is buffered.
// Writes after Close are buffered and written by the next Close only.
func (l *LogWriter) Close() error {
	select {
	case <-l.stop:
	default:
		close(l.stop)
		<-l.done
	}
	return l.flush()
}
