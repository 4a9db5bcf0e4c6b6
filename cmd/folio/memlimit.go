package main

import (
	"bufio"
	"bytes"
	"io/fs"
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
)

// Go's garbage collector lets the heap grow to twice what was live at the
// last collection. A build of a large archive whose live heap fits the
// machine can then still be killed for want of memory (a million documents
// hold many gigabytes live: PERFORMANCE.md). A soft memory
// limit makes the collector work harder as the heap nears it instead; it
// never makes it work less. folio sets one, unless GOMEMLIMIT does, to
// three quarters of the memory the process may use: the machine's, or
// its control group's limit when that is lower.

// setMemoryLimit sets the soft memory limit memoryLimit gives, if any.
func setMemoryLimit() {
	if runtime.GOOS != "linux" || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	if n := memoryLimit(os.DirFS("/")); n > 0 {
		debug.SetMemoryLimit(n)
	}
}

// memoryLimit is three quarters of the memory a process may use, read
// from root (a Linux file system: /proc/meminfo, /proc/self/cgroup and
// the control group's files under /sys/fs/cgroup), or 0 when it cannot
// tell.
func memoryLimit(root fs.FS) int64 {
	total := memTotal(root)
	if c := cgroupLimit(root); c > 0 && (total == 0 || c < total) {
		total = c
	}
	if total <= 0 {
		return 0
	}
	return total / 4 * 3
}

// memTotal is MemTotal of /proc/meminfo, in bytes, or 0.
func memTotal(root fs.FS) int64 {
	b, err := fs.ReadFile(root, "proc/meminfo")
	if err != nil {
		return 0
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 3 && f[0] == "MemTotal:" && f[2] == "kB" {
			n, err := strconv.ParseInt(f[1], 10, 64)
			if err != nil || n <= 0 || n > math.MaxInt64>>10 {
				return 0
			}
			return n << 10
		}
	}
	return 0
}

// cgroupLimit is the memory limit of the process's control group (v2's
// memory.max, v1's memory.limit_in_bytes), or 0 when there is none. The
// group's own folder is tried first, then the mount's root, which is what
// a container sees of its group.
func cgroupLimit(root fs.FS) int64 {
	b, err := fs.ReadFile(root, "proc/self/cgroup")
	if err != nil {
		return 0
	}
	var limit int64
	consider := func(file string) bool {
		v, err := fs.ReadFile(root, file)
		if err != nil {
			return false
		}
		s := strings.TrimSpace(string(v))
		if s == "max" {
			return true
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			return false
		}
		// v1 spells "no limit" as a number near the largest int64.
		if n < 1<<62 && (limit == 0 || n < limit) {
			limit = n
		}
		return true
	}
	for line := range strings.Lines(string(b)) {
		// hierarchy-ID:controllers:path
		f := strings.SplitN(strings.TrimSpace(line), ":", 3)
		if len(f) != 3 {
			continue
		}
		dir := strings.Trim(f[2], "/")
		switch {
		case f[0] == "0" && f[1] == "":
			if dir == "" || !consider("sys/fs/cgroup/"+dir+"/memory.max") {
				consider("sys/fs/cgroup/memory.max")
			}
		case hasController(f[1], "memory"):
			if dir == "" || !consider("sys/fs/cgroup/memory/"+dir+"/memory.limit_in_bytes") {
				consider("sys/fs/cgroup/memory/memory.limit_in_bytes")
			}
		}
	}
	return limit
}

func hasController(list, name string) bool {
	for c := range strings.SplitSeq(list, ",") {
		if c == name {
			return true
		}
	}
	return false
}
