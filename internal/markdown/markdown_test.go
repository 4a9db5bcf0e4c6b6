package markdown

import (
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

// allPresent is what a page shows when front matter has every usual key.
var allPresent = map[string]bool{
	"author": true, "date": true, "version": true, "source": true, "original_url": true,
}

// seed returns the seed article's front-matter title and its body.
func seed(tb testing.TB) (title string, body []byte) {
	tb.Helper()
	data, err := os.ReadFile("testdata/seed.md")
	if err != nil {
		tb.Fatal(err)
	}
	s := strings.TrimPrefix(string(data), "---\n")
	meta, rest, ok := strings.Cut(s, "\n---\n")
	if !ok {
		tb.Fatal("testdata/seed.md: no front matter")
	}
	for line := range strings.SplitSeq(meta, "\n") {
		if v, ok := strings.CutPrefix(line, "title:"); ok {
			title = strings.TrimSpace(v)
		}
	}
	return title, []byte(rest)
}

func TestSeedArticleDropsRestatedMetadata(t *testing.T) {
	title, body := seed(t)
	if title == "" {
		t.Fatal("seed has no title")
	}
	res, err := New().Convert(body, Options{Title: title, Present: allPresent})
	if err != nil {
		t.Fatal(err)
	}
	html := string(res.HTML)
	for _, bad := range []string{"<h1", "<strong>作者</strong>", "<strong>版面</strong>", "<strong>日期</strong>", "《人民日报》（2025年04月27日第 01 版）", "<p>习近平在中共中央政治局第二十次集体学习时强调</p>"} {
		if strings.Contains(html, bad) {
			t.Errorf("HTML contains %q", bad)
		}
	}
	for _, want := range []string{
		"新华社北京4月26日电",
		`<hr>`,
		`<em>处理时间: 2025-04-27 05:31:23 (北京时间)</em>`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	if res.Title != title {
		t.Errorf("Title = %q, want %q", res.Title, title)
	}
	if res.Summary == "" || !strings.ContainsRune(res.Summary, '人') {
		t.Errorf("Summary = %q, want Chinese text", res.Summary)
	}
	if strings.ContainsAny(res.Summary, "*<>") || strings.HasPrefix(res.Summary, title) {
		t.Errorf("Summary = %q, want plain prose without the title", res.Summary)
	}
	if n := utf8.RuneCountInString(res.Summary); n > 161 {
		t.Errorf("Summary has %d runes, want at most 161", n)
	}
	if res.Chars < 1000 || res.Words == 0 {
		t.Errorf("Chars, Words = %d, %d; want over 1000 and some", res.Chars, res.Words)
	}
}

func TestHeadingIDsKeepChinese(t *testing.T) {
	tests := []struct {
		src  string
		want []Heading
	}{
		{"## 第一章 总则", []Heading{{2, "第一章-总则", "第一章 总则"}}},
		{"## 第一章 总则\n\n## 第一章 总则\n\n### 第一章　总则！", []Heading{
			{2, "第一章-总则", "第一章 总则"},
			{2, "第一章-总则-1", "第一章 总则"},
			{3, "第一章-总则-2", "第一章 总则！"},
		}},
		{"## Hello, World!\n\n## hello world", []Heading{
			{2, "hello-world", "Hello, World!"},
			{2, "hello-world-1", "hello world"},
		}},
		{"## **第二条**（目的）", []Heading{{2, "第二条-目的", "第二条（目的）"}}},
		{"## ！！！\n\n## ---", []Heading{{2, "heading", "！！！"}, {2, "heading-1", "---"}}},
		{"Setext 标题\n---", []Heading{{2, "setext-标题", "Setext 标题"}}},
	}
	c := New()
	for _, tt := range tests {
		res, err := c.Convert([]byte(tt.src), Options{Title: "unrelated"})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(res.Headings, tt.want) {
			t.Errorf("Convert(%q).Headings = %v, want %v", tt.src, res.Headings, tt.want)
		}
		for _, h := range tt.want {
			if !strings.Contains(string(res.HTML), `id="`+h.ID+`"`) {
				t.Errorf("Convert(%q) HTML lacks id %q:\n%s", tt.src, h.ID, res.HTML)
			}
		}
	}
}

func TestHeadingIDsArePerDocument(t *testing.T) {
	c := New()
	for range 2 {
		res, err := c.Convert([]byte("## 总则"), Options{})
		if err != nil {
			t.Fatal(err)
		}
		if got := res.Headings[0].ID; got != "总则" {
			t.Errorf("ID = %q, want %q", got, "总则")
		}
	}
}

func TestRenderDialect(t *testing.T) {
	tests := []struct {
		name    string
		src     string
		want    []string
		notWant []string
	}{
		{"CJK soft line break joins", "中文\n中文，\n中文\n“引文”", []string{"<p>中文中文，中文“引文”</p>"}, nil},
		{"CJK soft line break before emphasis", "中文\n**重点**", []string{"<p>中文<strong>重点</strong></p>"}, nil},
		{"English soft line break kept", "Hello\n*world*,\nagain", []string{"<p>Hello\n<em>world</em>,\nagain</p>"}, nil},
		{"mixed soft line break kept", "中文\nEnglish", []string{"中文\nEnglish"}, nil},
		{"soft line break next to image kept", "中文\n![图](x.png)\n中文", []string{"中文\n<img", ">\n中文"}, nil},
		{"emphasis around quotes", "**“中文”**。", []string{"<strong>“中文”</strong>。"}, nil},
		{"emphasis between ideographs", "中文**“引号”**中文", []string{"中文<strong>“引号”</strong>中文"}, nil},
		{"emphasis ending in full-width colon", "**日期：**2025年", []string{"<strong>日期：</strong>2025年"}, nil},
		{"strikethrough with CJK punctuation", "~~旧方法（已废弃）。~~新方法", []string{"<del>旧方法（已废弃）。</del>新方法"}, nil},
		{"ASCII emphasis unchanged", "a*b*c a_b_c __x__ *a *b", []string{"a<em>b</em>c a_b_c <strong>x</strong> *a *b"}, nil},
		{"escaped space vanishes", `中文\ **重点**`, []string{"中文<strong>重点</strong>"}, nil},
		{"GFM table", "| 条 | 内容 |\n|---|---|\n| 一 | 总则 |", []string{"<table>", "<th>条</th>", "<td>总则</td>"}, nil},
		{"strikethrough", "~~删除~~", []string{"<del>删除</del>"}, nil},
		{"task list", "- [x] 完成", []string{`<input checked="" disabled="" type="checkbox"> 完成`}, nil},
		{"linkify", "见 https://www.gov.cn/ 。", []string{`<a href="https://www.gov.cn/">https://www.gov.cn/</a>`}, nil},
		{"footnote", "正文[^1]\n\n[^1]: 注释", []string{`<a href="#fn:1"`, `<li id="fn:1">`, "注释"}, nil},
		{"no typographer", `"quote" -- dash`, []string{"&quot;quote&quot; -- dash"}, []string{"“", "–"}},
		{"raw HTML block not rendered", "<script>alert(1)</script>", nil, []string{"<script", "alert(1)"}},
		{"raw inline HTML not rendered", "中文<script>x</script>中文", nil, []string{"<script"}},
	}
	c := New()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := c.Convert([]byte(tt.src), Options{})
			if err != nil {
				t.Fatal(err)
			}
			html := string(res.HTML)
			for _, w := range tt.want {
				if !strings.Contains(html, w) {
					t.Errorf("Convert(%q) = %q, want it to contain %q", tt.src, html, w)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(html, w) {
					t.Errorf("Convert(%q) = %q, want no %q", tt.src, html, w)
				}
			}
		})
	}
}

