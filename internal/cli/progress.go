package cli

import (
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/folio-ssg/folio/internal/build"
)

// Rate and time left appear once a phase has run this long and done this
// many items; before that they would be guesses.
const (
	settleTime  = 500 * time.Millisecond
	settleItems = 20
)

// progress shows how far a build is as one line on a terminal, redrawn in
// place ("\r", the line, then erase to its end) at most once every
// interval, and always at the end of a phase:
//
//	loading   4,210/10,000 files  3,150/s  ~2s left
//	rendering 12,000/22,149 pages  8,000/s  ~1s left
//
// Its update method is a build.Config.Progress: safe for concurrent use,
// and between redraws it only compares times. It also remembers each
// phase's total for the summary.
type progress struct {
	w     io.Writer // nil: remember totals, draw nothing
	now   func() time.Time
	every time.Duration

	mu     sync.Mutex
	phase  string
	start  time.Time // when the phase began
	next   time.Time // no redraw before this
	done   int       // the most items seen done in the phase: calls race
	total  int
	ended  bool // the phase's final state is drawn
	shown  bool // the line holds text to clear
	totals map[string]int
}

func newProgress(w io.Writer, now func() time.Time, every time.Duration) *progress {
	return &progress{w: w, now: now, every: every, totals: map[string]int{}}
}

func (p *progress) update(s build.Progress) {
	t := p.now()
	p.mu.Lock()
	defer p.mu.Unlock()
	if s.Done == 0 || s.Phase != p.phase {
		p.phase, p.start, p.next, p.done, p.total, p.ended = s.Phase, t, t.Add(p.every), 0, s.Total, false
		p.totals[s.Phase] = s.Total
	}
	p.done = max(p.done, s.Done)
	final := p.done >= p.total
	if p.w == nil || p.total == 0 || p.ended || (!final && t.Before(p.next)) {
		return
	}
	p.next, p.ended, p.shown = t.Add(p.every), final, true
	io.WriteString(p.w, "\r"+p.line(t)+"\x1b[K")
}

// line is the progress line at t, without "\r".
func (p *progress) line(t time.Time) string {
	verb, noun := p.phase, "items"
	switch p.phase {
	case "load":
		verb, noun = "loading", "files"
	case "render":
		verb, noun = "rendering", "pages"
	}
	s := fmt.Sprintf("%-9s %s/%s %s", verb, thousands(p.done), thousands(p.total), noun)
	elapsed := t.Sub(p.start)
	if elapsed < settleTime || p.done < settleItems {
		return s
	}
	rate := float64(p.done) / elapsed.Seconds()
	s += fmt.Sprintf("  %s/s", thousands(int(math.Round(rate))))
	if p.done < p.total {
		left := time.Duration(math.Ceil(float64(p.total-p.done)/rate)) * time.Second
		s += fmt.Sprintf("  ~%s left", left)
	}
	return s
}

// clear erases the line, if any was drawn.
func (p *progress) clear() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.erase()
}

func (p *progress) erase() {
	if p.shown {
		io.WriteString(p.w, "\r\x1b[K")
		p.shown = false
	}
}

// above returns a writer for w, the terminal the line is on, that erases
// the line before each write, so log lines do not start after it; the next
// redraw puts it back below them.
func (p *progress) above(w io.Writer) io.Writer {
	return writerFunc(func(b []byte) (int, error) {
		p.mu.Lock()
		defer p.mu.Unlock()
		p.erase()
		return w.Write(b)
	})
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(b []byte) (int, error) { return f(b) }

// phaseTotal is how many items the phase had, or -1 if it did not report.
func (p *progress) phaseTotal(phase string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	if n, ok := p.totals[phase]; ok {
		return n
	}
	return -1
}

// isTerminal reports whether w is a terminal that understands "\r" and
// "\x1b[K": a character device, with TERM not "dumb".
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok || os.Getenv("TERM") == "dumb" {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// summary is what a build did, in a few lines to print after "built …"
// (each indented like it):
//
//	pages: 10,000 doc · 1,200 month · 80 year · 45 tag · 1 home
//	files: 22,400 written, 0 unchanged · 2.2 per document
//	cache: 0 of 10,012 content files and 0 of 22,149 pages reused
//	time: load 2.1s · assemble 310ms · render 5.2s · write 800ms
//
// contentFiles is how many content files were loaded, or -1 if unknown.
func summary(res *build.Result, contentFiles int) []string {
	var lines []string
	if len(res.Kinds) > 0 {
		kinds := make([]string, 0, len(res.Kinds))
		for k := range res.Kinds {
			kinds = append(kinds, k)
		}
		sort.Slice(kinds, func(i, j int) bool {
			if a, b := res.Kinds[kinds[i]], res.Kinds[kinds[j]]; a != b {
				return a > b
			}
			return kinds[i] < kinds[j]
		})
		for i, k := range kinds {
			kinds[i] = thousands(res.Kinds[k]) + " " + k
		}
		lines = append(lines, "  pages: "+strings.Join(kinds, " · "))
	}
	files := fmt.Sprintf("  files: %s written, %s unchanged", thousands(res.Written), thousands(res.Files-res.Written))
	if res.Docs > 0 {
		files += fmt.Sprintf(" · %.1f per document", float64(res.Files)/float64(res.Docs))
	}
	lines = append(lines, files)
	pages := fmt.Sprintf("%s of %s pages", thousands(res.Pages-res.Rendered), thousands(res.Pages))
	if res.Unchanged {
		lines = append(lines, "  cache: the site and the output are as the last build left them: nothing to read, render or write")
	} else if contentFiles >= 0 {
		lines = append(lines, fmt.Sprintf("  cache: %s of %s content files and %s reused", thousands(contentFiles-res.Parsed), thousands(contentFiles), pages))
	} else {
		lines = append(lines, "  cache: "+pages+" reused")
	}
	if len(res.Phases) > 0 {
		phases := make([]string, len(res.Phases))
		for i, ph := range res.Phases {
			phases[i] = ph.Name + " " + duration(ph.Duration)
		}
		lines = append(lines, "  time: "+strings.Join(phases, " · "))
	}
	return lines
}

// duration is "310ms", "2.1s" or "1m5s".
func duration(d time.Duration) string {
	switch {
	case d < time.Second:
		return d.Round(time.Millisecond).String()
	case d < time.Minute:
		return fmt.Sprintf("%.1fs", d.Seconds())
	}
	return d.Round(time.Second).String()
}

// thousands is n with commas between groups of three digits: "22,149".
func thousands(n int) string {
	s := strconv.Itoa(n)
	sign := ""
	if n < 0 {
		sign, s = "-", s[1:]
	}
	var b strings.Builder
	b.WriteString(sign)
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
