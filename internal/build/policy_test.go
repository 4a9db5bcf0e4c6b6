package build

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var escapes = regexp.MustCompile(`(%[0-9a-fA-F]{2})+`)

// assertDecoded is assertFile on the file with its percent-escapes
// decoded, for links to Chinese paths, which templates escape.
func (s *testSite) assertDecoded(name string, lines ...string) {
	s.t.Helper()
	page := escapes.ReplaceAllStringFunc(s.file(name), func(m string) string {
		if u, err := url.PathUnescape(m); err == nil {
			return u
		}
		return m
	})
	for _, l := range lines {
		if !strings.Contains(page, l) {
			s.t.Errorf("%s lacks %q", name, l)
		}
	}
}

// seedRoot is a site holding the seed article exactly as the bundled
// example has it: its original .txt form.
func seedRoot(t *testing.T) (*testSite, []byte) {
	src, err := os.ReadFile(filepath.Join("..", "..", "content", "news", "000_0cc289df36280051.txt"))
	if err != nil {
		t.Fatal(err)
	}
	s := newSite(t, "-- folio.yaml --\nbase_url: https://example.org/archive/\n")
	s.write("content/000_0cc289df36280051.txt", string(src))
	return s, src
}

func TestSeedShowsProvenanceAndCitation(t *testing.T) {
	t.Parallel()
	s, src := seedRoot(t)
	s.build()
	sum := sha256.Sum256(src)
	page := "000_0cc289df36280051/index.html"
	s.assertFile(page,
		// GB/T 7714-2015, character for character.
		`<span id="cite-gbt7714">人民日报. 习近平在中共中央政治局第二十次集体学习时强调[N]. 人民日报, 2025-04-27(1).</span>`,
		// Provenance: source, original URL, retrieval time, digest.
		`<a class="url" href="http://paper.people.com.cn/rmrb/pc/content/202504/27/content_30070122.html" rel="noopener">http://paper.people.com.cn/rmrb/pc/content/202504/27/content_30070122.html</a>`,
		`<time datetime="2025-04-27T05:31:23&#43;08:00">2025-04-27 05:31:23 (UTC&#43;08:00)</time>`,
		`<code class="sha256">`+hex.EncodeToString(sum[:])+`</code>`,
		// The footer it came from is not repeated in the body.
		"! 处理时间",
		`"@type":"NewsArticle"`,
		`<meta property="og:title" content="习近平在中共中央政治局第二十次集体学习时强调">`,
		`<meta property="og:url" content="https://example.org/archive/000_0cc289df36280051/">`,
		`download="000_0cc289df36280051.bib"`,
	)
}

func TestRelationsStatusAndVersions(t *testing.T) {
	t.Parallel()
	root := siteFromFolder(t, filepath.Join("..", "..", "testdata", "nyc-eo"), "language: en-US\ndate_keys: [date_signed]\nid_key: eo_id\nexclude: [README.md]\n")
	s := (&testSite{t: t, root: root, dest: filepath.Join(root, "public")}).build()
	// 1974-EO-002 says who superseded it, with links, and its status says so.
	s.assertFile("1974-EO-002/index.html",
		"<dt>Superseded by</dt>",
		`<a href="../1975-EO-040/index.html">`,
		`<a href="../1976-EO-073/index.html">`,
		`<dd><span class="status status-repealed">repealed</span></dd>`,
		`<ol class="timeline">`,
	)
	// The reverse of supersedes is computed.
	s.assertFile("1976-EO-073/index.html", "<dt>Supersedes</dt>", `<a href="../1975-EO-040/index.html">`, "! <dd><span class=\"status status-repealed\">")
	if w := strings.Join(s.result.Warnings, "\n"); w != "" {
		t.Errorf("warnings: %s", w)
	}
}

