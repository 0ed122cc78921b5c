package webdriver

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// listeningPort waits until the process pid listens on a TCP port and
// returns it. WebKitWebDriver binds port 0 as asked but prints nothing, so
// the port is read from the kernel: the process's socket inodes
// (/proc/PID/fd) matched against the listening sockets (/proc/PID/net/tcp).
func listeningPort(ctx context.Context, pid int) (int, error) {
	for {
		if port, ok := listening(pid); ok {
			return port, nil
		}
		select {
		case <-ctx.Done():
			return 0, fmt.Errorf("process %d listens on no TCP port: %w", pid, ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func listening(pid int) (int, bool) {
	fds, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		return 0, false
	}
	inodes := map[string]bool{}
	for _, fd := range fds {
		target, err := os.Readlink(filepath.Join(fmt.Sprintf("/proc/%d/fd", pid), fd.Name()))
		if err == nil && strings.HasPrefix(target, "socket:[") {
			inodes[strings.TrimSuffix(strings.TrimPrefix(target, "socket:["), "]")] = true
		}
	}
	table, err := os.ReadFile(fmt.Sprintf("/proc/%d/net/tcp", pid))
	if err != nil {
		return 0, false
	}
	// sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
	for _, line := range strings.Split(string(table), "\n")[1:] {
		f := strings.Fields(line)
		if len(f) < 10 || f[3] != "0A" || !inodes[f[9]] { // 0A: LISTEN
			continue
		}
		_, hexPort, ok := strings.Cut(f[1], ":")
		if !ok {
			continue
		}
		port, err := strconv.ParseUint(hexPort, 16, 16)
		if err == nil && port != 0 {
			return int(port), true
		}
	}
	return 0, false
}
