package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/folio-ssg/folio/internal/build"
)

// clock is a fake time for the progress printer.
type clock struct{ t time.Time }

func (c *clock) now() time.Time            { return c.t }
func (c *clock) at(d time.Duration) *clock { c.t = time.Unix(1000, 0).Add(d); return c }

// draws splits what the printer wrote into the lines it drew.
func draws(s string) []string {
	var out []string
	for _, d := range strings.Split(s, "\r")[1:] {
		out = append(out, strings.TrimSuffix(d, "\x1b[K"))
	}
	return out
}

func TestProgressThrottlesRedraws(t *testing.T) {
	var buf bytes.Buffer
	c := new(clock).at(0)
	p := newProgress(&buf, c.now, 200*time.Millisecond)
	p.update(build.Progress{Phase: "load", Total: 1000})
	steps := []struct {
		at   time.Duration
		done int
		draw bool
	}{
		{50 * time.Millisecond, 1, false}, // a quick phase draws nothing before the interval
		{199 * time.Millisecond, 2, false},
		{200 * time.Millisecond, 3, true},
		{250 * time.Millisecond, 4, false},
		{399 * time.Millisecond, 5, false},
		{400 * time.Millisecond, 6, true},
		{401 * time.Millisecond, 7, false},
	}
	for _, s := range steps {
		c.at(s.at)
		before := buf.Len()
		p.update(build.Progress{Phase: "load", Done: s.done, Total: 1000})
		if drew := buf.Len() > before; drew != s.draw {
			t.Errorf("update(Done: %d) at %v drew = %v, want %v (wrote %q)", s.done, s.at, drew, s.draw, buf.String()[before:])
		}
	}
	if got, want := draws(buf.String()), []string{"loading   3/1,000 files", "loading   6/1,000 files"}; !slices.Equal(got, want) {
		t.Errorf("drawn %q, want %q", got, want)
	}
}

func TestProgressShowsRateAndTimeLeft(t *testing.T) {
	tests := []struct {
		phase       string
		total, done int
		after       time.Duration
		want        string
	}{
		// Too early for a rate: too little time, or too few items.
		{"load", 10000, 100, 300 * time.Millisecond, "loading   100/10,000 files"},
		{"load", 10000, 5, 2 * time.Second, "loading   5/10,000 files"},
		{"load", 10000, 4000, 2 * time.Second, "loading   4,000/10,000 files  2,000/s  ~3s left"},
		// 10,149 left at 8,000/s is 1.27s: rounded up.
		{"render", 22149, 12000, 1500 * time.Millisecond, "rendering 12,000/22,149 pages  8,000/s  ~2s left"},
		{"render", 1000000, 1000, time.Second, "rendering 1,000/1,000,000 pages  1,000/s  ~16m39s left"},
		// Done: a rate, no time left.
		{"render", 300, 300, time.Second, "rendering 300/300 pages  300/s"},
	}
	for _, tt := range tests {
		var buf bytes.Buffer
		c := new(clock).at(0)
		p := newProgress(&buf, c.now, 200*time.Millisecond)
		p.update(build.Progress{Phase: tt.phase, Total: tt.total})
		c.at(tt.after)
		p.update(build.Progress{Phase: tt.phase, Done: tt.done, Total: tt.total})
		if got := draws(buf.String()); !slices.Equal(got, []string{tt.want}) {
			t.Errorf("%s %d/%d after %v: drawn %q, want %q", tt.phase, tt.done, tt.total, tt.after, got, tt.want)
		}
	}
}