func TestDeduplication(t *testing.T) {
	tests := []struct {
		name    string
		src     string
		opt     Options
		want    string // the whole HTML
		wantTTL string // Result.Title
	}{
		{
			name:    "title heading dropped",
			src:     "# 关于印发通知\n\n正文",
			opt:     Options{Title: "关于印发通知"},
			want:    "<p>正文</p>\n",
			wantTTL: "关于印发通知",
		},
		{
			name:    "title compared without spaces and trailing punctuation",
			src:     "## 　关于印发通知。 \n\n正文",
			opt:     Options{Title: " 关于印发通知"},
			want:    "<p>正文</p>\n",
			wantTTL: "",
		},
		{
			name:    "different first heading kept",
			src:     "# 第一章\n\n正文",
			opt:     Options{Title: "关于印发通知"},
			want:    "<h1 id=\"第一章\">第一章</h1>\n<p>正文</p>\n",
			wantTTL: "第一章",
		},
		{
			name:    "no title drops first level-1 heading",
			src:     "# 标题\n\n正文\n\n# 另一个",
			opt:     Options{},
			want:    "<p>正文</p>\n<h1 id=\"另一个\">另一个</h1>\n",
			wantTTL: "标题",
		},
		{
			name:    "no title keeps first level-2 heading",
			src:     "## 小标题\n\n正文\n\n# 大标题",
			opt:     Options{},
			want:    "<h2 id=\"小标题\">小标题</h2>\n<p>正文</p>\n<h1 id=\"大标题\">大标题</h1>\n",
			wantTTL: "大标题",
		},
		{
			name:    "all metadata lines dropped",
			src:     "# T\n\n**作者**: 人民日报  \n**日期**：2025年04月27日  \n**版面**: 第01版  \n\n正文",
			opt:     Options{Title: "T", Present: allPresent},
			want:    "<p>正文</p>\n",
			wantTTL: "T",
		},
		{
			name: "colon inside bold, several paragraphs",
			src:  "**作者：**人民日报\n\n**Source:** Xinhua\n**URL**: [链接](http://x)\n\n正文",
			opt:  Options{Present: allPresent},
			want: "<p>正文</p>\n",
		},
		{
			name: "partial paragraph keeps non-present lines",
			src:  "**作者**: 人民日报  \n**标题**: 别名  \n**日期**: 2025  \n\n正文",
			opt:  Options{Present: allPresent},
			want: "<p><strong>标题</strong>: 别名</p>\n<p>正文</p>\n",
		},
		{
			name: "last line dropped leaves no trailing break",
			src:  "**来源**: 新华社\n**作者**: 人民日报\n\n正文",
			opt:  Options{Present: map[string]bool{"author": true}},
			want: "<p><strong>来源</strong>: 新华社</p>\n<p>正文</p>\n",
		},
		{
			name: "key missing from Present keeps its line",
			src:  "**作者**: 人民日报  \n**日期**: 2025\n\n正文",
			opt:  Options{Present: map[string]bool{"date": true}},
			want: "<p><strong>作者</strong>: 人民日报</p>\n<p>正文</p>\n",
		},
		{
			name: "paragraph with prose is not metadata",
			src:  "**作者**: 人民日报  \n正文开始\n\n**日期**: 2025\n\n正文",
			opt:  Options{Present: allPresent},
			want: "<p><strong>作者</strong>: 人民日报<br>\n正文开始</p>\n<p><strong>日期</strong>: 2025</p>\n<p>正文</p>\n",
		},
		{
			name: "unknown label stops",
			src:  "**注意**: 重要\n\n**作者**: 人民日报\n\n正文",
			opt:  Options{Present: allPresent},
			want: "<p><strong>注意</strong>: 重要</p>\n<p><strong>作者</strong>: 人民日报</p>\n<p>正文</p>\n",
		},
		{
			name: "metadata only at the start, and a closing source line",
			src:  "正文\n\n**作者**: 人民日报\n\n---\n\n*来源: [人民日报](http://x)*",
			opt:  Options{Present: allPresent},
			want: "<p>正文</p>\n<p><strong>作者</strong>: 人民日报</p>\n",
		},
		{
			name: "closing lines the page does not show stay",
			src:  "正文\n\n---\n\n*来源: [人民日报](http://x)*  \n*处理时间: 2025-04-27 05:31:23 (北京时间)*",
			opt:  Options{Present: allPresent},
			want: "<p>正文</p>\n<hr>\n<p><em>处理时间: 2025-04-27 05:31:23 (北京时间)</em></p>\n",
		},
	}
	c := New()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := c.Convert([]byte(tt.src), tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			if string(res.HTML) != tt.want {
				t.Errorf("Convert(%q).HTML =\n%s\nwant\n%s", tt.src, res.HTML, tt.want)
			}
			if res.Title != tt.wantTTL {
				t.Errorf("Convert(%q).Title = %q, want %q", tt.src, res.Title, tt.wantTTL)
			}
		})
	}
}

