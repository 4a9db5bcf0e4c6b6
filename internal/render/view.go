package render

import (
	"errors"
	"strconv"
	"time"

	"github.com/folio-ssg/folio/internal/date"
	"github.com/folio-ssg/folio/internal/diag"
	"github.com/folio-ssg/folio/internal/policy"
	"github.com/folio-ssg/folio/internal/site"
)

// This file holds what templates see of the site model, and how what they
// read is recorded.
//
// A template never holds a *site.Doc, *site.Term, … itself: it holds a view
// that embeds one, and every way from one model object to another goes
// through a method of the view, which records the step. So the dependencies
// of a page are what its templates actually read while rendering it — the
// default theme's and a site's own alike — and not a hand-kept list:
//
//   - a view records its object when it is made (the document, term, period,
//     section or taxonomy: its own fields, Value's "object" keys);
//   - a method that leads to other objects records the step with its
//     argument ("the documents of this term", "the previous document of this
//     one"): its value is which objects it led to, in order;
//   - a count (Count, Dated) records the number only.
//
// A page whose recorded keys all have the values they had when it was last
// rendered would render to the same bytes: its templates would take the same
// path through the same data. view_test.go holds every promoted field and
// method of the model to one of two lists — shown through the object's key,
// or replaced here — so a new field of the model cannot reach a template
// unrecorded.

// recorder collects the keys one page's templates read, and gives each
// model object one view for the page, so templates can compare views with
// eq and ne.
type recorder struct {
	keys     map[depKey]struct{}
	docs     map[*site.Doc]*Doc
	terms    map[*site.Term]*Term
	periods  map[*site.Period]*Period
	sections map[*site.Section]*Section
	taxa     map[*site.Taxonomy]*Taxonomy
}

// depKey is a key as recorded; Deps spells it as one string.
type depKey struct{ id, step, arg string }

func (k depKey) String() string {
	if k.step == "" {
		return k.id
	}
	return k.id + "\x00" + k.step + "\x00" + k.arg
}

func newRecorder() *recorder {
	return &recorder{keys: make(map[depKey]struct{}, 64), docs: make(map[*site.Doc]*Doc, 32)}
}

func (r *recorder) add(id, step, arg string) {
	r.keys[depKey{id, step, arg}] = struct{}{}
}

// Keys of model objects: a letter for the kind and a name unique within it.
func docID(d *site.Doc) string         { return "d" + d.Doc.Path }
func termID(t *site.Term) string       { return "t" + t.Path }
func periodID(p *site.Period) string   { return "p" + p.Path }
func sectionID(s *site.Section) string { return "s" + s.Dir }
func taxonomyID(x *site.Taxonomy) string {
	return "x" + x.Path
}

const siteID = "S"

// The model types, embedded in the views under names templates cannot
// reach: a template sees their fields and methods, never the raw objects.
type (
	siteSite     = site.Site
	sitePage     = site.Page
	siteDoc      = site.Doc
	siteTerm     = site.Term
	sitePeriod   = site.Period
	siteSection  = site.Section
	siteTaxonomy = site.Taxonomy
)

func (r *recorder) doc(d *site.Doc) *Doc {
	if d == nil {
		return nil
	}
	v := r.docs[d]
	if v == nil {
		v = &Doc{siteDoc: d, r: r, id: docID(d)}
		v.viewFields()
		r.docs[d] = v
		r.add(v.id, "", "")
	}
	return v
}

func (r *recorder) docList(ds []*site.Doc) []*Doc {
	if ds == nil {
		return nil
	}
	out := make([]*Doc, len(ds))
	for i, d := range ds {
		out[i] = r.doc(d)
	}
	return out
}

func (r *recorder) term(t *site.Term) *Term {
	if t == nil {
		return nil
	}
	if r.terms == nil {
		r.terms = map[*site.Term]*Term{}
	}
	v := r.terms[t]
	if v == nil {
		v = &Term{siteTerm: t, r: r, id: termID(t), Name: t.Name, Path: t.Path}
		r.terms[t] = v
		r.add(v.id, "", "")
	}
	return v
}

func (r *recorder) termList(ts []*site.Term) []*Term {
	if ts == nil {
		return nil
	}
	out := make([]*Term, len(ts))
	for i, t := range ts {
		out[i] = r.term(t)
	}
	return out
}

func (r *recorder) period(p *site.Period) *Period {
	if p == nil {
		return nil
	}
	if r.periods == nil {
		r.periods = map[*site.Period]*Period{}
	}
	v := r.periods[p]
	if v == nil {
		v = &Period{sitePeriod: p, r: r, id: periodID(p), Year: p.Year, Path: p.Path}
		r.periods[p] = v
		r.add(v.id, "", "")
	}
	return v
}

