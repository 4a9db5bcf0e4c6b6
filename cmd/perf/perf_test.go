package main

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestMain lets the tests run this binary as a child that behaves as
// PERF_TEST_CHILD says.
func TestMain(m *testing.M) {
	switch os.Getenv("PERF_TEST_CHILD") {
	case "":
		os.Exit(m.Run())
	case "hello":
		fmt.Println("hello")
	case "grow":
		b := make([]byte, 256<<20)
		for i := 0; i < len(b); i += 4096 {
			b[i] = 1
		}
		time.Sleep(10 * time.Second)
	case "sleep":
		time.Sleep(10 * time.Second)
	}
	os.Exit(0)
}

func runChild(behaviour string, lim limits) (sample, string) {
	lim.env = []string{"PERF_TEST_CHILD=" + behaviour}
	return run(context.Background(), lim, os.Args[0])
}

func TestRunMeasuresAChild(t *testing.T) {
	s, out := runChild("hello", limits{maxRSS: 1 << 30, timeout: time.Minute})
	// Windows does not say a process's peak resident set (maxRSS).
	if s.fail != "" || out != "hello\n" || s.wall <= 0 || s.rss <= 0 && runtime.GOOS != "windows" {
		t.Errorf("run = %+v, %q; want a figure and hello", s, out)
	}
}

func TestRunKillsAChildAboveMaxRSS(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("a child's resident set is read from /proc, which only Linux has")
	}
	start := time.Now()
	s, _ := runChild("grow", limits{maxRSS: 64 << 20, timeout: time.Minute})
	if s.fail != "killed above 64 MiB" {
		t.Errorf("run of a child growing to 256 MiB under -maxrss 64MiB: fail = %q", s.fail)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("the child was killed after %v, want at once", d)
	}
}

func TestRunStopsAChildAfterTheTimeout(t *testing.T) {
	s, _ := runChild("sleep", limits{maxRSS: 1 << 30, timeout: 200 * time.Millisecond})
	if !strings.HasPrefix(s.fail, "timed out after 200ms") {
		t.Errorf("run of a sleeping child with a 200ms timeout: fail = %q", s.fail)
	}
}

func TestMedianTakesEachFigureApart(t *testing.T) {
	for _, tt := range []struct {
		runs []sample
		want sample
	}{
		{
			[]sample{{wall: 3 * time.Second, cpu: 1, rss: 30, files: 5}, {wall: 1 * time.Second, cpu: 9, rss: 10, files: 5}, {wall: 2 * time.Second, cpu: 5, rss: 20, files: 5}},
			sample{wall: 2 * time.Second, cpu: 5, rss: 20, files: 5},
		},
		{
			[]sample{{wall: 4, cpu: 4, rss: 4, files: 2}, {wall: 2, cpu: 2, rss: 2, files: 2}},
			sample{wall: 3, cpu: 3, rss: 3, files: 2},
		},
		{
			[]sample{{wall: 1, files: 1}, {fail: "killed above 8 GiB"}, {wall: 2, files: 1}},
			sample{fail: "killed above 8 GiB", files: -1},
		},
		{nil, sample{fail: "not run"}},
	} {
		if got := median(tt.runs); got != tt.want {
			t.Errorf("median(%v) = %+v, want %+v", tt.runs, got, tt.want)
		}
	}
}

