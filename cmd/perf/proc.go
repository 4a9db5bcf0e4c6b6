package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"
)

// limits bound every child process: its peak resident memory and its time.
type limits struct {
	maxRSS  int64 // bytes
	timeout time.Duration
	env     []string // added to the environment
}

// A sample is what one run of a child process cost.
type sample struct {
	wall, cpu time.Duration // cpu is user plus system time
	rss       int64         // peak resident set, bytes
	files     int           // files in the output folder afterwards; -1 if not counted
	fail      string        // why there is no figure, such as "killed above 8 GiB"; "" if none
}

// A child is a running process under limits.
type child struct {
	cmd    *exec.Cmd
	start  time.Time
	ctx    context.Context
	cancel context.CancelCauseFunc
	// stopTimer ends the timeout; wait calls it once it has read why
	// the child ended, which a cancelled timeout would otherwise say.
	stopTimer context.CancelFunc
	done      chan struct{}
	stderr    *tail
}

// errInterrupted is the cause when perf itself is stopped.
var errInterrupted = errors.New("interrupted")

// start runs name with args, its standard output going to stdout. The
// child is killed as soon as its peak resident set exceeds lim.maxRSS. When
// it runs longer than lim.timeout, or ctx is done, it gets SIGINT, so that
// folio serve removes its temporary folder, and is killed 10 s later.
func start(ctx context.Context, lim limits, stdout io.Writer, name string, args ...string) (*child, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	tctx, cancelTimeout := context.WithTimeoutCause(ctx, lim.timeout, fmt.Errorf("timed out after %v", lim.timeout))
	c := &child{ctx: tctx, cancel: cancel, stopTimer: cancelTimeout, done: make(chan struct{}), stderr: &tail{max: 4 << 10}}
	c.cmd = exec.CommandContext(tctx, name, args...)
	c.cmd.Env = append(os.Environ(), lim.env...)
	c.cmd.Stdout, c.cmd.Stderr = stdout, c.stderr
	c.cmd.Cancel = c.interrupt
	c.cmd.WaitDelay = 10 * time.Second
	c.start = time.Now()
	if err := c.cmd.Start(); err != nil {
		cancelTimeout()
		cancel(nil)
		return nil, err
	}
	go func() {
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-c.done:
				return
			case <-t.C:
				if peakRSS(c.cmd.Process.Pid) > lim.maxRSS {
					cancel(fmt.Errorf("killed above %s", size(lim.maxRSS)))
					c.cmd.Process.Kill()
					return
				}
			}
		}
	}()
	return c, nil
}

// interrupt asks the child to stop, as Ctrl-C would.
func (c *child) interrupt() error { return c.cmd.Process.Signal(os.Interrupt) }

// wait waits for the child to exit and says what it cost.
func (c *child) wait() sample {
	err := c.cmd.Wait()
	s := sample{wall: time.Since(c.start), files: -1}
	close(c.done)
	if ps := c.cmd.ProcessState; ps != nil {
		s.cpu = ps.UserTime() + ps.SystemTime()
		s.rss = maxRSS(ps)
	}
	switch cause := context.Cause(c.ctx); {
	case cause != nil && errors.Is(cause, context.Canceled):
		s.fail = errInterrupted.Error()
	case cause != nil:
		s.fail = cause.Error()
	case err != nil:
		s.fail = err.Error()
		if t := strings.TrimSpace(c.stderr.String()); t != "" {
			s.fail += ": " + lastLine(t)
		}
	}
	c.stopTimer()
	c.cancel(nil)
	return s
}

// run runs a child to its end and returns its cost and standard output.
func run(ctx context.Context, lim limits, name string, args ...string) (sample, string) {
	var out tail
	out.max = 64 << 10
	c, err := start(ctx, lim, &out, name, args...)
	if err != nil {
		return sample{files: -1, fail: err.Error()}, ""
	}
	s := c.wait()
	return s, out.String()
}

// peakRSS returns the VmHWM of process pid in bytes, or 0 if unknown.
func peakRSS(pid int) int64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// A tail keeps the last max bytes written to it.
type tail struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if len(t.b) > t.max {
		t.b = t.b[len(t.b)-t.max:]
	}
	return len(p), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.b)
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	return s[strings.LastIndexByte(s, '\n')+1:]
}

// A lines writer sends each complete line written to it on ch, dropping
// lines nobody reads rather than blocking the child.
type lines struct {
	mu   sync.Mutex
	part []byte
	ch   chan string
}

func (l *lines) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.part = append(l.part, p...)
	for {
		i := bytes.IndexByte(l.part, '\n')
		if i < 0 {
			return len(p), nil
		}
		select {
		case l.ch <- string(l.part[:i]):
		default:
		}
		l.part = l.part[i+1:]
	}
}
