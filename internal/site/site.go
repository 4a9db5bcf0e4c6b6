// Package site is the pure model of a built site: documents with their
// URLs, the tag taxonomy, the date archive, sections, pagination and the
// list of every page to render. It does no I/O.
//
// # URLs
//
// Every page lives at a path that ends in "/" and is written to that
// folder's index.html. Paths here are relative to the site's base path;
// RelURL adds the base path ("/repo/" for https://user.github.io/repo/) and
// AbsURL the scheme and host.
//
//	/                       home: the newest documents, counts, the indexes
//	<permalink>             one document; default "/:year/:month/:slug/"
//	/tags/                  every tag with its count
//	/tags/<tag>/            the tag's documents, paginated: /tags/<tag>/page/2/
//	/archive/               years and months with counts
//	/archive/2025/          one year; /archive/2025/04/ one month
//	/archive/undated/       documents without a date
//	/<folder>/…/            a section: a folder of content/ with documents
//	/404.html               the not-found page
//
// A permalink pattern may use :year, :month, :day, :slug, :filename,
// :section (the first folder) and :path (folders and file name). The slug is the front-matter slug, else made from the title by
// Slug; a Chinese title stays readable ("/2025/04/人工智能发展/"). An
// undated document has "undated" for :year and no :month or :day segment.
// Two pages at one URL is an error naming both files.
//
// # Order
//
// Every list is newest first; documents with the same date are ordered by
// path, so output never depends on the order documents were loaded in.
// A month-precision date sorts as the first of its month. Undated documents
// come last. Previous and next follow that order.
package site

import (
	"cmp"
	"fmt"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/folio-ssg/folio/internal/content"
	"github.com/folio-ssg/folio/internal/diag"
)

// Config describes the site. The zero value works.
type Config struct {
	Title     string
	BaseURL   string // "https://user.github.io/repo/"; "" serves from "/"
	Language  string // BCP 47; "" is "zh-CN"
	Permalink string // "" is "/:year/:month/:slug/"
	PageSize  int    // documents per list page; 0 is 20
	Location  *time.Location
	// RelativeURLs makes links page-relative and ending in index.html, so
	// the output can be opened from disk (file://) or moved anywhere.
	RelativeURLs bool
}

// Doc is a document placed in the site.
type Doc struct {
	*content.Doc
	Slug    string // the URL slug: front-matter slug or made from the title
	Path    string // "/2025/04/x/"
	site    *Site
	HTML    []byte   // the rendered body
	Sum     [32]byte // a digest of the document's source; equal sums, equal documents
	Minutes int      // reading time
	Prev    *Doc     // older
	Next    *Doc     // newer
	index   int
}

// RelURL is the document's URL under the base path.
func (d *Doc) RelURL() string { return d.site.RelURL(d.Path) }

// AbsURL is the document's absolute URL.
func (d *Doc) AbsURL() string { return d.site.AbsURL(d.Path) }

// TagLinks are the document's tags with their URLs.
func (d *Doc) TagLinks() []*Term {
	terms := make([]*Term, 0, len(d.Tags))
	for _, t := range d.Tags {
		if term := d.site.tagBySlug[segment(t)]; term != nil {
			terms = append(terms, term)
		}
	}
	return terms
}

// Term is one tag with its documents, newest first.
type Term struct {
	Name string
	Path string
	Docs []*Doc
}

// Period is a year or a month of the archive.
type Period struct {
	Year   int
	Month  time.Month // 0 for a year
	Path   string
	Docs   []*Doc
	Months []*Period // a year's months, newest first
}

// Section is a folder of content/ that holds documents.
type Section struct {
	Dir      string // "laws/criminal"
	Title    string
	Intro    []byte // rendered HTML of _index.md's body
	Path     string
	Docs     []*Doc // directly in this folder
	Total    int    // documents in this folder and below
	Children []*Section
	Parent   *Section
}

// Site is the assembled model.
type Site struct {
	Config   Config
	Docs     []*Doc    // newest first
	Tags     []*Term   // most documents first, then by name
	Years    []*Period // newest first
	Undated  []*Doc
	Sections []*Section // sorted by folder
	Root     *Section   // the top of content/, or nil when it has no sections
	Warnings []string   // what the curator should know: tags merged by URL

	origin, basePath string
	tagBySlug        map[string]*Term
	bySection        map[string]*Section
}

// SectionInfo is what an _index.md says about a folder.
type SectionInfo struct {
	Title string
	Intro []byte // rendered HTML
}