func TestTableLayout(t *testing.T) {
	rows := []row{
		{docs: 10000, what: "goldmark floor", runs: []sample{{wall: 1200 * time.Millisecond, cpu: 2300 * time.Millisecond, rss: 40 << 20, files: 10000}}},
		{docs: 10000, what: "folio build, cold", runs: []sample{{wall: 4800 * time.Millisecond, cpu: 6900 * time.Millisecond, rss: 3 << 29, files: 12345}}, compare: "4.0× floor wall, 3.0× CPU"},
		{docs: 1000000, what: "folio build, cold", runs: []sample{{fail: "killed above 8 GiB"}}},
		{docs: 10000, what: "folio serve, save → reload", runs: []sample{{wall: 150 * time.Millisecond}, {wall: 170 * time.Millisecond}}, noCPU: true, compare: "median of 2 saves"},
	}
	want := `| documents | measurement | wall | CPU | peak RSS | files | wall µs/doc | CPU µs/doc | compared |
|---:|---|---:|---:|---:|---:|---:|---:|---|
| 10,000 | goldmark floor | 1.20 s | 2.30 s | 40 MiB | 10,000 | 120 | 230 |  |
| 10,000 | folio build, cold | 4.80 s | 6.90 s | 1.50 GiB | 12,345 | 480 | 690 | 4.0× floor wall, 3.0× CPU |
| 1,000,000 | folio build, cold | killed above 8 GiB |  |  |  |  |  |  |
| 10,000 | folio serve, save → reload | 160 ms |  |  |  |  |  | median of 2 saves |
`
	if got := table(rows); got != want {
		t.Errorf("table:\n%s\nwant:\n%s", got, want)
	}
	wantRaw := `- 10,000, goldmark floor: 1.20 s / 2.30 s / 40 MiB
- 10,000, folio build, cold: 4.80 s / 6.90 s / 1.50 GiB
- 1,000,000, folio build, cold: killed above 8 GiB
- 10,000, folio serve, save → reload: 150 ms; 170 ms
`
	if got := raw(rows); got != wantRaw {
		t.Errorf("raw:\n%s\nwant:\n%s", got, wantRaw)
	}
}