func TestCounts(t *testing.T) {
	tests := []struct {
		src          string
		chars, words int
	}{
		{"", 0, 0},
		{"中文字符", 4, 0},
		{"Hello, world! It's 2025.", 0, 4},
		{"中文English混合，三个 words。", 6, 2},
		{"ひらがな カタカナ 한국어", 11, 0},
		{"# 标题\n\n- 列表 item\n\n```\ncode 代码\n```", 6, 2},
		{"<b>tag</b> 中", 1, 1},
		{"![alt text](x.png) 图", 1, 0},
		{"2025年04月27日 — 第01版", 5, 4},
	}
	c := New()
	for _, tt := range tests {
		res, err := c.Convert([]byte(tt.src), Options{Title: "x"})
		if err != nil {
			t.Fatal(err)
		}
		if res.Chars != tt.chars || res.Words != tt.words {
			t.Errorf("Convert(%q): Chars, Words = %d, %d; want %d, %d", tt.src, res.Chars, res.Words, tt.chars, tt.words)
		}
	}
}

func TestSummary(t *testing.T) {
	long := strings.Repeat("字", 120) + "。" + strings.Repeat("文", 100)
	noStop := strings.Repeat("字", 300)
	english := strings.Repeat("word ", 60)
	tests := []struct {
		name string
		src  string
		opt  Options
		want string
	}{
		{"short prose whole", "# 标题\n\n第一段。\n\n第二段", Options{}, "第一段。 第二段"},
		{"markup stripped", "**加粗**与[链接](http://x)和`代码`", Options{}, "加粗与链接和代码"},
		{"headings and code skipped", "## 小标题\n\n```\ncode\n```\n\n正文", Options{}, "正文"},
		{"dropped metadata skipped", "**作者**: 某人\n\n正文", Options{Present: allPresent}, "正文"},
		{"paragraph repeating title skipped", "# 标题\n\n标题\n\n正文", Options{Title: "标题"}, "正文"},
		{"cut at sentence end", long, Options{}, strings.Repeat("字", 120) + "。"},
		{"cut with ellipsis", noStop, Options{}, strings.Repeat("字", 160) + "…"},
		{"English cut at a word", english, Options{}, strings.TrimSpace(strings.Repeat("word ", 32)) + "…"},
		{"closing quote kept", strings.Repeat("字", 130) + "。”" + strings.Repeat("文", 100), Options{}, strings.Repeat("字", 130) + "。”"},
		{"decimal point is no sentence end", strings.Repeat("a", 120) + " 3.14 " + strings.Repeat("b", 100), Options{}, strings.Repeat("a", 120) + " 3.14…"},
	}
	c := New()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := c.Convert([]byte(tt.src), tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			if res.Summary != tt.want {
				t.Errorf("Convert(%q).Summary = %q, want %q", tt.src, res.Summary, tt.want)
			}
		})
	}
}