func TestRelationOutsideTheCollectionIsKeptAsText(t *testing.T) {
	t.Parallel()
	s := newSite(t, "-- content/a.md --\n---\ntitle: 甲\nsupersedes: [国发〔1990〕1号]\namended_by: [b]\n---\n-- content/b.md --\n---\ntitle: 乙\n---\n").build()
	s.assertFile("a/index.html", `<span class="ref-outside">国发〔1990〕1号</span>`, `<a href="../b/index.html">乙</a>`, `status-amended`)
	s.assertFile("b/index.html", "<dt>修改</dt>", `<a href="../a/index.html">甲</a>`)
	if w := strings.Join(s.result.Warnings, "\n"); !strings.Contains(w, `content/a.md:3:14: supersedes "国发〔1990〕1号" names no document of the collection; it is shown as text`) {
		t.Errorf("warnings: %s", w)
	}
	s.b = nil
	s.tryBuild(func(c *Config) { c.Strict = true })
	if s.err == nil {
		t.Error("--strict accepted a relation outside the collection")
	}
}

func TestPolicyFieldsFacetsAndDocNumbers(t *testing.T) {
	t.Parallel()
	s := newSite(t, `
-- content/a.md --
---
title: 国务院办公厅关于印发的通知
date: 2018-12-29
written: 2018-12-20
effective: 2019-01-01
issuer: 国务院办公厅
doc_number: 国办发[2018]128号
doc_type: 通知
status: 现行有效
subjects: [经济管理]
---
正文。
-- content/b.md --
---
title: Notice
date: 2019-02-01
发文机关: "国务院办公厅 "
文号: 国办发（2019）3号
效力: repealed
---
Text.
-- content/c.md --
---
title: 丙
status: 不明确
---
`).build()
	s.assertDecoded("a/index.html",
		`<dt>发文机关</dt><dd><a href="../issuer/国务院办公厅/index.html">国务院办公厅</a></dd>`,
		`<a href="../agency/国办发/index.html">国办发〔2018〕128号</a>`,
		`<dt>文种</dt><dd>通知</dd>`,
		`<dt>成文日期</dt><dd><time datetime="2018-12-20">`,
		`<dt>施行日期</dt><dd><time datetime="2019-01-01">`,
		`<span class="status status-in-force">有效</span>`,
		`<dt>主题分类</dt><dd>经济管理</dd>`,
		`"@type":"Legislation"`, `"legislationIdentifier":"国办发〔2018〕128号"`, `"legislationLegalForce":"InForce"`, `"legislationJurisdiction":"CN"`,
		`<span id="cite-gbt7714">国务院办公厅. 国务院办公厅关于印发的通知: 国办发〔2018〕128号[A]`,
	)
	s.assertFile("b/index.html", `国办发〔2019〕3号`, `status-repealed`)
	// Values group however they are spaced; the facet and agency pages list them.
	s.assertDecoded("issuer/index.html", `<a href="国务院办公厅/index.html">国务院办公厅</a> <span class="count">2</span>`)
	s.assertFile("issuer/国务院办公厅/index.html", "国务院办公厅关于印发的通知", "Notice")
	agency := s.file("agency/国办发/index.html")
	if i, j := strings.Index(agency, "Notice"), strings.Index(agency, "国务院办公厅关于印发的通知"); i < 0 || j < 0 || i > j {
		t.Errorf("agency page lists 2019 before 2018? Notice at %d, 通知 at %d", i, j)
	}
	s.assertFile("doc-type/通知/index.html", "国务院办公厅关于印发的通知")
	if w := strings.Join(s.result.Warnings, "\n"); !strings.Contains(w, `content/c.md:3:9: status "不明确": want 有效, 失效, 已修改 or 未知`) {
		t.Errorf("warnings: %s", w)
	}
}

func TestTranslationsSideBySide(t *testing.T) {
	t.Parallel()
	s := newSite(t, `
-- content/zh.md --
---
title: 通知
---
第一段。

第二段。
-- content/en.md --
---
title: Notice
translation_of: zh
---
First paragraph.

Second paragraph.
`).build()
	s.assertFile("zh/index.html", `<a href="../en/index.html" hreflang="en" lang="en">Notice</a>`)
	s.assertFile("en/index.html", `<a href="../zh/index.html"`, `<a href="compare/index.html">对照阅读</a>`)
	s.assertFile("en/compare/index.html", "<tr><td><p>第一段。</p></td><td lang=\"en\"><p>First paragraph.</p></td></tr>", "<tr><td><p>第二段。</p></td><td lang=\"en\"><p>Second paragraph.</p></td></tr>")
}

