package build

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"github.com/folio-ssg/folio/internal/linkcheck"
)

// transcripts is a copy of testdata/transcripts/content as a site with no
// folio.yaml.
func transcripts(t *testing.T) *testSite {
	root := siteFromFolder(t, filepath.Join("..", "..", "testdata", "transcripts", "content"), "")
	return &testSite{t: t, root: root, dest: filepath.Join(root, "public")}
}

func TestScrapedTranscriptsKeepEveryChineseCharacter(t *testing.T) {
	t.Parallel()
	s := transcripts(t).build()
	src, err := os.ReadFile(filepath.Join(s.root, "content", "2025", "20250427.md"))
	if err != nil {
		t.Fatal(err)
	}
	page := s.file("2025/20250427/index.html")
	// Every Han character of the HTML paragraphs is on the page; the
	// script's are not.
	body := string(src[strings.Index(string(src), "<div"):strings.Index(string(src), "</div>")])
	script := regexp.MustCompile(`(?s)<script.*?</script>`)
	for _, r := range script.ReplaceAllString(body, "") {
		if unicode.Is(unicode.Han, r) && !strings.ContainsRune(page, r) {
			t.Errorf("page lacks %q", r)
		}
	}
	s.assertFile("2025/20250427/index.html",
		"<p><strong>央视网消息</strong>（新闻联播）：中共中央政治局",
		"<p>国务院总理李强主持召开",
		`alt="会议现场"`,
		"! 广告位", `! <script type="text/javascript"`, "! onclick", "! javascript:", "! data:image", "! <font",
		// source_url and keywords are understood.
		`href="https://tv.cctv.com/2025/04/27/VIDE0427.shtml"`,
		`">人工智能</a>`,
		`<time datetime="2025-04-27">`,
	)
	if n := strings.Count(page, "2025年04月27日新闻联播文字版</h1>"); n != 1 {
		t.Errorf("title shown as a heading %d times, want once", n)
	}
	// What the sanitizer removed is reported with its position.
	removed := strings.Join(s.result.Removed, "\n")
	for _, want := range []string{
		"content/2025/20250427.md:11:1: removed attribute style of <p>",
		"content/2025/20250427.md:11:1: removed attribute onclick of <p>",
		"content/2025/20250427.md:13:1: removed <script> and its content",
		"content/2025/20250427.md:14:4: removed <font> (its text is kept)",
		"javascript: URL in href of <a>",
		"attribute onerror of <img>",
	} {
		if !strings.Contains(removed, want) {
			t.Errorf("removals lack %q:\n%s", want, removed)
		}
	}
}

