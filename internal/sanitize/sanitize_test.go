package sanitize

import (
	"strings"
	"testing"
)

func TestHTMLKeepsScrapedText(t *testing.T) {
	in := `<p><strong>央视网消息</strong>（新闻联播）：国务院总理<em>李强</em>主持召开常务会议。<br>会议指出，要<a href="https://www.gov.cn/x.html" title="原文">推动</a>经济发展。</p>
<table><tr><th style="text-align:center" colspan="2">表头</th></tr><tr><td align="left">甲</td><td>乙</td></tr></table>
<ul><li>一</li><li>二</li></ul><img src="/img/a.png" alt="图一">`
	out := string(HTML([]byte(in)))
	for _, want := range []string{
		"<strong>央视网消息</strong>", "（新闻联播）：国务院总理", "<em>李强</em>", "<br>", `<a href="https://www.gov.cn/x.html" title="原文">推动</a>`,
		`<th style="text-align: center" colspan="2">表头</th>`, `<td align="left">甲</td>`, "<li>一</li>", `<img src="/img/a.png" alt="图一">`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("HTML(…) lacks %s in\n%s", want, out)
		}
	}
	if got := Scan(in); len(got) != 0 {
		t.Errorf("Scan of allowed HTML = %v, want nothing", got)
	}
}

func TestHTMLRemovesWhatIsUnsafe(t *testing.T) {
	tests := []struct {
		in, gone, kept string
		report         []string
	}{
		{`<p>正文<script>alert(1)</script></p>`, "alert", "正文", []string{"<script> and its content"}},
		{`<style>p{color:red}</style><p>正文</p>`, "color", "正文", []string{"<style> and its content"}},
		{`<iframe src="https://evil.example/"></iframe><p>正文</p>`, "iframe", "正文", []string{"<iframe> and its content"}},
		{`<p onclick="steal()">正文</p>`, "steal", "正文", []string{"attribute onclick of <p>"}},
		{`<img src=x onerror="alert(1)" alt="图">`, "onerror", `alt="图"`, []string{"attribute onerror of <img>"}},
		{`<a href="javascript:alert(1)">链接</a>`, "javascript", "链接", []string{"javascript: URL in href of <a>"}},
		{`<a href="JaVaScRiPt:alert(1)">链接</a>`, "alert", "链接", []string{"javascript: URL in href of <a>"}},
		{`<img src="data:image/png;base64,AAAA" alt="图">`, "data:", `alt="图"`, []string{"data: URL in src of <img>"}},
		{`<font color="red">红字</font>`, "font", "红字", []string{"<font> (its text is kept)"}},
		{`<p style="color:red">正文</p>`, "color", "正文", []string{"attribute style of <p>"}},
		{`<object data="x.swf"></object><embed src="x.swf">正文`, "swf", "正文", []string{"<object> and its content", "<embed>"}},
		// A form is unwrapped (old government pages put the whole article in
		// one); its controls go.
		{`<form action="/x"><p>全文</p><textarea>x</textarea></form>正文`, "textarea", "全文", []string{"<form> (its text is kept)", "<textarea> and its content"}},
	}
	for _, tt := range tests {
		out := string(HTML([]byte(tt.in)))
		if strings.Contains(strings.ToLower(out), strings.ToLower(tt.gone)) || !strings.Contains(out, tt.kept) {
			t.Errorf("HTML(%q) = %q: want %q gone and %q kept", tt.in, out, tt.gone, tt.kept)
		}
		var got []string
		for _, r := range Scan(tt.in) {
			got = append(got, r.What)
		}
		if strings.Join(got, "|") != strings.Join(tt.report, "|") {
			t.Errorf("Scan(%q) = %q, want %q", tt.in, got, tt.report)
		}
	}
}

func TestScanOffsets(t *testing.T) {
	in := "<p>一</p>\n<p onclick=x>二</p>"
	r := Scan(in)
	if len(r) != 1 || r[0].Offset != strings.Index(in, "<p onclick") {
		t.Errorf("Scan(%q) = %+v, want one removal at offset %d", in, r, strings.Index(in, "<p onclick"))
	}
}

func TestText(t *testing.T) {
	got := Text(`<p><strong>央视网消息</strong>（新闻联播）：&ldquo;好&rdquo;</p><script>var x="坏";</script><p>第二段</p>`)
	if !strings.Contains(got, "央视网消息（新闻联播）：“好”") || !strings.Contains(got, "第二段") || strings.Contains(got, "坏") {
		t.Errorf("Text = %q", got)
	}
}

func TestBlocks(t *testing.T) {
	in := "<h2 id=\"a\">第一章</h2>\n<p>第一条 <strong>正文</strong>。</p>\n<hr>\n<ul>\n<li>一</li>\n</ul>\n"
	var got []string
	for _, b := range Blocks([]byte(in)) {
		got = append(got, string(b))
	}
	want := []string{`<h2 id="a">第一章</h2>`, "<p>第一条 <strong>正文</strong>。</p>", "<hr>", "<ul>\n<li>一</li>\n</ul>"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("Blocks = %q, want %q", got, want)
	}
}

func TestDroppedElementsEndAtTheirOwnEndTag(t *testing.T) {
	tests := []struct {
		in, want string
		report   []string
	}{
		// A stray end tag, common in scraped pages, ends nothing; the
		// text after a later form is kept.
		{"</form><p>一</p><form>x</form><p>二</p>", "<p>一</p>x<p>二</p>", []string{"<form> (its text is kept)"}},
		// Another dropped element's end tag does not end an svg.
		{"<svg></math>0</svg>1", "1", []string{"<svg> and its content"}},
		{"<svg><svg></svg>x</svg>y", "y", []string{"<svg> and its content"}},
		// Elements bluemonday drops with their content are reported so.
		{"<noembed><b>x</b></noembed>y<noframes>z</noframes>", "y", []string{"<noembed> and its content", "<noframes> and its content"}},
		{"<iframe/>正文", "正文", []string{"<iframe>"}},
		// What was removed does not join its neighbours into a tag.
		{"<<iframe></iframe>p onclick=x>", "&lt;p onclick=x&gt;", []string{"<iframe> and its content"}},
	}
	for _, tt := range tests {
		if got := string(HTML([]byte(tt.in))); got != tt.want {
			t.Errorf("HTML(%q) = %q, want %q", tt.in, got, tt.want)
		}
		var got []string
		for _, r := range Scan(tt.in) {
			got = append(got, r.What)
		}
		if strings.Join(got, "|") != strings.Join(tt.report, "|") {
			t.Errorf("Scan(%q) = %q, want %q", tt.in, got, tt.report)
		}
		if a, b := visible(Text(tt.in)), visible(Text(tt.want)); a != b {
			t.Errorf("Text(%q) = %q, want the text of %q", tt.in, a, tt.want)
		}
	}
}
