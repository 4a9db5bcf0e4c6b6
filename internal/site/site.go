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
//	<permalink>             one document; default "/:path/"
//	/tags/                  every tag with its count
//	/tags/<tag>/            the tag's documents, paginated: /tags/<tag>/page/2/
//	/archive/               years and months with counts
//	/archive/2025/          one year; /archive/2025/04/ one month
//	/archive/undated/       documents without a date
//	/<folder>/…/            a section: a folder of content/ with documents
//	/search/                full-text search (when Config.Search)
//	<alias>                 a page that redirects to the document naming it in aliases:
//	/404.html               the not-found page
//
// A permalink pattern may use :year, :month, :day, :slug, :filename,
// :section (the first folder) and :path (folders and file name). The
// default, "/:path/", comes from the file's path, as in Hugo, Zola and
// Eleventy, so editing a title never moves a page; folder and file names
// become segments by PathSegment, which keeps them readable and as
// written ("/laws/民法典-第一编-总则/"). :slug is the front-matter slug,
// else made from the title by Slug ("/2025/04/人工智能发展/"); slug: also
// replaces the file name in :path and :filename. url: in front matter
// pins a document's whole path. An undated document has "undated" for
// :year and no :month or :day segment.
//
// Every page needs a file of its own (see Site.place). Folio's own pages
// come first; a document whose derived URL is taken, by another document
// or by one of folio's pages, moves deterministically to a variant with
// a hash of its path ("/a/x-1f2e3d/") and the curator is warned; URLs the
// curator pinned (url:, slug:) that collide are an error suggesting a
// free one.
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
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/folio-ssg/folio/internal/content"
	"github.com/folio-ssg/folio/internal/diag"
	"github.com/folio-ssg/folio/internal/policy"
	"github.com/folio-ssg/folio/internal/sitemap"
)

// Config describes the site. The zero value works.
type Config struct {
	Title     string
	BaseURL   string // "https://user.github.io/repo/"; "" serves from "/"
	Language  string // BCP 47; "" is "zh-CN"
	Permalink string // "" is "/:path/"
	PageSize  int    // documents per list page; 0 is 20
	Location  *time.Location
	// RelativeURLs makes links page-relative and ending in index.html, so
	// the output can be opened from disk (file://) or moved anywhere.
	RelativeURLs bool
	// Files reports whether the output has a file (an asset or a static
	// file) at a site path, for links in documents; nil knows none.
	Files func(sitePath string) bool
	// Search adds the search page, /search/ (package search writes its index).
	Search bool
	// Facets are the front-matter keys indexed like tags, each with pages
	// at /<key>/; nil is DefaultFacets.
	Facets []string
	// Drafts reports whether a source path ("content/x.md") is a draft
	// this build leaves out, so a link to it is explained; nil knows none.
	Drafts func(src string) bool
}

// Doc is a document placed in the site.
type Doc struct {
	*content.Doc
	Slug string // the URL slug: front-matter slug or made from the title
	Path string // "/2025/04/x/"
	site *Site
	// HTMLFrom returns the rendered body, with a marker for each of
	// Links (Raw); the loader keeps it where it likes (in a file, at
	// scale), so each call may read it again. Nil is an empty body.
	HTMLFrom func() []byte
	Links    []Link   // local links in the body
	Sum      [32]byte // a digest of the document's source; equal sums, equal documents
	Minutes  int      // reading time
	Prev     *Doc     // older
	Next     *Doc     // newer
	index    int
	Chars    int // CJK characters of the body
	// The policy-document model (see policy.go).
	DocNo        policy.DocNumber // doc_number parsed; zero when it is not one
	Status       policy.Status    // from front matter, else from relations
	StatusGiven  bool             // front matter gave a status folio understood
	Relations    []Relation       // given and computed, by kind
	Translations []*Doc           // the same document in other languages
	Original     *Doc             // the document this one is a translation of
	Related      []*Doc           // most related by tags and facets
	pinned       bool             // the curator chose the URL (url:, slug:)
	targets      []string         // site path each of Links leads to; "" where it leads nowhere
}

