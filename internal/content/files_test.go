package content

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestFilesClassify(t *testing.T) {
	f := Files{Exclude: []string{"drafts/**", "*.csv", "scripts"}, Include: []string{"docs/README.md"}}
	tests := []struct {
		rel  string
		want int
	}{
		{"a.md", KindDoc},
		{"a.markdown", KindDoc},
		{"000_0cc289df36280051.txt", KindDoc},
		{"laws/_index.md", KindSection},
		{"laws/_index.txt", KindSection},
		{"img/图.png", KindAsset},
		{"files/附件.pdf", KindAsset},
		{"SOURCE.tsv", KindAsset},
		{"README.md", KindRepo},
		{"laws/readme.txt", KindRepo},
		{"LICENSE", KindRepo},
		{"LICENSE-DATA", KindRepo},
		{"CHANGELOG.md", KindRepo},
		{"package.json", KindRepo},
		{"requirements.txt", KindRepo},
		{"go.mod", KindRepo},
		{"scrape.py", KindRepo},
		{"tools/fetch.js", KindRepo},
		{"docs/README.md", KindDoc}, // included
		{"drafts/x.md", 0},
		{"drafts/a/b/c.md", 0},
		{"data/table.csv", 0},
		{"scripts/run.sh", 0},
		{"scripts/notes.md", 0},
		{"notscripts/notes.md", KindDoc},
		{".git/config", 0},
	}
	for _, tt := range tests {
		if got := f.Classify(tt.rel); got != tt.want {
			t.Errorf("Classify(%q) = %d, want %d", tt.rel, got, tt.want)
		}
	}
	if got := (Files{Exts: []string{".md"}}).Classify("a.txt"); got != KindAsset {
		t.Errorf("with documents: [.md], a.txt is %d, want an asset", got)
	}
}

func TestWalkLeavesExcludedFoldersAlone(t *testing.T) {
	fsys := fstest.MapFS{
		"content/a.md":                    {Data: []byte("a")},
		"content/node_modules/x/index.js": {Data: []byte("x")},
		"content/node_modules/x/y.md":     {Data: []byte("y")},
		"content/scrape.py":               {Data: []byte("p")},
	}
	files, err := Files{Exclude: []string{"node_modules"}}.Walk(fsys, "content")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(files, " "); got != "a.md scrape.py" {
		t.Errorf("Walk = %s, want a.md scrape.py", got)
	}
}

func TestScraperKeys(t *testing.T) {
	d, errs := Parse("content/x.md", []byte(`---
Title: 标题
publish_date: 2025-01-02
source_url: https://www.gov.cn/x.html
url: /policy/x/
keywords: [经济, 就业]
categories: 政策，要闻
section: 第02版
发文字号: 国发〔2025〕1号
来源: 新华社
---
正文。
`), Config{Keys: map[string]string{"发文字号": "doc_number"}})
	if errs != nil {
		t.Fatal(errs)
	}
	checks := []struct{ name, got, want string }{
		{"Title", d.Title, "标题"},
		{"Date", d.Date.String(), "2025-01-02"},
		{"DateFrom", d.DateFrom, "publish_date"},
		{"OriginalURL", d.OriginalURL, "https://www.gov.cn/x.html"},
		{"URL", d.URL, "/policy/x/"},
		{"Tags", strings.Join(d.Tags, ","), "经济,就业,政策,要闻"},
		{"Version", d.Version, "第02版"},
		{"Source", d.Source, "新华社"},
		{"doc_number", d.Params["doc_number"].(string), "国发〔2025〕1号"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	for _, k := range []string{"Title", "publish_date", "source_url", "url", "keywords", "categories", "section", "发文字号", "来源"} {
		if !d.Known(k) {
			t.Errorf("Known(%q) = false, want true: it was read as a key folio knows", k)
		}
	}
	// An absolute url: is where the document came from; the canonical key
	// wins over an alias.
	d, _ = Parse("content/y.md", []byte("---\nurl: https://example.org/a\nlink: https://example.org/b\n---\n"), Config{})
	if d.OriginalURL != "https://example.org/a" || d.URL != "" {
		t.Errorf("url: https://… gave OriginalURL %q, URL %q", d.OriginalURL, d.URL)
	}
	d, _ = Parse("content/y.md", []byte("---\noriginal_url: https://example.org/c\nsource_url: https://example.org/d\n---\n"), Config{})
	if d.OriginalURL != "https://example.org/c" {
		t.Errorf("OriginalURL = %q, want the canonical key's", d.OriginalURL)
	}
}

// ScanInfo lists files in path order ("a-b.md" before "a/x.md", though
// the walk reads folder a first), each with its own stat.
func TestScanInfoGivesEachFileItsStat(t *testing.T) {
	fsys := fstest.MapFS{
		"content/a/x.md":    {Data: []byte("xx")},
		"content/a-b.md":    {Data: []byte("abc")},
		"content/a/新闻.txt":  {Data: []byte("四个字节以上")},
		"content/b.md":      {Data: []byte("")},
		"content/a/z/y.pdf": {Data: []byte("pdfpdfpdf")},
	}
	files, infos, _, err := Files{}.ScanInfo(fsys, "content")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(files, " "); got != "a-b.md a/x.md a/z/y.pdf a/新闻.txt b.md" {
		t.Errorf("ScanInfo files = %s, want a-b.md a/x.md a/z/y.pdf a/新闻.txt b.md", got)
	}
	if len(infos) != len(files) {
		t.Fatalf("%d infos for %d files", len(infos), len(files))
	}
	for i, f := range files {
		if want := int64(len(fsys["content/"+f].Data)); infos[i].Size() != want {
			t.Errorf("%s: size %d, want %d", f, infos[i].Size(), want)
		}
	}
}
