package build

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/folio-ssg/folio"
	"github.com/folio-ssg/folio/internal/linkcheck"
)

// exampleRoot is the bundled example site: the repository root.
func exampleRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func buildExample(t *testing.T, dest, baseURL string, workers int) *Result {
	t.Helper()
	res, err := Build(context.Background(), Config{Source: exampleRoot(t), Dest: dest, BaseURL: baseURL, Theme: folio.Theme(), Workers: workers})
	if err != nil {
		t.Fatalf("build the bundled example: %v", err)
	}
	return res
}

func TestBundledExampleHasNoBrokenLinksUnderBasePath(t *testing.T) {
	t.Parallel()
	dest := filepath.Join(t.TempDir(), "public")
	buildExample(t, dest, "https://user.github.io/repo/", 0)
	problems, err := linkcheck.Check(os.DirFS(dest), linkcheck.Config{BaseURL: "https://user.github.io/repo/"})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Error(p)
	}
	// The checker itself must see the links: a page with a link outside
	// /repo/ is reported.
	bad := filepath.Join(dest, "bad.html")
	os.WriteFile(bad, []byte(`<a href="/tags/">x</a><img src="/repo/missing.png">`), 0o644)
	problems, _ = linkcheck.Check(os.DirFS(dest), linkcheck.Config{BaseURL: "https://user.github.io/repo/"})
	if len(problems) != 2 {
		t.Errorf("link checker found %d problems in a page with two bad links: %v", len(problems), problems)
	}
}

func TestPagesEssentials(t *testing.T) {
	t.Parallel()
	s := newSite(t, seedSite+"-- static/extra.txt --\nx\n").build(func(c *Config) { c.BaseURL = "https://user.github.io/repo/" })
	s.assertFile(".nojekyll")
	s.assertFile("robots.txt", "Sitemap: https://user.github.io/repo/sitemap.xml")
	s.assertFile("favicon.svg", "<svg")
	s.assertFile("404.html", `href="/repo/style.css"`, `href="/repo/"`, "页面不存在")
	if s.exists("CNAME") {
		t.Error("CNAME written without a domain")
	}
	var sm struct {
		URLs []struct {
			Loc     string `xml:"loc"`
			LastMod string `xml:"lastmod"`
		} `xml:"url"`
	}
	if err := xml.Unmarshal([]byte(s.file("sitemap.xml")), &sm); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, u := range sm.URLs {
		if !strings.HasPrefix(u.Loc, "https://user.github.io/repo/") {
			t.Errorf("sitemap entry %s is outside the base URL", u.Loc)
		}
		if strings.Contains(u.Loc, "/2025/04/") && u.LastMod == "2025-04-27" {
			found = true
		}
		if strings.HasSuffix(u.Loc, "404.html") {
			t.Error("sitemap lists the 404 page")
		}
	}
	if !found {
		t.Error("sitemap has no entry for the seed article with lastmod 2025-04-27")
	}

	d := newSite(t, "-- folio.yaml --\ndomain: docs.example.org\n-- content/a.md --\n# A\n").build()
	d.assertFile("CNAME", "docs.example.org\n")
}

type atomFeed struct {
	Lang    string `xml:"lang,attr"`
	Title   string `xml:"title"`
	Updated string `xml:"updated"`
	Links   []struct {
		Rel  string `xml:"rel,attr"`
		Href string `xml:"href,attr"`
	} `xml:"link"`
	Entries []struct {
		Title     string `xml:"title"`
		ID        string `xml:"id"`
		Published string `xml:"published"`
		Updated   string `xml:"updated"`
		Link      struct {
			Href string `xml:"href,attr"`
		} `xml:"link"`
		Summary  string `xml:"summary"`
		Content  string `xml:"content"`
		Category []struct {
			Term string `xml:"term,attr"`
		} `xml:"category"`
	} `xml:"entry"`
}

