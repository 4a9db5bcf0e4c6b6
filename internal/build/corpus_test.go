package build

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/folio-ssg/folio"
	"github.com/folio-ssg/folio/internal/content"
	"github.com/folio-ssg/folio/internal/corpusgen"
)

// corpus returns the path of a folder of ../shared/corpus. Where it is
// absent the test skips, unless FOLIO_REQUIRE_CORPUS is set (CI sets it).
func corpus(t testing.TB, name string) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", "..", "shared", "corpus", name))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("FOLIO_REQUIRE_CORPUS") != "" {
			t.Fatalf("corpus %s is required here: %v", name, err)
		}
		t.Skipf("corpus %s not present: %v", name, err)
	}
	return dir
}

// siteFromFolder makes a site root whose content/ is a copy of dir.
func siteFromFolder(t testing.TB, dir, config string) string {
	t.Helper()
	root := t.TempDir()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		dst := filepath.Join(root, "content", rel)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	if config != "" {
		if err := os.WriteFile(filepath.Join(root, "folio.yaml"), []byte(config), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

var lawNameDate = regexp.MustCompile(`\((\d{4})-(\d{2})-(\d{2})\)\.md$`)

func TestCorpusLawsZh(t *testing.T) {
	t.Parallel()
	dir := corpus(t, "laws-zh")
	// Successive versions of one law share a title and sometimes a month,
	// and the 民法典's parts share one title and date: the default permalink
	// would put them at one URL, which is an error. :path keeps them apart.
	root := siteFromFolder(t, dir, "permalink: /:path/\n")
	b := New(Config{Source: root, Theme: folio.Theme()})
	b.memory = true // the pages are checked as they would be written
	res, err := b.Build(context.Background())
	if err != nil {
		t.Fatalf("build laws-zh: %v", err)
	}
	files, err := content.Walk(os.DirFS(root), "content")
	if err != nil {
		t.Fatal(err)
	}
	var docs int
	for _, f := range files {
		if content.Classify(f) == content.KindDoc {
			docs++
		}
	}
	// README.md is the corpus's one draft.
	if res.Docs+res.Drafts != docs {
		t.Errorf("published %d + %d drafts of %d documents", res.Docs, res.Drafts, docs)
	}

	// Every document has a page with a non-empty title.
	var checked, withDate, correct int
	var wrong []string
	for _, l := range b.loaded {
		d := l.doc
		if d == nil || d.Draft {
			continue
		}
		checked++
		if strings.TrimSpace(d.Title) == "" {
			t.Errorf("%s: empty title", d.Path)
		}
		// Expected date: the file name's, else the opening lines' latest
		// date as read by a person.
		want := ""
		if m := lawNameDate.FindStringSubmatch(d.Path); m != nil {
			want = m[1] + "-" + m[2] + "-" + m[3]
		} else {
			// The build drops the body once converted: read the file.
			src, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(d.Path)))
			if err != nil {
				t.Fatal(err)
			}
			want = latestLeadingDate(src)
		}
		if want == "" {
			continue
		}
		withDate++
		if d.Date.String() == want {
			correct++
		} else {
			wrong = append(wrong, fmt.Sprintf("%s: %s, want %s", d.Path, d.Date, want))
		}
	}
	h1 := regexp.MustCompile(`<h1>(.*?)</h1>`)
	shown := map[string]bool{}
	for name, html := range b.dest.mem {
		if strings.HasSuffix(name, "/index.html") {
			for _, m := range h1.FindAllSubmatch(html, -1) {
				shown[string(m[1])] = true
			}
		}
	}
	for _, l := range b.loaded {
		if l.doc == nil || l.doc.Draft {
			continue
		}
		if !shown[htmlEscape(l.doc.Title)] {
			t.Errorf("%s: no page shows its title %q", l.doc.Path, l.doc.Title)
		}
	}
	ratio := float64(correct) / float64(max(withDate, 1))
	t.Logf("laws-zh: %d documents, %d pages; %d of %d dated files dated correctly (%.1f%%)", checked, res.Pages, correct, withDate, 100*ratio)
	if ratio < 0.95 {
		t.Errorf("%.1f%% dated correctly, want >= 95%%; first misses:\n%s", 100*ratio, strings.Join(wrong[:min(20, len(wrong))], "\n"))
	}
}

var leadingDate = regexp.MustCompile(`^\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日`)

// latestLeadingDate is the test's own reading of a law's opening lines: the
// latest Arabic-numeral date that starts a line before "<!-- INFO END -->".
func latestLeadingDate(body []byte) string {
	latest := ""
	for i, line := range strings.Split(string(body), "\n") {
		if strings.Contains(line, "INFO END") || strings.HasPrefix(line, "## ") || i > 40 {
			break
		}
		if m := leadingDate.FindStringSubmatch(line); m != nil {
			var y, mo, d int
			fmt.Sscan(m[1], &y)
			fmt.Sscan(m[2], &mo)
			fmt.Sscan(m[3], &d)
			if s := fmt.Sprintf("%04d-%02d-%02d", y, mo, d); s > latest {
				latest = s
			}
		}
	}
	return latest
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;").Replace(s)
}

var signedLine = regexp.MustCompile(`(?m)^date_signed:\s*(.*)$`)

func TestCorpusNYCExecutiveOrders(t *testing.T) {
	t.Parallel()
	dir := corpus(t, "nyc-eo")
	root := siteFromFolder(t, dir, "date_keys: [date, date_signed]\nlanguage: en-US\nid_key: eo_id\nbase_url: https://example.org/\n")
	b := New(Config{Source: root, Theme: folio.Theme()})
	b.memory = true // the pages are checked as they would be written
	res, err := b.Build(context.Background())
	if err != nil {
		t.Fatalf("build nyc-eo: %v", err)
	}
	var signed, dated, nullTitles int
	for p, l := range b.loaded {
		if l.doc == nil {
			continue
		}
		src, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(p)))
		if err != nil {
			t.Fatal(err)
		}
		m := signedLine.FindSubmatch(src)
		if m != nil && strings.TrimSpace(string(m[1])) != "null" {
			signed++
			want := strings.Trim(strings.TrimSpace(string(m[1])), `'"`)
			if l.doc.Date.String() == want {
				dated++
			} else {
				t.Errorf("%s: date %q, want %q from date_signed", p, l.doc.Date, want)
			}
		}
		if strings.Contains(string(src), "\ntitle: null\n") {
			nullTitles++
			if l.doc.Title == "" || l.doc.TitleFrom == "front matter" {
				t.Errorf("%s: title: null gave %q from %s", p, l.doc.Title, l.doc.TitleFrom)
			}
		}
	}
	// Every order another supersedes says so on its page, with a link.
	var superseded int
	byID := map[string]string{} // eo_id -> its page's folder under public/
	for _, l := range b.loaded {
		if l.doc != nil {
			byID[l.doc.ID] = strings.TrimSuffix(l.doc.Rel, ".md")
		}
	}
	for _, d := range b.loaded {
		if d.doc == nil {
			continue
		}
		for _, ref := range d.doc.Relations["supersedes"] {
			dir, ok := byID[ref]
			if !ok {
				continue // the corpus is a sample: the order may be outside it
			}
			page, ok := b.dest.mem[dir+"/index.html"]
			if !ok {
				t.Fatalf("no page %s/index.html", dir)
			}
			superseded++
			if !strings.Contains(string(page), "<dt>Superseded by</dt>") || !strings.Contains(string(page), `href="/`+strings.TrimSuffix(d.doc.Rel, ".md")+`/"`) {
				t.Errorf("%s is superseded by %s, but its page does not say so with a link", ref, d.doc.Path)
			}
		}
	}
	t.Logf("nyc-eo: %d documents, %d pages; %d of %d with date_signed dated; %d null titles fell back; %d superseded orders link their successor", res.Docs, res.Pages, dated, signed, nullTitles, superseded)
	if superseded == 0 {
		t.Error("no superseded order found in the corpus")
	}
	if signed == 0 || nullTitles == 0 {
		t.Errorf("corpus looks wrong: %d signed, %d null titles", signed, nullTitles)
	}
}

