package render

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/folio-ssg/folio"
	"github.com/folio-ssg/folio/internal/content"
	"github.com/folio-ssg/folio/internal/date"
	"github.com/folio-ssg/folio/internal/site"
)

// readerSite builds a site of documents given as path and source.
func readerSite(t *testing.T, lang string, files ...string) *site.Site {
	t.Helper()
	var docs []*site.Doc
	for i := 0; i < len(files); i += 2 {
		c, errs := content.Parse(files[i], []byte(files[i+1]), content.Config{})
		if errs != nil {
			t.Fatal(errs)
		}
		docs = append(docs, &site.Doc{Doc: c})
	}
	s, err := site.New(site.Config{Language: lang}, docs, nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestLongDatePerLanguage(t *testing.T) {
	zh, _ := New(Config{Theme: theme(t)})
	en, _ := New(Config{Theme: theme(t), Language: "en-US"})
	day, _ := date.Parse("2025-04-27", time.UTC)
	month, _ := date.Parse("2025年4月", time.UTC)
	instant, _ := date.Parse("2021-07-01T00:30:00+08:00", time.UTC)
	tests := []struct {
		r    *Renderer
		d    date.Date
		lang []string
		want string
	}{
		{zh, day, nil, "2025年4月27日"},
		{zh, month, nil, "2025年4月"},
		{zh, instant, nil, "2021年7月1日"},
		{zh, day, []string{"en"}, "April 27, 2025"},
		{zh, day, []string{"fr"}, "April 27, 2025"},
		{en, day, nil, "April 27, 2025"},
		{en, month, nil, "April 2025"},
		{en, day, []string{"zh-CN"}, "2025年4月27日"},
		{en, date.Date{}, nil, ""},
	}
	for _, tt := range tests {
		if got := tt.r.longDate(tt.d, tt.lang...); got != tt.want {
			t.Errorf("longDate(%v, %q) in a %s site = %q, want %q", tt.d, tt.lang, tt.r.lang, got, tt.want)
		}
	}
}

func TestLabelsFollowTheDocumentAndTheSite(t *testing.T) {
	r, err := New(Config{Theme: theme(t), Labels: map[string]string{"newest": "最近收录", "is_emergency": "紧急", "notes": "札记"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ lang, key, want string }{
		{"", "newest", "最近收录"},               // the site's own word
		{"en", "newest", "Latest documents"}, // only in the site's language
		{"en", "date", "Date"},
		{"zh-TW", "date", "日期"},
		{"", "page 2 3", "第 2 / 3 页"},
	} {
		key, args := tt.key, []any{}
		if k, rest, ok := strings.Cut(tt.key, " "); ok {
			key = k
			for _, a := range strings.Fields(rest) {
				var n int
				fmt.Sscan(a, &n)
				args = append(args, n)
			}
		}
		if got := r.labelIn(tt.lang, key, args...); got != tt.want {
			t.Errorf("Tin %q %q = %q, want %q", tt.lang, tt.key, got, tt.want)
		}
	}
	s := readerSite(t, "", "content/notes/a.md", "---\ntitle: 甲\n---\n", "content/laws/economic/b.md", "---\ntitle: 乙\n---\n", "content/my_files/c.md", "---\ntitle: 丙\n---\n")
	for _, sec := range s.Sections {
		want := map[string]string{"notes": "札记", "laws": "法律", "laws/economic": "economic", "my_files": "my files"}[sec.Dir]
		if got := r.sectionTitle(newRecorder().section(sec)); got != want {
			t.Errorf("sectionTitle(%s) = %q, want %q", sec.Dir, got, want)
		}
	}
}

func TestExtraParamsReadAsWords(t *testing.T) {
	s := readerSite(t, "",
		"content/eo.md", "---\ntitle: Emergency Executive Order 569\nlang: en\nis_emergency: true\nsource_pdf_url: https://www.nyc.gov/eeo-569.pdf\npdf_path: pdfs/eeo-569.pdf\nhearing: 2024-03-20\nboroughs: [Bronx, Queens]\nadmin_note: null\ntext_quality: clean\n---\n",
		"content/zh.md", "---\ntitle: 通知\nis_emergency: false\n会议: [第一次, 第二次]\nhearing: 2024-03-20\n---\n",
	)
	r, _ := New(Config{Theme: theme(t)})
	got := map[string][]string{}
	for _, d := range s.Docs {
		for _, m := range r.extraParams(newRecorder().doc(d)) {
			got[d.Title] = append(got[d.Title], m.Label+"="+m.Text+"|"+m.URL)
		}
	}
	want := map[string]string{
		"Emergency Executive Order 569": "Boroughs=Bronx, Queens| Hearing=March 20, 2024| Emergency order=Yes| PDF file=pdfs/eeo-569.pdf| Source PDF=https://www.nyc.gov/eeo-569.pdf|https://www.nyc.gov/eeo-569.pdf Text quality=clean|",
		"通知":                            "hearing=2024年3月20日| 紧急命令=否| 会议=第一次、第二次|",
	}
	for title, w := range want {
		if g := strings.Join(got[title], " "); g != w {
			t.Errorf("extraParams(%s) =\n%s\nwant\n%s", title, g, w)
		}
	}
}

func TestTableOfContentsFromHeadings(t *testing.T) {
	r, _ := New(Config{Theme: theme(t)})
	s := readerSite(t, "", "content/law.md", "---\ntitle: 法\n---\n", "content/short.md", "---\ntitle: 短\n---\n")
	for _, d := range s.Docs {
		body := []byte(`<p>序言</p><h2 id="第一章-总则">第一章 <em>总则</em></h2><h3 id="第一节">第一节  一般规定</h3><h2>无 id</h2><h2 id="第二章">第二章</h2><h3 id="第二节">第二节</h3><h4 id="x">深</h4><h2 id="附则">附则</h2>`)
		if d.Title == "短" {
			body = []byte(`<h2 id="a">一</h2><h2 id="b">二</h2><h3 id="c">三</h3>`)
		}
		d.HTMLFrom = func() []byte { return body }
	}
	var out []string
	for _, h := range toc(newRecorder().doc(s.Docs[0])) {
		out = append(out, h.ID+":"+h.Text)
		for _, sub := range h.Sub {
			out = append(out, "  "+sub.ID+":"+sub.Text)
		}
	}
	if got, want := strings.Join(out, "\n"), "第一章-总则:第一章 总则\n  第一节:第一节 一般规定\n第二章:第二章\n  第二节:第二节\n附则:附则"; got != want {
		t.Errorf("toc =\n%s\nwant\n%s", got, want)
	}
	if h := toc(newRecorder().doc(s.Docs[1])); h != nil {
		t.Errorf("toc of a document with 3 headings = %v, want none", h)
	}
	// Tags in capitals are headings too: what counts them before the
	// tokenizer runs must not miss them.
	s.Docs[1].HTMLFrom = func() []byte {
		return []byte(`<H2 ID="a">一</H2><h2 id="b">二</h2><H3 id="c">三</H3><H2 id="d">四</H2>`)
	}
	if h := toc(newRecorder().doc(s.Docs[1])); len(h) != 3 || len(h[1].Sub) != 1 || h[2].ID != "d" {
		t.Errorf("toc of a document with 4 headings, 3 in capitals = %v, want 3 with one under the second", h)
	}
	for _, c := range []struct {
		html string
		n    int
	}{{"", 0}, {"<h", 0}, {"<h2", 1}, {"<p><h2 id=a><H3>x</h3><h4><h1>", 2}, {"a<<h3<h2>", 2}} {
		if got := headingTags([]byte(c.html)); got != c.n {
			t.Errorf("headingTags(%q) = %d, want %d", c.html, got, c.n)
		}
	}
	b, err := r.Bytes(s, page(s, site.KindDoc))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<nav class="toc" aria-label="目录">`, `<a href="#%e7%ac%ac%e4%b8%80%e7%ab%a0-%e6%80%bb%e5%88%99">第一章 总则</a>`, `<a class="to-top" href="#top">`, `<header class="site-header" id="top">`} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("document page lacks %s", want)
		}
	}
}

func TestCloudSizesAndOrders(t *testing.T) {
	var files []string
	add := func(n int, tag string) {
		for i := range n {
			files = append(files, fmt.Sprintf("content/%s%d.md", tag, i), "---\ntitle: x\ntags: ["+tag+"]\n---\n")
		}
	}
	add(16, "刑法")
	add(4, "安全")
	add(1, "宪法")
	add(1, "Zeta")
	add(2, "AI")
	add(1, "北京")
	s := readerSite(t, "", files...)
	r, _ := New(Config{Theme: theme(t)})
	show := func(cs []CloudTerm) string {
		var parts []string
		for _, c := range cs {
			parts = append(parts, fmt.Sprintf("%s:%d", c.Name, c.Weight))
		}
		return strings.Join(parts, " ")
	}
	if got, want := show(r.cloud(newRecorder().termList(s.Tags))), "刑法:5 安全:3 AI:2 Zeta:1 北京:1 宪法:1"; got != want {
		t.Errorf("cloud by count = %s, want %s", got, want)
	}
	// Pinyin: an quan, bei jing, xian fa, xing fa; then Latin.
	if got, want := show(r.cloud(newRecorder().termList(s.Tags), "name")), "安全:3 北京:1 宪法:1 刑法:5 AI:2 Zeta:1"; got != want {
		t.Errorf("cloud by name = %s, want %s", got, want)
	}
}

// TestThemeWeighsUnder30KBCompressed keeps the default theme light: its
// stylesheet, its script and the inline script of every page, gzipped,
// stay under 30 KB. search.js, loaded by the search page alone, is not
// counted.
func TestThemeWeighsUnder30KBCompressed(t *testing.T) {
	var all bytes.Buffer
	for _, name := range []string{"static/style.css", "static/folio.js"} {
		b, err := fs.ReadFile(folio.Theme(), name)
		if err != nil {
			t.Fatal(err)
		}
		all.Write(b)
	}
	base, err := fs.ReadFile(folio.Theme(), "templates/base.html")
	if err != nil {
		t.Fatal(err)
	}
	for rest := string(base); ; {
		_, after, ok := strings.Cut(rest, "<script>")
		if !ok {
			break
		}
		var inline string
		inline, rest, _ = strings.Cut(after, "</script>")
		all.WriteString(inline)
	}
	var z bytes.Buffer
	w, _ := gzip.NewWriterLevel(&z, gzip.BestCompression)
	w.Write(all.Bytes())
	w.Close()
	t.Logf("theme CSS and JavaScript: %d bytes, %d gzipped", all.Len(), z.Len())
	if z.Len() >= 30<<10 {
		t.Errorf("theme CSS and JavaScript weigh %d bytes gzipped, want under 30 KB", z.Len())
	}
}

// TestOverridingOnePartialKeepsTheTheme is README's example: a site's
// partials/doc-footer.html reuses two of the theme's sections and adds its
// own; the rest of the page is the theme's.
func TestOverridingOnePartialKeepsTheTheme(t *testing.T) {
	footer := `{{define "doc-footer"}}
{{template "doc-provenance" .}}
{{template "doc-cite" .}}
<section class="doc-corrections">
<h2>纠错</h2>
<p>发现错误？请写信至 <a href="mailto:editor@example.org?subject={{.Page.Doc.Title}}">editor@example.org</a>。</p>
</section>
{{end}}`
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), footer) {
		t.Error("README's partials/doc-footer.html example differs from this test's")
	}
	r, err := New(Config{Theme: theme(t), Site: fstest.MapFS{"partials/doc-footer.html": {Data: []byte(footer)}}})
	if err != nil {
		t.Fatal(err)
	}
	s := testSite(t, "")
	b, err := r.Bytes(s, page(s, site.KindDoc))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<h1>通知</h1>`, `<section class="doc-provenance"`, `<section class="doc-cite"`, `<h2>纠错</h2>`, `subject=%e9%80%9a%e7%9f%a5`, `<nav class="crumbs"`} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("page with the site's doc-footer lacks %s", want)
		}
	}
	if bytes.Contains(b, []byte(`class="doc-related"`)) {
		t.Error("the theme's related documents are still shown")
	}
}

func TestCloudByNameInAnEnglishSite(t *testing.T) {
	var files []string
	for i, tag := range []string{"宪法", "Zeta", "安全", "ai"} {
		files = append(files, fmt.Sprintf("content/%d.md", i), "---\ntitle: x\ntags: ["+tag+"]\n---\n")
	}
	s := readerSite(t, "en", files...)
	r, _ := New(Config{Theme: theme(t), Language: "en"})
	var names []string
	for _, c := range r.cloud(newRecorder().termList(s.Tags), "name") {
		names = append(names, c.Name)
	}
	if got, want := strings.Join(names, " "), "ai Zeta 安全 宪法"; got != want {
		t.Errorf("cloud by name in an English site = %s, want %s", got, want)
	}
}