func TestFeeds(t *testing.T) {
	t.Parallel()
	s := newSite(t, seedSite+"-- folio.yaml --\ntitle: 测试文库\nfeed:\n  entries: 2\n").build(func(c *Config) { c.BaseURL = "https://user.github.io/repo/" })
	var f atomFeed
	if err := xml.Unmarshal([]byte(s.file("feed.xml")), &f); err != nil {
		t.Fatal(err)
	}
	if f.Lang != "zh-CN" || f.Title != "测试文库" {
		t.Errorf("feed lang %q title %q", f.Lang, f.Title)
	}
	if len(f.Entries) != 2 {
		t.Fatalf("feed has %d entries, want 2 (feed.entries)", len(f.Entries))
	}
	e := f.Entries[0]
	if e.Title != "习近平在中共中央政治局第二十次集体学习时强调" || !strings.HasPrefix(e.Published, "2025-04-27T00:00:00+08:00") {
		t.Errorf("first entry %q published %q", e.Title, e.Published)
	}
	if want := "https://user.github.io/repo/news/000_0cc289df36280051/"; e.Link.Href != want {
		t.Errorf("entry link %q, want %s", e.Link.Href, want)
	}
	if e.Summary == "" || e.Content != "" {
		t.Errorf("summary feed: summary %q, content %q", e.Summary, e.Content)
	}
	if len(e.Category) != 2 || e.Category[0].Term != "人工智能" {
		t.Errorf("categories %v", e.Category)
	}

	var tag atomFeed
	if err := xml.Unmarshal([]byte(s.file("tags/人工智能/feed.xml")), &tag); err != nil {
		t.Fatal(err)
	}
	if len(tag.Entries) != 1 {
		t.Errorf("tag feed has %d entries, want 1", len(tag.Entries))
	}

	var jf struct {
		Version string `json:"version"`
		Title   string `json:"title"`
		FeedURL string `json:"feed_url"`
		Lang    string `json:"language"`
		Items   []struct {
			ID            string   `json:"id"`
			URL           string   `json:"url"`
			Title         string   `json:"title"`
			DatePublished string   `json:"date_published"`
			Tags          []string `json:"tags"`
		} `json:"items"`
	}
	if err := json.Unmarshal([]byte(s.file("feed.json")), &jf); err != nil {
		t.Fatal(err)
	}
	if jf.Version != "https://jsonfeed.org/version/1.1" || jf.FeedURL != "https://user.github.io/repo/feed.json" || jf.Lang != "zh-CN" || len(jf.Items) != 2 {
		t.Errorf("json feed = %+v", jf)
	}
	s.assertFile("index.html",
		`<link rel="alternate" type="application/atom+xml" title="测试文库" href="/repo/feed.xml">`,
		`<link rel="alternate" type="application/feed+json" title="测试文库" href="/repo/feed.json">`)
	s.assertFile("tags/人工智能/index.html", `type="application/atom+xml" title="测试文库 · 人工智能" href="/repo/tags/%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD/feed.xml"`)

	full := newSite(t, seedSite+"-- folio.yaml --\nfeed:\n  content: full\n").build()
	var ff atomFeed
	if err := xml.Unmarshal([]byte(full.file("feed.xml")), &ff); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(ff.Entries[0].Content, "新华社北京4月26日电") {
		t.Errorf("full-content feed entry lacks the body: %q", ff.Entries[0].Content)
	}
}

// treeHash hashes every file's path and bytes in sorted order.
func treeHash(t *testing.T, dir string) (string, int) {
	t.Helper()
	files := readTree(t, dir)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	h := sha256.New()
	for _, n := range names {
		fmt.Fprintf(h, "%s\x00%d\x00%s", n, len(files[n]), files[n])
	}
	return fmt.Sprintf("%x", h.Sum(nil)), len(files)
}

func TestReproducibleAcrossFoldersAndCores(t *testing.T) {
	t.Parallel()
	a := filepath.Join(t.TempDir(), "one", "public")
	b := filepath.Join(t.TempDir(), "two", "site")
	buildExample(t, a, "https://user.github.io/repo/", 1)
	prev := runtime.GOMAXPROCS(2)
	defer runtime.GOMAXPROCS(prev)
	buildExample(t, b, "https://user.github.io/repo/", 0)
	ha, na := treeHash(t, a)
	hb, nb := treeHash(t, b)
	if ha != hb || na != nb {
		t.Errorf("two builds differ: %d files %s vs %d files %s", na, ha, nb, hb)
	}
}