func TestFormats(t *testing.T) {
	for _, tt := range []struct{ got, want string }{
		{dur(850 * time.Microsecond), "850 µs"},
		{dur(4567 * time.Microsecond), "4.57 ms"},
		{dur(45678 * time.Microsecond), "45.7 ms"},
		{dur(456 * time.Millisecond), "456 ms"},
		{dur(4567 * time.Millisecond), "4.57 s"},
		{dur(45678 * time.Millisecond), "45.7 s"},
		{dur(742 * time.Second), "742 s"},
		{size(8 << 30), "8 GiB"},
		{size(3 << 29), "1.50 GiB"},
		{size(41<<20 + 1000), "41 MiB"},
		{size(2048), "2 KiB"},
		{count(0), "0"},
		{count(999), "999"},
		{count(10000), "10,000"},
		{count(1000000), "1,000,000"},
		{perDoc(1200*time.Millisecond, 10000), "120"},
		{perDoc(450*time.Millisecond, 10000), "45.0"},
		{ratio(4*time.Second, 1*time.Second, false), "4.0×"},
		{ratio(1*time.Second, 4*time.Second, true), "25%"},
		{ratio(1*time.Second, 0, true), "–"},
	} {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

func TestOnePercentIsDeterministicAndOneInAHundred(t *testing.T) {
	for _, n := range []int{1, 99, 100, 101, 10000, 123456} {
		docs := make([]string, n)
		for i := range docs {
			docs[i] = fmt.Sprintf("content/%d/doc%06d.md", 2000+i%26, i)
		}
		slices.Sort(docs)
		a, b := onePercent(docs), onePercent(slices.Clone(docs))
		if !slices.Equal(a, b) {
			t.Errorf("onePercent of %d documents differs between calls", n)
		}
		if want := (n + 99) / 100; len(a) != want {
			t.Errorf("onePercent of %d documents chose %d, want %d", n, len(a), want)
		}
		seen := make(map[string]bool)
		for _, d := range a {
			if seen[d] {
				t.Errorf("onePercent of %d documents chose %s twice", n, d)
			}
			seen[d] = true
		}
	}
}

func TestParseFlags(t *testing.T) {
	sizes, err := parseSizes("10000, 100000,1000000")
	if err != nil || !slices.Equal(sizes, []int{10000, 100000, 1000000}) {
		t.Errorf("parseSizes = %v, %v", sizes, err)
	}
	for _, bad := range []string{"", "10k", "0", "10,,20"} {
		if _, err := parseSizes(bad); err == nil {
			t.Errorf("parseSizes(%q) = nil error, want one", bad)
		}
	}
	for _, tt := range []struct {
		in   string
		want byteSize
	}{{"8GiB", 8 << 30}, {"512 MiB", 512 << 20}, {"1.5GiB", 3 << 29}, {"4096", 4096}} {
		var b byteSize
		if err := b.Set(tt.in); err != nil || b != tt.want {
			t.Errorf("Set(%q) = %d, %v, want %d", tt.in, b, err, tt.want)
		}
	}
	var b byteSize
	if err := b.Set("8GB"); err == nil {
		t.Error(`Set("8GB") = nil error, want one`)
	}
}

func TestCorpusIsReusedOnlyWhileIntact(t *testing.T) {
	dir := t.TempDir()
	c, took, err := prepare(dir, 5)
	if err != nil || took == 0 || len(c.docs) != 5 {
		t.Fatalf("prepare of a new corpus = %v, %v, %v; want 5 documents written", c, took, err)
	}
	doc := c.docs[2]
	before, _ := os.ReadFile(c.site + "/" + doc)
	if _, took, _ = prepare(dir, 5); took != 0 {
		t.Error("prepare wrote an intact corpus again")
	}

	e, err := c.edit()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.appendLine(doc, "追加的段落。"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.appendLine(doc, "再追加的段落。"); err != nil {
		t.Fatal(err)
	}
	edited, _ := os.ReadFile(c.site + "/" + doc)
	if want := string(before) + "\n追加的段落。\n\n再追加的段落。\n"; string(edited) != want {
		t.Errorf("edited document = %q, want %q", edited, want)
	}
	if _, err := os.Stat(c.stamp); !os.IsNotExist(err) {
		t.Errorf("the stamp is still there while a document is edited: %v", err)
	}
	if err := e.add("content/2099/added-00.md", addedDoc(additions[0], 0)); err != nil {
		t.Fatal(err)
	}
	if err := e.add("content/2099/added-00.md", addedDoc(additions[0], 1)); err == nil {
		t.Error("add wrote over a document it had added")
	}
	if err := e.add("content/1900/added-00.md", addedDoc(additions[1], 0)); err != nil {
		t.Fatal(err)
	}
	if docs, err := list(c.site); err != nil || len(docs) != 7 {
		t.Errorf("with two documents added, %d documents (%v), want 7", len(docs), err)
	}
	if err := e.restore(); err != nil {
		t.Fatal(err)
	}
	if after, _ := os.ReadFile(c.site + "/" + doc); string(after) != string(before) {
		t.Errorf("restored document = %q, want %q", after, before)
	}
	for _, a := range additions {
		if _, err := os.Stat(c.site + "/content/" + a.folder); !os.IsNotExist(err) {
			t.Errorf("the added document's folder %s is still there: %v", a.folder, err)
		}
	}
	if _, took, _ = prepare(dir, 5); took != 0 {
		t.Error("prepare wrote a restored corpus again")
	}

	os.Remove(c.site + "/" + c.docs[0])
	if c, took, _ = prepare(dir, 5); took == 0 || len(c.docs) != 5 {
		t.Error("prepare reused a corpus with a document missing")
	}
}

func TestGrowthComparesTimePerDocument(t *testing.T) {
	rows := []row{
		{docs: 10000, kind: "floor", runs: []sample{{wall: time.Second, cpu: 2 * time.Second}}},
		{docs: 10000, kind: "cold", runs: []sample{{wall: 4 * time.Second, cpu: 8 * time.Second}}},
		{docs: 10000, kind: "serve save", noCPU: true, runs: []sample{{wall: time.Second}}},
		{docs: 100000, kind: "floor", runs: []sample{{wall: 10 * time.Second, cpu: 22 * time.Second}}},
		{docs: 100000, kind: "cold", runs: []sample{{wall: 60 * time.Second, cpu: 80 * time.Second}}},
		{docs: 100000, kind: "serve save", noCPU: true, runs: []sample{{wall: time.Second}}},
		{docs: 1000000, kind: "floor", runs: []sample{{wall: 100 * time.Second, cpu: 200 * time.Second}}},
		{docs: 1000000, kind: "cold", runs: []sample{{fail: "killed above 8 GiB"}}},
	}
	want := `- floor (against 10,000): 100,000 wall 1.00×, CPU 1.10×; 1,000,000 wall 1.00×, CPU 1.00×
- cold (against 10,000): 100,000 wall 1.50×, CPU 1.00×; 1,000,000 killed above 8 GiB
`
	if got := growth(rows); got != want {
		t.Errorf("growth:\n%s\nwant:\n%s", got, want)
	}
	if got := growth(rows[:3]); got != "" {
		t.Errorf("growth of one corpus = %q, want nothing", got)
	}
}
