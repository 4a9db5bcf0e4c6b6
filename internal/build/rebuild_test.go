package build

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/folio-ssg/folio"
)

// rebuildSite is a site with enough documents that a rebuild touching one
// of them renders a small part of the site.
func rebuildSite(t *testing.T) *testSite {
	var b strings.Builder
	// Title-based URLs, so a title edit moves a page and its neighbours follow.
	b.WriteString("-- folio.yaml --\npage_size: 5\npermalink: /:year/:month/:slug/\n")
	for i := range 30 {
		tag := []string{"甲", "乙", "丙"}[i%3]
		fmt.Fprintf(&b, "-- content/d%02d.md --\n---\ntitle: 文档%02d\ndate: 2024-%02d-%02d\ntags: [%s]\n---\n正文%d。\n", i, i, 1+i%12, 1+i, tag, i)
	}
	s := newSite(t, b.String())
	s.build(func(c *Config) { c.InPlace = true; c.BaseURL = "http://127.0.0.1/" })
	return s
}

func TestRebuildWithoutChangesRendersNothing(t *testing.T) {
	t.Parallel()
	s := rebuildSite(t)
	first := s.result
	if first.Rendered != first.Pages {
		t.Errorf("first build rendered %d of %d pages", first.Rendered, first.Pages)
	}
	s.build()
	if s.result.Rendered != 0 || s.result.Written != 0 || len(s.result.Changed) != 0 {
		t.Errorf("unchanged rebuild rendered %d, wrote %d, changed %v", s.result.Rendered, s.result.Written, s.result.Changed)
	}
}

func TestRebuildAfterBodyEditRendersOnlyThatPage(t *testing.T) {
	t.Parallel()
	s := rebuildSite(t)
	s.write("content/d05.md", "---\ntitle: 文档05\ndate: 2024-06-06\ntags: [丙]\n---\n改过的正文。\n")
	s.build()
	// The summary changed too, so the lists that show it are rendered again:
	// the document, its tag page, its month and year pages; not the home
	// page, whose ten newest documents do not include it.
	if s.result.Rendered == 0 || s.result.Rendered > 6 {
		t.Errorf("rendered %d pages after one body edit, want 1..6", s.result.Rendered)
	}
	s.assertFile("2024/06/文档05/index.html", "改过的正文")
	for _, c := range s.result.Changed {
		if strings.HasPrefix(c, "2024/06/文档17/") {
			t.Errorf("unrelated page %s was written", c)
		}
	}
}

func TestRebuildAfterTitleEditUpdatesNeighbours(t *testing.T) {
	t.Parallel()
	s := rebuildSite(t)
	s.write("content/d05.md", "---\ntitle: 新标题\ndate: 2024-06-06\ntags: [丙]\n---\n正文5。\n")
	s.build()
	if s.exists("2024/06/文档05/index.html") {
		t.Error("the old URL still exists")
	}
	page := s.file("2024/06/新标题/index.html")
	// Both neighbours link to the new title.
	for _, rel := range []string{"prev", "next"} {
		m := regexp.MustCompile(`rel="` + rel + `" href="/([^"]+)"`).FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("no %s link on the edited page", rel)
		}
		name, err := url.PathUnescape(m[1])
		if err != nil {
			t.Fatal(err)
		}
		s.assertFile(name+"index.html", "</span> 新标题</a>", "! 文档05")
	}
	if s.result.Rendered >= s.result.Pages/2 {
		t.Errorf("rendered %d of %d pages after one title edit", s.result.Rendered, s.result.Pages)
	}
}

func TestRebuildAfterTemplateEditRendersItsPages(t *testing.T) {
	t.Parallel()
	s := rebuildSite(t)
	s.write("templates/tags.html", `{{template "base" .}}{{define "main"}}<h1>所有标签</h1>{{end}}`)
	s.build()
	if s.result.Rendered != 1 {
		t.Errorf("rendered %d pages after editing tags.html, want 1", s.result.Rendered)
	}
	s.assertFile("tags/index.html", "所有标签")
}