func TestCorpusSeed(t *testing.T) {
	t.Parallel()
	dir := corpus(t, "")
	seed := filepath.Join(filepath.Dir(dir), "seed")
	root := siteFromFolder(t, seed, "")
	// The seed as it is, a .txt file, with no folio.yaml: one document.
	s := &testSite{t: t, root: root, dest: filepath.Join(root, "public")}
	s.build()
	if s.result.Docs != 1 || len(s.result.Assets) != 0 {
		t.Errorf("seed folder: %d documents, assets %v; want 1 document, no assets", s.result.Docs, s.result.Assets)
	}
	page := s.file("000_0cc289df36280051/index.html")
	// In the article's header and body (provenance and citations, below
	// them, name the title and source again, as they should).
	for _, once := range []string{"习近平在中共中央政治局第二十次集体学习时强调", "第01版", ">2025年4月27日</time>", `href="http://paper.people.com.cn/rmrb/pc/content/202504/27/content_30070122.html"`} {
		_, body, _ := strings.Cut(page, "<main")
		body, _, _ = strings.Cut(body, `<section class="doc-`)
		if n := strings.Count(body, once); n != 1 {
			t.Errorf("%q is shown %d times on the seed's page, want once", once, n)
		}
	}
	s.assertFile("000_0cc289df36280051/index.html",
		`datetime="2025-04-27"`, "第01版", "! <strong>作者</strong>", "! 《人民日报》（2025年04月27日第 01 版）",
		// The processing-time footer is provenance, not body text.
		"! 处理时间", "<dt>获取时间</dt>")
	s.assertFile("archive/2025/04/index.html", "习近平在中共中央政治局第二十次集体学习时强调")
}

