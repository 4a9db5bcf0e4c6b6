package build

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/yuin/goldmark"

	"github.com/folio-ssg/folio"
	"github.com/folio-ssg/folio/internal/content"
	"github.com/folio-ssg/folio/internal/corpusgen"
	"github.com/folio-ssg/folio/internal/site"
)

// benchDocs is the corpus size; FOLIO_BENCH_DOCS sets another.
var benchDocs = 2000

func init() {
	if n, err := strconv.Atoi(os.Getenv("FOLIO_BENCH_DOCS")); err == nil && n > 0 {
		benchDocs = n
	}
}

// BenchmarkBuild is a cold build of a generated corpus: load, assemble,
// render and write.
func BenchmarkBuild(b *testing.B) {
	root := b.TempDir()
	if err := corpusgen.Write(root, benchDocs); err != nil {
		b.Fatal(err)
	}
	dest := filepath.Join(b.TempDir(), "public")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Build(context.Background(), Config{Source: root, Dest: dest, Theme: folio.Theme()}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(benchDocs)*float64(b.N)/b.Elapsed().Seconds(), "docs/s")
}

// BenchmarkGoldmarkBaseline converts the same corpus with a plain goldmark,
// one document after another: the baseline BenchmarkBuild is compared with.
func BenchmarkGoldmarkBaseline(b *testing.B) {
	root := b.TempDir()
	if err := corpusgen.Write(root, benchDocs); err != nil {
		b.Fatal(err)
	}
	var srcs [][]byte
	filepath.WalkDir(filepath.Join(root, "content"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			s, _ := os.ReadFile(p)
			srcs = append(srcs, s)
		}
		return err
	})
	md := goldmark.New()
	var out strings.Builder
	b.ReportAllocs()
	for b.Loop() {
		for _, s := range srcs {
			out.Reset()
			if err := md.Convert(s, &out); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(benchDocs)*float64(b.N)/b.Elapsed().Seconds(), "docs/s")
}

// BenchmarkRebuildOneEdit is the incremental rebuild folio serve runs after
// one document's body changed.
func BenchmarkRebuildOneEdit(b *testing.B) {
	root := b.TempDir()
	if err := corpusgen.Write(root, benchDocs); err != nil {
		b.Fatal(err)
	}
	bld := New(Config{Source: root, Dest: filepath.Join(b.TempDir(), "public"), Theme: folio.Theme(), InPlace: true, BaseURL: "http://127.0.0.1/"})
	bld.Changed(nil) // a watcher reports every change, as under serve
	if _, err := bld.Build(context.Background()); err != nil {
		b.Fatal(err)
	}
	p := filepath.Join(root, "content", "2010")
	entries, err := os.ReadDir(p)
	if err != nil || len(entries) == 0 {
		b.Fatal("no documents in 2010", err)
	}
	doc := filepath.Join(p, entries[0].Name())
	src, _ := os.ReadFile(doc)
	i := 0
	// FOLIO_BENCH_PROFILE=FILE profiles the rebuilds alone, without the
	// first build that -cpuprofile would count in.
	if f := os.Getenv("FOLIO_BENCH_PROFILE"); f != "" {
		pf, err := os.Create(f)
		if err != nil {
			b.Fatal(err)
		}
		if err := pprof.StartCPUProfile(pf); err != nil {
			b.Fatal(err)
		}
		defer pprof.StopCPUProfile()
	}
	for b.Loop() {
		i++
		os.WriteFile(doc, fmt.Appendf(src, "\n编辑 %d。\n", i), 0o644)
		bld.Changed([]string{"content/2010/" + entries[0].Name()})
		res, err := bld.Build(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		// Its page, its neighbours' and the list pages that show it
		// (home, section, year, month, tags, facets), whose stamps cover
		// the listed document's whole source.
		if os.Getenv("FOLIO_BENCH_PHASES") != "" {
			b.Log(res.Phases)
		}
		if res.Rendered > 20 {
			b.Fatalf("one edit rendered %d pages", res.Rendered)
		}
	}
}

// BenchmarkCacheRead reads the build cache of a generated corpus, and
// BenchmarkCacheWrite writes it: what every build that uses the cache
// spends on it, but for the files' and the bodies' checks.
func BenchmarkCacheRead(b *testing.B) {
	dir := benchCache(b)
	b.ReportAllocs()
	for b.Loop() {
		if c, err := readCache(dir); err != nil || c == nil {
			b.Fatalf("readCache: %v", err)
		}
	}
}

func BenchmarkCacheWrite(b *testing.B) {
	c, err := readCache(benchCache(b))
	if err != nil || c == nil {
		b.Fatalf("readCache: %v", err)
	}
	dir := b.TempDir()
	b.ReportAllocs()
	for b.Loop() {
		if err := writeCache(dir, c); err != nil {
			b.Fatal(err)
		}
	}
}

// benchCache builds a generated corpus of benchDocs documents and returns
// the folder of its build cache.
func benchCache(b *testing.B) string {
	b.Helper()
	root := b.TempDir()
	if err := corpusgen.Write(root, benchDocs); err != nil {
		b.Fatal(err)
	}
	cache := filepath.Join(root, ".folio-cache")
	if _, err := Build(context.Background(), Config{Source: root, Dest: filepath.Join(b.TempDir(), "public"), CacheDir: cache, Theme: folio.Theme()}); err != nil {
		b.Fatal(err)
	}
	return cache
}

// BenchmarkCatalogFiles makes catalog.json and catalog.csv of a generated
// corpus, which every build that changed a document makes again.
func BenchmarkCatalogFiles(b *testing.B) {
	root := b.TempDir()
	if err := corpusgen.Write(root, benchDocs); err != nil {
		b.Fatal(err)
	}
	var docs []*site.Doc
	err := filepath.WalkDir(filepath.Join(root, "content"), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		doc, errs := content.Parse(filepath.ToSlash(rel), src, content.Config{Location: time.UTC})
		if errs != nil {
			return errs
		}
		docs = append(docs, &site.Doc{Doc: doc})
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	s, err := site.New(site.Config{BaseURL: "https://example.org/"}, docs, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := catalogFiles(s); err != nil {
			b.Fatal(err)
		}
	}
}
