// Command perf measures folio on generated corpora, in one run, and prints
// the figures as Markdown for PERFORMANCE.md. From the root of the module:
//
//	go run ./cmd/perf -sizes 10000,100000,1000000 -runs 3 -latency
//
// For each size it writes a corpus with internal/corpusgen into -dir
// (reused while its stamp file says it is intact), builds the folio and
// floor binaries once, reads the corpus once so every run finds it in the
// page cache, and then, -runs times over:
//
//   - goldmark floor: cmd/floor, goldmark alone on every body, one HTML
//     file each, on all cores;
//   - folio build, cold: folio build --source DIR --dest OUT, without OUT
//     and without DIR/.folio-cache;
//   - folio build, unchanged: the same again at once (which stops at the
//     build cache's quick record);
//   - folio build, unchanged, whole cache read: the same again without
//     the quick record, as a build that reads and checks the whole cache
//     and works out every page's stamp;
//   - folio build, 1% changed: the same after a paragraph is appended to
//     every hundredth document;
//   - folio build, another 1% changed: the same after a paragraph is
//     appended to another hundredth (every hundredth from the fiftieth),
//     a build that finds the tree the last one replaced kept beside the
//     destination (the spare);
//   - folio build, documents added: the same after 30 documents dated
//     after all the others are added, as an archive takes the day's
//     articles;
//   - folio build, older documents added: the same after 30 more, dated
//     before all the others, as an archive takes older articles it has
//     found; the documents are then put back and the added ones removed.
//
// Each is a process of its own; perf reports the median of its runs' wall
// time, CPU time (user + system), peak resident set (the kernel's maxrss)
// and the files in OUT, with time per document, and, given several sizes,
// how time per document grows against the first (1.00× is linear). With -latency it then starts
// folio serve once and saves one document -edits times, reporting the time
// from each save to the live-reload event.
//
// A process whose peak resident set exceeds -maxrss is killed at once and
// its row says so; one that outlives -timeout is interrupted. The header
// names the machine, the folio commit and Go version, and the load average
// before and after, since the machine may be shared.
package main

