package site

import (
	"strings"
	"testing"
	"time"

	"github.com/folio-ssg/folio/internal/content"
	"github.com/folio-ssg/folio/internal/date"
)

func TestSlug(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Hello, World!", "hello-world"},
		{"人工智能", "人工智能"},
		{"中华人民共和国刑法修正案（六）", "中华人民共和国刑法修正案-六"},
		{"  AI 与 数据  ", "ai-与-数据"},
		{"国办发〔2018〕128号", "国办发-2018-128号"},
		{"C++ / Go", "c-go"},
		{"..", ""},
		{"---", ""},
		{"Émile Zola", "émile-zola"},
		{"ÀB", "àb"},
		{"全角　空格", "全角-空格"},
	}
	for _, tt := range tests {
		if got := Slug(tt.in); got != tt.want {
			t.Errorf("Slug(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSlugIsBoundedAndIdempotent(t *testing.T) {
	long := strings.Repeat("最高人民法院关于审理案件适用法律若干问题的解释", 10)
	s := Slug(long)
	if len(s) > maxSlugBytes {
		t.Errorf("len(Slug(long)) = %d bytes, want <= %d", len(s), maxSlugBytes)
	}
	if !strings.HasPrefix(long, s[:len(s)-9]) {
		t.Errorf("Slug(long) = %q does not start with the title", s)
	}
	if other := Slug(long + "（二）"); other == s {
		t.Errorf("two long titles differing at the end share the slug %q", s)
	}
	for _, in := range []string{long, "A b-c", "人工 智能"} {
		if once, twice := Slug(in), Slug(Slug(in)); once != twice {
			t.Errorf("Slug(Slug(%q)) = %q, want %q", in, twice, once)
		}
	}
}

func mustDate(t *testing.T, s string) date.Date {
	t.Helper()
	d, err := date.Parse(s, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestPermalinkPatterns(t *testing.T) {
	dated := &Doc{Doc: &content.Doc{Rel: "laws/价格法(1997-12-29).md", Date: mustDate(t, "1997-12-29")}, Slug: "中华人民共和国价格法"}
	month := &Doc{Doc: &content.Doc{Rel: "x.md", Date: mustDate(t, "2025年4月")}, Slug: "要点"}
	undated := &Doc{Doc: &content.Doc{Rel: "notes/about.md"}, Slug: "about"}
	tests := []struct {
		pattern string
		doc     *Doc
		want    string
	}{
		{"/:year/:month/:slug/", dated, "/1997/12/中华人民共和国价格法/"},
		{"/:year/:month/:day/:slug/", dated, "/1997/12/29/中华人民共和国价格法/"},
		{"/:section/:filename/", dated, "/laws/价格法-1997-12-29/"},
		{"/:path/", dated, "/laws/价格法-1997-12-29/"},
		{"/:path/", undated, "/notes/about/"},
		{"/:year/:month/:slug/", undated, "/undated/about/"},
		{"/:year/:month/:day/:slug/", month, "/2025/04/要点/"},
		{"docs/:slug", dated, "/docs/中华人民共和国价格法/"},
		{"/:slug.html", dated, "/中华人民共和国价格法.html/"},
		// Names without letters or digits still give a segment.
		{"/:path/", &Doc{Doc: &content.Doc{Rel: "《》/——.md"}, Slug: "x"}, "/" + PathSegment("《》") + "/" + PathSegment("——") + "/"},
		{"/:section/:slug/", &Doc{Doc: &content.Doc{Rel: "《》/a.md"}, Slug: "x"}, "/" + PathSegment("《》") + "/x/"},
	}
	if a, b := segment("《》"), segment("——"); len(a) != 8 || a == b {
		t.Errorf("segment(《》) = %q, segment(——) = %q; want 8 hex digits, different", a, b)
	}
	for _, tt := range tests {
		got, err := expand(tt.pattern, tt.doc)
		if err != nil || got != tt.want {
			t.Errorf("expand(%q, %s) = %q, %v; want %q", tt.pattern, tt.doc.Rel, got, err, tt.want)
		}
	}
	if _, err := expand("/:yaer/:slug/", dated); err == nil {
		t.Error("expand accepted an unknown placeholder")
	}
}

func TestBaseURL(t *testing.T) {
	tests := []struct{ base, origin, path string }{
		{"", "", "/"},
		{"https://user.github.io/repo", "https://user.github.io", "/repo/"},
		{"https://example.org/", "https://example.org", "/"},
		{"/sub/", "", "/sub/"},
	}
	for _, tt := range tests {
		o, p, err := splitBaseURL(tt.base)
		if err != nil || o != tt.origin || p != tt.path {
			t.Errorf("splitBaseURL(%q) = %q, %q, %v; want %q, %q", tt.base, o, p, err, tt.origin, tt.path)
		}
	}
}

func doc(t *testing.T, rel, title, d string, tags ...string) *Doc {
	c := &content.Doc{Path: "content/" + rel, Rel: rel, Title: title, Tags: tags}
	if d != "" {
		c.Date = mustDate(t, d)
	}
	return &Doc{Doc: c}
}

func TestModelOrdersAndCounts(t *testing.T) {
	docs := []*Doc{
		doc(t, "b.md", "乙", "2025-04-27", "人工智能", "AI"),
		doc(t, "a.md", "甲", "2025-04-27", "人工智能"),
		doc(t, "c.md", "丙", "2024-12-01", "ai"),
		doc(t, "m.md", "月", "2025年4月"),
		doc(t, "u.md", "无日期", ""),
	}
	s, err := New(Config{PageSize: 2}, docs, nil)
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, d := range s.Docs {
		order = append(order, d.Title)
	}
	if got := strings.Join(order, " "); got != "甲 乙 月 丙 无日期" {
		t.Errorf("order = %s, want 甲 乙 月 丙 无日期", got)
	}
	if len(s.Tags) != 2 || s.Tags[0].Name != "人工智能" && s.Tags[0].Name != "AI" {
		t.Fatalf("tags = %v", s.Tags)
	}
	if ai := s.Tag("ai"); ai == nil || len(ai.Docs) != 2 {
		t.Errorf(`Tag("ai") = %v, want "AI" and "ai" merged with 2 documents`, ai)
	}
	if len(s.Years) != 2 || s.Years[0].Year != 2025 || len(s.Years[0].Months[0].Docs) != 3 {
		t.Errorf("archive = %+v", s.Years)
	}
	if len(s.Undated) != 1 {
		t.Errorf("undated = %d, want 1", len(s.Undated))
	}
	if s.Docs[0].Prev != s.Docs[1] || s.Docs[1].Next != s.Docs[0] || s.Docs[0].Next != nil {
		t.Error("prev/next links are wrong")
	}
	outputs := map[string]bool{}
	for _, p := range s.Pages() {
		if outputs[p.Output] {
			t.Errorf("two pages write %s", p.Output)
		}
		outputs[p.Output] = true
	}
	for _, want := range []string{"index.html", "404.html", "tags/index.html", "tags/人工智能/index.html", "archive/2025/04/index.html", "archive/2025/04/page/2/index.html", "archive/undated/index.html", "a/index.html", "u/index.html"} {
		if !outputs[want] {
			t.Errorf("no page writes %s", want)
		}
	}
}

func TestURLFrom(t *testing.T) {
	rel, err := New(Config{RelativeURLs: true}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	abs, err := New(Config{BaseURL: "https://u.github.io/repo/"}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ from, to, rel, abs string }{
		{"/", "/style.css", "style.css", "/repo/style.css"},
		{"/", "/", "index.html", "/repo/"},
		{"/2025/04/x/", "/style.css", "../../../style.css", "/repo/style.css"},
		{"/2025/04/x/", "/2025/04/y/", "../y/index.html", "/repo/2025/04/y/"},
		{"/tags/", "/tags/人工智能/", "%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD/index.html", "/repo/tags/%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD/"},
		{"/tags/a/page/2/", "/tags/a/", "../../index.html", "/repo/tags/a/"},
		{"/archive/2025/", "/archive/", "../index.html", "/repo/archive/"},
	}
	for _, tt := range tests {
		if got := rel.URLFrom(tt.from, tt.to); got != tt.rel {
			t.Errorf("relative URLFrom(%q, %q) = %q, want %q", tt.from, tt.to, got, tt.rel)
		}
		if got := abs.URLFrom(tt.from, tt.to); got != tt.abs {
			t.Errorf("URLFrom(%q, %q) under /repo/ = %q, want %q", tt.from, tt.to, got, tt.abs)
		}
	}
}

func FuzzSlug(f *testing.F) {
	for _, s := range []string{"人工智能", "Hello, World", "国办发〔2018〕128号", "..", strings.Repeat("法", 100),
		"a/b", "../..", "C++/C#", "\x00", "\xff\xfe", "标题\n第二行", "\ufeff\r\n", "二〇二五年十三月一日", "İSTANBUL", strings.Repeat("ǅ", 100) + "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Slug(s)
		if len(got) > maxSlugBytes {
			t.Errorf("Slug(%q) is %d bytes", s, len(got))
		}
		if got == "." || got == ".." || strings.ContainsAny(got, "/\\?#%") {
			t.Errorf("Slug(%q) = %q is not a safe path segment", s, got)
		}
		if Slug(got) != got {
			t.Errorf("Slug(Slug(%q)) = %q, want %q", s, Slug(got), got)
		}
	})
}

func TestTagsSharingAURLAreWarnedAbout(t *testing.T) {
	docs := []*Doc{
		doc(t, "a.md", "甲", "2025-04-27", "C++", "AI"),
		doc(t, "b.md", "乙", "2025-04-26", "C#", "ai"),
		doc(t, "c.md", "丙", "2025-04-25", "《》", "C#"),
	}
	s, err := New(Config{}, docs, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Warnings) != 1 || !strings.Contains(s.Warnings[0], `content/b.md: tag "C#" shares the URL /tags/c/ with tag "C++" of content/a.md`) {
		t.Errorf("warnings = %q, want one about C# and C++ (and none about AI and ai)", s.Warnings)
	}
	odd := s.Tag("《》")
	if odd == nil || odd.Path != "/tags/"+segment("《》")+"/" || len(odd.Docs) != 1 {
		t.Errorf("tag 《》 = %+v, want its own page under a hash", odd)
	}
}

func TestSectionOfPunctuationFolder(t *testing.T) {
	s, err := New(Config{}, []*Doc{doc(t, "《》/a.md", "甲", "2025-04-27")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range s.Pages() {
		if strings.Contains(p.Path, "//") {
			t.Errorf("page path %q has an empty segment", p.Path)
		}
	}
	if len(s.Sections) == 0 || s.Sections[len(s.Sections)-1].Path != "/"+PathSegment("《》")+"/" {
		t.Errorf("sections = %+v", s.Sections)
	}
}
