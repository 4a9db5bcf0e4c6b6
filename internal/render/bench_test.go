package render

import (
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/folio-ssg/folio"
	"github.com/folio-ssg/folio/internal/content"
	"github.com/folio-ssg/folio/internal/corpusgen"
	"github.com/folio-ssg/folio/internal/markdown"
	"github.com/folio-ssg/folio/internal/site"
)

// BenchmarkRenderPages renders every page of a generated corpus of 1,000
// documents with the default theme, to nothing: the templates' share of a
// cold build, without loading or writing. Its sub-benchmarks are the
// document pages and the rest.
func BenchmarkRenderPages(b *testing.B) {
	root := b.TempDir()
	if err := corpusgen.Write(root, 1000); err != nil {
		b.Fatal(err)
	}
	conv := markdown.New()
	var docs []*site.Doc
	err := filepath.WalkDir(filepath.Join(root, "content"), func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		doc, errs := content.Parse(filepath.ToSlash(rel), src, content.Config{Location: time.UTC})
		if errs != nil {
			return errs
		}
		r, err := conv.Convert(doc.Body, markdown.Options{Title: doc.Title, Links: true})
		if err != nil {
			return err
		}
		if doc.Summary == "" {
			doc.Summary = r.Summary
		}
		html := r.HTML
		docs = append(docs, &site.Doc{Doc: doc, HTMLFrom: func() []byte { return html }, Minutes: markdown.ReadingMinutes(r.Chars, r.Words), Chars: r.Chars})
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	s, err := site.New(site.Config{BaseURL: "https://example.org/", Search: true}, docs, nil)
	if err != nil {
		b.Fatal(err)
	}
	sub, err := fs.Sub(folio.Theme(), "templates")
	if err != nil {
		b.Fatal(err)
	}
	r, err := New(Config{Theme: sub})
	if err != nil {
		b.Fatal(err)
	}
	var docPages, others []*site.Page
	for _, p := range s.Pages() {
		if p.Kind == site.KindDoc {
			docPages = append(docPages, p)
		} else {
			others = append(others, p)
		}
	}
	for _, bm := range []struct {
		name  string
		pages []*site.Page
	}{{"doc", docPages}, {"lists", others}} {
		b.Run(bm.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				for _, p := range bm.pages {
					if _, err := r.RenderDeps(io.Discard, s, p); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*len(bm.pages)), "µs/page")
		})
	}
}
