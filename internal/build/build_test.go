package build

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/folio-ssg/folio/internal/diag"
	"github.com/folio-ssg/folio/internal/linkcheck"
)

const seedSite = `
-- folio.yaml --
title: 测试文库
-- content/news/000_0cc289df36280051.md --
---
title: 习近平在中共中央政治局第二十次集体学习时强调
date: 2025年04月27日
author: 人民日报
version: 第01版
source: 人民日报
original_url: http://paper.people.com.cn/rmrb/pc/content/202504/27/content_30070122.html
tags: [人工智能, 人民日报]
---

# 习近平在中共中央政治局第二十次集体学习时强调

**作者**: 人民日报  
**日期**: 2025年04月27日  
**版面**: 第01版  

习近平在中共中央政治局第二十次集体学习时强调

新华社北京4月26日电  中共中央政治局4月25日下午就加强人工智能发展和监管进行第二十次集体学习。

---

*来源: [人民日报](http://paper.people.com.cn/rmrb/pc/content/202504/27/content_30070122.html)*
-- content/notes/undated.md --
# 一篇没有日期的说明

正文。
-- content/notes/draft.md --
---
title: 草稿
date: 2025-04-01
draft: true
tags: [人工智能]
---
草稿正文。
-- content/laws/价格法(1997-12-29).md --
# 中华人民共和国价格法

1997年12月29日 第八届全国人民代表大会常务委员会第二十九次会议通过

<!-- INFO END -->

## 第一章 总则
`

func TestSeedArticlePage(t *testing.T) {
	t.Parallel()
	s := newSite(t, seedSite).build()
	const page = "news/000_0cc289df36280051/index.html"
	s.assertFile(page,
		"<h1>习近平在中共中央政治局第二十次集体学习时强调</h1>",
		`<time datetime="2025-04-27">2025年4月27日</time>`,
		`href="http://paper.people.com.cn/rmrb/pc/content/202504/27/content_30070122.html"`,
		">人民日报</a>",
		"第01版",
		"新华社北京4月26日电",
		"! 0001-01-01",
		"! <strong>作者</strong>",
		"! <strong>版面</strong>",
	)
	if n := strings.Count(s.file(page), "习近平在中共中央政治局第二十次集体学习时强调</h"); n != 1 {
		t.Errorf("title appears as a heading %d times, want once", n)
	}
	s.assertFile("archive/2025/04/index.html", "习近平在中共中央政治局第二十次集体学习时强调")
	s.assertFile("archive/2025/index.html", "2025年4月")
	s.assertFile("tags/人工智能/index.html", "习近平在中共中央政治局第二十次集体学习时强调", "! 草稿")
	s.assertFile("index.html", "习近平在中共中央政治局第二十次集体学习时强调", `href="tags/index.html"`)
}

func TestDraftsLeftOutUnlessAsked(t *testing.T) {
	t.Parallel()
	s := newSite(t, seedSite).build()
	if s.result.Drafts != 1 || s.result.Docs != 3 {
		t.Errorf("docs, drafts = %d, %d; want 3, 1", s.result.Docs, s.result.Drafts)
	}
	if s.exists("notes/draft/index.html") {
		t.Error("draft was published")
	}
	d := newSite(t, seedSite).build(func(c *Config) { c.Drafts = true })
	d.assertFile("notes/draft/index.html", "草稿正文")
	d.assertFile("tags/人工智能/index.html", "草稿")
}

func TestUndatedAndBodyDatedDocuments(t *testing.T) {
	t.Parallel()
	s := newSite(t, seedSite).build()
	s.assertFile("archive/undated/index.html", "一篇没有日期的说明")
	s.assertFile("notes/undated/index.html", "<h1>一篇没有日期的说明</h1>")
	s.assertFile("laws/价格法-1997-12-29/index.html", `datetime="1997-12-29"`)
	s.assertFile("archive/index.html", "1997", "2025", "未注明日期")
}