func (r *recorder) periodList(ps []*site.Period) []*Period {
	if ps == nil {
		return nil
	}
	out := make([]*Period, len(ps))
	for i, p := range ps {
		out[i] = r.period(p)
	}
	return out
}

func (r *recorder) section(s *site.Section) *Section {
	if s == nil {
		return nil
	}
	if r.sections == nil {
		r.sections = map[*site.Section]*Section{}
	}
	v := r.sections[s]
	if v == nil {
		v = &Section{siteSection: s, r: r, id: sectionID(s), Title: s.Title, Path: s.Path}
		r.sections[s] = v
		r.add(v.id, "", "")
	}
	return v
}

func (r *recorder) sectionList(ss []*site.Section) []*Section {
	if ss == nil {
		return nil
	}
	out := make([]*Section, len(ss))
	for i, s := range ss {
		out[i] = r.section(s)
	}
	return out
}

func (r *recorder) taxonomy(x *site.Taxonomy) *Taxonomy {
	if x == nil {
		return nil
	}
	if r.taxa == nil {
		r.taxa = map[*site.Taxonomy]*Taxonomy{}
	}
	v := r.taxa[x]
	if v == nil {
		v = &Taxonomy{siteTaxonomy: x, r: r, id: taxonomyID(x), Path: x.Path, Label: x.Label}
		r.taxa[x] = v
		r.add(v.id, "", "")
	}
	return v
}

// Site is what templates see of the site: .Site.
type Site struct {
	*siteSite
	r *recorder
	// Config is the site's configuration (see viewFields).
	Config *site.Config
}

func newSite(s *site.Site, r *recorder) *Site {
	return &Site{siteSite: s, r: r, Config: &s.Config}
}

func newPage(p *site.Page, r *recorder) *Page {
	return &Page{sitePage: p, r: r, Kind: p.Kind, Path: p.Path, Title: p.Title, Pager: p.Pager}
}

// Docs are every document, newest first.
func (s *Site) Docs() []*Doc { s.r.add(siteID, "docs", ""); return s.r.docList(s.siteSite.Docs) }

// Count is the number of documents.
func (s *Site) Count() int { s.r.add(siteID, "count", ""); return len(s.siteSite.Docs) }

// Dated is the number of documents with a date.
func (s *Site) Dated() int { s.r.add(siteID, "dated", ""); return s.siteSite.Dated() }

// Newest are the n newest documents.
func (s *Site) Newest(n int) []*Doc {
	s.r.add(siteID, "newest", strconv.Itoa(n))
	return s.r.docList(s.siteSite.Newest(n))
}

// Undated are the documents without a date.
func (s *Site) Undated() []*Doc {
	s.r.add(siteID, "undated", "")
	return s.r.docList(s.siteSite.Undated)
}

// UndatedCount is the number of documents without a date.
func (s *Site) UndatedCount() int {
	s.r.add(siteID, "undatedcount", "")
	return len(s.siteSite.Undated)
}

// Tags are every tag, most documents first.
func (s *Site) Tags() []*Term { s.r.add(siteID, "tags", ""); return s.r.termList(s.siteSite.Tags) }

// Tag is the tag of a name, or nil.
func (s *Site) Tag(name string) *Term {
	s.r.add(siteID, "tag", name)
	return s.r.term(s.siteSite.Tag(name))
}

// Years are the archive's years, newest first.
func (s *Site) Years() []*Period {
	s.r.add(siteID, "years", "")
	return s.r.periodList(s.siteSite.Years)
}

// Sections are the folders of content/ with documents, by folder.
func (s *Site) Sections() []*Section {
	s.r.add(siteID, "sections", "")
	return s.r.sectionList(s.siteSite.Sections)
}

// Root is the top of content/, or nil.
func (s *Site) Root() *Section { s.r.add(siteID, "root", ""); return s.r.section(s.siteSite.Root) }

// Facets are the facets with values.
func (s *Site) Facets() []*Taxonomy {
	s.r.add(siteID, "facets", "")
	var out []*Taxonomy
	for _, x := range s.siteSite.Facets {
		out = append(out, s.r.taxonomy(x))
	}
	return out
}

// Facet is the taxonomy of a facet key, or nil.
func (s *Site) Facet(key string) *Taxonomy {
	s.r.add(siteID, "facet", key)
	return s.r.taxonomy(s.siteSite.Facet(key))
}

