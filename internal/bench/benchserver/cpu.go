package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// clockTick is USER_HZ, the unit of /proc/<pid>/stat times: 100 on every
// Linux architecture Debian ships.
const clockTick = 10 * time.Millisecond

// cpuTime returns the user + system CPU time used so far by pid and all its
// descendants (nginx's worker is a child of its master). On a shared
// machine, CPU per request is a steadier measure than req/s: it does not
// depend on how much of the core the other processes left to the server.
func cpuTime(pid int) time.Duration {
	children := map[int][]int{}
	times := map[int]time.Duration{}
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, path := range stats {
		b, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		p, ppid, t, ok := parseStat(string(b))
		if !ok {
			continue
		}
		children[ppid] = append(children[ppid], p)
		times[p] = t
	}
	var total time.Duration
	queue := []int{pid}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		total += times[p]
		queue = append(queue, children[p]...)
	}
	return total
}

// parseStat reads pid, ppid and utime+stime from a /proc/<pid>/stat line.
// The command name (field 2) may hold spaces and parentheses, so fields
// are counted from the last ')'.
func parseStat(line string) (pid, ppid int, cpu time.Duration, ok bool) {
	open, end := strings.IndexByte(line, '('), strings.LastIndexByte(line, ')')
	if open < 0 || end < open {
		return 0, 0, 0, false
	}
	pid, err := strconv.Atoi(strings.TrimSpace(line[:open]))
	if err != nil {
		return 0, 0, 0, false
	}
	f := strings.Fields(line[end+1:]) // f[0] is field 3 (state)
	if len(f) < 13 {
		return 0, 0, 0, false
	}
	ppid, err1 := strconv.Atoi(f[1])   // field 4
	utime, err2 := strconv.Atoi(f[11]) // field 14
	stime, err3 := strconv.Atoi(f[12]) // field 15
	if err1 != nil || err2 != nil || err3 != nil {
		return 0, 0, 0, false
	}
	return pid, ppid, time.Duration(utime+stime) * clockTick, true
}
