//go:build unix

package build

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/rogpeppe/go-internal/txtar"
	"golang.org/x/net/html"

	"github.com/folio-ssg/folio"
	"github.com/folio-ssg/folio/internal/diag"
)

// The hostile-input suite. Every file in testdata/hostile is one case: a
// small site as a txtar archive whose comment says what a build of it
// must do (testdata/hostile/README.md lists the directives). The cases
// run in child processes (this test binary again), so one that hangs,
// exhausts memory or panics in a worker fails alone and is reported with
// what it did; the parent kills a child that runs past its time and the
// child stops itself past its memory budget. Cases with budgets of their
// own run alone; the others run by family, and again alone if they do
// not pass there.
//
// For every case, whatever its outcome:
//
//   - the build does not panic;
//   - nothing outside the destination changes: the folder holding the
//     site root is compared before and after, file by file (bytes, type,
//     mode, modification time) and link by link;
//   - a failing build changes nothing at all, so the previous output
//     (built from a good version of the site first, unless the case is
//     fresh) stays byte-identical;
//   - the output holds no script of the document's, no event handler, no
//     javascript: or vbscript: URL, in pages and in the HTML of feeds,
//     and nothing of a secret file planted outside the site root.
const hostileDir = "../../testdata/hostile"

// secretMarker is the content of files planted outside the site root; no
// output file may hold it.
const secretMarker = "FOLIO-SECRET-d41d8cd98f00b204"

// hostileBase is the good version of the site every case that is not
// fresh builds first; the case's files and setup are then laid over it.
const hostileBase = `
-- content/base.md --
---
title: 基础文档
date: 2025-04-27
tags: [基础]
---
正文。
`

type hostileCase struct {
	name    string
	fresh   bool             // no good build first
	ok      bool             // the build must succeed
	errs    []string         // prefixes of lines the error must hold
	errRes  []*regexp.Regexp // patterns of lines the error must hold
	limit   *regexp.Regexp   // a failure with a matching line is accepted
	warns   []string         // substrings of warnings a success must give
	checks  []outputCheck
	links   []string // paths that must still be symlinks
	gone    []string // paths a successful build removes
	setups  [][]string
	strict  bool
	drafts  bool
	baseURL string
	source  string // relative to the site root
	dest    string // relative to the site root
	maxOut  int64
	cpu     time.Duration // CPU budget of the case's process
	memory  uint64
	alone   bool // sets its own budget: runs in a process of its own
	files   []txtar.File
}

type outputCheck struct {
	op, file, text string
}

// parseHostile reads a case's directives from the archive's comment.
func parseHostile(name string, data []byte) (*hostileCase, error) {
	ar := txtar.Parse(data)
	c := &hostileCase{name: name, files: ar.Files, cpu: 10 * time.Second, memory: 1 << 30, dest: "public"}
	for i, line := range strings.Split(string(ar.Comment), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, val, _ := strings.Cut(line, ":")
		val = strings.TrimSpace(val)
		bad := func(format string, args ...any) error {
			return fmt.Errorf("%s.txtar:%d: %s", name, i+1, fmt.Sprintf(format, args...))
		}
		switch key {
		case "ok":
			c.ok = true
		case "fresh":
			c.fresh = true
		case "error":
			c.errs = append(c.errs, val)
		case "error-match", "limit":
			re, err := regexp.Compile(val)
			if err != nil {
				return nil, bad("%v", err)
			}
			if key == "limit" {
				c.limit = re
			} else {
				c.errRes = append(c.errRes, re)
			}
		case "warning":
			c.warns = append(c.warns, val)
		case "contains", "absent", "exists", "missing":
			toks, rest, err := tokens(val, 1)
			if err != nil || len(toks) != 1 {
				return nil, bad("%s wants a file and a text: %v", key, err)
			}
			text := rest
			if strings.HasPrefix(rest, `"`) {
				if u, err := strconv.Unquote(rest); err == nil {
					text = u
				}
			}
			if (key == "contains" || key == "absent") != (text != "") {
				return nil, bad("%s: want a file%s", key, map[bool]string{true: " and a text", false: " only"}[key == "contains" || key == "absent"])
			}
			c.checks = append(c.checks, outputCheck{key, toks[0], text})
		case "link", "gone":
			toks, rest, err := tokens(val, 1)
			if err != nil || len(toks) != 1 || rest != "" {
				return nil, bad("%s wants one path", key)
			}
			if key == "link" {
				c.links = append(c.links, toks[0])
			} else {
				c.gone = append(c.gone, toks[0])
			}
		case "setup":
			toks, _, err := tokens(val, -1)
			if err != nil || len(toks) == 0 {
				return nil, bad("setup: %v", err)
			}
			c.setups = append(c.setups, toks)
		case "flags":
			for _, f := range strings.Fields(val) {
				k, v, _ := strings.Cut(f, "=")
				switch k {
				case "strict":
					c.strict = true
				case "drafts":
					c.drafts = true
				case "base-url":
					c.baseURL = v
				case "source":
					c.source = v
				case "dest":
					c.dest = v
				default:
					return nil, bad("unknown flag %q", f)
				}
			}
		case "max-output":
			n, err := strconv.ParseInt(strings.TrimSuffix(val, "MB"), 10, 64)
			if err != nil {
				return nil, bad("max-output %q: want megabytes, such as 40MB", val)
			}
			c.maxOut = n << 20
		case "cpu":
			d, err := time.ParseDuration(val)
			if err != nil {
				return nil, bad("%v", err)
			}
			c.cpu, c.alone = d, true
		case "memory":
			n, err := strconv.ParseUint(strings.TrimSuffix(val, "MB"), 10, 64)
			if err != nil {
				return nil, bad("memory %q: want megabytes", val)
			}
			c.memory, c.alone = n<<20, true
		default:
			return nil, bad("unknown directive %q", key)
		}
	}
	if c.ok == (len(c.errs)+len(c.errRes) > 0) {
		return nil, fmt.Errorf("%s.txtar: say either ok or the error the build must fail with", name)
	}
	if c.limit != nil && !c.ok {
		return nil, fmt.Errorf("%s.txtar: limit: goes with ok", name)
	}
	return c, nil
}