func TestReadingMinutes(t *testing.T) {
	tests := []struct{ chars, words, want int }{
		{0, 0, 0},
		{1, 0, 1},
		{0, 1, 1},
		{400, 0, 1},
		{401, 0, 2},
		{0, 200, 1},
		{0, 201, 2},
		{200, 100, 1},
		{200, 101, 2},
		{4000, 1000, 15},
		{-5, 0, 0},
	}
	for _, tt := range tests {
		if got := ReadingMinutes(tt.chars, tt.words); got != tt.want {
			t.Errorf("ReadingMinutes(%d, %d) = %d, want %d", tt.chars, tt.words, got, tt.want)
		}
	}
}

func TestConvertIsSafeForConcurrentUse(t *testing.T) {
	c := New()
	title, body := seed(t)
	want, err := c.Convert(body, Options{Title: title, Present: allPresent})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			opt := Options{Title: title, Present: allPresent}
			if i%2 == 1 {
				opt = Options{}
			}
			got, err := c.Convert(body, opt)
			if err != nil {
				t.Error(err)
				return
			}
			if i%2 == 0 && !reflect.DeepEqual(got, want) {
				t.Error("concurrent Convert gave a different result")
			}
		})
	}
	wg.Wait()
}

func FuzzConvert(f *testing.F) {
	_, body := seed(f)
	for _, s := range []string{
		string(body),
		"# 标题\n\n**作者**: x  \n**日期：**y\n\n正文",
		"**\n**作者**\n:",
		"中文\n**“中文”**。~~删~~\n\n| a |\n|---|\n| b |",
		"[^1]\n\n[^1]: **作者**: x",
		"\xff\xfe**\x00",
	} {
		f.Add(s, "标题", true)
	}
	c := New()
	f.Fuzz(func(t *testing.T, src, title string, present bool) {
		opt := Options{Title: title}
		if present {
			opt.Present = allPresent
		}
		res, err := c.Convert([]byte(src), opt)
		if err != nil {
			t.Fatalf("Convert(%q): %v", src, err)
		}
		if res.Chars < 0 || res.Words < 0 {
			t.Fatalf("Convert(%q): negative counts %d, %d", src, res.Chars, res.Words)
		}
	})
}

func BenchmarkConvert(b *testing.B) {
	title, body := seed(b)
	c := New()
	opt := Options{Title: title, Present: allPresent}
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, err := c.Convert(body, opt); err != nil {
			b.Fatal(err)
		}
	}
}

// Converters are made while others convert (folio serve's builds, a test's
// several sites): each conversion keeps its own state, whatever is made
// meanwhile. Under -race this also holds goldmark's context keys to being
// made once.
func TestConvertersMadeWhileOthersConvert(t *testing.T) {
	src := []byte("# 标题\n\n正文[链接](../b/)。\n\n## 第一章\n\n## 第一章\n")
	want, err := New().Convert(src, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 50 {
				res, err := New().Convert(src, Options{})
				if err != nil {
					t.Error(err)
					return
				}
				if string(res.HTML) != string(want.HTML) || res.Title != want.Title || len(res.Links) != len(want.Links) {
					t.Errorf("converted %q (title %q, %d links), want %q (%q, %d)", res.HTML, res.Title, len(res.Links), want.HTML, want.Title, len(want.Links))
					return
				}
			}
		})
	}
	wg.Wait()
}
