package build

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"github.com/folio-ssg/folio"
	"github.com/folio-ssg/folio/internal/search"
	"github.com/folio-ssg/folio/internal/site"
)

const searchSite = `
-- folio.yaml --
base_url: https://user.github.io/repo/
-- content/news/a.md --
---
title: 推动人工智能健康有序发展
date: 2025-04-27
tags: [人工智能]
source: 人民日报
---
<p>中共中央政治局就加强<strong>人工智能</strong>发展和监管进行集体学习。</p>
-- content/news/b.md --
---
title: 乡村振兴
date: 2024-01-02
---
全面推进乡村振兴。
-- content/private.md --
---
title: 内部说明
search: false
---
人工智能内部说明。
`

// fetch reads the built index the way the browser client does.
func fetchFrom(t *testing.T, dir string) func(string) ([]byte, error) {
	return func(name string) ([]byte, error) {
		return os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
	}
}

func TestSearchIndexIsBuilt(t *testing.T) {
	t.Parallel()
	s := newSite(t, searchSite).build()
	s.assertFile("search/index.html", `data-index="/repo/search/index.json"`, `<script src="/repo/search.js" defer>`)
	s.assertFile("index.html", `<a href="/repo/search/">搜索</a>`)
	s.assertFile("search.js", "folioSearch")
	if s.result.Search.Docs != 2 || s.result.Search.Bytes == 0 {
		t.Errorf("search stats = %+v, want 2 documents (one opted out)", s.result.Search)
	}
	// The index holds what the page shows, scraped HTML included, and
	// leaves out the document that opted out.
	hits, total, _, err := search.Search(fetchFrom(t, s.dest), "人工智能", search.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if total != 1 || hits[0].URL != "/news/a/" {
		t.Errorf("人工智能: %d hits %+v, want only /news/a/", total, hits)
	}
	if hits, _, _, _ := search.Search(fetchFrom(t, s.dest), "集体学习", search.Options{}); len(hits) != 1 {
		t.Errorf("text of an HTML paragraph not found: %v", hits)
	}
	// An unchanged rebuild reuses the index; an edit rebuilds it.
	s.b = nil
	s.build(func(c *Config) { c.InPlace = true })
	s.build()
	for _, c := range s.result.Changed {
		if strings.HasPrefix(c, "search/") {
			t.Errorf("unchanged rebuild rewrote %s", c)
		}
	}
	s.write("content/news/b.md", "---\ntitle: 乡村振兴\ndate: 2024-01-02\n---\n全面推进乡村振兴和人工智能。\n")
	s.build()
	if _, total, _, _ := search.Search(fetchFrom(t, s.dest), "人工智能", search.Options{}); total != 2 {
		t.Errorf("after an edit, 人工智能 finds %d documents, want 2", total)
	}
}

func TestSearchCanBeTurnedOff(t *testing.T) {
	t.Parallel()
	s := newSite(t, "-- folio.yaml --\nsearch: false\n-- content/a.md --\n# 甲\n").build()
	if s.exists("search/index.html") || s.exists("search/index.json") {
		t.Error("search written although turned off")
	}
	s.assertFile("index.html", "! 搜索")
}

// The search text is extracted from a document's HTML after its links are
// resolved, and prepared once per load: it must be the text of the page's
// HTML.
func TestSearchTextIsTheResolvedHTMLs(t *testing.T) {
	t.Parallel()
	root := siteFromFolder(t, filepath.Join("..", "..", "content"), "base_url: https://example.org/a/\n")
	links := "---\ntitle: 链接\ndate: 2025-01-02\n---\n见[宪法](laws/宪法.md#第一章)、[没有的文件](./无.md)和[标签](/tags/)。\n"
	if err := os.WriteFile(filepath.Join(root, "content", "links.md"), []byte(links), 0o644); err != nil {
		t.Fatal(err)
	}
	b := New(Config{Source: root, Theme: folio.Theme(), InPlace: true}) // serve keeps texts
	b.memory = true
	if _, err := b.Build(context.Background()); err != nil {
		t.Fatal(err)
	}
	var withLinks int
	for _, l := range b.loaded {
		if l.doc == nil || l.doc.Draft || l.doc.NoSearch {
			continue
		}
		if len(l.links) > 0 {
			withLinks++
		}
		if l.prep.Text() == "" && l.body.Len > 0 {
			t.Errorf("%s: no search text kept", l.doc.Path)
		}
	}
	if withLinks == 0 {
		t.Fatal("the bundled example has no document with local links")
	}
	// Every document's page holds its resolved HTML; its text is the kept one.
	s, err := site.New(site.Config{PageSize: 20, BaseURL: "https://example.org/a/", Files: func(string) bool { return false }, Drafts: func(string) bool { return false }}, loadedDocs(b), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range s.Docs {
		// The prepared text drops invisible format characters and
		// collapses whitespace.
		words := func(s string) string {
			s = strings.Map(func(r rune) rune {
				if unicode.Is(unicode.Cf, r) || r >= 0xFE00 && r <= 0xFE0F {
					return -1
				}
				return r
			}, s)
			return strings.Join(strings.Fields(s), " ")
		}
		if got, want := words(b.loaded[d.Doc.Path].prep.Text()), words(search.TextFromHTML(d.HTML())); got != want {
			t.Errorf("%s: search text differs from its resolved HTML's:\n%q\n%q", d.Doc.Path, got, want)
		}
	}
}

// loadedDocs are the Builder's documents as the next build would place them.
func loadedDocs(b *Builder) []*site.Doc {
	var docs []*site.Doc
	for _, l := range b.loaded {
		if l.doc != nil && !l.doc.Draft {
			docs = append(docs, &site.Doc{Doc: l.doc, HTMLFrom: b.htmlOf(l), Links: l.links, Minutes: l.minutes, Chars: l.chars, Sum: l.sum})
		}
	}
	return docs
}

// A folio build keeps the destination's search index once it holds it, not
// before: after a build that failed with a new index, the next writes it.
func TestSearchIndexAfterAFailedBuildIsWritten(t *testing.T) {
	t.Parallel()
	s := newSite(t, "-- content/a.md --\n---\ntitle: 甲\ndate: 2025-01-02\n---\n人工智能的发展。\n-- content/b.md --\n---\ntitle: 乙\ndate: 2025-01-03\n---\n乡村振兴。\n").build()
	s.write("content/a.md", "---\ntitle: 甲\ndate: 2025-01-02\n---\n数字经济的发展。\n")
	s.write("templates/partials/crumbs.html", `{{define "crumbs"}}{{.Page.Nope}}{{end}}`)
	if s.tryBuild(); s.err == nil {
		t.Fatal("a broken template built")
	}
	s.remove("templates/partials/crumbs.html")
	s.build()
	cold := newSite(t, "-- content/a.md --\n---\ntitle: 甲\ndate: 2025-01-02\n---\n数字经济的发展。\n-- content/b.md --\n---\ntitle: 乙\ndate: 2025-01-03\n---\n乡村振兴。\n").build()
	got, want := s.tree(), cold.tree()
	for name, data := range want {
		if strings.HasPrefix(name, "search/") && got[name] != data {
			t.Errorf("%s differs from a cold build's", name)
		}
	}
	// And a build with nothing changed keeps it.
	s.build()
	if got := s.tree(); got["search/index.json"] != want["search/index.json"] {
		t.Error("the kept index differs")
	}
}