import (
	"context"
	"debug/buildinfo"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// cacheDir is the folder, in the site root, where folio build keeps what a
// warm rebuild reuses; a cold build starts without it.
const cacheDir = ".folio-cache"

// quickRecord is the file in it that lets a build of an unchanged site
// stop early (internal/build/quick.go).
const quickRecord = "build.quick"

type config struct {
	sizes        []int
	runs         int
	dir          string
	lim          limits
	latency      bool
	edits        int
	folio, floor string
}

func main() {
	var cfg config
	sizes := flag.String("sizes", "10000", "comma-separated corpus sizes, in documents")
	flag.IntVar(&cfg.runs, "runs", 3, "runs of each measurement; the median is reported")
	flag.StringVar(&cfg.dir, "dir", "/tmp/perf-corpus", "where corpora and outputs go")
	maxRSS := byteSize(8 << 30)
	flag.Var(&maxRSS, "maxrss", "kill a process whose peak resident set exceeds this (suffix KiB, MiB or GiB)")
	flag.DurationVar(&cfg.lim.timeout, "timeout", 30*time.Minute, "interrupt a process that runs longer than this")
	flag.BoolVar(&cfg.latency, "latency", false, "also measure folio serve: the time from a save to the reload event")
	flag.IntVar(&cfg.edits, "edits", 5, "saves measured with -latency")
	flag.StringVar(&cfg.folio, "folio", "", "the folio binary to measure (default: go build ./cmd/folio)")
	flag.StringVar(&cfg.floor, "floor", "", "the floor binary (default: go build ./cmd/floor)")
	flag.Parse()
	cfg.lim.maxRSS = int64(maxRSS)
	var err error
	if cfg.sizes, err = parseSizes(*sizes); err != nil || flag.NArg() > 0 || cfg.runs < 1 || cfg.edits < 1 {
		if err != nil {
			fmt.Fprintln(os.Stderr, "perf:", err)
		}
		flag.Usage()
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := perf(ctx, cfg, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "perf:", err)
		os.Exit(1)
	}
}

func perf(ctx context.Context, cfg config, stdout, progress io.Writer) error {
	if err := os.MkdirAll(cfg.dir, 0o755); err != nil {
		return err
	}
	built := cfg.folio == ""
	if cfg.folio == "" || cfg.floor == "" {
		bin, err := os.MkdirTemp("", "perf-bin-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(bin)
		for _, p := range []*string{&cfg.folio, &cfg.floor} {
			if *p != "" {
				continue
			}
			name := "folio"
			if p == &cfg.floor {
				name = "floor"
			}
			*p = filepath.Join(bin, name)
			fmt.Fprintf(progress, "go build ./cmd/%s\n", name)
			cmd := exec.CommandContext(ctx, "go", "build", "-o", *p, "github.com/folio-ssg/folio/cmd/"+name)
			if out, err := cmd.CombinedOutput(); err != nil {
				return fmt.Errorf("go build ./cmd/%s (run perf from the folio module): %v\n%s", name, err, out)
			}
		}
	}

	loadBefore := loadavg()
	started := time.Now().UTC()
	var rows []row
	var notes []string
	for _, n := range cfg.sizes {
		r, note, err := measure(ctx, cfg, n, progress)
		rows = append(rows, r...)
		notes = append(notes, note)
		if err != nil {
			return err
		}
	}

	fmt.Fprintf(stdout, "## folio build and the goldmark floor\n\n")
	fmt.Fprintf(stdout, "- command: `go run ./cmd/perf %s`, started %s\n", strings.Join(os.Args[1:], " "), started.Format("2006-01-02 15:04 UTC"))
	fmt.Fprintf(stdout, "- machine: Linux %s, %d CPUs, GOMAXPROCS %d, %s memory\n", osRelease(), runtime.NumCPU(), runtime.GOMAXPROCS(0), memTotal())
	fmt.Fprintf(stdout, "- folio: %s\n", describe(cfg.folio, built))
	fmt.Fprintf(stdout, "- load average (1, 5, 15 min): %s before, %s after\n", loadBefore, loadavg())
	runs := fmt.Sprintf("the median of %d runs", cfg.runs)
	if cfg.runs == 1 {
		runs = "from 1 run"
	}
	fmt.Fprintf(stdout, "- each figure is %s; CPU is user + system time, peak RSS the kernel's maxrss, files those in the output folder\n\n", runs)
	io.WriteString(stdout, table(rows))
	if g := growth(rows); g != "" {
		fmt.Fprintf(stdout, "\nTime per document against the first size (1.00× is linear):\n\n%s", g)
	}
	fmt.Fprintf(stdout, "\nRuns (wall / CPU / peak RSS):\n\n%s\nCorpora:\n\n", raw(rows))
	for _, note := range notes {
		fmt.Fprintf(stdout, "- %s\n", note)
	}
	return nil
}

// measure runs every measurement on the corpus of n documents and returns
// its rows and a note on the corpus. Only a failure to set up the corpus,
// or an interrupt, is an error; a run that fails is reported in its row.
func measure(ctx context.Context, cfg config, n int, progress io.Writer) ([]row, string, error) {
	fmt.Fprintf(progress, "%s documents: corpus in %s\n", count(n), filepath.Join(cfg.dir, strconv.Itoa(n)))
	c, took, err := prepare(cfg.dir, n)
	if err != nil {
		return nil, "", fmt.Errorf("corpus of %d: %w", n, err)
	}
	defer os.RemoveAll(c.out)
	note := fmt.Sprintf("%s: %s, reused", count(n), c.site)
	if took > 0 {
		note = fmt.Sprintf("%s: %s, written in %s", count(n), c.site, dur(took))
	}
	if err := c.readAll(); err != nil {
		return nil, "", err
	}
	lim := cfg.lim
	tmp := filepath.Join(c.out, "tmp")
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		return nil, "", err
	}
	lim.env = []string{"TMPDIR=" + tmp}

	changed := onePercent(c.docs)
	changed2 := onePercent(c.docs[min(50, len(c.docs)):])
	floor := row{docs: n, what: "goldmark floor", kind: "floor"}
	cold := row{docs: n, what: "folio build, cold", kind: "cold"}
	warm := row{docs: n, what: "folio build, unchanged", kind: "unchanged"}
	whole := row{docs: n, what: "folio build, unchanged, whole cache read", kind: "unchanged, whole cache"}
	part := row{docs: n, what: fmt.Sprintf("folio build, 1%% changed (%s documents)", count(len(changed))), kind: "1% changed"}
	part2 := row{docs: n, what: fmt.Sprintf("folio build, another 1%% changed (%s documents)", count(len(changed2))), kind: "1% changed again"}
	added := row{docs: n, what: fmt.Sprintf("folio build, %d documents added", addedDocs), kind: "added"}
	older := row{docs: n, what: fmt.Sprintf("folio build, %d older documents added", addedDocs), kind: "older added"}
	floorOut, folioOut := filepath.Join(c.out, "floor"), filepath.Join(c.out, "folio")
	build := []string{"build", "--source", c.site, "--dest", folioOut}
	failed := func(r *row) bool { return len(r.runs) > 0 && r.runs[len(r.runs)-1].fail != "" }
	// one runs a measurement unless it already failed, counts the files in
	// out, and reports progress.
	one := func(r *row, i int, out string, name string, args ...string) (string, bool) {
		if failed(r) {
			return "", false
		}
		s, stdout := run(ctx, lim, name, args...)
		if s.fail == "" {
			s.files = countFiles(out)
		}
		r.runs = append(r.runs, s)
		fmt.Fprintf(progress, "  %s, run %d/%d: %s\n", r.what, i+1, cfg.runs, r.run(s))
		return stdout, s.fail == ""
	}
	var summary string
	for i := range cfg.runs {
		if err := os.RemoveAll(floorOut); err != nil {
			return nil, "", err
		}
		one(&floor, i, floorOut, cfg.floor, c.site, floorOut)
		if err := os.RemoveAll(floorOut); err != nil {
			return nil, "", err
		}
		if ctx.Err() != nil {
			return nil, "", errInterrupted
		}

		// A cold build finds neither the output, nor the tree a build
		// replaced kept beside it (the spare), nor the build cache.
		for _, p := range []string{folioOut, filepath.Join(c.out, ".folio.spare")} {
			if err := os.RemoveAll(p); err != nil {
				return nil, "", err
			}
		}
		if err := os.RemoveAll(filepath.Join(c.site, cacheDir)); err != nil {
			return nil, "", err
		}
		out, ok := one(&cold, i, folioOut, cfg.folio, build...)
		if summary == "" {
			summary = strings.TrimSpace(strings.SplitN(out, "\n", 2)[0])
		}
		if ctx.Err() != nil {
			return nil, "", errInterrupted
		}
		if !ok {
			continue
		}
		one(&warm, i, folioOut, cfg.folio, build...)
		if ctx.Err() != nil {
			return nil, "", errInterrupted
		}
		if err := os.Remove(filepath.Join(c.site, cacheDir, quickRecord)); err != nil {
			whole.runs = append(whole.runs, sample{fail: fmt.Sprintf("no quick record: %v", err), files: -1})
		} else {
			one(&whole, i, folioOut, cfg.folio, build...)
		}
		if ctx.Err() != nil {
			return nil, "", errInterrupted
		}
		err := changeAndBuild(c, i, [][]string{changed, changed2}, []func(){
			func() { one(&part, i, folioOut, cfg.folio, build...) },
			func() { one(&part2, i, folioOut, cfg.folio, build...) },
			func() { one(&added, i, folioOut, cfg.folio, build...) },
			func() { one(&older, i, folioOut, cfg.folio, build...) },
		})
		if err != nil {
			return nil, "", err
		}
		if ctx.Err() != nil {
			return nil, "", errInterrupted
		}
	}
	if failed(&cold) {
		warm.runs = append(warm.runs, sample{fail: "not run: the cold build failed", files: -1})
		whole.runs = append(whole.runs, sample{fail: "not run: the cold build failed", files: -1})
		part.runs = append(part.runs, sample{fail: "not run: the cold build failed", files: -1})
		part2.runs = append(part2.runs, sample{fail: "not run: the cold build failed", files: -1})
		added.runs = append(added.runs, sample{fail: "not run: the cold build failed", files: -1})
		older.runs = append(older.runs, sample{fail: "not run: the cold build failed", files: -1})
	}
	fm, cm := median(floor.runs), median(cold.runs)
	if fm.fail == "" && cm.fail == "" {
		cold.compare = ratio(cm.wall, fm.wall, false) + " floor wall, " + ratio(cm.cpu, fm.cpu, false) + " CPU"
	}
	for _, r := range []*row{&warm, &whole, &part, &part2, &added, &older} {
		if m := median(r.runs); m.fail == "" && cm.fail == "" {
			r.compare = ratio(m.wall, cm.wall, true) + " of cold wall, " + ratio(m.cpu, cm.cpu, true) + " CPU"
		}
	}
	rows := []row{floor, cold, warm, whole, part, part2, added, older}
	if summary != "" {
		note += "; folio said: " + summary
	}

	if cfg.latency {
		first := row{docs: n, what: "folio serve, first build", kind: "serve first", noCPU: true}
		saves := row{docs: n, what: "folio serve, save → reload", kind: "serve save", noCPU: true}
		if failed(&cold) {
			first.runs = []sample{{fail: "not run: the cold build failed", files: -1}}
			saves.runs = first.runs
		} else {
			fmt.Fprintf(progress, "  folio serve: %d saves\n", cfg.edits)
			var doc string
			first.runs = make([]sample, 1)
			first.runs[0], saves.runs, doc = latency(ctx, lim, cfg.folio, c, cfg.edits)
			if ctx.Err() != nil {
				return nil, "", errInterrupted
			}
			saves.compare = fmt.Sprintf("median of %d saves of %s", len(saves.runs), filepath.ToSlash(doc))
		}
		rows = append(rows, first, saves)
	}
	return rows, note, nil
}

// addedDocs is how many documents each "added" measurement adds.
const addedDocs = 30

// An addition is a batch of addedDocs documents that one build finds
// added: dated after all that corpusgen writes (the day's articles) or
// before all of it (older articles an archive has found).
type addition struct{ folder, date, title string }

var additions = []addition{
	{"2099", "2099年01月01日", "当天新增的第%d篇文章"},
	{"1900", "1900年01月01日", "补录的第%d篇旧文章"},
}

// changeAndBuild appends a paragraph to each of sets[k] and then calls
// builds[k], for each k in turn; then, for each build more than sets, it
// adds the next batch of additions and calls that build. It puts every
// document back and removes the added ones, even when a build fails.
func changeAndBuild(c *corpus, i int, sets [][]string, builds []func()) (err error) {
	e, err := c.edit()
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, e.restore()) }()
	for k, docs := range sets {
		for _, d := range docs {
			if _, err := e.appendLine(d, fmt.Sprintf("第%d次测量追加的段落。", i+1)); err != nil {
				return err
			}
		}
		builds[k]()
	}
	for j, build := range builds[len(sets):] {
		a := additions[j]
		for k := range addedDocs {
			if err := e.add(fmt.Sprintf("content/%s/added-%02d.md", a.folder, k), addedDoc(a, k)); err != nil {
				return err
			}
		}
		build()
	}
	return nil
}