// tokens splits s into n space-separated tokens (all when n < 0), each
// either bare or a Go-quoted string, and returns the rest of the line.
func tokens(s string, n int) ([]string, string, error) {
	var toks []string
	s = strings.TrimSpace(s)
	for s != "" && (n < 0 || len(toks) < n) {
		if s[0] == '"' {
			q, err := strconv.QuotedPrefix(s)
			if err != nil {
				return nil, "", err
			}
			u, _ := strconv.Unquote(q)
			toks = append(toks, u)
			s = strings.TrimSpace(s[len(q):])
			continue
		}
		tok, rest, _ := strings.Cut(s, " ")
		toks = append(toks, tok)
		s = strings.TrimSpace(rest)
	}
	return toks, s, nil
}

func hostileCases(t *testing.T) []*hostileCase {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(hostileDir, "*.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []*hostileCase
	for _, n := range names {
		cases = append(cases, readHostile(t, strings.TrimSuffix(filepath.Base(n), ".txtar")))
	}
	if len(cases) < 60 {
		t.Fatalf("%d hostile cases in %s, want at least 60", len(cases), hostileDir)
	}
	return cases
}

// readHostile reads the case called name from hostileDir.
func readHostile(t *testing.T, name string) *hostileCase {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(hostileDir, name+".txtar"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := parseHostile(name, data)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestHostileInputsFailSafely runs every case of testdata/hostile in a
// child process: this test binary again. A case that sets its own CPU or
// memory budget runs alone. The others run together by family (the name
// up to its first hyphen: fs, enc, xss…), one after another in one child
// under one case's budget, since starting a child costs about as much as
// a small case; a case that does not pass there (or whose family's child
// is killed or crashes) runs again alone, so that a failure names its
// case and is held to its own budget.
func TestHostileInputsFailSafely(t *testing.T) {
	t.Parallel()
	if dir := os.Getenv(hostileChildEnv); dir != "" {
		// A child reads its own cases only, not every case again.
		limit := watchMemory()
		for _, name := range strings.Split(os.Getenv(hostileNameEnv), ",") {
			c := readHostile(t, name)
			t.Run(c.name, func(t *testing.T) {
				limit.Store(c.memory)
				runHostile(t, filepath.Join(dir, c.name), os.Getenv(hostileBaseEnv), c)
			})
		}
		return
	}
	cases := hostileCases(t)
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	// The good version's output is the same for every case: build it once.
	base := t.TempDir()
	writeArchive(t, base, txtar.Parse([]byte(hostileBase)).Files)
	if _, err := Build(t.Context(), Config{Source: base, Theme: folio.Theme()}); err != nil {
		t.Fatalf("the good version of the site does not build: %v", err)
	}
	// So are the large generated inputs: each is made once, and a case
	// links it into its site.
	if err := os.Mkdir(filepath.Join(base, "generated"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		for _, st := range c.setups {
			if st[0] != "generate" || len(st) != 4 {
				continue
			}
			n, err := strconv.Atoi(st[3])
			if err != nil {
				t.Fatalf("%s: setup %q: %v", c.name, st, err)
			}
			p := filepath.Join(base, "generated", generatedName(st[1], n))
			if _, err := os.Stat(p); err == nil {
				continue
			}
			if err := os.WriteFile(p, generate(t, st[1], n), 0o444); err != nil {
				t.Fatal(err)
			}
		}
	}
	run := hostileRunner{exe: exe, base: filepath.Join(base, "public"), dir: t.TempDir(), slots: make(chan struct{}, runtime.GOMAXPROCS(0))}
	var families []*hostileFamily
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// Before t.Parallel, which waits for this loop to end: a
			// family holds just the cases -run selects.
			var f *hostileFamily
			if !c.alone {
				name, _, _ := strings.Cut(c.name, "-")
				if n := len(families); n > 0 && families[n-1].name == name {
					f = families[n-1]
				} else {
					f = &hostileFamily{name: name, done: make(chan struct{})}
					families = append(families, f)
				}
				f.cases = append(f.cases, c)
			}
			t.Parallel()
			if f != nil {
				<-f.done
				if r, ok := f.passed[c.name]; ok {
					t.Logf("passed in %s, with its family %q (%s):%s", r.took, f.name, f.took, childReport(r.out))
					return
				}
				t.Logf("did not pass in the child of its family %q (%s); runs alone", f.name, cmp.Or(f.failure, "the child ended"))
			}
			run.alone(t, c)
		})
	}
	// The cases are in name order, so a family's are together. Its child
	// runs once the loop has made every family, on one of as many slots
	// as a case alone takes; the cases wait for it.
	for _, f := range families {
		go func() {
			defer close(f.done)
			run.family(f)
		}()
	}
}

// A hostileRunner runs cases in child processes, as many at once as it
// has slots.
type hostileRunner struct {
	exe, base, dir string
	slots          chan struct{}
}

// A hostileFamily is cases of one family run in one child.
type hostileFamily struct {
	name  string
	cases []*hostileCase
	done  chan struct{} // closed once the child has ended

	// Set when done is closed.
	took    string
	failure string                    // why the child failed, if it did
	passed  map[string]hostileOutcome // the cases that passed
}

type hostileOutcome struct {
	took string // as the child's test runner reports it
	out  []byte // the case's part of the child's output
}

// alone runs case c in a child of its own.
func (r *hostileRunner) alone(t *testing.T, c *hostileCase) {
	out, verdict, took, err := r.child(t.TempDir(), []*hostileCase{c}, c.cpu)
	var ee *exec.ExitError
	switch {
	case verdict != "":
		t.Errorf("%s after %s%s", verdict, took, childReport(out))
	case errors.As(err, &ee) && ee.ExitCode() == 3:
		t.Errorf("stopped after %s: over its memory budget of %d MB%s", took, c.memory>>20, childReport(out))
	case err != nil:
		t.Errorf("failed after %s (%v):%s", took, err, childReport(out))
	case !bytes.Contains(out, []byte("--- PASS")):
		t.Errorf("child ran no case:%s", childReport(out))
	default:
		t.Logf("passed in %s:%s", took, childReport(out))
	}
}

// family runs f's cases in one child, within the CPU budget of one case
// (the cases of a family have the default budgets), and records which
// passed: those the child's test runner says passed, even if another
// failed, but none of a child that was killed or crashed.
func (r *hostileRunner) family(f *hostileFamily) {
	dir, err := os.MkdirTemp(r.dir, f.name)
	if err != nil {
		f.failure = err.Error()
		return
	}
	defer os.RemoveAll(dir)
	out, verdict, took, err := r.child(dir, f.cases, f.cases[0].cpu)
	f.took = took
	var ee *exec.ExitError
	switch {
	case verdict != "":
		f.failure = verdict
		return
	case errors.As(err, &ee) && ee.ExitCode() == 1:
		// A case failed as a test fails; the others' passes stand.
		f.failure = "a case failed"
	case err != nil:
		// Crashed, or stopped over a budget: what a case left running
		// may have done it after the case passed, so no pass stands.
		f.failure = err.Error()
		return
	}
	// Its cases ran one after another: each one's part of the output
	// starts where the test runner says it runs; the runner lists the
	// cases that passed at the end.
	parts := make(map[string][]byte)
	const run = "=== RUN   TestHostileInputsFailSafely/"
	for rest := out; ; {
		i := bytes.Index(rest, []byte(run))
		if i < 0 {
			break
		}
		name, after, _ := bytes.Cut(rest[i+len(run):], []byte("\n"))
		rest = after
		part := rest
		if j := bytes.Index(rest, []byte(run)); j >= 0 {
			part = rest[:j]
		}
		parts[string(name)] = part
	}
	f.passed = make(map[string]hostileOutcome)
	for _, m := range hostilePassRe.FindAllSubmatch(out, -1) {
		name := string(m[1])
		f.passed[name] = hostileOutcome{took: string(m[2]), out: parts[name]}
	}
}

// hostilePassRe matches the line that says a case passed in a child.
var hostilePassRe = regexp.MustCompile(`(?m)^\s*--- PASS: TestHostileInputsFailSafely/(\S+) \(([^)]*)\)$`)

// child runs cases in a child process in dir, one after another, and
// returns what it printed, the verdict of runLimited and how long it took.
func (r *hostileRunner) child(dir string, cases []*hostileCase, budget time.Duration) (out []byte, verdict, took string, err error) {
	r.slots <- struct{}{}
	defer func() { <-r.slots }()
	names := make([]string, len(cases))
	for i, c := range cases {
		names[i] = c.name
	}
	cmd := exec.Command(r.exe, "-test.run=^TestHostileInputsFailSafely$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), hostileChildEnv+"="+dir, hostileNameEnv+"="+strings.Join(names, ","), hostileBaseEnv+"="+r.base)
	var b bytes.Buffer
	cmd.Stdout, cmd.Stderr = &b, &b
	start := time.Now()
	verdict, cpu, err := runLimited(cmd, budget)
	took = fmt.Sprintf("%s (%.2fs CPU)", time.Since(start).Round(10*time.Millisecond), cpu)
	return b.Bytes(), verdict, took, err
}

// hostileNameEnv names the cases a child runs, separated by commas.
const hostileNameEnv = "FOLIO_HOSTILE_CASE"

// hostileBaseEnv names the good version's output, copied into each
// case's destination before its build.
const hostileBaseEnv = "FOLIO_HOSTILE_BASE"

// A child that uses less than hangCPU of CPU in hangAfter counts as hung
// (a blocked read of a FIFO; the runtime's own timers still tick); a slow
// one is stopped by its CPU budget. wallLimit bounds any case.
const (
	hangAfter = 4 * time.Second
	hangCPU   = 0.1 // seconds
	wallLimit = 3 * time.Minute
)

// runLimited runs cmd until it exits, uses more than budget of CPU, hangs,
// or runs past wallLimit; it kills it in the last three cases and says
// why. CPU time, not wall time, makes the budget hold on a loaded machine.
func runLimited(cmd *exec.Cmd, budget time.Duration) (verdict string, cpu float64, err error) {
	if err := cmd.Start(); err != nil {
		return "", 0, err
	}
	start := time.Now()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	type sample struct {
		at  time.Time
		cpu float64
	}
	var samples []sample
	for {
		select {
		case err := <-done:
			if ps := cmd.ProcessState; ps != nil {
				cpu = (ps.UserTime() + ps.SystemTime()).Seconds()
			}
			return verdict, cpu, err
		case now := <-tick.C:
			c, ok := cpuSeconds(cmd.Process.Pid)
			if !ok || verdict != "" {
				continue
			}
			cpu = c
			samples = append(samples, sample{now, c})
			for len(samples) > 1 && now.Sub(samples[1].at) >= hangAfter {
				samples = samples[1:]
			}
			switch {
			case cpu > budget.Seconds():
				verdict = fmt.Sprintf("used more than its CPU budget of %s: too slow or endless (killed)", budget)
			case now.Sub(samples[0].at) >= hangAfter && cpu-samples[0].cpu < hangCPU:
				verdict = fmt.Sprintf("used almost no CPU for %s: hangs (killed)", hangAfter)
			case now.Sub(start) > wallLimit:
				verdict = fmt.Sprintf("still running after %s (killed)", wallLimit)
			}
			if verdict != "" {
				cmd.Process.Kill()
			}
		}
	}
}

// cpuSeconds is the user and system time a running process has used,
// from /proc/PID/stat (in clock ticks of 1/100 s).
func cpuSeconds(pid int) (float64, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, false
	}
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0, false
	}
	utime, err1 := strconv.ParseFloat(f[11], 64)
	stime, err2 := strconv.ParseFloat(f[12], 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return (utime + stime) / 100, true
}

// childReport is a child's output without the test runner's framing.
func childReport(out []byte) string {
	var b strings.Builder
	for _, l := range strings.Split(string(out), "\n") {
		trimmed := strings.TrimSpace(l)
		if trimmed == "" || trimmed == "FAIL" || trimmed == "PASS" || strings.HasPrefix(trimmed, "--- ") ||
			strings.HasPrefix(trimmed, "=== RUN") || strings.HasPrefix(trimmed, "exit status") ||
			strings.HasPrefix(trimmed, "=== NAME") || strings.HasPrefix(trimmed, "ok ") {
			continue
		}
		b.WriteString("\n    " + trimmed)
	}
	const max = 6000
	if b.Len() > max {
		return b.String()[:max] + "\n    …"
	}
	return b.String()
}

// watchMemory ends the process with status 3 once the memory it uses
// passes the limit it returns (none while that is zero): a build that
// reads /dev/zero or multiplies its input fails its case instead of the
// machine.
func watchMemory() *atomic.Uint64 {
	var limit atomic.Uint64
	samples := []metrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
	go func() {
		for range time.Tick(20 * time.Millisecond) {
			metrics.Read(samples)
			if used, l := samples[0].Value.Uint64()-samples[1].Value.Uint64(), limit.Load(); l > 0 && used > l {
				fmt.Fprintf(os.Stderr, "memory in use reached %d MB, over the case's budget of %d MB\n", used>>20, l>>20)
				os.Exit(3)
			}
		}
	}()
	return &limit
}

// runHostile runs one case in dir, the folder that holds its site root.
func runHostile(t *testing.T, dir, base string, c *hostileCase) {
	root := filepath.Join(dir, "site")
	if err := os.MkdirAll(root, 0o755); err != nil {
		t.Fatal(err)
	}
	dest := filepath.Join(root, filepath.FromSlash(c.dest))
	s := &testSite{t: t, root: root, dest: dest}
	if !c.fresh {
		// The good version and its output, built once by the parent
		// (builds are the same byte for byte in any folder).
		writeArchive(t, root, txtar.Parse([]byte(hostileBase)).Files)
		if base == "" {
			t.Fatalf("%s is not set: run the case through TestHostileInputsFailSafely", hostileBaseEnv)
		}
		if err := os.CopyFS(dest, os.DirFS(base)); err != nil {
			t.Fatal(err)
		}
	}
	writeArchive(t, root, c.files)
	for _, st := range c.setups {
		hostileSetup(t, root, st)
	}

	before := snapshot(t, dir)
	s.b = nil
	start := time.Now()
	func() {
		defer func() {
			if r := recover(); r != nil {
				t.Fatalf("build panicked: %v\n%s", r, debug.Stack())
			}
		}()
		s.tryBuild(func(cfg *Config) {
			if c.source != "" {
				cfg.Source = filepath.Join(root, filepath.FromSlash(c.source))
			}
			cfg.Strict, cfg.Drafts, cfg.BaseURL = c.strict, c.drafts, c.baseURL
		})
	}()
	took := time.Since(start)
	after := snapshot(t, dir)
	defer func() {
		// What the case did, for go test -v; a failure says it itself.
		switch {
		case t.Failed():
		case s.err != nil:
			t.Logf("build failed in %s, as it should:\n%s", took.Round(time.Millisecond), indent(diagnostics(s.err)))
		default:
			t.Logf("built in %s: %d files, %.1f MB; warnings:\n%s", took.Round(time.Millisecond), s.result.Files, float64(s.result.Bytes)/(1<<20), indent(strings.Join(s.result.Warnings, "\n")))
		}
	}()

	if s.err != nil {
		if d := diffSnapshots(before, after, nil); len(d) > 0 {
			t.Errorf("the failed build changed what it must leave alone:\n\t%s", strings.Join(d, "\n\t"))
		}
		msg := diagnostics(s.err)
		lines := strings.Split(msg, "\n")
		switch {
		case c.ok && c.limit != nil && slices.ContainsFunc(lines, c.limit.MatchString):
			// refused at a limit, as allowed
		case c.ok:
			t.Errorf("build failed after %s, want success:\n%s", took.Round(time.Millisecond), indent(msg))
		default:
			for _, want := range c.errs {
				if !slices.ContainsFunc(lines, func(l string) bool { return strings.HasPrefix(l, want) }) {
					t.Errorf("error lacks a line starting %q; got:\n%s", want, indent(msg))
				}
			}
			for _, re := range c.errRes {
				if !slices.ContainsFunc(lines, re.MatchString) {
					t.Errorf("error lacks a line matching %q; got:\n%s", re, indent(msg))
				}
			}
		}
		return
	}

	// A successful build may change the destination (and the folder a
	// symlinked destination leads to), and nothing else.
	skip := []string{dest}
	real, err := filepath.EvalSymlinks(dest)
	if err != nil {
		t.Fatalf("the build succeeded but left no destination: %v", err)
	}
	skip = append(skip, real)
	for _, g := range c.gone {
		p := filepath.Join(root, filepath.FromSlash(g))
		skip = append(skip, p)
		if _, err := os.Lstat(p); err == nil {
			t.Errorf("%s is still there, want it removed by the build", g)
		}
	}
	for _, l := range c.links {
		if fi, err := os.Lstat(filepath.Join(root, filepath.FromSlash(l))); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			t.Errorf("%s is no longer a symlink (%v)", l, err)
		}
	}
	if d := diffSnapshots(before, after, skip); len(d) > 0 {
		t.Errorf("the build changed files outside the destination:\n\t%s", strings.Join(d, "\n\t"))
	}
	if !c.ok {
		var want []string
		for _, e := range c.errs {
			want = append(want, strconv.Quote(e))
		}
		for _, re := range c.errRes {
			want = append(want, "/"+re.String()+"/")
		}
		t.Errorf("build succeeded in %s, want an error %s; warnings:%s", took.Round(time.Millisecond), strings.Join(want, ", "), indent(strings.Join(s.result.Warnings, "\n")))
	}
	for _, w := range c.warns {
		if !slices.ContainsFunc(s.result.Warnings, func(got string) bool { return strings.Contains(got, w) }) {
			t.Errorf("no warning contains %q; warnings:\n%s", w, indent(strings.Join(s.result.Warnings, "\n")))
		}
	}
	out := readTree(t, real)
	for _, ch := range c.checks {
		checkOutput(t, out, ch)
	}
	if c.maxOut > 0 {
		var total int64
		for _, data := range out {
			total += int64(len(data))
		}
		if total > c.maxOut {
			t.Errorf("output is %.1f MB, want at most %d MB", float64(total)/(1<<20), c.maxOut>>20)
		}
	}
	for _, h := range hazards(out, themeScripts(t)) {
		t.Error(h)
	}
}

