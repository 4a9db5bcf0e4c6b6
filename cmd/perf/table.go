package main

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// A row is one line of the table: a measurement on one corpus, the median
// of its runs.
type row struct {
	docs    int
	what    string
	kind    string // the same measurement on every corpus: "floor", "cold", …
	runs    []sample
	compare string // the last column, such as "4.1× floor wall, 3.2× CPU"
	noCPU   bool   // CPU is not this row's figure (serve's edit latency)
}

// median returns the median of the samples' figures, each taken apart,
// or the first failure among them.
func median(runs []sample) sample {
	var m sample
	if len(runs) == 0 {
		m.fail = "not run"
		return m
	}
	for _, s := range runs {
		if s.fail != "" {
			return sample{fail: s.fail, files: -1}
		}
	}
	m.wall = medianOf(runs, func(s sample) time.Duration { return s.wall })
	m.cpu = medianOf(runs, func(s sample) time.Duration { return s.cpu })
	m.rss = medianOf(runs, func(s sample) int64 { return s.rss })
	m.files = medianOf(runs, func(s sample) int { return s.files })
	return m
}

func medianOf[T time.Duration | int64 | int](runs []sample, f func(sample) T) T {
	v := make([]T, len(runs))
	for i, s := range runs {
		v[i] = f(s)
	}
	slices.Sort(v)
	k := len(v) / 2
	if len(v)%2 == 1 {
		return v[k]
	}
	return (v[k-1] + v[k]) / 2
}

// ratio says how a figure compares with another: "4.1×" when it is the
// larger, as a percentage when it is a part (a rebuild of a cold build).
func ratio(a, b time.Duration, percent bool) string {
	if b <= 0 {
		return "–"
	}
	r := float64(a) / float64(b)
	if percent {
		return fmt.Sprintf("%.0f%%", 100*r)
	}
	return fmt.Sprintf("%.1f×", r)
}

var header = []string{"documents", "measurement", "wall", "CPU", "peak RSS", "files", "wall µs/doc", "CPU µs/doc", "compared"}

// table formats rows as a Markdown table, one median per cell; a row whose
// runs failed says why in the wall column.
func table(rows []row) string {
	var b strings.Builder
	b.WriteString("| " + strings.Join(header, " | ") + " |\n")
	b.WriteString("|---:|---|---:|---:|---:|---:|---:|---:|---|\n")
	for _, r := range rows {
		m := median(r.runs)
		cells := []string{count(r.docs), r.what}
		switch {
		case m.fail != "":
			cells = append(cells, m.fail, "", "", "", "", "", r.compare)
		case r.noCPU:
			rss := ""
			if m.rss > 0 {
				rss = size(m.rss)
			}
			cells = append(cells, dur(m.wall), "", rss, "", "", "", r.compare)
		default:
			files := ""
			if m.files >= 0 {
				files = count(m.files)
			}
			cells = append(cells, dur(m.wall), dur(m.cpu), size(m.rss), files,
				perDoc(m.wall, r.docs), perDoc(m.cpu, r.docs), r.compare)
		}
		b.WriteString("| " + strings.Join(cells, " | ") + " |\n")
	}
	return b.String()
}

// raw lists each run of each row: wall / CPU / peak RSS.
func raw(rows []row) string {
	var b strings.Builder
	for _, r := range rows {
		runs := make([]string, len(r.runs))
		for i, s := range r.runs {
			runs[i] = r.run(s)
		}
		fmt.Fprintf(&b, "- %s, %s: %s\n", count(r.docs), r.what, strings.Join(runs, "; "))
	}
	return b.String()
}

// run formats one run of r.
func (r row) run(s sample) string {
	switch {
	case s.fail != "":
		return s.fail
	case r.noCPU:
		return dur(s.wall)
	}
	return dur(s.wall) + " / " + dur(s.cpu) + " / " + size(s.rss)
}

// growth compares each measurement's time per document on every corpus
// with that on the first: a cost that grows linearly with the corpus stays
// at 1.00×. Serve's rows, not per document, are left out; growth is empty
// when there is one corpus only.
func growth(rows []row) string {
	var (
		kinds []string
		first = make(map[string]row)
		lines = make(map[string][]string)
	)
	for _, r := range rows {
		if r.noCPU {
			continue
		}
		f, seen := first[r.kind]
		if !seen {
			kinds = append(kinds, r.kind)
			first[r.kind] = r
			continue
		}
		m, fm := median(r.runs), median(f.runs)
		switch {
		case m.fail != "":
			lines[r.kind] = append(lines[r.kind], count(r.docs)+" "+m.fail)
		case fm.fail == "":
			scale := float64(f.docs) / float64(r.docs)
			lines[r.kind] = append(lines[r.kind], fmt.Sprintf("%s wall %.2f×, CPU %.2f×",
				count(r.docs), scale*float64(m.wall)/float64(fm.wall), scale*float64(m.cpu)/float64(fm.cpu)))
		}
	}
	var b strings.Builder
	for _, k := range kinds {
		if len(lines[k]) > 0 {
			fmt.Fprintf(&b, "- %s (against %s): %s\n", k, count(first[k].docs), strings.Join(lines[k], "; "))
		}
	}
	return b.String()
}

// dur formats d with three significant digits: "812 ms", "4.21 s", "61.7 s",
// "742 s".
func dur(d time.Duration) string {
	switch s := d.Seconds(); {
	case d < time.Millisecond:
		return fmt.Sprintf("%.0f µs", float64(d)/1e3)
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.2f ms", s*1e3)
	case d < 100*time.Millisecond:
		return fmt.Sprintf("%.1f ms", s*1e3)
	case d < time.Second:
		return fmt.Sprintf("%.0f ms", s*1e3)
	case d < 10*time.Second:
		return fmt.Sprintf("%.2f s", s)
	case d < 100*time.Second:
		return fmt.Sprintf("%.1f s", s)
	default:
		return fmt.Sprintf("%.0f s", s)
	}
}

// size formats a byte count in binary units: "41 MiB", "1.25 GiB".
func size(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<30:
		return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%d MiB", (n+1<<19)>>20)
	default:
		return fmt.Sprintf("%d KiB", (n+1<<9)>>10)
	}
}

// perDoc formats d / docs in microseconds.
func perDoc(d time.Duration, docs int) string {
	if docs <= 0 {
		return "–"
	}
	us := float64(d) / 1e3 / float64(docs)
	if us >= 100 {
		return fmt.Sprintf("%.0f", us)
	}
	return fmt.Sprintf("%.1f", us)
}

// count formats n with thousands separators: "1,000,000".
func count(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