func TestChineseTagPages(t *testing.T) {
	t.Parallel()
	s := newSite(t, seedSite).build()
	s.assertFile("tags/index.html", "人工智能", "人民日报", `href="%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD/index.html"`)
	b := newSite(t, seedSite).build(func(c *Config) { c.BaseURL = "https://example.org/" })
	b.assertFile("tags/index.html", `href="/tags/%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD/"`)
	s.assertFile("tags/人民日报/index.html", "习近平")
}

// TestLinksWorkFromDisk opens the output as a browser opening
// public/index.html would: every internal link is relative, ends in a file,
// and resolves to a file of the output.
func TestLinksWorkFromDisk(t *testing.T) {
	t.Parallel()
	s := newSite(t, seedSite).build()
	problems, err := linkcheck.Check(os.DirFS(s.dest), linkcheck.Config{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Error(p)
	}
	for name, html := range s.tree() {
		if name == "404.html" || !strings.HasSuffix(name, ".html") {
			continue
		}
		for _, m := range regexp.MustCompile(`(?:href|src)="([^"]*)"`).FindAllStringSubmatch(html, -1) {
			u := m[1]
			if strings.HasPrefix(u, "http") || strings.HasPrefix(u, "#") {
				continue
			}
			if strings.HasPrefix(u, "/") || strings.HasSuffix(u, "/") {
				t.Errorf("%s: link %q does not work from disk", name, u)
			}
		}
	}
}

func TestBaseURLPrefixesEveryLink(t *testing.T) {
	t.Parallel()
	s := newSite(t, seedSite).build(func(c *Config) { c.BaseURL = "https://user.github.io/repo/" })
	home := s.file("index.html")
	for _, want := range []string{`href="/repo/style.css"`, `href="/repo/archive/"`, `href="/repo/tags/"`, `<link rel="canonical" href="https://user.github.io/repo/">`} {
		if !strings.Contains(home, want) {
			t.Errorf("home lacks %s", want)
		}
	}
	if strings.Contains(home, `href="/tags/`) || strings.Contains(home, `href="/archive/`) {
		t.Error("home has a link outside /repo/")
	}
}

func TestPaginationOfTagPages(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("-- folio.yaml --\npage_size: 10\n")
	for i := range 25 {
		fmt.Fprintf(&b, "-- content/d%02d.md --\n---\ntitle: 文档%02d\ndate: 2024-01-%02d\ntags: [分页]\n---\n正文\n", i, i, i+1)
	}
	s := newSite(t, b.String()).build()
	s.assertFile("tags/分页/index.html", "文档24", "文档15", "! 文档14", `rel="next"`, "第 1 / 3 页")
	s.assertFile("tags/分页/page/2/index.html", "文档14", "文档05", "! 文档04", `rel="prev"`)
	s.assertFile("tags/分页/page/3/index.html", "文档00", "! 文档05", "! rel=\"next\"")
	if s.exists("tags/分页/page/4/index.html") {
		t.Error("page 4 exists")
	}
}

func TestNewestFirstWithStableTies(t *testing.T) {
	t.Parallel()
	s := newSite(t, `
-- content/b.md --
---
title: B
date: 2024-05-01
---
-- content/a.md --
---
title: A
date: 2024-05-01
---
-- content/c.md --
---
title: C
date: 2024-06-01
---
`).build()
	home := s.file("index.html")
	ia, ib, ic := strings.Index(home, ">A<"), strings.Index(home, ">B<"), strings.Index(home, ">C<")
	if !(ic < ia && ia < ib) {
		t.Errorf("home order C=%d A=%d B=%d, want C, A, B", ic, ia, ib)
	}
	s.assertFile("a/index.html", `rel="prev" href="../b/index.html"`, `rel="next" href="../c/index.html"`)
}

func TestDerivedURLsThatCollideMoveWithAWarning(t *testing.T) {
	t.Parallel()
	s := newSite(t, `
-- folio.yaml --
permalink: /:year/:month/:slug/
-- content/x/one.md --
---
title: 同名
date: 2024-05-01
---
-- content/y/two.md --
---
title: 同名
date: 2024-05-20
---
`).build()
	s.assertFile("2024/05/同名/index.html", "同名", `datetime="2024-05-01"`)
	warned := strings.Join(s.result.Warnings, "\n")
	if !strings.Contains(warned, "content/y/two.md: URL /2024/05/同名/ is also content/x/one.md's; published at /2024/05/同名-") {
		t.Errorf("warnings = %s", warned)
	}
	moved := regexp.MustCompile(`published at /(2024/05/同名-[0-9a-f]{6})/`).FindStringSubmatch(warned)
	if moved == nil {
		t.Fatalf("no moved URL in %s", warned)
	}
	s.assertFile(moved[1]+"/index.html", `datetime="2024-05-20"`)
	strict := newSite(t, "-- folio.yaml --\npermalink: /:slug/\n-- content/a.md --\n# 同名\n-- content/b.md --\n# 同名\n").tryBuild(func(c *Config) { c.Strict = true })
	if strict.err == nil {
		t.Error("--strict accepted a moved URL")
	}
}

func TestPinnedURLsThatCollideAreAnError(t *testing.T) {
	t.Parallel()
	s := newSite(t, `
-- content/x/one.md --
---
title: 甲
url: /policy/
---
-- content/y/two.md --
---
title: 乙
slug: two
url: /policy/
---
`).tryBuild()
	if s.err == nil || !strings.Contains(s.err.Error(), "content/y/two.md:4:6: URL /policy/ is pinned by url here but taken by content/x/one.md: change it, for example to url: /policy-2/") {
		t.Errorf("error = %v", s.err)
	}
}

func TestFolderNamedLikeAnIndexIsAnErrorAtTheFolder(t *testing.T) {
	t.Parallel()
	s := newSite(t, `
-- content/tags/a.md --
# 甲
`).tryBuild()
	var list diag.List
	if !errors.As(s.err, &list) || len(list) != 1 {
		t.Fatalf("error = %v, want one diagnostic", s.err)
	}
	if got, want := list[0].Error(), "content/tags: URL /tags/ is taken by both folio's tags page and the list of the folder content/tags: rename the folder, or add it to exclude: in folio.yaml"; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	s2 := newSite(t, "-- folio.yaml --\npermalink: /:slug/\n-- content/b.md --\n---\ntitle: 乙\nslug: archive\n---\n").tryBuild()
	if s2.err == nil || !strings.Contains(s2.err.Error(), "content/b.md:3:7: URL /archive/ is pinned by slug here but taken by folio's archive page: change it, for example to slug: archive-2") {
		t.Errorf("document at /archive/: %v", s2.err)
	}
	s3 := newSite(t, "-- content/index.html --\n<p>a scraped site's own home page</p>\n-- content/a.md --\n# 甲\n").tryBuild()
	if s3.err == nil || !strings.Contains(s3.err.Error(), "content/index.html: would be published as index.html, the file of folio's page /: rename it, or add it to exclude: in folio.yaml") {
		t.Errorf("content/index.html: %v", s3.err)
	}
}

func TestAllContentErrorsReportedAtOnce(t *testing.T) {
	t.Parallel()
	s := newSite(t, `
-- content/a.md --
---
title: A
date: 2025年13月01日
---
-- content/b.md --
---
title: [unclosed
---
-- content/c.md --
---
title: C
date: 2025-02-30
---
-- content/ok.md --
fine
`).tryBuild()
	var list diag.List
	if !errors.As(s.err, &list) {
		t.Fatalf("error %v (%T), want a diag.List", s.err, s.err)
	}
	got := list.Error()
	for _, want := range []string{
		`content/a.md:3:7: date "2025年13月01日": month out of range`,
		"content/b.md:2:",
		`content/c.md:3:7: date "2025-02-30": day out of range`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("diagnostics lack %q:\n%s", want, got)
		}
	}
	if len(list) != 3 {
		t.Errorf("got %d diagnostics, want 3:\n%s", len(list), got)
	}
}

