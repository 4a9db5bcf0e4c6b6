package sanitize

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// FuzzHTML checks HTML and Scan on arbitrary fragments. Neither panics.
// What HTML writes is safe: no script element, no event handler, no
// element or attribute outside the policy, no URL with a scheme outside
// it; and it is a fixed point, since Scan finds nothing in it to remove.
// Scan's removals point at tags of the fragment, in order. And Scan and
// Text are the sanitizer's account of itself: the text HTML keeps is Text
// of the fragment, so when Scan reports nothing, no text is lost.
func FuzzHTML(f *testing.F) {
	for _, s := range []string{
		`<p><strong>央视网消息</strong>（新闻联播）：国务院总理<em>李强</em>主持召开常务会议。<br>会议指出</p>`,
		`<table><tr><th style="text-align:center" colspan="2">表头</th></tr><tr><td align="left">甲</td></tr></table>`,
		`<p onclick="steal()">正文<script>alert(1)</script></p>`,
		`<a href="javascript:alert(1)">链接</a><a href=" JaVaScRiPt:x">x</a><a href="java&#x09;script:x">y</a>`,
		`<img src=x onerror=alert(1) alt="图"><img src="data:image/png;base64,AAAA">`,
		`<svg><script>alert(1)</script></svg><math><mi>x</mi></math><noscript><p>n</p></noscript>`,
		`<style>p{}</style><iframe src="//evil"></iframe><object><embed src=x></object>`,
		`<font color=red>红字</font><o:p></o:p><center>中</center>`,
		`<input type="checkbox" checked disabled> 任务<input type=text>`,
		`<!-- 注释 --><p>a<!-- <script>x</script> -->b</p>`,
		`<p>&lt;script&gt; &amp;amp; &#0; &#x110000; &nbsp;</p>`,
		"\ufeff<p>\r\n一\r二\x00三</p>\xff\xfe",
		`<scr<script>ipt>alert(1)</script>`, `<<p>>`, `<p`, `</`, `<a href="x`, `<p title='a"b'>x</p>`,
		`<title><p>x</p></title><textarea><b>y</b></textarea><xmp><i>z</i></xmp><plaintext><u>w`,
		`<details open><summary>摘要</summary>内容</details><ruby>汉<rt>hàn</rt></ruby>`,
		`<a href="mailto:x@example.org">信</a><a href="tel:+86-10-1">电话</a><a href="/相对/路径">相对</a>`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, frag string) {
		out := string(HTML([]byte(frag)))
		removed := Scan(frag)

		if i := strings.Index(strings.ToLower(out), "<script"); i >= 0 {
			t.Fatalf("HTML(%q) = %q: has <script at %d", frag, out, i)
		}
		checkSafe(t, frag, out)
		if again := Scan(out); len(again) > 0 {
			t.Fatalf("HTML(%q) = %q, from which Scan would still remove %+v", frag, out, again)
		}

		last := 0
		for _, r := range removed {
			if r.Offset < last || r.Offset >= len(frag) || frag[r.Offset] != '<' || r.What == "" {
				t.Fatalf("Scan(%q): removal %+v is not at a tag after offset %d", frag, r, last)
			}
			last = r.Offset
		}

		// Text is what a reader sees of the fragment once HTML has removed
		// what it removes; so when Scan reports nothing, no text is lost.
		if in, got := visible(Text(frag)), visible(Text(out)); in != got {
			t.Fatalf("HTML(%q) = %q, whose text differs from Text of the fragment (Scan: %+v):\n Text %q\n HTML %q", frag, out, removed, in, got)
		}
	})
}

// checkSafe fails t if out, HTML's output, has an element, attribute or
// URL the policy does not allow.
func checkSafe(t *testing.T, frag, out string) {
	t.Helper()
	z := html.NewTokenizer(strings.NewReader(out))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		name, more := z.TagName()
		tag := string(name)
		allowed, ok := elements[tag]
		if !ok {
			t.Fatalf("HTML(%q) = %q: element <%s> is not in the policy", frag, out, tag)
		}
		for more {
			var k, v []byte
			k, v, more = z.TagAttr()
			attr := string(k)
			if strings.HasPrefix(attr, "on") {
				t.Fatalf("HTML(%q) = %q: event handler %s on <%s>", frag, out, attr, tag)
			}
			if !slices.Contains(global, attr) && !slices.Contains(allowed, attr) {
				t.Fatalf("HTML(%q) = %q: attribute %s is not allowed on <%s>", frag, out, attr, tag)
			}
			if urlAttrs[attr] {
				if s := browserScheme(string(v)); s != "" && !slices.Contains(schemes, s) {
					t.Fatalf("HTML(%q) = %q: %s: URL in %s of <%s>", frag, out, s, attr, tag)
				}
			}
		}
	}
}

// browserScheme is the scheme a browser reads in an attribute's value (its
// entities already decoded): leading and trailing C0 controls and spaces
// are stripped and tabs and newlines removed, as the URL standard says;
// "" for a relative URL.
func browserScheme(v string) string {
	v = strings.TrimFunc(v, func(r rune) bool { return r <= ' ' })
	v = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, v)
	for i, c := range v {
		switch {
		case c == ':':
			if i == 0 {
				return ""
			}
			return strings.ToLower(v[:i])
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		case i > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'):
		default:
			return ""
		}
	}
	return ""
}

// visible is text as a reader compares it: every character but white
// space, with invalid UTF-8 read as U+FFFD, as a browser reads it.
func visible(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r == utf8.RuneError || r == 0 {
			b.WriteRune(utf8.RuneError)
			continue
		}
		if !strings.ContainsRune(" \t\n\r\f\u00a0", r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}