// Agencies are the documents by the agency of their number, or nil.
func (s *Site) Agencies() *Taxonomy {
	s.r.add(siteID, "agencies", "")
	return s.r.taxonomy(s.siteSite.Agencies)
}

// Warnings are what the build tells the curator.
func (s *Site) Warnings() []string { s.r.add(siteID, "warnings", ""); return s.siteSite.Warnings }

// Alias is an old URL of a document.
type Alias struct {
	Path string
	Doc  *Doc
}

// Aliases are the redirects from old URLs, by path.
func (s *Site) Aliases() []Alias {
	s.r.add(siteID, "aliases", "")
	out := make([]Alias, len(s.siteSite.Aliases))
	for i, a := range s.siteSite.Aliases {
		out[i] = Alias{Path: a.Path, Doc: s.r.doc(a.Doc)}
	}
	return out
}

// MonthBar is one month of a year in the archive timeline.
type MonthBar struct {
	Month  int
	Period *Period // nil when the year has no document of that month
	Count  int
	Height int // percent of the tallest bar of the site
}

// Timeline is the year's twelve months as bars sized alike across the site.
func (s *Site) Timeline(y *Period) []MonthBar {
	if y == nil {
		return nil
	}
	s.r.add(siteID, "timeline", y.Path)
	bars := s.siteSite.Timeline(y.sitePeriod)
	out := make([]MonthBar, len(bars))
	for i, b := range bars {
		out[i] = MonthBar{Month: int(b.Month), Period: s.r.period(b.Period), Count: b.Count, Height: b.Height}
	}
	return out
}

// Pages is not for templates: a page is rendered from what it shows.
func (s *Site) Pages() (any, error) {
	return nil, errors.New("Site.Pages is not available to templates")
}

// Page is what templates see of the page: .Page. Its kind, path, title
// and pager are part of every page's stamp.
type Page struct {
	*sitePage
	r    *recorder
	docs []*Doc // Docs, made once
	// Of the page itself (see viewFields).
	Kind, Path, Title string
	Pager             *site.Pager
}

// Doc is the page's document (doc, alias and compare pages), or nil.
func (p *Page) Doc() *Doc { return p.r.doc(p.sitePage.Doc) }

// Docs are the documents listed on this page.
func (p *Page) Docs() []*Doc {
	if p.docs == nil {
		p.docs = p.r.docList(p.sitePage.Docs)
	}
	return p.docs
}

// Term is the tag or facet value of the page, or nil.
func (p *Page) Term() *Term { return p.r.term(p.sitePage.Term) }

// Taxonomy is the facet of the page, or nil.
func (p *Page) Taxonomy() *Taxonomy { return p.r.taxonomy(p.sitePage.Taxonomy) }

// Period is the year or month of the page, or nil.
func (p *Page) Period() *Period { return p.r.period(p.sitePage.Period) }

// Section is the section of the page, or nil.
func (p *Page) Section() *Section { return p.r.section(p.sitePage.Section) }

// Lang is the page's language: its document's, else the site's.
func (p *Page) Lang(s *Site) string {
	if d := p.Doc(); d != nil && d.Lang != "" {
		return d.Lang
	}
	return s.Config.Language
}

// Doc is what templates see of a document. Its own fields (front matter,
// URL, body, reading time, status, …) come through the embedded document;
// its neighbours, relations, tags and sections through the methods below.
type Doc struct {
	*siteDoc
	r  *recorder
	id string
	// html is the body once read for this page (the table of contents
	// and the page both read it).
	html []byte

	// The fields templates read most, copied from the document when the
	// view is made (see viewFields); the document's own key covers them.
	Title, Path, Lang, Summary, Slug     string
	Author, Source, OriginalURL, Version string
	ID, DocType                          string
	Tags, Issuers, Subjects              []string
	Date, Written, Effective             date.Date
	Retrieved                            time.Time
	Status                               policy.Status
	StatusGiven                          bool
}

// viewFields: the fields templates read on every page and list entry are
// fields of the views themselves, copied when a view is made.
// text/template finds a view's own field with a short scan; a method costs
// it a lookup that builds the method's func type (reflect's Method), then
// a call through reflect, and a field promoted from the embedded model
// object a breadth-first search with allocations (FieldByNameFunc). As
// methods, their lookups alone took 7.7% of a cold build's CPU.
func (d *Doc) viewFields() {
	x, c := d.siteDoc, d.siteDoc.Doc
	d.Title, d.Path, d.Lang, d.Summary, d.Slug = x.Title, x.Path, x.Lang, x.Summary, x.Slug
	d.Author, d.Source, d.OriginalURL, d.Version = c.Author, c.Source, c.OriginalURL, c.Version
	d.ID, d.DocType = c.ID, c.DocType
	d.Tags, d.Issuers, d.Subjects = c.Tags, c.Issuers, c.Subjects
	d.Date, d.Written, d.Effective, d.Retrieved = x.Date, c.Written, c.Effective, c.Retrieved
	d.Status, d.StatusGiven = x.Status, x.StatusGiven
}