// TestIncrementalEqualsFull applies random edits, creations, deletions and
// renames in batches through one Builder, and after each batch compares its
// output with a clean full build of the same tree, both in memory: 200
// edits with the default theme alone, whose page stamps list exactly what
// each page shows, then 80 more that also write and remove templates of
// the site's own, which may show anything.
func TestIncrementalEqualsFull(t *testing.T) {
	t.Parallel()
	s := rebuildSite(t)
	// Both builds keep their output in memory: the incremental one as
	// folio serve does, the full one from nothing each time.
	inc := New(Config{Source: s.root, Dest: s.dest, Theme: folio.Theme(), InPlace: true, BaseURL: "http://127.0.0.1/"})
	inc.memory = true
	if _, err := inc.Build(context.Background()); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(7, 11))
	docs := map[string]bool{}
	for i := range 30 {
		docs[fmt.Sprintf("content/d%02d.md", i)] = true
	}
	for _, phase := range []struct {
		name      string
		edits     int
		templates bool
	}{{"theme", 200, false}, {"own templates", 80, true}} {
		ok := t.Run(phase.name, func(t *testing.T) {
			s.t = t
			rendered, pages, patched := 0, 0, 0
			edits, compared, failed := 0, 0, 0
			for batch := 0; compared < phase.edits; batch++ {
				if batch > 2*phase.edits {
					t.Fatalf("after %d batches only %d edits were compared (%d batches failed)", batch, compared, failed)
				}
				before := edits
				for range 1 + rng.IntN(4) {
					edits++
					randomEdit(s, rng, docs, phase.templates)
				}
				res, err := inc.Build(context.Background())
				full := New(Config{Source: s.root, Dest: s.dest, Theme: folio.Theme(), BaseURL: "http://127.0.0.1/"})
				full.memory = true
				_, fullErr := full.Build(context.Background())
				if (err == nil) != (fullErr == nil) {
					t.Fatalf("batch %d: incremental error %v, full error %v", batch, err, fullErr)
				}
				if err != nil {
					// Two documents with one title on one day, or one slug: a collision.
					if !strings.Contains(err.Error(), "both") && !strings.Contains(err.Error(), "taken by") {
						t.Fatalf("batch %d: %v", batch, err)
					}
					failed++
					continue
				}
				compared += edits - before
				rendered += res.Rendered
				pages += res.Pages
				if res.Search.Reused > 0 && res.Search.Reused < res.Search.Docs {
					patched++ // the search index made from the last (search.Update)
				}
				got, want := inc.dest.mem, full.dest.mem
				for name, data := range want {
					if !bytes.Equal(got[name], data) {
						t.Fatalf("batch %d: %s differs from a full build:\n%s\n---\n%s", batch, name, got[name], data)
					}
				}
				for name := range got {
					if _, ok := want[name]; !ok {
						t.Fatalf("batch %d: %s is left over", batch, name)
					}
				}
			}
			t.Logf("%d edits compared with a full build; %d further batches ended in a URL collision in both; rendered %d of %d pages; %d search indexes made from the last", compared, failed, rendered, pages, patched)
			if !phase.templates && rendered*2 > pages {
				t.Errorf("with the default theme the rebuilds rendered %d of %d pages, want under half", rendered, pages)
			}
			if patched == 0 {
				t.Error("no rebuild made its search index from the last one's: the test covers less than it says")
			}
		})
		if !ok {
			return
		}
	}
}