func TestStrictFailsOverPagesLimitsAndWritesNothing(t *testing.T) {
	t.Parallel()
	if w := pagesWarnings(2<<30, "big.bin", 150<<20); len(w) != 2 {
		t.Errorf("pagesWarnings over both limits = %v", w)
	}
	if w := pagesWarnings(10<<20, "a.html", 1<<20); len(w) != 0 {
		t.Errorf("pagesWarnings for a small site = %v", w)
	}
	s := newSite(t, "-- folio.yaml --\nmax_file_mb: 200\n-- content/a.md --\n# A\n")
	// A file of zeros with no pages behind it (sparse): the build reads
	// and copies it as any other, without the test copying 100 MB too.
	s.write("static/big.bin", "")
	if err := os.Truncate(filepath.Join(s.root, "static", "big.bin"), pagesFileLimit+1); err != nil {
		t.Fatal(err)
	}
	s.build()
	if len(s.result.Warnings) != 1 || !strings.Contains(s.result.Warnings[0], "big.bin") {
		t.Errorf("warnings = %v, want one about big.bin", s.result.Warnings)
	}
	os.RemoveAll(s.dest)
	s.b = nil
	s.tryBuild(func(c *Config) { c.Strict = true })
	if s.err == nil || !strings.Contains(s.err.Error(), "100 MB") {
		t.Errorf("strict build error = %v", s.err)
	}
	if s.exists("index.html") {
		t.Error("a strict build that failed wrote output")
	}
}

func TestSymlinksInStaticAreWarnedAndNeverWritten(t *testing.T) {
	t.Parallel()
	s := newSite(t, "-- content/a.md --\n# A\n-- static/real.txt --\nreal\n-- elsewhere/secret.txt --\nsecret\n")
	if err := os.Symlink(filepath.Join(s.root, "elsewhere", "secret.txt"), filepath.Join(s.root, "static", "link.txt")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(s.root, "elsewhere"), filepath.Join(s.root, "static", "dir")); err != nil {
		t.Fatal(err)
	}
	s.build()
	if got := strings.Join(s.result.Warnings, "\n"); !strings.Contains(got, "static/link.txt is a symlink") || !strings.Contains(got, "static/dir is a symlink to a folder") {
		t.Errorf("warnings = %q", got)
	}
	fi, err := os.Lstat(filepath.Join(s.dest, "link.txt"))
	if err != nil || fi.Mode()&os.ModeSymlink != 0 {
		t.Errorf("link.txt in the output: %v, %v; want a regular file", fi, err)
	}
	s.b = nil
	os.RemoveAll(s.dest)
	s.tryBuild(func(c *Config) { c.Strict = true })
	if s.err == nil {
		t.Error("strict build with a symlink in static/ succeeded")
	}
}

func TestNoBuildTimeInOutput(t *testing.T) {
	t.Parallel()
	today := time.Now().UTC().Format("2006-01-02")
	s := newSite(t, "-- content/a.md --\n# 无日期\n").build(func(c *Config) { c.BaseURL = "https://example.org/" })
	for name, data := range s.tree() {
		if strings.Contains(data, today) {
			t.Errorf("%s contains today's date %s", name, today)
		}
	}
	// Nothing is dated and no source date is set: feed's placeholder,
	// never the Unix epoch.
	s.assertFile("feed.xml", "<updated>2000-01-01T00:00:00Z</updated>", "! 1970")
	e := newSite(t, "-- content/a.md --\n# 无日期\n").build(func(c *Config) {
		c.BaseURL = "https://example.org/"
		c.SourceDate = time.Unix(1745712000, 0) // SOURCE_DATE_EPOCH
	})
	e.assertFile("feed.xml", "<updated>2025-04-27T00:00:00Z</updated>")
}

func TestPagesNearingLimits(t *testing.T) {
	t.Parallel()
	if w := pagesNearing(500<<20, 30000, 10000, "a.html", 1<<20); len(w) != 0 {
		t.Errorf("half the limit: %v", w)
	}
	w := pagesNearing(900<<20, 300000, 100000, "search/x.json", 60<<20)
	if len(w) != 2 {
		t.Fatalf("nearing both limits: %v", w)
	}
	// 900 MiB for 100,000 documents is 9,437 bytes a document; 124 MiB are
	// left, room for 13,778 more.
	for _, want := range []string{"0.88 GB, 88% of the 1 GB", "9.2 KB and 3.0 files a document", "about 13778 more documents fit"} {
		if !strings.Contains(w[0], want) {
			t.Errorf("site warning %q lacks %q", w[0], want)
		}
	}
	if !strings.Contains(w[1], "search/x.json is 60.0 MB") {
		t.Errorf("file warning %q", w[1])
	}
	if w := pagesNearing(2<<30, 1, 1, "a", 200<<20); len(w) != 0 {
		t.Errorf("over the limits is pagesWarnings' to say: %v", w)
	}
}
