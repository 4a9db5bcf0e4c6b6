package build

import (
	"crypto/sha256"
	"fmt"
	"hash"

	"github.com/folio-ssg/folio/internal/render"
	"github.com/folio-ssg/folio/internal/site"
)

// pageStamp is a digest of everything a page shows: when it equals the
// stamp of the page already written, an incremental build skips rendering
// it. It covers the data the default theme and the documented template data
// give each page kind: the page's own documents, its neighbours and lists,
// the counts on index pages, the site configuration and the templates used.
type pageStamp [32]byte

func templateStamps(r *render.Renderer) map[string][32]byte {
	m := map[string][32]byte{}
	for _, kind := range []string{site.KindHome, site.KindDoc, site.KindTags, site.KindTag, site.KindArchive, site.KindYear, site.KindMonth, site.KindUndated, site.KindSection, site.KindNotFound} {
		m[kind] = r.Digest(kind)
	}
	return m
}

func stampPage(s *site.Site, p *site.Page, tmpl [32]byte) pageStamp {
	h := sha256.New()
	w := func(args ...any) {
		for _, a := range args {
			fmt.Fprintf(h, "%v\x00", a)
		}
		h.Write([]byte{'\n'})
	}
	c := s.Config
	w(tmpl[:], c.Title, c.BaseURL, c.Language, c.PageSize, c.Permalink, c.RelativeURLs)
	w(p.Kind, p.Path, p.Title)
	if pg := p.Pager; pg != nil {
		w(pg.Number, pg.Total, pg.Items, pg.First, pg.Prev, pg.Next, pg.Last)
	}
	for _, d := range p.Docs {
		listed(h, d)
	}
	switch p.Kind {
	case site.KindDoc:
		d := p.Doc
		listed(h, d)
		h.Write(d.Sum[:]) // the source and the configuration it was read with
		w(d.Minutes)
		for _, t := range d.TagLinks() {
			w(t.Name, t.Path)
		}
		for _, n := range []*site.Doc{d.Prev, d.Next} {
			if n != nil {
				w(n.Path, n.Title)
			} else {
				w("-")
			}
		}
	case site.KindHome, site.KindTags, site.KindArchive:
		w(len(s.Docs), s.Dated(), len(s.Undated))
		for _, t := range s.Tags {
			w(t.Name, t.Path, len(t.Docs))
		}
		for _, y := range s.Years {
			w(y.Year, len(y.Docs))
			for _, m := range y.Months {
				w(m.Month, len(m.Docs))
			}
		}
		if s.Root != nil {
			for _, c := range s.Root.Children {
				w(c.Title, c.Path, c.Total)
			}
		}
	case site.KindTag:
		w(p.Term.Name)
	case site.KindYear, site.KindMonth:
		for _, m := range p.Period.Months {
			w(m.Month, m.Path, len(m.Docs))
		}
	case site.KindSection:
		sec := p.Section
		w(sec.Title, string(sec.Intro), sec.Total)
		if sec.Parent != nil {
			w(sec.Parent.Dir, sec.Parent.Title, sec.Parent.Path)
		}
		for _, c := range sec.Children {
			w(c.Title, c.Path, c.Total)
		}
	}
	var st pageStamp
	h.Sum(st[:0])
	return st
}

// listed writes what a list entry shows of a document.
func listed(h hash.Hash, d *site.Doc) {
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00%s\x00%s\x00%q\n", d.Path, d.Title, d.Date, d.Source, d.Version, d.Summary, d.Tags)
}
