package search

import (
	"strings"
	"testing"
)

func TestTextFromHTMLKeepsWhatAReaderSees(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"<p>人工<b>智能</b></p><p>第二段</p>", "人工智能\n第二段"},
		{"<h1>标题</h1>\n<ul><li>一</li><li>二</li></ul>", "标题\n一\n二"},
		{"<p>a  \n b<br>c</p>", "a b\nc"},
		{"<p>x</p><script>var s = '<p>no</p>';</script><style>p{}</style><p>y</p>", "x\ny"},
		{"<table><tr><td>人工</td><td>智能</td></tr></table>", "人工\n智能"},
		{"<p>&lt;tag&gt; &amp; &#20154;</p>", "<tag> & 人"},
		{`<p>图<img src="x.png" alt="示意图">说明</p>`, "图 示意图 说明"},
		{"<div><p>嵌套</p>尾</div>", "嵌套\n尾"},
		{"<template><p>hidden</p></template><noscript>no</noscript>ok", "ok"},
		{"<p>unclosed <em>em", "unclosed em"},
		{"", ""},
	} {
		if got := TextFromHTML([]byte(c.in)); got != c.want {
			t.Errorf("TextFromHTML(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// Measure counts without keeping units; it must count what Build's scan
// of the cleaned text finds, or BM25 weights of measured documents drift.
func TestMeasureCountsWhatBuildScans(t *testing.T) {
	long := strings.Repeat("人工智能 AI\u200b模型；", 300)
	for _, c := range []struct{ title, text string }{
		{"", ""},
		{"标题", "人工智能，经济发展。"},
		{"GDP 增长", "ｇｄｐ\u3000增长５ｇ，A股市场 co\u00adop\u200dera\u2060tion x\ufe0f"},
		{"Executive Order 75", "WHEREAS the City of New York,\n\tdoes 2025-04-27 ok!!"},
		{"\u200b\u200b", "  \n\n  \u00ad "},
		{"词\u200b语", "结尾是一个词word"},
		{strings.Repeat("长", 1200), long},
	} {
		d := indexDoc{Doc: Doc{Title: c.title, Text: c.text}}
		d.prepare(nil, 1<<30)
		if got := Measure(c.title, c.text); got != d.dl {
			t.Errorf("Measure(%.20q, %.20q) = %d, scan finds %d", c.title, c.text, got, d.dl)
		}
	}
}