func TestProgressDrawsFinalStateAndClears(t *testing.T) {
	var buf bytes.Buffer
	c := new(clock).at(0)
	p := newProgress(&buf, c.now, 200*time.Millisecond)
	p.clear()
	if buf.Len() != 0 {
		t.Fatalf("clear with nothing drawn wrote %q", buf.String())
	}
	p.update(build.Progress{Phase: "load", Total: 3})
	c.at(time.Millisecond)
	p.update(build.Progress{Phase: "load", Done: 1, Total: 3})
	p.update(build.Progress{Phase: "load", Done: 3, Total: 3}) // within the interval, but final
	c.at(time.Second)
	p.update(build.Progress{Phase: "load", Done: 2, Total: 3}) // a call that lost the race
	if got, want := buf.String(), "\rloading   3/3 files\x1b[K"; got != want {
		t.Errorf("after a phase's last item: wrote %q, want %q", got, want)
	}
	// The next phase starts afresh.
	p.update(build.Progress{Phase: "render", Total: 2})
	c.at(time.Second + time.Millisecond)
	p.update(build.Progress{Phase: "render", Done: 2, Total: 2})
	if got, want := draws(buf.String()), []string{"loading   3/3 files", "rendering 2/2 pages"}; !slices.Equal(got, want) {
		t.Errorf("drawn %q, want %q", got, want)
	}
	buf.Reset()
	p.clear()
	p.clear()
	if got, want := buf.String(), "\r\x1b[K"; got != want {
		t.Errorf("clear twice wrote %q, want %q", got, want)
	}
}

// TestProgressNeverGoesBackwards: calls race, so a smaller Done can come
// after a larger one; the line shows the most done.
func TestProgressNeverGoesBackwards(t *testing.T) {
	var buf bytes.Buffer
	c := new(clock).at(0)
	p := newProgress(&buf, c.now, 200*time.Millisecond)
	p.update(build.Progress{Phase: "render", Total: 10})
	c.at(200 * time.Millisecond)
	p.update(build.Progress{Phase: "render", Done: 5, Total: 10})
	c.at(400 * time.Millisecond)
	p.update(build.Progress{Phase: "render", Done: 4, Total: 10})
	if got, want := draws(buf.String()), []string{"rendering 5/10 pages", "rendering 5/10 pages"}; !slices.Equal(got, want) {
		t.Errorf("drawn %q, want %q", got, want)
	}
}

func TestProgressEmptyPhaseDrawsNothing(t *testing.T) {
	var buf bytes.Buffer
	c := new(clock).at(0)
	p := newProgress(&buf, c.now, 0)
	p.update(build.Progress{Phase: "load", Total: 0})
	p.clear()
	if buf.Len() != 0 {
		t.Errorf("an empty phase wrote %q", buf.String())
	}
}

func TestProgressAboveErasesTheLineFirst(t *testing.T) {
	var buf bytes.Buffer
	c := new(clock).at(0)
	p := newProgress(&buf, c.now, 0)
	p.update(build.Progress{Phase: "render", Total: 2})
	p.update(build.Progress{Phase: "render", Done: 1, Total: 2})
	p.above(&buf).Write([]byte("level=WARN msg=x\n"))
	p.clear() // the line is gone already
	if got, want := buf.String(), "\rrendering 0/2 pages\x1b[K\rrendering 1/2 pages\x1b[K\r\x1b[Klevel=WARN msg=x\n"; got != want {
		t.Errorf("wrote %q, want %q", got, want)
	}
}

// TestProgressConcurrentUpdates calls update from many goroutines, as the
// build does; run it with -race. Calls race, so Done arrives out of order:
// the line must still end at the phase's last item.
func TestProgressConcurrentUpdates(t *testing.T) {
	var buf bytes.Buffer
	c := new(clock).at(0)
	p := newProgress(&buf, c.now, 0)
	const n = 4000
	p.update(build.Progress{Phase: "load", Total: n})
	var wg sync.WaitGroup
	var mu sync.Mutex
	next := 0
	for range 8 {
		wg.Go(func() {
			for {
				mu.Lock()
				next++
				done := next
				mu.Unlock()
				if done > n {
					return
				}
				p.update(build.Progress{Phase: "load", Done: done, Total: n})
			}
		})
	}
	wg.Wait()
	if got := p.phaseTotal("load"); got != n {
		t.Errorf("phaseTotal(load) = %d, want %d", got, n)
	}
	p.clear()
	d := draws(buf.String())
	if len(d) < 2 || d[len(d)-2] != "loading   4,000/4,000 files" || d[len(d)-1] != "" {
		t.Errorf("last draws %q, want the final state, then the line cleared", d[max(0, len(d)-2):])
	}
}

