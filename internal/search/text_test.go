package search

import "testing"

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