// TestCorpusDefaults builds every real collection as a new user would: the
// folder dropped into content/, no folio.yaml. Every document file gets a
// page at a URL of its own.
func TestCorpusDefaults(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"laws-zh", "nyc-eo", "seed", "generated"} {
		t.Run(name, func(t *testing.T) {
			var root string
			switch name {
			case "seed":
				root = siteFromFolder(t, filepath.Join(filepath.Dir(corpus(t, "")), "seed"), "")
			case "generated":
				root = t.TempDir()
				if err := corpusgen.Write(root, 300); err != nil {
					t.Fatal(err)
				}
			default:
				root = siteFromFolder(t, corpus(t, name), "")
			}
			b := New(Config{Source: root, Theme: folio.Theme()})
			b.memory = true // what is checked here is the same on disk
			res, err := b.Build(context.Background())
			if err != nil {
				t.Fatalf("build %s with defaults: %v", name, err)
			}
			out := b.dest.mem
			files, err := content.Walk(os.DirFS(root), "content")
			if err != nil {
				t.Fatal(err)
			}
			var docFiles, assets int
			for _, f := range files {
				switch content.Classify(f) {
				case content.KindDoc:
					docFiles++
				case content.KindAsset:
					assets++
				}
			}
			if res.Docs+res.Drafts != docFiles {
				t.Errorf("%d documents and %d drafts of %d document files", res.Docs, res.Drafts, docFiles)
			}
			urls := map[string]string{}
			for p, l := range b.loaded {
				if l.doc == nil || l.doc.Draft {
					continue
				}
				if _, ok := out[strings.TrimPrefix(p, "content/")]; ok && !strings.HasSuffix(p, ".md") && !strings.HasSuffix(p, ".txt") {
					t.Errorf("%s was also published as a file", p)
				}
			}
			for name, html := range out {
				if !strings.HasSuffix(name, "/index.html") || !bytes.Contains(html, []byte(`<article class="doc"`)) {
					continue
				}
				if prev, ok := urls[name]; ok {
					t.Errorf("%s written twice (%s)", name, prev)
				}
				urls[name] = name
			}
			if len(urls) != res.Docs {
				t.Errorf("%d document pages for %d documents", len(urls), res.Docs)
			}
			if len(res.Assets) != assets {
				t.Errorf("%d assets published, %d found", len(res.Assets), assets)
			}
			t.Logf("%s with defaults: %d files, %d document pages, %d assets, %d not published, %d warnings", name, len(files), len(urls), len(res.Assets), len(res.Skipped), len(res.Warnings))
		})
	}
}