// randomEdit makes one random change to the site: a document written with
// any of the front-matter keys folio reads, removed or moved; an
// _index.md, folio.yaml or a static file written or removed; or with
// templates a template of the site's own written or removed.
func randomEdit(s *testSite, rng *rand.Rand, docs map[string]bool, templates bool) {
	t := s.t
	names := []string{"content/d%02d.md", "content/sub/r%02d.md"}
	name := fmt.Sprintf(names[rng.IntN(4)/3], rng.IntN(40))
	pick := func(xs ...string) string { return xs[rng.IntN(len(xs))] }
	switch op := rng.IntN(16); {
	case op < 2 && docs[name]:
		s.remove(name)
		delete(docs, name)
	case op == 3 && docs[name]:
		to := fmt.Sprintf(names[1-strings.Count(name, "/sub/")], rng.IntN(40))
		if docs[to] {
			return
		}
		if err := os.MkdirAll(filepath.Join(s.root, "content", "sub"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(filepath.Join(s.root, name), filepath.Join(s.root, to)); err != nil {
			t.Fatal(err)
		}
		delete(docs, name)
		docs[to] = true
	case op == 2 && templates:
		switch rng.IntN(4) {
		case 0:
			s.write("templates/partials/doclist.html", fmt.Sprintf(`{{define "doclist"}}<ul>{{range .Page.Docs}}<li class="v%d"><a href="{{$.URL .Path}}">{{.Title}}</a> {{.Date}}</li>{{end}}</ul>{{end}}`, rng.IntN(3)))
		case 1:
			os.Remove(filepath.Join(s.root, "templates", "partials", "doclist.html"))
		case 2:
			// A template of the site's own that shows site-wide data.
			s.write("templates/doc.html", fmt.Sprintf(`{{template "base" .}}{{define "main"}}<p class="v%d">{{len .Site.Docs}} {{len .Site.Tags}}</p>{{with .Page.Doc.Prev}}{{.Date}}{{end}}{{.Page.Doc.HTML}}{{end}}`, rng.IntN(3)))
		default:
			os.Remove(filepath.Join(s.root, "templates", "doc.html"))
		}
	case op == 4:
		dir := pick("content", "content/sub")
		if rng.IntN(3) == 0 {
			os.Remove(filepath.Join(s.root, dir, "_index.md"))
			return
		}
		s.write(dir+"/_index.md", fmt.Sprintf("---\ntitle: 栏目%d\n---\n栏目说明%d。\n", rng.IntN(3), rng.IntN(3)))
	case op == 5 && rng.IntN(3) == 0:
		var b strings.Builder
		b.WriteString("permalink: /:year/:month/:slug/\n")
		fmt.Fprintf(&b, "page_size: %d\n", 4+rng.IntN(2))
		fmt.Fprintf(&b, "title: %s\n", pick("文库", "政策文库"))
		b.WriteString(pick("", "facets: [source, author]\n", "facets: [issuer, doc_type]\n"))
		b.WriteString(pick("", "labels:\n  newest: 最近收录\n", "labels:\n  sub: 子栏目\n"))
		s.write("folio.yaml", b.String())
	case op == 6:
		if rng.IntN(2) == 0 {
			os.Remove(filepath.Join(s.root, "static", "extra.css"))
			return
		}
		s.write("static/extra.css", fmt.Sprintf("p { margin: %dpx }\n", rng.IntN(5)))
	default:
		tag := []string{"甲", "乙", "丙", "丁"}[rng.IntN(4)]
		date := fmt.Sprintf("2024-%02d-%02d", 1+rng.IntN(12), 1+rng.IntN(28))
		if rng.IntN(6) == 0 {
			date = "null"
		}
		// Titles are mostly the file's own, so URLs collide now and then
		// (a renamed file keeps its title), not always.
		base := strings.TrimSuffix(path.Base(name), ".md")
		title := base + "号" + strconv.Itoa(rng.IntN(3))
		var fm strings.Builder
		fmt.Fprintf(&fm, "title: 标题%s\ndate: %s\ntags: [%s]\n", title, date, tag)
		if rng.IntN(2) == 0 {
			// A fixed slug: the title changes and the URL does not.
			fmt.Fprintf(&fm, "slug: s-%s\n", base)
		}
		other := fmt.Sprintf("d%02d.md", rng.IntN(40))
		// Every key folio reads, each now and then.
		optional := []string{
			"title: 标题" + title,
			"date: 2024-06-" + pick("03", "17"),
			"tags: [" + tag + "]",
			"summary: " + pick("摘要一", "摘要二"),
			"author: " + pick("新华社记者", "本报记者"),
			"source: " + pick("人民日报", "新华社"),
			"original_url: http://example.org/" + base + pick("", "-2"),
			"version: " + pick("第01版", "第02版"),
			"lang: " + pick("en", "zh-CN"),
			"issuer: " + pick("国务院", "国务院办公厅"),
			"doc_number: " + pick("国发〔2024〕1号", "国办发〔2024〕2号"),
			"doc_type: " + pick("通知", "意见"),
			"written: 2024-0" + pick("1", "2") + "-01",
			"effective: 2024-0" + pick("3", "4") + "-01",
			"status: " + pick("有效", "失效", "已修改"),
			"subjects: [" + pick("经济", "教育") + "]",
			pick("supersedes", "amends", "related") + ": [" + other + "]",
			"translation_of: " + other,
			"aliases: [/old/" + base + pick("a", "b") + "/]",
			"search: false",
			"draft: true",
			"notes_extra: " + pick("甲", "乙"),
			"retrieved: 2024-05-0" + pick("1", "2") + "T08:00:00+08:00",
		}
		body := fmt.Sprintf("正文%d。\n", rng.IntN(100))
		if old, err := os.ReadFile(filepath.Join(s.root, name)); err == nil && rng.IntN(2) == 0 {
			// One key of the document set, changed or dropped, or only its
			// text changed: each key's effect alone.
			head, text, _ := strings.Cut(strings.TrimPrefix(string(old), "---\n"), "---\n")
			kv := optional[rng.IntN(len(optional))]
			key := kv[:strings.IndexByte(kv, ':')+1]
			if m := regexp.MustCompile(`(?m)^date: (2024-\d\d-)`).FindStringSubmatch(head); m != nil && key == "date:" {
				kv = "date: " + m[1] + pick("03", "17") // the same month: the URL stays
			}
			fm.Reset()
			for line := range strings.Lines(head) {
				if !strings.HasPrefix(line, key) {
					fm.WriteString(line)
				}
			}
			switch rng.IntN(3) {
			case 0:
				fm.WriteString(kv + "\n")
			case 1:
				text = body
			}
			body = text
		} else {
			for _, kv := range optional[3:] { // title, date and tags are set
				if rng.IntN(8) == 0 {
					fm.WriteString(kv + "\n")
				}
			}
		}
		s.write(name, fmt.Sprintf("---\n%s---\n%s", fm.String(), body))
		docs[name] = true
	}
}

func TestInPlaceFirstBuildAdoptsDestination(t *testing.T) {
	t.Parallel()
	s := newSite(t, seedSite).build()
	s.write("public/.git/HEAD", "ref: refs/heads/gh-pages\n")
	s.remove("content/notes/undated.md")
	s.write("content/notes/new.md", "---\ntitle: 新的说明\n---\n正文。\n")

	s.b = nil
	s.build(func(c *Config) { c.InPlace = true })
	if s.exists("notes/undated/index.html") {
		t.Error("the removed document's page is left over from before the first in-place build")
	}
	s.assertFile("notes/new/index.html", "新的说明")
	for _, c := range s.result.Changed {
		if c == "style.css" || strings.HasPrefix(c, "news/") {
			t.Errorf("unchanged file %s was written again", c)
		}
	}
	s.assertFile(".git/HEAD", "gh-pages")

	// A destination that holds something else is refused, in place too.
	s2 := newSite(t, seedSite)
	s2.write("public/precious.txt", "keep me")
	s2.tryBuild(func(c *Config) { c.InPlace = true })
	if s2.err == nil {
		t.Error("in-place build into a folder that holds no previous build succeeded")
	}
	if len(s2.tree()) != 1 {
		t.Errorf("in-place build wrote into an unrelated folder: %v", s2.tree())
	}
}

func TestInPlaceFileAndFolderTradePlaces(t *testing.T) {
	t.Parallel()
	s := rebuildSite(t)
	s.write("static/a/b.txt", "in a folder")
	s.build()
	s.remove("static/a/b.txt")
	s.remove("static/a")
	s.write("static/a", "a file")
	s.build()
	if got := s.file("a"); got != "a file" {
		t.Errorf("a = %q", got)
	}
	s.remove("static/a")
	s.write("static/a/b.txt", "a folder again")
	s.build()
	if got := s.file("a/b.txt"); got != "a folder again" {
		t.Errorf("a/b.txt = %q", got)
	}
}

func TestInPlaceUnchangedPageConflictsWithStaticFile(t *testing.T) {
	t.Parallel()
	s := rebuildSite(t)
	s.write("static/tags/index.html", "mine")
	s.tryBuild()
	if s.err == nil || !strings.Contains(s.err.Error(), "static/tags/index.html: would be published as tags/index.html, the file of folio's page /tags/: rename it, or remove it from static/") {
		t.Errorf("static file over an unchanged page: %v", s.err)
	}
}

func TestRebuildWithOwnTemplateShowingSiteData(t *testing.T) {
	t.Parallel()
	s := rebuildSite(t)
	s.write("templates/doc.html", `{{template "base" .}}{{define "main"}}<p>共{{len .Site.Docs}}篇</p>{{with .Page.Doc.Prev}}<p>前：{{.Date}}</p>{{end}}{{end}}`)
	s.build()
	s.assertFile("2024/06/文档05/index.html", "共30篇")
	s.write("content/new.md", "---\ntitle: 新文档\ndate: 2023-01-01\n---\n正文。\n")
	s.build()
	s.assertFile("2024/06/文档05/index.html", "共31篇", "! 共30篇")
	// The previous document's date shows on its neighbour's page.
	s.write("content/d05.md", "---\ntitle: 文档05\ndate: 2024-06-06T08:00:00+08:00\ntags: [丙]\n---\n正文5。\n")
	s.build()
	full := &testSite{t: t, root: s.root, dest: filepath.Join(t.TempDir(), "public")}
	full.build(func(c *Config) { c.BaseURL = "http://127.0.0.1/" })
	inc, clean := s.tree(), full.tree()
	for name, data := range clean {
		if inc[name] != data {
			t.Errorf("%s differs from a full build", name)
		}
	}
}

// A site's own templates are tracked by what they read, like the theme's:
// a body edit renders the pages that show the body, and an edit of a key
// renders every page that reached the document (issue 9: a site with its
// own templates used to render every page after any edit).
func TestRebuildOwnTemplatesRenderOnlyWhatTheyRead(t *testing.T) {
	t.Parallel()
	s := rebuildSite(t)
	s.write("templates/doc.html", `{{template "base" .}}{{define "main"}}{{with .Page.Doc}}<h1>{{.Title}}</h1>{{safeHTML .HTML}}{{with .Prev}}<p class="prev">{{.Title}}</p>{{end}}{{end}}{{end}}`)
	s.write("templates/list.html", `{{template "base" .}}{{define "main"}}<ul>{{range .Page.Docs}}<li>{{.Title}}{{with .Author}} <span class="by">{{.}}</span>{{end}}</li>{{end}}</ul>{{end}}`)
	s.build()
	if s.result.Rendered < s.result.Pages/2 {
		t.Fatalf("the new templates rendered %d of %d pages", s.result.Rendered, s.result.Pages)
	}
	// The body alone: only the document's own page shows it (no list here
	// shows a summary, and the documents after it show its title only).
	s.write("content/d05.md", "---\ntitle: 文档05\ndate: 2024-06-06\ntags: [丙]\nsummary: 不变的摘要\n---\n正文5。\n")
	s.build()
	s.write("content/d05.md", "---\ntitle: 文档05\ndate: 2024-06-06\ntags: [丙]\nsummary: 不变的摘要\n---\n改过的正文。\n")
	s.build()
	if s.result.Rendered != 1 {
		t.Errorf("a body edit rendered %d pages, want the document's own", s.result.Rendered)
	}
	s.assertFile("2024/06/文档05/index.html", "改过的正文")
	// A key the list template shows: the lists that list it, the document
	// and the one whose page shows it as the previous document; few pages.
	s.write("content/d05.md", "---\ntitle: 文档05\ndate: 2024-06-06\ntags: [丙]\nsummary: 不变的摘要\nauthor: 新华社记者\n---\n改过的正文。\n")
	s.build()
	if s.result.Rendered < 3 || s.result.Rendered > 8 {
		t.Errorf("an author edit rendered %d of %d pages, want the few that reach the document", s.result.Rendered, s.result.Pages)
	}
	for _, page := range []string{"tags/丙/page/2/index.html", "archive/2024/06/index.html"} {
		s.assertFile(page, `<span class="by">新华社记者</span>`)
	}
	full := &testSite{t: t, root: s.root, dest: filepath.Join(t.TempDir(), "public")}
	full.build(func(c *Config) { c.BaseURL = "http://127.0.0.1/" })
	inc, clean := s.tree(), full.tree()
	for name, data := range clean {
		if inc[name] != data {
			t.Errorf("%s differs from a full build", name)
		}
	}
}

func TestRebuildReportsMovedDocuments(t *testing.T) {
	t.Parallel()
	s := rebuildSite(t)
	s.write("content/d05.md", "---\ntitle: 改名\ndate: 2024-06-06\ntags: [丙]\n---\n正文5。\n")
	s.build()
	if len(s.result.Moved) != 1 || s.result.Moved["/2024/06/文档05/"] != "/2024/06/改名/" {
		t.Errorf("Moved = %v, want /2024/06/文档05/ -> /2024/06/改名/", s.result.Moved)
	}
	s.build()
	if len(s.result.Moved) != 0 {
		t.Errorf("Moved after an unchanged rebuild = %v", s.result.Moved)
	}
}

// The default theme changed to show a key in list entries that it did not
// list before (issue 9: {{with .Author}} in a list partial left pages
// stale after an author edit).
func TestRebuildThemeListPartialShowingAuthor(t *testing.T) {
	t.Parallel()
	theme := fstest.MapFS{}
	err := fs.WalkDir(folio.Theme(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(folio.Theme(), p)
		theme[p] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	theme["templates/partials/doclist.html"] = &fstest.MapFile{Data: []byte(`{{define "doclist"}}<ul>{{range .Page.Docs}}<li><a href="{{$.URL .Path}}">{{.Title}}</a>{{with .Author}} <span class="by">{{.}}</span>{{end}}</li>{{end}}</ul>{{end}}`)}
	s := rebuildSite(t)
	s.b = New(Config{Source: s.root, Dest: s.dest, Theme: theme, InPlace: true, BaseURL: "http://127.0.0.1/"})
	s.build()
	s.write("content/d05.md", "---\ntitle: 文档05\ndate: 2024-06-06\ntags: [丙]\nauthor: 新华社记者\n---\n正文5。\n")
	s.build()
	for _, page := range []string{"tags/丙/page/2/index.html", "archive/2024/06/index.html"} {
		s.assertFile(page, `<span class="by">新华社记者</span>`)
	}
}

// An in-place build that holds some of the pages it renders and stages
// the rest renders the next page into the buffer of one staged, never of
// one held: every page is as a cold build makes it.
func TestInPlaceReusesOnlyBuffersItDoesNotHold(t *testing.T) {
	t.Parallel()
	s := rebuildSite(t)
	total := 0
	for _, data := range s.tree() {
		total += len(data)
	}
	s.b.hold = int64(total / 2)
	s.write("folio.yaml", "title: 改过名的站点\npage_size: 5\npermalink: /:year/:month/:slug/\n")
	s.build()
	if s.result.Rendered != s.result.Pages {
		t.Fatalf("a new title rendered %d of %d pages again", s.result.Rendered, s.result.Pages)
	}
	cold := New(Config{Source: s.root, Dest: filepath.Join(t.TempDir(), "public"), Theme: folio.Theme(), BaseURL: "http://127.0.0.1/"})
	cold.memory = true
	if _, err := cold.Build(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for name, data := range cold.dest.mem {
		want[name] = string(data)
	}
	sameTree(t, "held and staged", s.tree(), want)
}

// An in-place build holds at most heldBytes of changed files in memory; the
// rest waits in the destination's stage folder, which commit empties. A
// failed build leaves no stage folder and the output as it was.
func TestInPlaceStagesWhatItDoesNotHold(t *testing.T) {
	t.Parallel()
	s := rebuildSite(t)
	s.b.hold = 64 << 10
	before := s.tree()
	big := strings.Repeat("很长的正文。", int(s.b.hold)/len("很长的正文。")+1)
	s.write("content/big.md", "---\ntitle: 大文件\ndate: 2024-05-05\n---\n"+big+"\n")
	s.build()
	if !strings.Contains(s.file("2024/05/大文件/index.html"), "很长的正文。很长的正文。") {
		t.Error("the large page was not written")
	}
	if s.exists(stageDir) {
		t.Errorf("%s is left after a commit", stageDir)
	}
	if len(s.tree()) <= len(before) {
		t.Errorf("output has %d files, had %d", len(s.tree()), len(before))
	}
	// A build that fails after staging: the output is as it was.
	mid := s.tree()
	s.write("content/big2.md", "---\ntitle: 大文件二\ndate: 2024-05-06\n---\n"+big+"\n")
	s.write("templates/partials/crumbs.html", `{{define "crumbs"}}{{.Page.Nope}}{{end}}`)
	if s.tryBuild(); s.err == nil {
		t.Fatal("a broken template built")
	}
	if s.exists(stageDir) {
		t.Errorf("%s is left after a failed build", stageDir)
	}
	after := s.tree()
	if len(after) != len(mid) {
		t.Errorf("a failed build changed the output: %d files, had %d", len(after), len(mid))
	}
	for name, data := range mid {
		if after[name] != data {
			t.Errorf("a failed build changed %s", name)
		}
	}
}