func TestFailedBuildLeavesPreviousOutput(t *testing.T) {
	t.Parallel()
	s := newSite(t, seedSite).build()
	before := s.tree()
	s.write("content/broken.md", "---\ndate: 2025-02-30\n---\n")
	s.b = nil
	s.tryBuild()
	if s.err == nil {
		t.Fatal("build with a broken document succeeded")
	}
	after := s.tree()
	if len(after) != len(before) {
		t.Fatalf("output has %d files after a failed build, had %d", len(after), len(before))
	}
	for name, data := range before {
		if after[name] != data {
			t.Errorf("%s changed after a failed build", name)
		}
	}
	entries, _ := os.ReadDir(s.root)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary folder %s left behind", e.Name())
		}
	}
}

func TestRefusesToReplaceUnrelatedFolder(t *testing.T) {
	t.Parallel()
	s := newSite(t, seedSite)
	s.write("public/precious.txt", "keep me")
	s.tryBuild()
	if s.err == nil {
		t.Fatal("build replaced a folder that holds no previous build")
	}
	if b, err := os.ReadFile(filepath.Join(s.dest, "precious.txt")); err != nil || string(b) != "keep me" {
		t.Errorf("precious.txt = %q, %v", b, err)
	}
	s2 := newSite(t, seedSite)
	s2.dest = s2.root
	s2.tryBuild()
	if s2.err == nil {
		t.Error("build into the site root succeeded")
	}

	// A site root inside the destination whose name starts with ".." is
	// still inside it.
	outer := t.TempDir()
	os.WriteFile(filepath.Join(outer, "index.html"), []byte("old build"), 0o644)
	s3 := newSite(t, seedSite)
	moved := filepath.Join(outer, "..site")
	if err := os.Rename(s3.root, moved); err != nil {
		t.Fatal(err)
	}
	s3.root = moved
	s3.dest = outer
	s3.tryBuild()
	if s3.err == nil || !strings.Contains(s3.err.Error(), "contains the site root") {
		t.Errorf("build into a folder holding the site root as ..site: %v", s3.err)
	}
	if _, err := os.Stat(filepath.Join(s3.root, "content")); err != nil {
		t.Errorf("site root lost: %v", err)
	}
}

