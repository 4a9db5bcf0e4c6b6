package build

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/folio-ssg/folio/internal/search"
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
	s := newSite(t, "-- folio.yaml --\nsearch: false\n-- content/a.md --\n# 甲\n").build()
	if s.exists("search/index.html") || s.exists("search/index.json") {
		t.Error("search written although turned off")
	}
	s.assertFile("index.html", "! 搜索")
}
