package site

import (
	"strconv"
	"strings"
	"testing"

	"github.com/folio-ssg/folio/internal/content"
)

func TestPathSegmentKeepsNamesApart(t *testing.T) {
	tests := []struct{ name, want string }{
		{"2019-EO-6221--s", "2019-EO-6221--s"},
		{"2019-EO-6221-s", "2019-EO-6221-s"},
		{"民法典（第一编 总则）", "民法典-第一编-总则"},
		{"中华人民共和国宪法", "中华人民共和国宪法"},
		{"价格法(1997-12-29)", "价格法-1997-12-29"},
		{"v1.2_final~", "v1.2_final~"},
		{"..hidden.", "hidden"},
		{"Airworthiness Directives; Boeing", "Airworthiness-Directives-Boeing"},
	}
	for _, tt := range tests {
		if got := PathSegment(tt.name); got != tt.want {
			t.Errorf("PathSegment(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
	if a, b := PathSegment("《》"), PathSegment("——"); len(a) != 8 || a == b {
		t.Errorf("PathSegment(《》) = %q, PathSegment(——) = %q; want 8 hex digits, different", a, b)
	}
	long := strings.Repeat("法", 100)
	if got := PathSegment(long); len(got) > 150 || got == PathSegment(long+"甲") {
		t.Errorf("PathSegment of 300-byte names = %q (%d bytes), want at most 150 and distinct", got, len(got))
	}
}

func pathDoc(rel, title string) *Doc {
	return &Doc{Doc: &content.Doc{Path: "content/" + rel, Rel: rel, Title: title}}
}

func TestDerivedURLsNeverFail(t *testing.T) {
	docs := []*Doc{
		pathDoc("eo/6221--s.md", "Executive Order 6221-A"),
		pathDoc("eo/6221-s.md", "Executive Order 6221"),
		pathDoc("laws/a b.md", "甲"),
		pathDoc("laws/a-b.md", "乙"),
		pathDoc("tags.md", "标签说明"),
	}
	s, err := New(Config{}, docs, nil)
	if err != nil {
		t.Fatal(err)
	}
	paths := map[string]string{}
	for _, d := range s.Docs {
		if prev, ok := paths[d.Path]; ok {
			t.Errorf("%s and %s share %s", prev, d.Doc.Path, d.Path)
		}
		paths[d.Path] = d.Doc.Path
	}
	if paths["/eo/6221--s/"] != "content/eo/6221--s.md" || paths["/eo/6221-s/"] != "content/eo/6221-s.md" {
		t.Errorf("paths = %v", paths)
	}
	// "a b" and "a-b" fold onto /laws/a-b/: the file named so keeps it
	// (it sorts first), the other moves, with a warning.
	if paths["/laws/a-b/"] != "content/laws/a b.md" {
		t.Errorf("/laws/a-b/ is %q's", paths["/laws/a-b/"])
	}
	if len(s.Warnings) != 2 || !strings.Contains(s.Warnings[0]+s.Warnings[1], "content/laws/a-b.md: URL /laws/a-b/ is also content/laws/a b.md's; published at /laws/a-b-") {
		t.Errorf("warnings = %q", s.Warnings)
	}
	// A document at the URL of folio's tags index moves and is told what to do.
	if !strings.Contains(strings.Join(s.Warnings, "\n"), "content/tags.md: URL /tags/ is also folio's tags page's; published at /tags-") ||
		!strings.Contains(strings.Join(s.Warnings, "\n"), "rename the file, or add it to exclude: in folio.yaml") {
		t.Errorf("warnings = %q", s.Warnings)
	}
	// The same input places the same way.
	again, _ := New(Config{}, []*Doc{pathDoc("laws/a-b.md", "乙"), pathDoc("laws/a b.md", "甲")}, nil)
	for _, d := range again.Docs {
		if d.Doc.Path == "content/laws/a-b.md" && d.Path != pathOf(s, "content/laws/a-b.md") {
			t.Errorf("moved URL differs between builds: %s, %s", d.Path, pathOf(s, "content/laws/a-b.md"))
		}
	}
}

func pathOf(s *Site, src string) string {
	for _, d := range s.Docs {
		if d.Doc.Path == src {
			return d.Path
		}
	}
	return ""
}

func TestTitleEditNeverMovesADerivedURL(t *testing.T) {
	a, _ := New(Config{}, []*Doc{pathDoc("news/x.md", "旧标题")}, nil)
	b, _ := New(Config{}, []*Doc{pathDoc("news/x.md", "新标题")}, nil)
	if a.Docs[0].Path != b.Docs[0].Path || a.Docs[0].Path != "/news/x/" {
		t.Errorf("paths %s, %s; want /news/x/ both", a.Docs[0].Path, b.Docs[0].Path)
	}
}

func TestPinnedURLsThatCollideAreErrorsWithAFreeSuggestion(t *testing.T) {
	a := pathDoc("a.md", "甲")
	a.Doc.URL = "/policy/"
	b := pathDoc("b.md", "乙")
	b.Doc.URL = "/policy"
	_, err := New(Config{}, []*Doc{a, b}, nil)
	if err == nil || !strings.Contains(err.Error(), "content/b.md:1:1: URL /policy/ is pinned by url here but taken by content/a.md: change it, for example to url: /policy-2/") {
		t.Fatalf("err = %v", err)
	}
	// A derived URL gives way to a pinned one.
	c := pathDoc("policy.md", "丙")
	s, err := New(Config{}, []*Doc{a, c}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if pathOf(s, "content/a.md") != "/policy/" || !strings.HasPrefix(pathOf(s, "content/policy.md"), "/policy-") {
		t.Errorf("paths: a %s, policy %s", pathOf(s, "content/a.md"), pathOf(s, "content/policy.md"))
	}
	d := pathDoc("x/y.md", "丁")
	d.Doc.Slug = "自定义"
	s, err = New(Config{}, []*Doc{d}, nil)
	if err != nil || s.Docs[0].Path != "/x/自定义/" {
		t.Errorf("slug: in :path gives %v, %v; want /x/自定义/", s.Docs[0].Path, err)
	}
}

func TestAliasesArePages(t *testing.T) {
	a := pathDoc("new.md", "甲")
	a.Doc.Aliases = []string{"/2025/04/old-title/", "/old.html"}
	s, err := New(Config{}, []*Doc{a, pathDoc("b.md", "乙")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range s.Pages() {
		if p.Kind == KindAlias {
			got = append(got, p.Output+"->"+p.Doc.Path)
		}
	}
	if strings.Join(got, " ") != "2025/04/old-title/index.html->/new/ old.html->/new/" {
		t.Errorf("alias pages = %q", got)
	}
	a.Doc.Aliases = []string{"/b/"}
	if _, err := New(Config{}, []*Doc{a, pathDoc("b.md", "乙")}, nil); err == nil || !strings.Contains(err.Error(), "alias /b/ is the URL of content/b.md; remove the alias") {
		t.Errorf("alias over a page: %v", err)
	}
}

func BenchmarkRelated100k(b *testing.B) {
	const n = 100_000
	tags := make([]string, 300)
	for i := range tags {
		tags[i] = "标签" + strconv.Itoa(i)
	}
	docs := make([]*Doc, n)
	for i := range docs {
		c := &content.Doc{Path: "content/" + strconv.Itoa(i) + ".md", Rel: strconv.Itoa(i) + ".md", Title: strconv.Itoa(i),
			Tags: []string{tags[i%300], tags[(i*7)%300], tags[(i*13)%300]}, Source: []string{"人民日报", "新华社", "光明日报"}[i%3]}
		docs[i] = &Doc{Doc: c}
	}
	s, err := New(Config{}, docs, nil)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		s.buildRelated()
	}
	if len(s.Docs[0].Related) != relatedLimit {
		b.Fatalf("related = %d", len(s.Docs[0].Related))
	}
}

// BenchmarkNew100k assembles a site of 100,000 documents with tags, a
// source and no relations or translations, as a generated corpus has.
func BenchmarkNew100k(b *testing.B) {
	const n = 100_000
	tags := make([]string, 300)
	for i := range tags {
		tags[i] = "标签" + strconv.Itoa(i)
	}
	cs := make([]*content.Doc, n)
	for i := range cs {
		cs[i] = &content.Doc{Path: "content/" + strconv.Itoa(i) + ".md", Rel: strconv.Itoa(i) + ".md", Title: strconv.Itoa(i),
			Tags: []string{tags[i%300], tags[(i*7)%300], tags[(i*13)%300]}, Source: []string{"人民日报", "新华社", "光明日报"}[i%3]}
	}
	for b.Loop() {
		docs := make([]*Doc, n)
		for i, c := range cs {
			docs[i] = &Doc{Doc: c}
		}
		if _, err := New(Config{}, docs, nil); err != nil {
			b.Fatal(err)
		}
	}
}
