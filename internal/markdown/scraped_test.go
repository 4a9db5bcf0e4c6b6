package markdown

import (
	"strings"
	"testing"
	"unicode"
)

func TestTitleShownOnceAfterKickerAndByline(t *testing.T) {
	tests := []struct {
		name, src string
		opt       Options
		want      string
	}{
		{
			name: "kicker heading before the title heading",
			src:  "### 《求是》杂志发表习近平总书记重要文章\n\n# 在中央经济工作会议上的讲话\n\n正文。",
			opt:  Options{Title: "在中央经济工作会议上的讲话", Present: allPresent},
			want: "<h3 id=\"求是-杂志发表习近平总书记重要文章\">《求是》杂志发表习近平总书记重要文章</h3>\n<p>正文。</p>\n",
		},
		{
			name: "blockquote byline before the title heading",
			src:  "> 陈勐《人民日报》（2025年01月02日第 05 版）\n\n# 标题\n\n正文。",
			opt:  Options{Title: "标题", Present: allPresent},
			want: "<p>正文。</p>\n",
		},
		{
			name: "byline kept when the page does not show its author",
			src:  "> 陈勐《人民日报》（2025年01月02日第 05 版）\n\n正文。",
			opt:  Options{Title: "标题", Present: map[string]bool{"source": true, "date": true, "version": true}},
			want: "<blockquote>\n<p>陈勐《人民日报》（2025年01月02日第 05 版）</p>\n</blockquote>\n<p>正文。</p>\n",
		},
		{
			name: "metadata lines dropped after an edited title",
			src:  "# 旧标题\n\n**作者**: 人民日报  \n**日期**: 2025年04月27日  \n**版面**: 第01版  \n\n正文。",
			opt:  Options{Title: "新标题", Present: allPresent},
			want: "<h1 id=\"旧标题\">旧标题</h1>\n<p>正文。</p>\n",
		},
		{
			name: "title restated as a paragraph, byline after the subtitle",
			src:  "# 引题\n\n**作者**: 人民日报\n\n引题\n\n主标题 副标题\n\n《人民日报》（2025年04月27日第 01 版）\n\n正文。",
			opt:  Options{Title: "引题", Present: allPresent},
			want: "<p>主标题 副标题</p>\n<p>正文。</p>\n",
		},
	}
	c := New()
	for _, tt := range tests {
		res, err := c.Convert([]byte(tt.src), tt.opt)
		if err != nil {
			t.Fatal(err)
		}
		if string(res.HTML) != tt.want {
			t.Errorf("%s: Convert(%q) =\n%s\nwant\n%s", tt.name, tt.src, res.HTML, tt.want)
		}
	}
}

// transcript is a scraped news transcript whose body is HTML paragraphs.
const transcript = `# 2025年04月27日新闻联播文字版

<p><strong>央视网消息</strong>（新闻联播）：中共中央政治局4月25日下午就加强人工智能发展和监管进行第二十次集体学习。</p>
<p>习近平在主持学习时强调，要推动我国人工智能朝着有益、安全、公平方向健康有序发展。<br>北京大学教授就这个问题进行讲解，提出了工作建议。</p>
<p style="color:red" onclick="track()">国务院总理李强主持召开国务院常务会议，研究<a href="javascript:alert(1)">稳就业</a>政策措施。</p>
<script>var 广告 = "不该出现";</script>
<div class="content"><p>（央视网）</p></div>
`

func TestScrapedHTMLKeepsEveryChineseCharacter(t *testing.T) {
	res, err := New().Convert([]byte(transcript), Options{Title: "2025年04月27日新闻联播文字版"})
	if err != nil {
		t.Fatal(err)
	}
	html := string(res.HTML)
	// Every Han character of the paragraphs (not the script) is on the page.
	_, paras, _ := strings.Cut(transcript, "\n\n")
	paras = strings.Split(paras, "<script>")[0] + "（央视网）"
	for _, r := range paras {
		if unicode.Is(unicode.Han, r) && !strings.ContainsRune(html, r) {
			t.Errorf("page lacks %q", r)
		}
	}
	for _, bad := range []string{"<script", "广告", "onclick", "javascript:", "color:red", "raw HTML omitted"} {
		if strings.Contains(html, bad) {
			t.Errorf("page holds %q:\n%s", bad, html)
		}
	}
	for _, want := range []string{"<p><strong>央视网消息</strong>（新闻联播）：", "<br>", "<p>国务院总理李强"} {
		if !strings.Contains(html, want) {
			t.Errorf("page lacks %q:\n%s", want, html)
		}
	}
	var got []string
	for _, r := range res.Removed {
		got = append(got, r.What)
	}
	want := []string{"attribute style of <p>", "attribute onclick of <p>", "javascript: URL in href of <a>", "<script> and its content"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("Removed = %q, want %q", got, want)
	}
	if len(res.Removed) > 0 && (res.Removed[0].Line != 5 || res.Removed[0].Col != 1) {
		t.Errorf("first removal at %d:%d, want 5:1", res.Removed[0].Line, res.Removed[0].Col)
	}
	if res.Chars < 100 || !strings.HasPrefix(res.Summary, "央视网消息（新闻联播）") {
		t.Errorf("Chars = %d, Summary = %q: the HTML paragraphs count as prose", res.Chars, res.Summary)
	}
}

func TestTrustedHTMLIsWrittenAsIs(t *testing.T) {
	res, err := New().Convert([]byte("<div class=\"chart\" style=\"height:3em\"><script>draw()</script></div>\n"), Options{TrustHTML: true})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(res.HTML), `<script>draw()</script>`) || len(res.Removed) != 0 || !res.RawHTML {
		t.Errorf("trusted HTML = %q, removed %v", res.HTML, res.Removed)
	}
}

func TestMarkdownLinksStayChecked(t *testing.T) {
	res, err := New().Convert([]byte("[x](javascript:alert(1)) and <span>ok</span>"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(res.HTML), "javascript") || !strings.Contains(string(res.HTML), "<span>ok</span>") {
		t.Errorf("HTML = %q", res.HTML)
	}
}