// New places docs into a site: it fixes their URLs, orders them, and builds
// the taxonomies and the archive. docs may come in any order.
func New(cfg Config, docs []*Doc, sections map[string]SectionInfo) (*Site, error) {
	if cfg.Language == "" {
		cfg.Language = "zh-CN"
	}
	if cfg.Permalink == "" {
		cfg.Permalink = "/:year/:month/:slug/"
	}
	if cfg.PageSize <= 0 {
		cfg.PageSize = 20
	}
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	if cfg.Title == "" {
		cfg.Title = "folio"
	}
	origin, basePath, err := splitBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	s := &Site{Config: cfg, origin: origin, basePath: basePath, tagBySlug: map[string]*Term{}, bySection: map[string]*Section{}}

	var errs diag.List
	s.Docs = slices.Clone(docs)
	slices.SortFunc(s.Docs, compareDocs)
	for i, d := range s.Docs {
		d.site, d.index = s, i
		d.Slug = Slug(d.Doc.Slug)
		if d.Slug == "" {
			d.Slug = Slug(d.Title)
		}
		if d.Slug == "" {
			d.Slug = Slug(d.Name())
		}
		if d.Slug == "" {
			d.Slug = "untitled"
		}
		d.Path, err = expand(cfg.Permalink, d)
		if err != nil {
			return nil, err
		}
		d.Prev, d.Next = nil, nil
		if i > 0 {
			d.Next = s.Docs[i-1]
			s.Docs[i-1].Prev = d
		}
	}

	s.buildTags()
	s.buildArchive()
	s.buildSections(sections)

	// Every page needs a file of its own. A clash is reported at the
	// document, or else at the folder, whose URL it is.
	type owner struct {
		doc, folder string // "content/x.md", "content/tags"; both "" for a page folio makes
		what        string
	}
	owners := map[string]owner{}
	for _, p := range s.Pages() {
		o := owner{what: "the " + p.Kind + " page"}
		switch {
		case p.Doc != nil:
			o = owner{doc: p.Doc.Doc.Path, what: p.Doc.Doc.Path}
		case p.Section != nil && p.Section.Dir != "":
			o = owner{folder: "content/" + p.Section.Dir, what: "the folder content/" + p.Section.Dir}
		}
		prev, ok := owners[p.Output]
		if !ok {
			owners[p.Output] = o
			continue
		}
		at := cmp.Or(o.doc, prev.doc, o.folder, prev.folder)
		hint := "rename the folder"
		switch {
		case o.doc != "" && prev.doc != "":
			hint = "give one a slug, or use :filename or :path in the permalink"
		case o.doc != "" || prev.doc != "":
			hint = "give the document a slug, or change the permalink"
		}
		errs.Add(diag.Position{Path: at}, fmt.Sprintf("URL %s is taken by both %s and %s (%s)", p.Path, prev.what, o.what, hint))
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return s, nil
}

func compareDocs(a, b *Doc) int {
	if c := b.Date.Compare(a.Date); c != 0 {
		return c
	}
	return cmp.Compare(a.Doc.Path, b.Doc.Path)
}

func (s *Site) buildTags() {
	first := map[string]*Doc{}  // slug -> the document its term was named from
	merged := map[string]bool{} // pairs of names already warned about
	for _, d := range s.Docs {
		for _, t := range d.Tags {
			if t == "" {
				continue
			}
			slug := segment(t)
			term := s.tagBySlug[slug]
			if term == nil {
				term = &Term{Name: t, Path: "/tags/" + slug + "/"}
				s.tagBySlug[slug] = term
				s.Tags = append(s.Tags, term)
				first[slug] = d
			} else if t != term.Name && !strings.EqualFold(t, term.Name) && !merged[term.Name+"\x00"+t] {
				// "AI" and "ai" are one tag; "C++" and "C#" become one
				// too, since they share a URL, and the curator is told.
				merged[term.Name+"\x00"+t] = true
				s.Warnings = append(s.Warnings, fmt.Sprintf("%s: tag %q shares the URL %s with tag %q of %s; they are listed as one tag", d.Doc.Path, t, term.Path, term.Name, first[slug].Doc.Path))
			}
			if n := len(term.Docs); n == 0 || term.Docs[n-1] != d {
				term.Docs = append(term.Docs, d)
			}
		}
	}
	slices.SortFunc(s.Tags, func(a, b *Term) int {
		return cmp.Or(cmp.Compare(len(b.Docs), len(a.Docs)), cmp.Compare(a.Path, b.Path))
	})
}

func (s *Site) buildArchive() {
	var year, month *Period
	for _, d := range s.Docs {
		if d.Date.IsZero() {
			s.Undated = append(s.Undated, d)
			continue
		}
		y, m := d.Date.Year(), d.Date.Month()
		if year == nil || year.Year != y {
			year = &Period{Year: y, Path: fmt.Sprintf("/archive/%04d/", y)}
			s.Years = append(s.Years, year)
			month = nil
		}
		year.Docs = append(year.Docs, d)
		if month == nil || month.Month != m {
			month = &Period{Year: y, Month: m, Path: fmt.Sprintf("/archive/%04d/%02d/", y, int(m))}
			year.Months = append(year.Months, month)
		}
		month.Docs = append(month.Docs, d)
	}
}

func (s *Site) buildSections(info map[string]SectionInfo) {
	get := func(dir string) *Section {
		if sec := s.bySection[dir]; sec != nil {
			return sec
		}
		return nil
	}
	var ensure func(dir string) *Section
	ensure = func(dir string) *Section {
		if sec := get(dir); sec != nil {
			return sec
		}
		sec := &Section{Dir: dir, Title: path.Base(dir)}
		if dir == "" {
			sec.Title = ""
			sec.Path = "/"
		} else {
			var segs []string
			for _, p := range strings.Split(dir, "/") {
				segs = append(segs, segment(p))
			}
			sec.Path = "/" + strings.Join(segs, "/") + "/"
		}
		if in, ok := info[dir]; ok {
			if in.Title != "" {
				sec.Title = in.Title
			}
			sec.Intro = in.Intro
		}
		s.bySection[dir] = sec
		if dir != "" {
			parent := ""
			if i := strings.LastIndexByte(dir, '/'); i >= 0 {
				parent = dir[:i]
			}
			sec.Parent = ensure(parent)
			sec.Parent.Children = append(sec.Parent.Children, sec)
		}
		return sec
	}
	for _, d := range s.Docs {
		sec := ensure(d.Dir())
		sec.Docs = append(sec.Docs, d)
		for p := sec; p != nil; p = p.Parent {
			p.Total++
		}
	}
	for dir, sec := range s.bySection {
		if dir == "" {
			s.Root = sec
			continue
		}
		s.Sections = append(s.Sections, sec)
		slices.SortFunc(sec.Children, func(a, b *Section) int { return cmp.Compare(a.Dir, b.Dir) })
	}
	if s.Root != nil {
		slices.SortFunc(s.Root.Children, func(a, b *Section) int { return cmp.Compare(a.Dir, b.Dir) })
	}
	slices.SortFunc(s.Sections, func(a, b *Section) int { return cmp.Compare(a.Dir, b.Dir) })
}

// BasePath is the path the site is served under: "/" or "/repo/".
func (s *Site) BasePath() string { return s.basePath }

// RelURL prefixes a site path with the base path: "/tags/" -> "/repo/tags/".
func (s *Site) RelURL(p string) string {
	return s.basePath + strings.TrimPrefix(p, "/")
}

// URLFrom is the link from the page at site path from to site path to:
// RelURL, or with RelativeURLs a relative path such as "../../tags/index.html".
func (s *Site) URLFrom(from, to string) string {
	if !s.Config.RelativeURLs {
		return s.RelURL(to)
	}
	dir := from[:strings.LastIndexByte(from, '/')+1] // "/a/b/" or "/a/" for "/a/404.html"
	target := strings.TrimPrefix(to, "/")
	if target == "" || strings.HasSuffix(target, "/") {
		target += "index.html"
	}
	// Share as much of the path as the two have in common.
	fromSegs := strings.Split(strings.Trim(dir, "/"), "/")
	toSegs := strings.Split(target, "/")
	if dir == "/" {
		fromSegs = nil
	}
	common := 0
	for common < len(fromSegs) && common < len(toSegs)-1 && fromSegs[common] == toSegs[common] {
		common++
	}
	return strings.Repeat("../", len(fromSegs)-common) + strings.Join(toSegs[common:], "/")
}

// AbsURL makes a site path absolute with the base URL's scheme and host; it
// is the same as RelURL when the base URL has no host.
func (s *Site) AbsURL(p string) string { return s.origin + s.RelURL(p) }

// Tag returns the term with the given name, or nil.
func (s *Site) Tag(name string) *Term { return s.tagBySlug[segment(name)] }

// Newest returns the n newest documents.
func (s *Site) Newest(n int) []*Doc { return s.Docs[:min(n, len(s.Docs))] }

// Dated is the number of dated documents.
func (s *Site) Dated() int { return len(s.Docs) - len(s.Undated) }