// diagnostics is a build error as folio build prints it: each diagnostic
// of a list on its own line, else the message.
func diagnostics(err error) string {
	var list diag.List
	if errors.As(err, &list) {
		return list.Error()
	}
	var d *diag.Error
	if errors.As(err, &d) {
		return d.Error()
	}
	return err.Error()
}

func indent(s string) string {
	if s == "" {
		return "\t(none)"
	}
	return "\t" + strings.ReplaceAll(s, "\n", "\n\t")
}

func writeArchive(t *testing.T, root string, files []txtar.File) {
	t.Helper()
	for _, f := range files {
		p := filepath.Join(root, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func checkOutput(t *testing.T, out map[string]string, ch outputCheck) {
	t.Helper()
	switch ch.op {
	case "exists", "missing":
		if _, ok := out[ch.file]; ok != (ch.op == "exists") {
			t.Errorf("%s: want it %s in the output", ch.file, map[bool]string{true: "present", false: "absent"}[ch.op == "exists"])
		}
	case "absent":
		for name, data := range out {
			if (ch.file == "*" || name == ch.file) && strings.Contains(data, ch.text) {
				t.Errorf("%s holds %q, want it absent", name, ch.text)
			}
		}
	case "contains":
		data, ok := out[ch.file]
		if !ok {
			t.Errorf("%s: not in the output", ch.file)
		} else if !strings.Contains(data, ch.text) {
			t.Errorf("%s lacks %q\n--- %s ---\n%s", ch.file, ch.text, ch.file, excerpt(data))
		}
	}
}

// hazards reports what in an output could run a script a document
// brought, or shows a secret from outside the site.
func hazards(out map[string]string, theme *themeJS) []string {
	var found []string
	for _, name := range sortedKeys(out) {
		data := out[name]
		if strings.Contains(data, secretMarker) {
			found = append(found, name+": holds the secret planted outside the site root")
		}
		var msgs []string
		switch {
		case strings.HasSuffix(name, ".html"):
			msgs = theme.scriptIn(data)
		case strings.HasSuffix(name, ".xml"):
			msgs = atomScript(data)
		case strings.HasSuffix(name, "feed.json"):
			msgs = jsonFeedScript(data)
		}
		for _, m := range msgs {
			found = append(found, name+": "+m)
		}
	}
	return found
}

// themeJS is what the theme itself may put in a page: its script files
// and the text of its templates, where its inline scripts and any event
// handler attribute of its own are written.
type themeJS struct {
	files map[string]bool // static/ file names: folio.js, search.js
	text  string          // every template, concatenated
}

func themeScripts(t *testing.T) *themeJS {
	t.Helper()
	th := &themeJS{files: map[string]bool{}}
	var text strings.Builder
	err := fs.WalkDir(folio.Theme(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		switch {
		case strings.HasPrefix(p, "static/"):
			th.files[path.Base(p)] = true
		case strings.HasPrefix(p, "templates/"):
			b, err := fs.ReadFile(folio.Theme(), p)
			if err != nil {
				return err
			}
			text.Write(b)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	th.text = text.String()
	return th
}

// scriptIn reports, in a page, everything that could run a script other
// than the theme's own: a <script> whose source is not a theme file, whose
// inline text is not in a theme template, or (JSON-LD) that is not JSON,
// so something broke out of it; an event handler attribute or a
// javascript:/vbscript: URL the templates do not hold.
func (th *themeJS) scriptIn(page string) []string {
	var found []string
	z := html.NewTokenizer(strings.NewReader(page))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return found
		case html.StartTagToken, html.SelfClosingTagToken:
		default:
			continue
		}
		name, more := z.TagName()
		tag := string(name)
		src, typ, hasSrc := "", "", false
		for more {
			var k, v []byte
			k, v, more = z.TagAttr()
			attr, val := string(k), string(v)
			switch {
			case strings.HasPrefix(attr, "on"):
				if !strings.Contains(th.text, attr+`="`+val+`"`) {
					found = append(found, fmt.Sprintf("event handler %s=%q on <%s>", attr, val, tag))
				}
			case scriptURL(val):
				found = append(found, fmt.Sprintf("%s=%q on <%s>", attr, val, tag))
			case tag == "meta" && attr == "content":
				if _, u, ok := strings.Cut(strings.ToLower(val), "url="); ok && scriptURL(u) {
					found = append(found, fmt.Sprintf("a refresh to %q", val))
				}
			case attr == "src":
				src, hasSrc = val, true
			case attr == "type":
				typ = strings.ToLower(val)
			}
		}
		if tag != "script" {
			continue
		}
		body := ""
		if z.Next() == html.TextToken {
			body = string(z.Text())
		}
		switch {
		case hasSrc:
			u := src
			if i := strings.IndexAny(u, "?#"); i >= 0 {
				u = u[:i]
			}
			if !th.files[path.Base(u)] || strings.Contains(u, ":") {
				found = append(found, fmt.Sprintf("<script src=%q>, not a theme script", src))
			}
		case typ == "application/ld+json" || typ == "application/json":
			if !json.Valid([]byte(body)) {
				found = append(found, fmt.Sprintf("a <script type=%q> that is not JSON (broken out of?): %.200s", typ, body))
			}
		case !strings.Contains(th.text, body):
			found = append(found, fmt.Sprintf("a <script> that is not the theme's: %.200s", body))
		}
	}
}

// atomScript checks the HTML an Atom feed carries (type="html" text
// constructs) and its links.
func atomScript(data string) []string {
	var found []string
	dec := xml.NewDecoder(strings.NewReader(data))
	var htmlText bool
	var elem string
	for {
		tok, err := dec.Token()
		if err != nil {
			if err != io.EOF {
				found = append(found, "not XML: "+err.Error())
			}
			return found
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			htmlText, elem = false, tok.Name.Local
			for _, a := range tok.Attr {
				if a.Name.Local == "type" && (a.Value == "html" || a.Value == "xhtml") {
					htmlText = true
				}
				if scriptURL(a.Value) && (a.Name.Local == "href" || a.Name.Local == "src" || a.Name.Local == "uri") {
					found = append(found, fmt.Sprintf("<%s %s=%q>", tok.Name.Local, a.Name.Local, a.Value))
				}
			}
		case xml.CharData:
			if htmlText {
				for _, m := range (&themeJS{}).scriptIn(string(tok)) {
					found = append(found, "feed HTML: "+m)
				}
			} else if (elem == "id" || elem == "uri" || elem == "icon" || elem == "logo" || elem == "loc") && scriptURL(string(tok)) {
				found = append(found, fmt.Sprintf("a script URL %q", string(tok)))
			}
		case xml.EndElement:
			htmlText, elem = false, ""
		}
	}
}

// jsonFeedScript checks a JSON Feed's content_html and every URL in it.
func jsonFeedScript(data string) []string {
	var v any
	if err := json.Unmarshal([]byte(data), &v); err != nil {
		return []string{"not JSON: " + err.Error()}
	}
	var found []string
	var walk func(key string, v any)
	walk = func(key string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for _, k := range sortedKeys(v) {
				walk(k, v[k])
			}
		case []any:
			for _, e := range v {
				walk(key, e)
			}
		case string:
			if key == "content_html" {
				for _, m := range (&themeJS{}).scriptIn(v) {
					found = append(found, "content_html: "+m)
				}
			}
			if jsonFeedURLs[key] && scriptURL(v) {
				found = append(found, fmt.Sprintf("%s: a script URL %q", key, v))
			}
		}
	}
	walk("", v)
	return found
}

// jsonFeedURLs are the JSON Feed 1.1 members that hold URLs.
var jsonFeedURLs = map[string]bool{
	"home_page_url": true, "feed_url": true, "icon": true, "favicon": true, "url": true,
	"external_url": true, "image": true, "banner_image": true, "avatar": true, "next_url": true,
}

// scriptURL reports whether a browser would read u as a javascript: or
// vbscript: URL.
func scriptURL(u string) bool {
	scheme := strings.ToLower(strings.Map(func(r rune) rune {
		if r <= ' ' {
			return -1
		}
		return r
	}, u))
	return strings.HasPrefix(scheme, "javascript:") || strings.HasPrefix(scheme, "vbscript:")
}

// entry is one path of a snapshot.
type entry struct {
	mode fs.FileMode
	sum  [32]byte  // a regular file's bytes
	link string    // a symlink's target
	mod  time.Time // a regular file's modification time
}

// snapshot records every path under dir without following symlinks or
// opening anything but regular files.
func snapshot(t *testing.T, dir string) map[string]entry {
	t.Helper()
	snap := map[string]entry{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		e := entry{mode: fi.Mode()}
		switch {
		case fi.Mode().IsRegular():
			f, err := os.Open(p)
			if err != nil {
				return err
			}
			h := sha256.New()
			_, err = io.Copy(h, f)
			f.Close()
			if err != nil {
				return err
			}
			h.Sum(e.sum[:0])
			e.mod = fi.ModTime()
		case fi.Mode()&fs.ModeSymlink != 0:
			e.link, _ = os.Readlink(p)
		}
		snap[p] = e
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

// diffSnapshots lists the paths that differ, leaving out those under
// skip.
func diffSnapshots(before, after map[string]entry, skip []string) []string {
	var d []string
	under := func(p string) bool {
		return slices.ContainsFunc(skip, func(s string) bool {
			return p == s || strings.HasPrefix(p, s+string(filepath.Separator))
		})
	}
	for p, a := range before {
		if under(p) {
			continue
		}
		b, ok := after[p]
		switch {
		case !ok:
			d = append(d, "removed "+p)
		case a.mode != b.mode || a.sum != b.sum || a.link != b.link || !a.mod.Equal(b.mod):
			d = append(d, "changed "+p)
		}
	}
	for p := range after {
		if _, ok := before[p]; !ok && !under(p) {
			d = append(d, "added "+p)
		}
	}
	slices.Sort(d)
	return d
}

// hostileSetup does what a txtar archive cannot hold. Paths are relative
// to the site root; ".." reaches the folder holding it.
func hostileSetup(t *testing.T, root string, st []string) {
	t.Helper()
	at := func(p string) string { return filepath.Join(root, filepath.FromSlash(p)) }
	need := func(n int) {
		if len(st) != n+1 {
			t.Fatalf("setup %s wants %d arguments: %q", st[0], n, st)
		}
	}
	num := func(s string) int {
		n, err := strconv.Atoi(s)
		if err != nil {
			t.Fatalf("setup %s: %v", st[0], err)
		}
		return n
	}
	write := func(p string, data []byte) {
		if err := os.MkdirAll(filepath.Dir(at(p)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(at(p), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var err error
	switch st[0] {
	case "symlink": // symlink LINK TARGET
		need(2)
		if err = os.MkdirAll(filepath.Dir(at(st[1])), 0o755); err == nil {
			err = os.Symlink(st[2], at(st[1]))
		}
	case "secret": // secret PATH: a file outside the site that must never be published
		need(1)
		write(st[1], []byte("---\ntitle: "+secretMarker+"\n---\n"+secretMarker+"\n"))
	case "fifo":
		need(1)
		err = syscall.Mkfifo(at(st[1]), 0o644)
	case "socket":
		need(1)
		// Sockets' paths are short: listen from inside the folder.
		var wd string
		if wd, err = os.Getwd(); err == nil {
			if err = os.Chdir(filepath.Dir(at(st[1]))); err == nil {
				var l net.Listener
				l, err = net.Listen("unix", filepath.Base(st[1]))
				os.Chdir(wd)
				if err == nil {
					l.(*net.UnixListener).SetUnlinkOnClose(false)
					t.Cleanup(func() { l.Close() })
				}
			}
		}
	case "mkdir":
		need(1)
		err = os.MkdirAll(at(st[1]), 0o755)
	case "remove":
		need(1)
		err = os.RemoveAll(at(st[1]))
	case "rename": // rename FROM TO (TO may be a quoted string with \n)
		need(2)
		err = os.Rename(at(st[1]), at(st[2]))
	case "longname": // longname FILE BYTES: rename FILE to a name of BYTES bytes
		need(2)
		n := num(st[2])
		ext := filepath.Ext(st[1])
		name := strings.Repeat("长", (n-len(ext))/3)
		name += strings.Repeat("x", n-len(ext)-len(name)) + ext
		err = os.Rename(at(st[1]), filepath.Join(filepath.Dir(at(st[1])), name))
	case "encode": // encode ENCODING FILE
		need(2)
		var src []byte
		if src, err = os.ReadFile(at(st[2])); err == nil {
			write(st[2], encodeText(t, st[1], src))
		}
	case "generate": // generate KIND FILE N, made once by the parent
		need(3)
		gen := filepath.Join(os.Getenv(hostileBaseEnv), "..", "generated", generatedName(st[1], num(st[3])))
		if err = os.MkdirAll(filepath.Dir(at(st[2])), 0o755); err == nil {
			if err = os.Link(gen, at(st[2])); err != nil {
				write(st[2], generate(t, st[1], num(st[3])))
				err = nil
			}
		}
	default:
		t.Fatalf("unknown setup %q", st[0])
	}
	if err != nil {
		t.Fatalf("setup %q: %v", st, err)
	}
}

func encodeText(t *testing.T, enc string, src []byte) []byte {
	u := utf16.Encode([]rune(string(src)))
	var b bytes.Buffer
	switch enc {
	case "utf16le", "utf16be", "utf16le-nobom":
		var order binary.ByteOrder = binary.LittleEndian
		if enc == "utf16be" {
			order = binary.BigEndian
		}
		if enc != "utf16le-nobom" {
			binary.Write(&b, order, uint16(0xFEFF))
		}
		binary.Write(&b, order, u)
	case "utf32le":
		binary.Write(&b, binary.LittleEndian, uint32(0xFEFF))
		for _, r := range string(src) {
			binary.Write(&b, binary.LittleEndian, uint32(r))
		}
	default:
		t.Fatalf("unknown encoding %q", enc)
	}
	return b.Bytes()
}

func generatedName(kind string, n int) string { return fmt.Sprintf("%s-%d.md", kind, n) }

// generate writes the large inputs: n tags, n table rows, lists or
// quotes n deep, n MB of text, n identical headings, n open brackets.
func generate(t *testing.T, kind string, n int) []byte {
	var b bytes.Buffer
	const para = "习近平在主持学习时强调，面对新一代人工智能技术快速演进的新形势，要充分发挥新型举国体制优势，坚持自立自强，突出应用导向，推动我国人工智能朝着有益、安全、公平方向健康有序发展。"
	b.WriteString("---\ntitle: 生成的文档\ndate: 2025-04-27\n")
	switch kind {
	case "tags":
		b.WriteString("tags: [")
		for i := range n {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "标签%05d", i)
		}
		b.WriteString("]\n---\n正文。\n")
	case "table":
		b.WriteString("---\n| 序号 | 名称 | 内容 |\n|---:|---|---|\n")
		for i := range n {
			fmt.Fprintf(&b, "| %d | 第%d行 | 内容%d |\n", i+1, i+1, i+1)
		}
	case "list": // each item indented under the one before
		b.WriteString("---\n")
		for i := range n {
			fmt.Fprintf(&b, "%s- 第%d层\n", strings.Repeat("  ", i), i+1)
		}
	case "quote":
		b.WriteString("---\n" + strings.Repeat(">", n) + " 引文\n")
	case "text": // n MB of paragraphs
		b.WriteString("---\n")
		for b.Len() < n*1_000_000 {
			b.WriteString(para + "\n\n")
		}
	case "headings":
		b.WriteString("---\n")
		for range n {
			b.WriteString("## 第一章 总则\n\n")
		}
	case "brackets":
		b.WriteString("---\n" + strings.Repeat("[", n) + "链接" + strings.Repeat("](x)", n) + "\n\n" + strings.Repeat("*强调", n) + "\n")
	case "line": // one line of n MB
		b.WriteString("---\n")
		for b.Len() < n*1_000_000 {
			b.WriteString("长")
		}
		b.WriteString("\n")
	default:
		t.Fatalf("unknown generator %q", kind)
	}
	return b.Bytes()
}

// TestHostileCheckersFindWhatTheyLookFor shows that the suite's output
// checks are not vacuous: each planted script, handler, script URL or
// secret is reported, and the theme's own scripts are not.
func TestHostileCheckersFindWhatTheyLookFor(t *testing.T) {
	t.Parallel()
	theme := themeScripts(t)
	themePage := `<html><head><script src="../folio.js" defer></script><script type="application/ld+json">{"a":"</b>"}</script></head><body><a href="/x/">x</a></body></html>`
	if got := hazards(map[string]string{"a/index.html": themePage}, theme); len(got) > 0 {
		t.Errorf("the theme's own page is reported: %q", got)
	}
	bad := map[string]string{
		"script.html":   `<p>x</p><script>alert(1)</script>`,
		"src.html":      `<script src="https://evil.example/folio.js"></script>`,
		"handler.html":  `<img src=x onerror=alert(1)>`,
		"url.html":      `<a href=" JaVa	ScRiPt:alert(1)">x</a>`,
		"vb.html":       `<iframe src="vbscript:msgbox(1)"></iframe>`,
		"refresh.html":  `<meta http-equiv="refresh" content="0; url=javascript:alert(1)">`,
		"jsonld.html":   `<script type="application/ld+json">{"name":"</script><script>alert(1)</script>"}</script>`,
		"feed.xml":      `<feed xmlns="http://www.w3.org/2005/Atom"><entry><content type="html">&lt;img src=x onerror=alert(1)&gt;</content></entry></feed>`,
		"link.xml":      `<feed xmlns="http://www.w3.org/2005/Atom"><link href="javascript:alert(1)"/></feed>`,
		"feed.json":     `{"items":[{"content_html":"<script>alert(1)</script>"}]}`,
		"tag/feed.json": `{"items":[{"url":"javascript:alert(1)"}]}`,
		"secret.txt":    "x " + secretMarker,
	}
	got := strings.Join(hazards(bad, theme), "\n")
	for name := range bad {
		if !strings.Contains(got, name+": ") {
			t.Errorf("nothing reported in %s:\n%s", name, got)
		}
	}
	if ok := hazards(map[string]string{"feed.json": `{"items":[{"tags":["javascript:alert(1)"],"content_text":"<script>"}]}`}, theme); len(ok) > 0 {
		t.Errorf("text in a JSON Feed is reported as a script: %q", ok)
	}

	dir := t.TempDir()
	for _, p := range []string{"site/content/a.md", "site/public/index.html", "other/x"} {
		writeArchive(t, dir, []txtar.File{{Name: p, Data: []byte("x")}})
	}
	before := snapshot(t, dir)
	writeArchive(t, dir, []txtar.File{{Name: "site/public/new.html", Data: []byte("y")}, {Name: "site/.public.tmp-1/x", Data: []byte("y")}})
	os.Remove(filepath.Join(dir, "other/x"))
	d := diffSnapshots(before, snapshot(t, dir), []string{filepath.Join(dir, "site/public")})
	want := []string{"added " + filepath.Join(dir, "site/.public.tmp-1"), "added " + filepath.Join(dir, "site/.public.tmp-1/x"), "removed " + filepath.Join(dir, "other/x")}
	if !slices.Equal(d, want) {
		t.Errorf("diffSnapshots = %q, want %q", d, want)
	}
}
