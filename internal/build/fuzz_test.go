package build

import (
	"bytes"
	"testing"

	"github.com/folio-ssg/folio"
	"github.com/folio-ssg/folio/internal/content"
	"github.com/folio-ssg/folio/internal/markdown"
	"github.com/folio-ssg/folio/internal/render"
	"github.com/folio-ssg/folio/internal/site"
)

// FuzzDocument runs one document through the whole pipeline in memory:
// parse, convert, place in a site, render every page. It must never panic,
// and a document that parses must render.
func FuzzDocument(f *testing.F) {
	f.Add([]byte("---\ntitle: 人工智能\ndate: 2025年4月27日\ntags: [政策, AI]\n---\n# 人工智能\n\n**作者**: 人民日报\n\n正文。"))
	f.Add([]byte("+++\ntitle = \"x\"\n+++\n| a |\n|---|\n| b |\n"))
	f.Add([]byte("# 中华人民共和国价格法\n\n1997年12月29日 通过\n\n<!-- INFO END -->\n"))
	f.Add([]byte("\ufeff---\r\ndraft: true\r\n---\r\n<script>alert(1)</script>"))
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
		s, err := site.New(site.Config{Permalink: "/:path/"}, []*site.Doc{{Doc: doc, HTML: r.HTML}}, nil)
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
		}
	})
}
