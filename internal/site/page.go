package site

import (
	"fmt"
	"strconv"
	"strings"
)

// Page kinds; each names the template that renders it (see package render).
const (
	KindHome     = "home"
	KindDoc      = "doc"
	KindTags     = "tags"
	KindTag      = "tag"
	KindArchive  = "archive"
	KindYear     = "year"
	KindMonth    = "month"
	KindUndated  = "undated"
	KindSection  = "section"
	KindNotFound = "404"
	KindAlias    = "alias"
	KindSearch   = "search"
	KindFacets   = "facets"  // the values of one facet
	KindFacet    = "facet"   // the documents of one facet value
	KindCompare  = "compare" // a translation beside its original, paragraph by paragraph
)

// Kinds lists every page kind; rendering and dependency tracking iterate it.
var Kinds = []string{KindHome, KindDoc, KindTags, KindTag, KindArchive, KindYear, KindMonth, KindUndated, KindSection, KindNotFound, KindAlias, KindSearch, KindFacets, KindFacet, KindCompare}

// Page is one output page.
type Page struct {
	Kind   string
	Path   string // site path: "/tags/人工智能/page/2/"
	Output string // file: "tags/人工智能/page/2/index.html"
	Title  string

	Doc      *Doc      // KindDoc; for KindAlias the document it redirects to
	Term     *Term     // KindTag, KindFacet
	Taxonomy *Taxonomy // KindFacets, KindFacet
	Period   *Period   // KindYear, KindMonth
	Section  *Section  // KindSection
	Docs     []*Doc    // the documents listed on this page
	Pager    *Pager    // nil for pages that are not paginated
}

// Lang is the language of the page: its document's, else the site's.
func (p *Page) Lang(s *Site) string {
	if p.Doc != nil && p.Doc.Lang != "" {
		return p.Doc.Lang
	}
	return s.Config.Language
}

// Pager places a page among the pages of one paginated list.
type Pager struct {
	Number, Total int // 1-based page number and page count
	Items         int // documents in the whole list
	First         string
	Prev, Next    string // "" at the ends
	Last          string
	pagePaths     []string
}

// PagePath is the site path of list page n (1-based).
func (p *Pager) PagePath(n int) string { return p.pagePaths[n-1] }

// Pages lists every page of the site in a fixed order.
func (s *Site) Pages() []*Page {
	pages := []*Page{
		{Kind: KindHome, Path: "/", Title: s.Config.Title, Docs: s.Newest(s.Config.PageSize)},
		{Kind: KindNotFound, Path: "/404.html", Title: "404"},
	}
	for _, d := range s.Docs {
		pages = append(pages, &Page{Kind: KindDoc, Path: d.Path, Title: d.Title, Doc: d})
	}
	pages = append(pages, &Page{Kind: KindTags, Path: "/tags/", Title: "tags"})
	if s.Config.Search {
		pages = append(pages, &Page{Kind: KindSearch, Path: "/search/", Title: "search"})
	}
	for _, t := range s.Tags {
		pages = s.paginate(pages, &Page{Kind: KindTag, Title: t.Name, Term: t}, t.Path, t.Docs)
	}
	pages = append(pages, &Page{Kind: KindArchive, Path: "/archive/", Title: "archive"})
	for _, y := range s.Years {
		pages = s.paginate(pages, &Page{Kind: KindYear, Title: strconv.Itoa(y.Year), Period: y}, y.Path, y.Docs)
		for _, m := range y.Months {
			pages = s.paginate(pages, &Page{Kind: KindMonth, Title: fmt.Sprintf("%d-%02d", m.Year, int(m.Month)), Period: m}, m.Path, m.Docs)
		}
	}
	if len(s.Undated) > 0 {
		pages = s.paginate(pages, &Page{Kind: KindUndated, Title: "undated"}, "/archive/undated/", s.Undated)
	}
	for _, sec := range s.Sections {
		pages = s.paginate(pages, &Page{Kind: KindSection, Title: sec.Title, Section: sec}, sec.Path, sec.Docs)
	}
	taxonomies := s.Facets
	if s.Agencies != nil {
		taxonomies = append(taxonomies[:len(taxonomies):len(taxonomies)], s.Agencies)
	}
	for _, tx := range taxonomies {
		pages = append(pages, &Page{Kind: KindFacets, Path: tx.Path, Title: tx.Label, Taxonomy: tx})
		for _, t := range tx.Terms {
			pages = s.paginate(pages, &Page{Kind: KindFacet, Title: t.Name, Term: t, Taxonomy: tx}, t.Path, t.Docs)
		}
	}
	for _, d := range s.Docs {
		if d.Original != nil && strings.HasSuffix(d.Path, "/") {
			pages = append(pages, &Page{Kind: KindCompare, Path: d.Path + "compare/", Title: d.Title, Doc: d})
		}
	}
	for _, a := range s.Aliases {
		pages = append(pages, &Page{Kind: KindAlias, Path: a.Path, Title: a.Doc.Title, Doc: a.Doc})
	}
	for _, p := range pages {
		p.Output = outputFile(p.Path)
	}
	return pages
}

// paginate appends the pages of one list: base at path, then path/page/2/….
// An empty list still has its first page.
func (s *Site) paginate(pages []*Page, proto *Page, path string, docs []*Doc) []*Page {
	size := s.Config.PageSize
	total := max(1, (len(docs)+size-1)/size)
	paths := make([]string, total)
	for i := range paths {
		paths[i] = path
		if i > 0 {
			paths[i] = fmt.Sprintf("%spage/%d/", path, i+1)
		}
	}
	for i := range total {
		p := *proto
		p.Path = paths[i]
		p.Docs = docs[i*size : min(len(docs), (i+1)*size)]
		p.Pager = &Pager{Number: i + 1, Total: total, Items: len(docs), First: paths[0], Last: paths[total-1], pagePaths: paths}
		if i > 0 {
			p.Pager.Prev = paths[i-1]
		}
		if i+1 < total {
			p.Pager.Next = paths[i+1]
		}
		pages = append(pages, &p)
	}
	return pages
}
