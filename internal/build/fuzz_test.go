package build

import (
	"bytes"
	"strings"
	"testing"

	"github.com/folio-ssg/folio"
	"github.com/folio-ssg/folio/internal/content"
	"github.com/folio-ssg/folio/internal/markdown"
	"github.com/folio-ssg/folio/internal/render"
	"github.com/folio-ssg/folio/internal/site"
	"golang.org/x/net/html"
)

// FuzzDocument runs one document through the whole pipeline in memory:
// parse, convert, place in a site, render every page. It must never panic,
// a document that parses must render, and no page may run a script of the
// document's: no script element but the theme's search.js and folio.js,
// its inline dark-mode script (marked data-folio-theme) and the page's
// JSON-LD data (which html/template escapes), no event
// handler attribute, no javascript: or vbscript: URL.
func FuzzDocument(f *testing.F) {
	f.Add([]byte("---\ntitle: 人工智能\ndate: 2025年4月27日\ntags: [政策, AI]\n---\n# 人工智能\n\n**作者**: 人民日报\n\n正文。"))
	f.Add([]byte("+++\ntitle = \"x\"\n+++\n| a |\n|---|\n| b |\n"))
	f.Add([]byte("# 中华人民共和国价格法\n\n1997年12月29日 通过\n\n<!-- INFO END -->\n"))
	f.Add([]byte("\ufeff---\r\ndraft: true\r\n---\r\n<script>alert(1)</script>"))
	f.Add([]byte("\ufeff---\r\ntitle: 通知\r\ndate: 二〇二五年十三月一日\r\n---\r\n正文\r\n"))
	f.Add([]byte("---\rtitle: x\r---\r# 标题\r正文\r"))
	f.Add([]byte("---\ntitle: \"a\\0b\"\nslug: ..\ntags: [a/b, .., \"\", \"\\n\"]\naliases: [/old/]\n---\n\x00\xff\xfe正文"))
	f.Add([]byte("---\nurl: /a/../../b\ntags: [" + strings.Repeat("长", 300) + "]\n---\n"))
	f.Add([]byte("[链接](javascript:alert(1)) [l](JaVaScRiPt:x) <javascript:alert(1)> ![i](vbscript:x)\n\n<a href=\"java&#x09;script:x\" onclick=\"x()\">a</a><img src=x onerror=alert(1)>\n"))
	f.Add([]byte("<svg><script>alert(1)</script></svg>\n\n<p style=\"background:url(javascript:x)\">x</p><scr<script>ipt>alert(1)</script>\n"))
	rnd, err := render.New(render.Config{Theme: subFS(folio.Theme(), "templates")})
	if err != nil {
		f.Fatal(err)
	}
	conv := markdown.New()
	f.Fuzz(func(t *testing.T, src []byte) {
		doc, errs := content.Parse("content/f.md", src, content.Config{})
		if doc == nil || len(errs) > 0 {
			return
		}
		r, err := conv.Convert(doc.Body, markdown.Options{Title: doc.Title})
		if err != nil {
			t.Fatalf("convert: %v", err)
		}
		s, err := site.New(site.Config{Permalink: "/:path/"}, []*site.Doc{{Doc: doc, HTMLFrom: func() []byte { return r.HTML }}}, nil)
		if err != nil {
			return // e.g. a slug that collides with /tags/
		}
		for _, p := range s.Pages() {
			var b bytes.Buffer
			if err := rnd.Render(&b, s, p); err != nil {
				t.Fatalf("render %s: %v", p.Path, err)
			}
			if bytes.Contains(b.Bytes(), []byte("<script>alert")) {
				t.Fatalf("%s: raw script passed through", p.Path)
			}
			if msg := scriptOf(b.String()); msg != "" {
				t.Fatalf("%s: %s in\n%s", p.Path, msg, b.String())
			}
		}
	})
}

// scriptOf reports, in a page, anything that could run a script other
// than the theme's own search.js, or "".
func scriptOf(page string) string {
	z := html.NewTokenizer(strings.NewReader(page))
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return ""
		case html.StartTagToken, html.SelfClosingTagToken:
		default:
			continue
		}
		name, more := z.TagName()
		tag := string(name)
		src, typ := "", ""
		for more {
			var k, v []byte
			k, v, more = z.TagAttr()
			attr, val := string(k), string(v)
			if strings.HasPrefix(attr, "on") {
				return "event handler " + attr + " on <" + tag + ">"
			}
			if attr == "src" {
				src = val
			}
			if attr == "type" {
				typ = val
			}
			if attr == "data-folio-theme" {
				typ = "theme"
			}
			// A browser drops tabs and newlines, and the ends' spaces and
			// controls, before reading a scheme.
			scheme := strings.ToLower(strings.Map(func(r rune) rune {
				if r <= ' ' {
					return -1
				}
				return r
			}, val))
			if strings.HasPrefix(scheme, "javascript:") || strings.HasPrefix(scheme, "vbscript:") {
				return attr + "=" + val + " on <" + tag + ">"
			}
		}
		if tag == "script" && !strings.HasSuffix(src, "/search.js") && !strings.HasSuffix(src, "/folio.js") && typ != "application/ld+json" && typ != "theme" {
			return "a <script> that is not the theme's search.js or folio.js, or the page's JSON-LD data"
		}
	}
}