func TestFrontMatterFormats(t *testing.T) {
	t.Parallel()
	s := newSite(t, "-- content/yaml.md --\n---\ntitle: 甲\ndate: 2024-01-02\n---\nbody\n"+
		"-- content/toml.md --\n+++\ntitle = \"乙\"\ndate = \"2024年1月3日\"\n+++\nbody\n"+
		"-- content/json.md --\n{\n  \"title\": \"丙\",\n  \"date\": \"2024/1/4\"\n}\n\nbody\n"+
		"-- content/crlf.md --\n\ufeff---\r\ntitle: 丁\r\ndate: 2024.01.05\r\n---\r\nbody\r\n"+
		"-- content/none.md --\n# 戊\n\ntext\n\n---\n\nafter a rule\n").build()
	s.assertFile("yaml/index.html", `datetime="2024-01-02"`)
	s.assertFile("toml/index.html", `datetime="2024-01-03"`)
	s.assertFile("json/index.html", `datetime="2024-01-04"`)
	s.assertFile("crlf/index.html", `datetime="2024-01-05"`)
	s.assertFile("none/index.html", "after a rule", "<hr")
}

func TestCustomParamsReachTemplates(t *testing.T) {
	t.Parallel()
	s := newSite(t, `
-- templates/doc.html --
{{template "base" .}}{{define "main"}}<p class="issuer">{{.Page.Doc.Params.issuer}}</p><p class="no">{{.Page.Doc.Params.doc_number}}</p>{{end}}
-- content/a.md --
---
title: 通知
date: 2018-12-01
issuer: 国务院办公厅
doc_number: 国办发〔2018〕128号
---
`).build()
	s.assertFile("a/index.html", `<p class="issuer">国务院办公厅</p>`, `<p class="no">国办发〔2018〕128号</p>`)
	// Other templates still come from the default theme.
	s.assertFile("index.html", "通知", `href="style.css"`)
}