// The body and what is made from it are a step of their own ("body"), so
// that a list showing a document's title is not rendered again when only
// its text changed.

func (d *Doc) body() { d.r.add(d.id, "body", "") }

// HTML is the rendered body.
func (d *Doc) HTML() []byte {
	d.body()
	if d.html == nil {
		d.html = d.siteDoc.HTML()
	}
	return d.html
}

// AbsHTML is the rendered body with its local links absolute.
func (d *Doc) AbsHTML() []byte { d.body(); return d.siteDoc.AbsHTML() }

// Raw is the rendered body with a marker for each local link.
func (d *Doc) Raw() []byte { d.body(); return d.siteDoc.Raw() }

// HTMLFrom is Raw: the loader's function that reads the body is not for
// templates.
func (d *Doc) HTMLFrom() []byte { return d.Raw() }

// Links are the local links of the body.
func (d *Doc) Links() []site.Link { d.body(); return d.siteDoc.Links }

// LinkTargets lists where the body's local links lead.
func (d *Doc) LinkTargets() string { d.body(); return d.siteDoc.LinkTargets() }

// Minutes is the reading time.
func (d *Doc) Minutes() int { d.body(); return d.siteDoc.Minutes }

// Chars is the number of CJK characters of the body.
func (d *Doc) Chars() int { d.body(); return d.siteDoc.Chars }

// Body is the Markdown source of the body, when the build still holds it.
func (d *Doc) Body() []byte { d.body(); return d.siteDoc.Body }

// BodyLine is the line of the source file on which the body starts.
func (d *Doc) BodyLine() int { d.body(); return d.siteDoc.BodyLine }

// Empty reports whether the body holds nothing but space.
func (d *Doc) Empty() bool { d.body(); return d.siteDoc.Empty }

// SHA256 is the hex digest of the source file.
func (d *Doc) SHA256() string { d.body(); return d.siteDoc.SHA256 }

// Sum is a digest of the source and the configuration it was read with.
func (d *Doc) Sum() [32]byte { d.body(); return d.siteDoc.Sum }

// Pos is where a front-matter key is in the source file.
func (d *Doc) Pos(key string) diag.Position { d.body(); return d.siteDoc.Pos(key) }

// Store is not for templates.
func (d *Doc) Store() (any, error) { return nil, errors.New("Store is not available to templates") }

// ReplaceBody is not for templates.
func (d *Doc) ReplaceBody() (any, error) {
	return nil, errors.New("ReplaceBody is not available to templates")
}

// SameKeys is not for templates.
func (d *Doc) SameKeys() (any, error) {
	return nil, errors.New("SameKeys is not available to templates")
}

// Doc is not for templates: the document's fields are the view's own.
func (d *Doc) Doc() (any, error) {
	return nil, errors.New("a document's .Doc is not available to templates: use its fields directly")
}

// Prev is the older document, or nil.
func (d *Doc) Prev() *Doc { d.r.add(d.id, "prev", ""); return d.r.doc(d.siteDoc.Prev) }

// Next is the newer document, or nil.
func (d *Doc) Next() *Doc { d.r.add(d.id, "next", ""); return d.r.doc(d.siteDoc.Next) }

// Related are the most related documents by tags and facets.
func (d *Doc) Related() []*Doc { d.r.add(d.id, "related", ""); return d.r.docList(d.siteDoc.Related) }

// Translations are the document in other languages.
func (d *Doc) Translations() []*Doc {
	d.r.add(d.id, "translations", "")
	return d.r.docList(d.siteDoc.Translations)
}

// Original is the document this one translates, or nil.
func (d *Doc) Original() *Doc { d.r.add(d.id, "original", ""); return d.r.doc(d.siteDoc.Original) }

// Versions are the documents of the document's chain of amendments and
// replacements, oldest first; nil when it stands alone.
func (d *Doc) Versions() []*Doc {
	d.r.add(d.id, "versions", "")
	return d.r.docList(d.siteDoc.Versions())
}

// Relation is one link between two documents of the policy model.
type Relation struct {
	Kind    string
	Ref     string // as written; "" for a computed reverse
	Doc     *Doc   // nil when the reference is outside the collection
	Reverse bool
}