func TestProgressWithoutWriterRemembersTotals(t *testing.T) {
	c := new(clock).at(0)
	p := newProgress(nil, c.now, 0)
	p.update(build.Progress{Phase: "load", Total: 7})
	p.update(build.Progress{Phase: "load", Done: 7, Total: 7})
	p.clear()
	if got := p.phaseTotal("load"); got != 7 {
		t.Errorf("phaseTotal(load) = %d, want 7", got)
	}
	if got := p.phaseTotal("render"); got != -1 {
		t.Errorf("phaseTotal(render) = %d, want -1", got)
	}
}

func TestSummaryLines(t *testing.T) {
	tests := []struct {
		name         string
		res          build.Result
		contentFiles int
		want         []string
	}{{
		name: "first build",
		res: build.Result{
			Docs: 10, Drafts: 1, Pages: 30, Rendered: 30, Files: 42, Written: 40, Parsed: 12,
			Kinds: map[string]int{"doc": 10, "month": 6, "year": 3, "tag": 6, "home": 1, "alias": 4},
			Phases: []build.Phase{
				{Name: "load", Duration: 2100 * time.Millisecond},
				{Name: "assemble", Duration: 310 * time.Millisecond},
				{Name: "render", Duration: 65 * time.Second},
				{Name: "write", Duration: 800 * time.Millisecond},
			},
		},
		contentFiles: 12,
		want: []string{
			"  pages: 10 doc · 6 month · 6 tag · 4 alias · 3 year · 1 home",
			"  files: 40 written, 2 unchanged · 4.2 per document",
			"  cache: 0 of 12 content files and 0 of 30 pages reused",
			"  time: load 2.1s · assemble 310ms · render 1m5s · write 800ms",
		},
	}, {
		name: "rebuild, content files unknown",
		res: build.Result{
			Docs: 10000, Pages: 22149, Rendered: 149, Files: 22400, Written: 150, Parsed: 3,
			Kinds: map[string]int{"doc": 10000, "month": 1200, "home": 1},
		},
		contentFiles: -1,
		want: []string{
			"  pages: 10,000 doc · 1,200 month · 1 home",
			"  files: 150 written, 22,250 unchanged · 2.2 per document",
			"  cache: 22,000 of 22,149 pages reused",
		},
	}, {
		name: "unchanged since the last build",
		res: build.Result{
			Docs: 10000, Pages: 22149, Files: 22400, Unchanged: true,
			Kinds:  map[string]int{"doc": 10000, "month": 1200, "home": 1},
			Phases: []build.Phase{{Name: "check", Duration: 240 * time.Millisecond}},
		},
		contentFiles: -1,
		want: []string{
			"  pages: 10,000 doc · 1,200 month · 1 home",
			"  files: 0 written, 22,400 unchanged · 2.2 per document",
			"  cache: the site and the output are as the last build left them: nothing to read, render or write",
			"  time: check 240ms",
		},
	}, {
		name:         "no documents",
		res:          build.Result{Files: 3, Written: 3},
		contentFiles: 0,
		want: []string{
			"  files: 3 written, 0 unchanged",
			"  cache: 0 of 0 content files and 0 of 0 pages reused",
		},
	}}
	for _, tt := range tests {
		if got := summary(&tt.res, tt.contentFiles); !slices.Equal(got, tt.want) {
			t.Errorf("%s: summary =\n%s\nwant\n%s", tt.name, strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
		}
	}
}

func TestProgressThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 7: "7", 999: "999", 1000: "1,000", 22149: "22,149", 1234567: "1,234,567", -4210: "-4,210"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestProgressOnlyOnATerminal(t *testing.T) {
	t.Setenv("TERM", "xterm")
	file, err := os.Create(filepath.Join(t.TempDir(), "log"))
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	dev, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0) // a character device, as a terminal is
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	if isTerminal(&bytes.Buffer{}) || isTerminal(file) {
		t.Error("isTerminal is true for a buffer or a regular file")
	}
	if !isTerminal(dev) {
		t.Errorf("isTerminal(%s) = false with TERM=xterm", os.DevNull)
	}
	t.Setenv("TERM", "dumb")
	if isTerminal(dev) {
		t.Errorf("isTerminal(%s) = true with TERM=dumb", os.DevNull)
	}
}