// Alias is an old URL of a document, written as a page that redirects to it.
type Alias struct {
	Path string
	Doc  *Doc
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
	Key  string // the taxonomy: "tags", "source", "agency", …
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
	Sections []*Section  // sorted by folder
	Root     *Section    // the top of content/, or nil when it has no sections
	Aliases  []*Alias    // redirects from old URLs, by path
	Facets   []*Taxonomy // the facets with values, in Config.Facets order
	Agencies *Taxonomy   // documents by the agency of their document number; nil if none has one
	Warnings []string    // what the curator should know: tags merged by URL, URLs moved

	origin, basePath string
	tagBySlug        map[string]*Term
	bySection        map[string]*Section
	facetByKey       map[string]*Taxonomy
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
		cfg.Permalink = "/:path/"
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
	if cfg.Facets == nil {
		cfg.Facets = DefaultFacets
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
		d.pinned = d.Doc.URL != "" || d.Doc.Slug != ""
		if d.Doc.URL != "" {
			d.Path, err = pinnedPath(d.Doc.URL)
			if err != nil {
				errs.Add(d.Doc.Pos("url"), err.Error())
				continue
			}
		} else if d.Path, err = expand(cfg.Permalink, d); err != nil {
			return nil, err
		}
		d.Prev, d.Next = nil, nil
		if i > 0 {
			d.Next = s.Docs[i-1]
			s.Docs[i-1].Prev = d
		}
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}

	s.readPolicy()
	s.buildTags()
	s.buildArchive()
	s.buildSections(sections)
	s.buildFacets()
	s.place(&errs)
	if err := errs.Err(); err != nil {
		return nil, err
	}
	// The last steps each write fields of their own and read none another
	// writes, so they run at once; their warnings are kept in this order.
	// Links are resolved before translations are found: a translation's
	// comparison page is not a link target.
	var links, relations, translations []string
	var wg sync.WaitGroup
	wg.Go(func() {
		links = s.resolveLinks()
		translations = s.buildTranslations()
	})
	wg.Go(func() { relations = s.resolveRelations() })
	s.buildRelated()
	wg.Wait()
	s.Warnings = slices.Concat(s.Warnings, links, relations, translations)
	return s, nil
}

// place gives every page a file of its own. The pages folio makes (home,
// indexes, sections) claim theirs first; then documents whose URL the
// curator pinned (url:, slug:), then the others, each group in path order.
// A derived URL that is taken moves to a variant with a hash of the
// document's path, with a warning; a pinned one that is taken is an error
// that suggests a free URL. Aliases come last and may not take a page's
// file.
func (s *Site) place(errs *diag.List) {
	owner := map[string]string{} // output file -> what it is, for messages
	for _, p := range s.Pages() {
		if p.Doc != nil {
			continue
		}
		what := "folio's " + p.Kind + " page"
		if p.Section != nil && p.Section.Dir != "" {
			what = "the list of the folder content/" + p.Section.Dir
		}
		if prev, ok := owner[p.Output]; ok {
			at := diag.Position{Path: "content"}
			if p.Section != nil && p.Section.Dir != "" {
				at.Path = "content/" + p.Section.Dir
			}
			errs.Add(at, fmt.Sprintf("URL %s is taken by both %s and %s: rename the folder, or add it to exclude: in folio.yaml", p.Path, prev, what))
			continue
		}
		owner[p.Output] = what
	}
	byPath := slices.Clone(s.Docs)
	slices.SortFunc(byPath, func(a, b *Doc) int {
		if a.pinned != b.pinned {
			if a.pinned {
				return -1
			}
			return 1
		}
		return cmp.Compare(a.Doc.Path, b.Doc.Path)
	})
	for _, d := range byPath {
		out := outputFile(d.Path)
		prev, taken := owner[out]
		if !taken {
			owner[out] = d.Doc.Path
			continue
		}
		if d.pinned {
			key := "slug"
			if d.Doc.URL != "" {
				key = "url"
			}
			errs.Add(d.Doc.Pos(key), fmt.Sprintf("URL %s is pinned by %s here but taken by %s: %s", d.Path, key, prev, s.freeHint(d, key, owner)))
			continue
		}
		moved := s.variant(d.Path, d.Doc.Path, owner)
		hint := "give one of them a slug: or url: to choose"
		if !strings.HasPrefix(prev, "content/") {
			hint = "rename the file, or add it to exclude: in folio.yaml"
		}
		s.Warnings = append(s.Warnings, fmt.Sprintf("%s: URL %s is also %s's; published at %s instead (%s)", d.Doc.Path, d.Path, prev, moved, hint))
		d.Path = moved
		owner[outputFile(moved)] = d.Doc.Path
	}
	for _, d := range s.Docs {
		for i, a := range d.Aliases {
			p, err := pinnedPath(a)
			at := d.Doc.Pos("aliases." + strconv.Itoa(i))
			if err != nil {
				errs.Add(at, err.Error())
				continue
			}
			if prev, ok := owner[outputFile(p)]; ok {
				errs.Add(at, fmt.Sprintf("alias %s is the URL of %s; remove the alias", p, prev))
				continue
			}
			owner[outputFile(p)] = "an alias of " + d.Doc.Path
			s.Aliases = append(s.Aliases, &Alias{Path: p, Doc: d})
		}
	}
	slices.SortFunc(s.Aliases, func(a, b *Alias) int { return cmp.Compare(a.Path, b.Path) })
}