// addedDoc is the k-th document of an addition: seed-format front matter
// and a few paragraphs.
func addedDoc(a addition, k int) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "---\ntitle: %s\ndate: %s\nauthor: 人民日报\nversion: 第%02d版\nsource: 人民日报\noriginal_url: http://example.com/added-%s-%d.html\ntags: [人工智能, 教育]\n---\n\n", fmt.Sprintf(a.title, k), a.date, 1+k%20, a.folder, k)
	for p := range 5 {
		fmt.Fprintf(&b, "第%d段：习近平在主持学习时强调，面对新一代人工智能技术快速演进的新形势，要充分发挥新型举国体制优势。\n\n", p+1)
	}
	return []byte(b.String())
}

func parseSizes(s string) ([]int, error) {
	var sizes []int
	for f := range strings.SplitSeq(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("-sizes %q: want positive numbers of documents, comma-separated", s)
		}
		sizes = append(sizes, n)
	}
	return sizes, nil
}

// byteSize is a flag value: a byte count with an optional binary suffix.
type byteSize int64

func (b *byteSize) String() string { return size(int64(*b)) }

func (b *byteSize) Set(s string) error {
	s = strings.TrimSpace(s)
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}} {
		if v, ok := strings.CutSuffix(s, u.suffix); ok {
			s, mult = strings.TrimSpace(v), u.mult
			break
		}
	}
	n, err := strconv.ParseFloat(s, 64)
	if err != nil || n <= 0 {
		return fmt.Errorf("want a size such as 8GiB or 512MiB")
	}
	*b = byteSize(n * float64(mult))
	return nil
}