func (d *Doc) relations(rs []site.Relation) []Relation {
	if rs == nil {
		return nil
	}
	out := make([]Relation, len(rs))
	for i, x := range rs {
		out[i] = Relation{Kind: x.Kind, Ref: x.Ref, Doc: d.r.doc(x.Doc), Reverse: x.Reverse}
	}
	return out
}

// Relations are the document's relations, given and computed, by kind.
func (d *Doc) Relations() []Relation {
	d.r.add(d.id, "relations", "")
	return d.relations(d.siteDoc.Relations)
}

// RelationsOf are the document's relations of one kind.
func (d *Doc) RelationsOf(kind string) []Relation {
	d.r.add(d.id, "relations", "")
	return d.relations(d.siteDoc.RelationsOf(kind))
}

// Sections are the folders that hold the document, outermost first.
func (d *Doc) Sections() []*Section {
	d.r.add(d.id, "sections", "")
	return d.r.sectionList(d.siteDoc.Sections())
}

// ArchiveMonth is the archive month the document is listed in, or nil.
func (d *Doc) ArchiveMonth() *Period {
	d.r.add(d.id, "month", "")
	return d.r.period(d.siteDoc.ArchiveMonth())
}

// TagLinks are the document's tags with their pages.
func (d *Doc) TagLinks() []*Term {
	d.r.add(d.id, "tags", "")
	return d.r.termList(d.siteDoc.TagLinks())
}

// FacetLinks are the document's values of a facet with their pages.
func (d *Doc) FacetLinks(key string) []*Term {
	d.r.add(d.id, "facet", key)
	return d.r.termList(d.siteDoc.FacetLinks(key))
}

// AgencyLink is the page of the document's agency, or nil.
func (d *Doc) AgencyLink() *Term {
	d.r.add(d.id, "agency", "")
	return d.r.term(d.siteDoc.AgencyLink())
}

// Term is what templates see of a tag or facet value.
type Term struct {
	*siteTerm
	r          *recorder
	id         string
	Name, Path string // see viewFields
}

// Docs are the term's documents, newest first.
func (t *Term) Docs() []*Doc { t.r.add(t.id, "docs", ""); return t.r.docList(t.siteTerm.Docs) }

// Count is the number of the term's documents.
func (t *Term) Count() int { t.r.add(t.id, "count", ""); return len(t.siteTerm.Docs) }

// Taxonomy is what templates see of a facet: its key, label, path and values.
type Taxonomy struct {
	*siteTaxonomy
	r           *recorder
	id          string
	Path, Label string // see viewFields
}

// Terms are the facet's values, most documents first.
func (x *Taxonomy) Terms() []*Term {
	x.r.add(x.id, "terms", "")
	return x.r.termList(x.siteTaxonomy.Terms)
}

// Period is what templates see of a year or month of the archive.
type Period struct {
	*sitePeriod
	r    *recorder
	id   string
	Year int    // see viewFields
	Path string // see viewFields
}

// Docs are the period's documents, newest first.
func (p *Period) Docs() []*Doc { p.r.add(p.id, "docs", ""); return p.r.docList(p.sitePeriod.Docs) }

// Count is the number of the period's documents.
func (p *Period) Count() int { p.r.add(p.id, "count", ""); return len(p.sitePeriod.Docs) }

// Months are a year's months, newest first.
func (p *Period) Months() []*Period {
	p.r.add(p.id, "months", "")
	return p.r.periodList(p.sitePeriod.Months)
}

// Section is what templates see of a folder of content/.
type Section struct {
	*siteSection
	r           *recorder
	id          string
	Title, Path string // see viewFields
}

// Docs are the documents directly in the folder.
func (s *Section) Docs() []*Doc { s.r.add(s.id, "docs", ""); return s.r.docList(s.siteSection.Docs) }

// Total is the number of documents in the folder and below.
func (s *Section) Total() int { s.r.add(s.id, "total", ""); return s.siteSection.Total }

// Children are the folders below, by folder.
func (s *Section) Children() []*Section {
	s.r.add(s.id, "children", "")
	return s.r.sectionList(s.siteSection.Children)
}

// Parent is the folder above, or nil.
func (s *Section) Parent() *Section {
	s.r.add(s.id, "parent", "")
	return s.r.section(s.siteSection.Parent)
}

// Trail is the section and those above it, outermost first, without the
// top of content/.
func (s *Section) Trail() []*Section {
	s.r.add(s.id, "trail", "")
	return s.r.sectionList(s.siteSection.Trail())
}