// variant is the URL a document with a taken derived URL moves to: the
// last segment gets "-" and 6 hex digits of a hash of the document's path
// (of the hash, again, in the unlikely case that is taken too).
func (s *Site) variant(p, src string, owner map[string]string) string {
	sum := sha256.Sum256([]byte(src))
	for {
		h := hex.EncodeToString(sum[:3])
		var v string
		if strings.HasSuffix(p, "/") {
			v = strings.TrimSuffix(p, "/") + "-" + h + "/"
		} else {
			ext := path.Ext(p)
			v = strings.TrimSuffix(p, ext) + "-" + h + ext
		}
		if _, taken := owner[outputFile(v)]; !taken {
			return v
		}
		sum = sha256.Sum256(sum[:])
	}
}

// freeHint suggests a value for a pinned key that gives a free URL.
func (s *Site) freeHint(d *Doc, key string, owner map[string]string) string {
	for n := 2; ; n++ {
		p := strings.TrimSuffix(d.Path, "/") + "-" + strconv.Itoa(n) + "/"
		if _, taken := owner[outputFile(p)]; taken {
			continue
		}
		if key == "url" {
			return fmt.Sprintf("change it, for example to url: %s", p)
		}
		return fmt.Sprintf("change it, for example to slug: %s", d.Slug+"-"+strconv.Itoa(n))
	}
}

// pinnedPath cleans a site path given in front matter: "/laws/x" -> "/laws/x/".
func pinnedPath(p string) (string, error) {
	if !strings.HasPrefix(p, "/") || strings.ContainsAny(p, "?#\\") {
		return "", fmt.Errorf("%q is not a site path such as /laws/x/", p)
	}
	clean := path.Clean(p)
	if clean == "/" {
		return "", fmt.Errorf("%q is the home page's URL", p)
	}
	if path.Ext(clean) == ".html" {
		return clean, nil
	}
	return clean + "/", nil
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
		sec := &Section{Dir: dir, Title: path.Base(dir), Path: dirPath(dir)}
		if dir == "" {
			sec.Title = ""
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

// RelURL prefixes a site path with the base path: "/tags/人工智能/" ->
// "/repo/tags/%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD/". Every URL folio
// writes — in pages, feeds, the sitemap and the catalog — is
// percent-encoded this one way (RFC 3986, upper-case hex; see
// sitemap.EscapeURL).
func (s *Site) RelURL(p string) string {
	return sitemap.EscapeURL(s.basePath + strings.TrimPrefix(p, "/"))
}

// URLFrom is the link from the page at site path from to site path to:
// RelURL, or with RelativeURLs a relative path such as "../../tags/index.html".
func (s *Site) URLFrom(from, to string) string {
	if !s.Config.RelativeURLs {
		return s.RelURL(to)
	}
	return sitemap.EscapeURL(s.relativeURL(from, to))
}

func (s *Site) relativeURL(from, to string) string {
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
