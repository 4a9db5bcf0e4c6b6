package build

import (
	"crypto/sha256"
	"fmt"
	"strconv"

	"github.com/folio-ssg/folio/internal/render"
	"github.com/folio-ssg/folio/internal/site"
)

// pageStamp is a digest of everything a page shows: when it equals the
// stamp of the page already written, an incremental build skips rendering
// it. It covers the data the default theme and the documented template data
// give each page kind: the page's own documents, its neighbours and lists,
// the counts on index pages, the site configuration and the templates used.
type pageStamp [32]byte

// templateStamps gives each page kind the digest of its templates; for a
// kind rendered by a site's own templates, which may show anything of the
// site, it is combined with a digest of the whole site, so any change to
// the content renders those pages again.
func templateStamps(r *render.Renderer, s *site.Site) map[string][32]byte {
	m := map[string][32]byte{}
	var whole []byte
	for _, kind := range site.Kinds {
		d := r.Digest(kind)
		if r.Own(kind) {
			if whole == nil {
				whole = siteDigest(s)
			}
			d = sha256.Sum256(append(d[:], whole...))
		}
		m[kind] = d
	}
	return m
}

// siteDigest is a digest of every input the site model is built from: the
// documents' sources (with the configuration they were read with) in site
// order, where they were placed, and the sections.
func siteDigest(s *site.Site) []byte {
	h := sha256.New()
	for _, d := range s.Docs {
		h.Write(d.Sum[:])
		fmt.Fprintf(h, "%s\x00%s\x00", d.Doc.Path, d.Path)
	}
	var sections func(sec *site.Section)
	sections = func(sec *site.Section) {
		if sec == nil {
			return
		}
		fmt.Fprintf(h, "%s\x00%s\x00%s\x00%d\n", sec.Dir, sec.Title, sec.Intro, sec.Total)
		for _, c := range sec.Children {
			sections(c)
		}
	}
	sections(s.Root)
	return h.Sum(nil)
}

func stampPage(s *site.Site, p *site.Page, tmpl [32]byte) pageStamp {
	h := sha256.New()
	var buf []byte
	w := func(args ...any) {
		buf = buf[:0]
		for _, a := range args {
			switch a := a.(type) {
			case string:
				buf = append(buf, a...)
			case int:
				buf = strconv.AppendInt(buf, int64(a), 10)
			case bool:
				buf = strconv.AppendBool(buf, a)
			default:
				buf = fmt.Append(buf, a)
			}
			buf = append(buf, 0)
		}
		buf = append(buf, '\n')
		h.Write(buf)
	}
	c := s.Config
	w(string(tmpl[:]), c.Title, c.BaseURL, c.Language, c.PageSize, c.Permalink, c.RelativeURLs)
	w(p.Kind, p.Path, p.Title)
	// Breadcrumbs: the folders above a document or section, by title.
	var trail []*site.Section
	switch {
	case p.Kind == site.KindDoc:
		trail = p.Doc.Sections()
	case p.Kind == site.KindSection:
		trail = p.Section.Trail()
	case p.Kind == site.KindHome && s.Root != nil:
		w(s.Root.Title, string(s.Root.Intro)) // content/_index.md
	}
	for _, sec := range trail {
		w(sec.Title, sec.Path)
	}
	if pg := p.Pager; pg != nil {
		w(pg.Number, pg.Total, pg.Items, pg.First, pg.Prev, pg.Next, pg.Last)
	}
	for _, d := range p.Docs {
		buf = listed(buf[:0], d)
		h.Write(buf)
	}
	switch p.Kind {
	case site.KindDoc:
		d := p.Doc
		buf = listed(buf[:0], d)
		h.Write(buf)
		h.Write(d.Sum[:]) // the source and the configuration it was read with
		w(d.Doc.Path, d.Minutes, d.Chars, d.LinkTargets(), d.PolicyStamp())
		for _, t := range d.TagLinks() {
			w(t.Name, t.Path)
		}
		for _, n := range []*site.Doc{d.Prev, d.Next} {
			if n != nil {
				buf = listed(buf[:0], n)
				h.Write(buf)
			} else {
				w("-")
			}
		}
	case site.KindHome, site.KindTags, site.KindArchive:
		w(len(s.Docs), s.Dated(), len(s.Undated))
		for _, tx := range s.Facets {
			w(tx.Key, tx.Label, tx.Path, len(tx.Terms))
		}
		for _, t := range s.Tags {
			w(t.Name, t.Path, len(t.Docs))
		}
		for _, y := range s.Years {
			w(y.Year, len(y.Docs))
			for _, m := range y.Months {
				w(int(m.Month), len(m.Docs))
			}
		}
		if s.Root != nil {
			for _, c := range s.Root.Children {
				w(c.Title, c.Path, c.Total)
			}
		}
	case site.KindAlias:
		buf = listed(buf[:0], p.Doc)
		h.Write(buf)
	case site.KindTag:
		w(p.Term.Name)
	case site.KindFacets, site.KindFacet:
		w(p.Taxonomy.Key, p.Taxonomy.Label, p.Taxonomy.Path)
		if p.Kind == site.KindFacets {
			for _, t := range p.Taxonomy.Terms {
				w(t.Name, t.Path, len(t.Docs))
			}
		} else {
			w(p.Term.Name)
		}
	case site.KindYear, site.KindMonth:
		for _, m := range p.Period.Months {
			w(int(m.Month), m.Path, len(m.Docs))
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

// listed appends what a list entry may show of a document: its URL, its
// source and the configuration it was read with (so any front-matter key a
// list template shows is covered, not only the keys the default theme
// lists), and the URLs of its tags.
func listed(b []byte, d *site.Doc) []byte {
	b = append(append(b, d.Path...), 0)
	b = append(b, d.Sum[:]...)
	for _, t := range d.TagLinks() {
		b = append(append(append(append(b, t.Name...), 0), t.Path...), 0)
	}
	return append(b, '\n')
}
