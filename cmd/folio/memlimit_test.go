package main

import (
	"testing"
	"testing/fstest"
)

func TestMemoryLimit(t *testing.T) {
	const meminfo = "MemTotal:       24684092 kB\nMemFree:         9361760 kB\n"
	const total = 24684092 << 10
	file := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }
	for _, tc := range []struct {
		name  string
		files fstest.MapFS
		want  int64
	}{
		{"nothing to read", fstest.MapFS{}, 0},
		{"machine only", fstest.MapFS{"proc/meminfo": file(meminfo)}, total / 4 * 3},
		{"meminfo without MemTotal", fstest.MapFS{"proc/meminfo": file("MemFree: 1 kB\n")}, 0},
		{"v2 group without limit", fstest.MapFS{
			"proc/meminfo":     file(meminfo),
			"proc/self/cgroup": file("0::/user.slice/folio.scope\n"),
			"sys/fs/cgroup/user.slice/folio.scope/memory.max": file("max\n"),
		}, total / 4 * 3},
		{"v2 group with a limit", fstest.MapFS{
			"proc/meminfo":                    file(meminfo),
			"proc/self/cgroup":                file("0::/ci/job\n"),
			"sys/fs/cgroup/ci/job/memory.max": file("4294967296\n"),
		}, 3 << 30},
		{"v2 container sees its group at the root", fstest.MapFS{
			"proc/meminfo":             file(meminfo),
			"proc/self/cgroup":         file("0::/\n"),
			"sys/fs/cgroup/memory.max": file("2147483648\n"),
		}, 3 << 29},
		{"v2 limit above the machine's memory", fstest.MapFS{
			"proc/meminfo":             file(meminfo),
			"proc/self/cgroup":         file("0::/\n"),
			"sys/fs/cgroup/memory.max": file("107374182400\n"),
		}, total / 4 * 3},
		{"v1 without limit", fstest.MapFS{
			"proc/meminfo":     file(meminfo),
			"proc/self/cgroup": file("5:devices:/\n4:memory:/process_api/fef2\n0::/\n"),
			"sys/fs/cgroup/memory/process_api/fef2/memory.limit_in_bytes": file("9223372036854771712\n"),
		}, total / 4 * 3},
		{"v1 with a limit, group named at the mount root", fstest.MapFS{
			"proc/meminfo":     file(meminfo),
			"proc/self/cgroup": file("7:cpu,cpuacct:/docker/abc\n4:memory:/docker/abc\n"),
			"sys/fs/cgroup/memory/memory.limit_in_bytes": file("8589934592\n"),
		}, 6 << 30},
		{"a limit but no meminfo", fstest.MapFS{
			"proc/self/cgroup":             file("0::/job\n"),
			"sys/fs/cgroup/job/memory.max": file("1073741824\n"),
		}, 3 << 28},
		{"garbage", fstest.MapFS{
			"proc/meminfo":             file("MemTotal: lots kB\n"),
			"proc/self/cgroup":         file("0::/\n"),
			"sys/fs/cgroup/memory.max": file("-5\n"),
		}, 0},
	} {
		if got := memoryLimit(tc.files); got != tc.want {
			t.Errorf("%s: memoryLimit = %d, want %d", tc.name, got, tc.want)
		}
	}
}