func TestRelatedDocumentsShareTagsAndFacets(t *testing.T) {
	t.Parallel()
	s := newSite(t, `
-- content/a.md --
---
title: 甲
tags: [人工智能, 数据]
issuer: 网信办
---
-- content/b.md --
---
title: 乙
tags: [人工智能, 数据]
---
-- content/c.md --
---
title: 丙
tags: [人工智能]
---
-- content/d.md --
---
title: 丁
tags: [农业]
---
`).build()
	page := s.file("a/index.html")
	_, related, _ := strings.Cut(page, `class="doc-related"`)
	if i, j := strings.Index(related, ">乙<"), strings.Index(related, ">丙<"); i < 0 || j < 0 || i > j || strings.Contains(related, ">丁<") {
		t.Errorf("related of 甲: %s", related)
	}
}

func TestCatalogOpensInASpreadsheet(t *testing.T) {
	t.Parallel()
	s, _ := seedRoot(t)
	s.build()
	data := []byte(s.file("catalog.csv"))
	if !bytes.HasPrefix(data, []byte("\ufeffurl,path,title,date,")) || !bytes.Contains(data, []byte("\r\n")) {
		t.Fatalf("catalog.csv does not start with a BOM and the header, or lacks CRLF: %q", data[:min(80, len(data))])
	}
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\ufeff")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || recs[1][2] != "习近平在中共中央政治局第二十次集体学习时强调" || recs[1][0] != "https://example.org/archive/000_0cc289df36280051/" {
		t.Errorf("catalog.csv = %q", recs)
	}
	var rows []map[string]any
	if err := json.Unmarshal([]byte(s.file("catalog.json")), &rows); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0]["version"] != "第01版" || rows[0]["retrieved"] != "2025-04-27T05:31:23+08:00" {
		t.Errorf("catalog.json = %v", rows)
	}
}

// TestBundledCatalog builds the bundled example and reads its catalog as a
// spreadsheet would.
func TestBundledCatalog(t *testing.T) {
	t.Parallel()
	root := siteFromFolder(t, filepath.Join("..", "..", "content"), "")
	cfg, err := os.ReadFile(filepath.Join("..", "..", "folio.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "folio.yaml"), cfg, 0o644); err != nil {
		t.Fatal(err)
	}
	s := (&testSite{t: t, root: root, dest: filepath.Join(root, "public")}).build()
	data := []byte(s.file("catalog.csv"))
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\ufeff")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(data, []byte("\ufeff")) || len(recs) != s.result.Docs+1 {
		t.Fatalf("catalog.csv: BOM %v, %d rows for %d documents", bytes.HasPrefix(data, []byte("\ufeff")), len(recs)-1, s.result.Docs)
	}
	titles := map[string]bool{}
	for _, r := range recs[1:] {
		titles[r[2]] = true
	}
	for _, want := range []string{"习近平在中共中央政治局第二十次集体学习时强调", "中华人民共和国价格法"} {
		if !titles[want] {
			t.Errorf("catalog.csv lacks %s", want)
		}
	}
}

func TestCatalogCellsAreNotFormulas(t *testing.T) {
	t.Parallel()
	s := newSite(t, "-- content/a.md --\n---\ntitle: \"=HYPERLINK(\\\"http://evil.example\\\")\"\nauthor: \"@SUM(1+1)\"\nsource: \"a\\0b\"\n---\n正文。\n").build()
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix([]byte(s.file("catalog.csv")), []byte("\ufeff")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	row := recs[1]
	if row[2] != `'=HYPERLINK("http://evil.example")` || row[10] != "'@SUM(1+1)" || row[11] != "ab" {
		t.Errorf("catalog row = %q", row)
	}
}