// writeSite writes a small site (two documents and a draft, plus files)
// and returns its root.
func writeSite(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	all := map[string]string{
		"content/a.md":     "---\ntitle: 人工智能\ndate: 2025年4月27日\ntags: [政策]\n---\n正文。\n",
		"content/b.md":     "# 无日期\n",
		"content/draft.md": "---\ntitle: 草稿\ndate: 2025-04-01\ndraft: true\n---\n",
	}
	for name, text := range files {
		all[name] = text
	}
	for name, text := range all {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// runFolio runs folio in the process with args. The builds pass
// --base-url, without which folio warns that a site has none.
func runFolio(args ...string) (stdout, stderr string, code int) {
	var out, errs bytes.Buffer
	code = Main(context.Background(), args, &out, &errs)
	return out.String(), errs.String(), code
}

func TestQuietBuildPrintsNothing(t *testing.T) {
	for _, flag := range []string{"--quiet", "-q"} {
		root := writeSite(t, nil)
		stdout, stderr, code := runFolio("build", "--base-url", "https://example.org/", "--source", root, flag)
		if code != 0 || stdout != "" || stderr != "" {
			t.Errorf("folio build %s: exit %d, stdout %q, stderr %q; want 0 and nothing", flag, code, stdout, stderr)
		}
		if _, err := os.Stat(filepath.Join(root, "public", "a", "index.html")); err != nil {
			t.Errorf("folio build %s wrote no page: %v", flag, err)
		}
	}
}

func TestQuietBuildStillPrintsWarningsAndErrors(t *testing.T) {
	root := writeSite(t, map[string]string{"content/package.json": "{}\n"})
	stdout, stderr, code := runFolio("build", "--base-url", "https://example.org/", "--source", root, "--quiet")
	if code != 0 || stdout != "" || !strings.HasPrefix(stderr, "warning: content/ holds 1 files of a code repository") {
		t.Errorf("a warning with --quiet: exit %d, stdout %q, stderr %q; want 0, nothing, the warning", code, stdout, stderr)
	}
	root = writeSite(t, map[string]string{"content/bad.md": "---\ntitle: 坏\ndate: 2025年13月01日\n---\n"})
	stdout, stderr, code = runFolio("build", "--base-url", "https://example.org/", "--source", root, "-q")
	if code != 1 || stdout != "" || !strings.Contains(stderr, "content/bad.md:3:7: ") || !strings.Contains(stderr, "1 error; nothing was written") {
		t.Errorf("an error with -q: exit %d, stdout %q, stderr %q; want 1, nothing, the error", code, stdout, stderr)
	}
}

// TestNonTerminalBuildStaysTerse: buffers are not terminals, so the output
// is the "built …" line alone, with no progress line and no summary.
func TestNonTerminalBuildStaysTerse(t *testing.T) {
	root := writeSite(t, nil)
	stdout, stderr, code := runFolio("build", "--base-url", "https://example.org/", "--source", root)
	if code != 0 {
		t.Fatalf("folio build: exit %d, stderr %q", code, stderr)
	}
	if strings.Contains(stdout+stderr, "\r") || strings.Contains(stdout+stderr, "\x1b") {
		t.Errorf("stdout %q, stderr %q: a progress line where there is no terminal", stdout, stderr)
	}
	want := []string{"built 2 documents (1 draft left out): ", "  search index: "}
	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	if len(lines) != len(want) || !strings.HasPrefix(lines[0], want[0]) || !strings.HasPrefix(lines[1], want[1]) || stderr != "" {
		t.Errorf("stdout %q, stderr %q; want only lines starting %q", stdout, stderr, want)
	}
}

func TestVerboseBuildPrintsSummary(t *testing.T) {
	root := writeSite(t, map[string]string{"content/_index.md": "---\ntitle: 首页\n---\n"})
	stdout, stderr, code := runFolio("build", "--base-url", "https://example.org/", "--source", root, "-v")
	if code != 0 {
		t.Fatalf("folio build -v: exit %d, stderr %q", code, stderr)
	}
	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	if !strings.HasPrefix(lines[0], "built 2 documents") {
		t.Errorf("first line %q, want \"built 2 documents …\"", lines[0])
	}
	var pages, files, cache, took string
	for _, l := range lines[1:] {
		switch {
		case strings.HasPrefix(l, "  pages: "):
			pages = l
		case strings.HasPrefix(l, "  files: "):
			files = l
		case strings.HasPrefix(l, "  cache: "):
			cache = l
		case strings.HasPrefix(l, "  time: "):
			took = l
		}
	}
	// Four content files were loaded: two documents, the draft, _index.md.
	if !strings.Contains(pages, "2 doc") || !strings.Contains(files, " per document") ||
		!strings.HasPrefix(cache, "  cache: 0 of 4 content files and 0 of ") ||
		!strings.HasPrefix(took, "  time: load ") || !strings.Contains(took, " · write ") {
		t.Errorf("summary lines %q, %q, %q, %q in\n%s", pages, files, cache, took, stdout)
	}
}

// A second folio build of a site nothing changed in says so, and that it
// did nothing but check.
func TestUnchangedBuildSaysSo(t *testing.T) {
	root := writeSite(t, map[string]string{"content/_index.md": "---\ntitle: 首页\n---\n"})
	// Until its files are older than the racy margin (50 ms; 2 s where
	// times are whole seconds), a build cannot trust their stats.
	wait := 100 * time.Millisecond
	if fi, err := os.Stat(filepath.Join(root, "content", "_index.md")); err == nil && fi.ModTime().Nanosecond() == 0 {
		wait = 2100 * time.Millisecond
	}
	time.Sleep(wait)
	args := []string{"build", "--base-url", "https://example.org/", "--source", root, "-v"}
	if _, stderr, code := runFolio(args...); code != 0 {
		t.Fatalf("folio build -v: exit %d, stderr %q", code, stderr)
	}
	stdout, stderr, code := runFolio(args...)
	if code != 0 {
		t.Fatalf("folio build -v, again: exit %d, stderr %q", code, stderr)
	}
	if !strings.HasPrefix(stdout, "built 2 documents") ||
		!strings.Contains(stdout, "\n  files: 0 written, ") ||
		!strings.Contains(stdout, "\n  cache: the site and the output are as the last build left them: nothing to read, render or write\n") ||
		!strings.Contains(stdout, "\n  time: check ") {
		t.Errorf("an unchanged build printed\n%s", stdout)
	}
}

func TestHelpBuildListsQuiet(t *testing.T) {
	stdout, _, code := runFolio("help", "build")
	if code != 0 || !strings.Contains(stdout, "[--quiet]") || !strings.Contains(stdout, "-quiet\n") || !strings.Contains(stdout, "-q\tshort for -quiet") {
		t.Errorf("folio help build: exit %d, output\n%s\nwant -quiet and -q listed", code, stdout)
	}
}

// TestTerminalBuildSucceeds builds with stderr on a character device, so
// the progress line is drawn (into /dev/null, where it cannot be read);
// stdout, a buffer, still gets the terse lines and no summary.
func TestTerminalBuildSucceeds(t *testing.T) {
	t.Setenv("TERM", "xterm")
	dev, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	root := writeSite(t, nil)
	var stdout bytes.Buffer
	code := Main(context.Background(), []string{"build", "--source", root}, &stdout, dev)
	if code != 0 || !strings.HasPrefix(stdout.String(), "built 2 documents") || strings.Contains(stdout.String(), "  pages: ") {
		t.Errorf("exit %d, stdout %q; want 0 and the terse lines", code, stdout.String())
	}
	if _, err := os.Stat(filepath.Join(root, "public", "a", "index.html")); err != nil {
		t.Error(err)
	}
}