func TestNullAndEmptyValuesAreAbsent(t *testing.T) {
	t.Parallel()
	s := newSite(t, `
-- content/eo.md --
---
title: null
author: ""
date_signed: null
---
# Executive Order 29
`).build()
	s.assertFile("eo/index.html", "<h1>Executive Order 29</h1>", "! <dt>作者</dt>")
}

func TestStaticAndAssetsCopied(t *testing.T) {
	t.Parallel()
	s := newSite(t, `
-- static/robots.txt --
User-agent: *
-- static/style.css --
body { color: red }
-- content/a.md --
---
title: A
date: 2024-01-01
---
-- content/files/附件.pdf --
%PDF
-- content/a.md~ --
editor backup
-- content/#a.md# --
emacs autosave
-- content/files/.附件.pdf.swp --
vim swap
-- static/style.css~ --
backup
-- static/4913/x.txt --
a folder that only looks like vim's probe file
-- content/laws/4913/国务院令.md~/附件.csv --
a folder named like a backup file
`).build()
	s.assertFile("robots.txt", "User-agent")
	s.assertFile("style.css", "color: red")
	s.assertFile("files/附件.pdf", "%PDF")
	s.assertFile("4913/x.txt", "only looks like")
	s.assertFile("laws/4913/国务院令.md~/附件.csv", "named like")
	for _, name := range []string{"a.md~", "#a.md#", "files/.附件.pdf.swp", "style.css~"} {
		if s.exists(name) {
			t.Errorf("editor file %s was published", name)
		}
	}
}

func TestSectionPages(t *testing.T) {
	t.Parallel()
	s := newSite(t, `
-- content/laws/_index.md --
---
title: 法律
---
法律文本的**简介**。
-- content/laws/criminal/a.md --
---
title: 刑法甲
date: 2024-01-01
---
`).build()
	s.assertFile("laws/index.html", "<h1>法律</h1>", "<strong>简介</strong>", `href="criminal/index.html"`)
	s.assertFile("laws/criminal/index.html", "刑法甲")
	if s.exists("laws/_index/index.html") {
		t.Error("_index.md was published as a document")
	}
}

func TestSameOutputRegardlessOfWorkers(t *testing.T) {
	t.Parallel()
	a := newSite(t, seedSite).build(func(c *Config) { c.Workers = 1 })
	b := newSite(t, seedSite).build(func(c *Config) { c.Workers = 8 })
	ta, tb := a.tree(), b.tree()
	if len(ta) != len(tb) {
		t.Fatalf("%d files with 1 worker, %d with 8", len(ta), len(tb))
	}
	for name, data := range ta {
		if tb[name] != data {
			t.Errorf("%s differs between 1 and 8 workers", name)
		}
	}
}

func TestTagsSharingAURLWarnAndFailStrict(t *testing.T) {
	t.Parallel()
	const archive = `
-- content/a.md --
---
title: 甲
tags: [C++]
---
-- content/b.md --
---
title: 乙
tags: [C#]
---
`
	s := newSite(t, archive).build()
	if len(s.result.Warnings) != 1 || !strings.Contains(s.result.Warnings[0], `tag "C#" shares the URL /tags/c/`) {
		t.Errorf("warnings = %q", s.result.Warnings)
	}
	s2 := newSite(t, archive)
	s2.tryBuild(func(c *Config) { c.Strict = true })
	if s2.err == nil || !strings.Contains(s2.err.Error(), "shares the URL") {
		t.Errorf("--strict build: %v", s2.err)
	}
}

func TestUnreadableTemplateIsReportedAtItsPath(t *testing.T) {
	t.Parallel()
	s := newSite(t, seedSite)
	if err := os.MkdirAll(filepath.Join(s.root, "templates"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("nowhere.html", filepath.Join(s.root, "templates", "doc.html")); err != nil {
		t.Fatal(err)
	}
	s.tryBuild()
	if s.err == nil || !strings.HasPrefix(s.err.Error(), "templates/doc.html: follow symlink: ") {
		t.Errorf("error = %v, want it at templates/doc.html", s.err)
	}
}