// loadavg returns the 1, 5 and 15 minute load averages.
func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "unknown"
}

// osRelease is what uname -r prints.
func osRelease() string {
	b, err := os.ReadFile("/proc/sys/kernel/osrelease")
	if err != nil {
		return "unknown"
	}
	return strings.TrimSpace(string(b))
}

func memTotal() string {
	b, _ := os.ReadFile("/proc/meminfo")
	for l := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(l, "MemTotal:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err == nil {
				return size(kb << 10)
			}
		}
	}
	return "unknown"
}

// describe names the commit a binary was built from and the Go version
// that built it. Without version control information in the binary (go
// build -buildvcs=false), it asks git about the working tree if perf built
// the binary there.
func describe(bin string, built bool) string {
	info, err := buildinfo.ReadFile(bin)
	if err != nil {
		return bin
	}
	rev, modified := "", ""
	for _, s := range info.Settings {
		switch {
		case s.Key == "vcs.revision":
			rev = s.Value
		case s.Key == "vcs.modified" && s.Value == "true":
			modified = " with uncommitted changes"
		}
	}
	if rev == "" && built {
		if out, err := exec.Command("git", "rev-parse", "HEAD").Output(); err == nil {
			rev = strings.TrimSpace(string(out))
		}
		if out, err := exec.Command("git", "status", "--porcelain", "--untracked-files=no").Output(); err == nil && len(out) > 0 {
			modified = " with uncommitted changes"
		}
	}
	if rev == "" {
		return fmt.Sprintf("%s, unknown commit, built with %s", bin, info.GoVersion)
	}
	return fmt.Sprintf("commit %s%s, built with %s", rev[:min(12, len(rev))], modified, info.GoVersion)
}