func TestLinksBetweenDocumentsResolve(t *testing.T) {
	t.Parallel()
	s := transcripts(t).build()
	s.assertDecoded("2025/20250427/index.html",
		`<a href="../20250426/index.html">上一期</a>`,
		`<a href="../../notes/要点/index.html#人工智能">本期要点</a>`,
		`<img src="../../images/0427.jpg" alt="会议现场">`,
		`<a href="./20250428.md">下一期</a>`, // to nothing: left as written
	)
	s.assertDecoded("notes/要点/index.html", `<a href="../../2025/20250427/index.html">4月27日</a>`, `<a href="../../images/0427.jpg">资料图</a>`)
	s.assertFile("images/0427.jpg", "JFIF")
	warned := strings.Join(s.result.Warnings, "\n")
	if !strings.Contains(warned, "content/2025/20250427.md:18:31: link to ./20250428.md: no document or file content/2025/20250428.md") {
		t.Errorf("warnings:\n%s", warned)
	}
	// The link checker reaches the linked documents; only the link to
	// nothing is broken.
	problems, err := linkcheck.Check(os.DirFS(s.dest), linkcheck.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if len(problems) != 1 || !strings.Contains(problems[0].String(), "20250428.md") {
		t.Errorf("linkcheck: %v, want the one link to a missing file", problems)
	}

	// Under a base path, links are made under it; feeds with full text
	// carry absolute links.
	s.write("folio.yaml", "base_url: https://user.github.io/repo/\nfeed:\n  content: full\n")
	s.build()
	s.assertFile("2025/20250427/index.html", `<a href="/repo/2025/20250426/">上一期</a>`, `src="/repo/images/0427.jpg"`)
	s.assertFile("notes/要点/index.html", `<a href="/repo/images/0427.jpg">资料图</a>`)
	s.assertFile("feed.xml", `&lt;a href=&#34;https://user.github.io/repo/2025/20250426/&#34;&gt;上一期`)

	// Under --strict a link to nothing fails the build.
	s.b = nil
	s.tryBuild(func(c *Config) { c.Strict = true })
	if s.err == nil || !strings.Contains(s.err.Error(), "link to ./20250428.md") {
		t.Errorf("--strict: %v", s.err)
	}
}

func TestLinkToADraftIsExplained(t *testing.T) {
	t.Parallel()
	s := newSite(t, "-- content/a.md --\n# 甲\n\n见[草稿](b.md)。\n-- content/b.md --\n---\ndraft: true\n---\n# 乙\n").build()
	if w := strings.Join(s.result.Warnings, "\n"); !strings.Contains(w, "content/a.md:3:4: link to b.md: it is a draft, which this build leaves out") {
		t.Errorf("warnings: %s", w)
	}
	s.b = nil
	s.build(func(c *Config) { c.Drafts = true })
	s.assertFile("a/index.html", `<a href="../b/index.html">草稿</a>`)
}

func TestRepositoryDroppedIntoContent(t *testing.T) {
	t.Parallel()
	const repo = `
-- content/README.md --
# my-scraper
-- content/LICENSE --
MIT
-- content/package.json --
{"name": "scraper"}
-- content/scrape.py --
print("hi")
-- content/articles/a.md --
---
title: 文章
---
正文。
-- content/articles/附件.pdf --
%PDF
`
	s := newSite(t, repo).build()
	if got := strings.Join(s.result.Skipped, " "); got != "content/LICENSE content/README.md content/package.json content/scrape.py" {
		t.Errorf("skipped = %s", got)
	}
	for _, name := range []string{"README/index.html", "package.json", "scrape.py", "LICENSE"} {
		if s.exists(name) {
			t.Errorf("%s was published", name)
		}
	}
	s.assertFile("articles/a/index.html", "文章")
	s.assertFile("articles/附件.pdf", "%PDF")
	if strings.Join(s.result.Assets, " ") != "content/articles/附件.pdf" {
		t.Errorf("assets = %v", s.result.Assets)
	}
	warned := strings.Join(s.result.Warnings, "\n")
	if !strings.Contains(warned, "content/ holds 4 files of a code repository that are not published") || !strings.Contains(warned, "exclude:") || !strings.Contains(warned, "include:") {
		t.Errorf("warnings: %s", warned)
	}
	// exclude: silences it; include: publishes the README as a document.
	s.write("folio.yaml", "exclude: [LICENSE, package.json, '*.py']\ninclude: [README.md]\n")
	s.build()
	if len(s.result.Skipped) != 0 || len(s.result.Warnings) != 0 {
		t.Errorf("after exclude/include: skipped %v, warnings %v", s.result.Skipped, s.result.Warnings)
	}
	s.assertFile("README/index.html", "my-scraper")
}

func TestDocumentExtensionsAreConfigurable(t *testing.T) {
	t.Parallel()
	s := newSite(t, "-- folio.yaml --\ndocuments: [md]\n-- content/a.md --\n# 甲\n-- content/notes.txt --\nplain text\n").build()
	s.assertFile("notes.txt", "plain text")
	if s.result.Docs != 1 {
		t.Errorf("docs = %d, want 1", s.result.Docs)
	}
	s2 := newSite(t, "-- content/a.txt --\n---\ntitle: 甲\n---\n正文\n").build()
	s2.assertFile("a/index.html", "<h1>甲</h1>")
}

func TestEnglishDocumentInAChineseSite(t *testing.T) {
	t.Parallel()
	s := newSite(t, `
-- folio.yaml --
base_url: https://example.org/
-- content/eo.md --
---
title: "Executive Order 47: Establishing the Office"
date: 2019-05-22
---
The Mayor "hereby" orders that the Office be established.
-- content/zh.md --
---
title: 通知
date: 2019-05-21
---
正文。
-- content/declared.md --
---
title: Bilingual
lang: fr
date: 2019-05-20
---
Texte.
`).build()
	s.assertFile("eo/index.html", `<html lang="zh-CN">`, `<article class="doc" lang="en">`)
	s.assertFile("zh/index.html", `<article class="doc">`)
	s.assertFile("declared/index.html", `<article class="doc" lang="fr">`)
	s.assertFile("feed.xml", `<entry xml:lang="en">`)
	s.assertFile("feed.json", `"language": "en"`)
}

func TestScraperKeysAndOwnNames(t *testing.T) {
	t.Parallel()
	s := newSite(t, `
-- folio.yaml --
keys:
  发布时间: date
  文号: doc_number
-- templates/doc.html --
{{template "base" .}}{{define "main"}}<p class="no">{{.Page.Doc.Params.doc_number}}</p><p class="v">{{.Page.Doc.Version}}</p>{{end}}
-- content/a.md --
---
title: 通知
发布时间: 2018年12月29日
文号: 国办发〔2018〕128号
section: 第02版
---
正文。
`).build()
	s.assertFile("a/index.html", `<p class="no">国办发〔2018〕128号</p>`, `<p class="v">第02版</p>`)
	s.assertFile("archive/2018/12/index.html", "通知")
}

func TestAliasesRedirectToTheDocument(t *testing.T) {
	t.Parallel()
	s := newSite(t, "-- folio.yaml --\nbase_url: https://example.org/repo/\n-- content/new.md --\n---\ntitle: 新\naliases: [/2025/04/old-title/]\n---\n").build()
	s.assertFile("2025/04/old-title/index.html",
		`<meta http-equiv="refresh" content="0; url=/repo/new/">`,
		`<link rel="canonical" href="https://example.org/repo/new/">`,
		`<meta name="robots" content="noindex">`)
	s.assertFile("sitemap.xml", "! old-title")
}

func TestTrustedHTMLIsPublishedAsWritten(t *testing.T) {
	t.Parallel()
	const doc = "-- content/chart.md --\n# 图表\n\n<div class=\"chart\" style=\"height:3em\" data-series=\"1,2\"></div>\n"
	s := newSite(t, "-- folio.yaml --\nhtml: trusted\n"+doc).build()
	s.assertFile("chart/index.html", `<div class="chart" style="height:3em" data-series="1,2"></div>`)
	if len(s.result.Removed) != 0 {
		t.Errorf("trusted HTML reported removals: %v", s.result.Removed)
	}
	safe := newSite(t, doc).build()
	safe.assertFile("chart/index.html", `<div class="chart"></div>`, "! data-series")
	bad := newSite(t, "-- folio.yaml --\nhtml: unsafe\n"+doc).tryBuild()
	if bad.err == nil || !strings.Contains(bad.err.Error(), `html "unsafe": want safe or trusted`) {
		t.Errorf("html: unsafe: %v", bad.err)
	}
}
