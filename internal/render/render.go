// Package render turns pages of the site model into HTML through Go's
// html/template.
//
// # Template lookup
//
// Templates come from the default theme (embedded in folio) and from the
// site's own templates/ folder, which overrides the theme file by file: a
// site's templates/doc.html replaces the theme's doc.html and nothing else.
//
// base.html and every file under partials/ are shared by all pages. Every
// other top-level *.html file renders one kind of page; a page looks for its
// kind's file first and falls back:
//
//	home     home.html, list.html
//	doc      doc.html
//	tags     tags.html
//	archive  archive.html
//	tag, year, month, undated, section   <kind>.html, list.html
//	404      404.html
//	alias    alias.html (a redirect from an old URL to .Page.Doc)
//	search   search.html (the search form; its script reads search/index.json)
//	facets   facets.html (the values of one facet)
//	facet    facet.html, list.html
//	compare  compare.html (a translation beside its original)
//
// Templates are named by their site-relative path ("templates/doc.html"),
// so parse and execution errors name the right file and line.
//
// # Partials
//
// base.html defines the page shell and the blocks title, head and main.
// Shared fragments live under partials/, one or a few templates a file, so
// that a site can replace one file and keep the rest of the theme:
//
//	crumbs.html        "crumbs": the breadcrumb, home → section → … (every page below the top)
//	doclist.html       "doclist": the documents of .Page.Docs with date, source and summary
//	pager.html         "pager": previous, numbered pages, next
//	cloud.html         "cloud": tags or a facet's values sized by count, sortable by name
//	doc-header.html    "doc-header": a document's title, metadata, details and reading time
//	doc-body.html      "doc-body": its table of contents, text and back-to-top link
//	doc-footer.html    "doc-footer": the sections after the text, in order
//	doc-sections.html  "doc-relations", "doc-translations", "doc-provenance",
//	                   "doc-cite", "doc-related" and "doc-nav" (previous and next)
//
// A site's partials/doc-footer.html may call the theme's sections by name
// and add its own. Each partial receives the page's data ({{template
// "doc-cite" .}}), so {{$.URL}} works inside it.
//
// # Data
//
// A template receives {{.Site}} and {{.Page}}: views of the site model
// (view.go) that record what the template reads, so that an incremental
// build renders a page again only when something it read changed (see
// Deps and Values). They show the fields of the model below; counts are
// cheaper to depend on than lists: {{.Count}} rather than {{len .Docs}}
// lets a page show a number without depending on every document counted.
//
// Site: .Config (Title, BaseURL, Language, PageSize, Search, …), .Docs
// (newest first), .Count, .Tags (terms, most documents first), .Years
// (periods, newest first, each with .Months), .Undated, .Dated and
// .UndatedCount (counts), .Root (the top of content/ as a section, its
// .Intro from content/_index.md, its .Children), .Sections, .Facets and
// .Agencies (taxonomies), .Aliases, .Timeline YEAR (twelve month bars:
// .Month, .Period or nil, .Count, .Height in percent), .AbsURL PATH.
//
// Page: .Kind (home, doc, tags, tag, archive, year, month, undated,
// section, facets, facet, search, compare, alias, 404), .Path, .Title, and
// by kind .Doc, .Term (a tag or facet value), .Taxonomy, .Period (a year
// or month), .Section, .Docs (the documents listed here) and .Pager.
//
// Doc: .Title, .Date (a date.Date; .Date.IsZero for undated), .Path,
// .Lang ("" when the site's), .Summary, .Author, .Source, .OriginalURL,
// .Version, .Tags and .TagLinks, .Params (every front-matter key), .HTML
// (the body), .Minutes, .Chars, .Prev and .Next (older and newer),
// .Sections (its folders, outermost first), .ArchiveMonth, and the policy
// model: .Issuers, .FacetLinks KEY, .DocNumberText, .AgencyLink, .DocType,
// .Written, .Effective, .Status, .Subjects, .Relations, .RelationsOf KIND,
// .Versions, .Translations, .Original, .Related, .Retrieved, .SHA256.
//
// Term: .Name, .Path, .Docs, .Count, .Key (its taxonomy). Taxonomy: .Key,
// .Label, .Path, .Terms. Period: .Year, .Month (0 for a year), .Path,
// .Docs, .Count, .Months. Section: .Dir, .Title (from _index.md, else the folder name),
// .Intro, .Path, .Docs, .Total, .Children, .Parent, .Trail (the section
// and those above it). Pager: .Number, .Total, .Items, .First, .Prev,
// .Next, .Last, .Numbers (entries .Number, .Path, .Current; Number 0 is a
// gap), .PagePath N.
//
// # Functions
//
//	T KEY [ARGS]         an interface label in the site's language (zh or en)
//	Tin LANG KEY [ARGS]  the label for text in LANG: Chinese labels for zh*, English
//	                     for any other language, the site's for ""
//	longDate DATE [LANG] "2025年4月27日" or "April 27, 2025" ("2025年4月", "April 2025")
//	monthName PERIOD [LANG]  "2025年4月" or "April 2025"
//	yearName PERIOD      "2025年" or "2025"
//	sectionTitle SECTION its title: _index.md's, the site's label for the folder,
//	                     the theme's for a common name (news → 新闻), else the name
//	extraParams DOC      front-matter keys folio does not show itself, as .Key,
//	                     .Label, .Text (lists joined, dates and yes/no in words)
//	                     and .URL (for an http or https value), sorted by key
//	toc DOC              the body's h2 headings with ids, each with its h3 as .Sub;
//	                     nil for fewer than four
//	cloud TERMS ["name"] terms with .Count and .Weight (1–5, logarithmic); by
//	                     name: Chinese in pinyin order first, then Latin
//	safeHTML BYTES       trusted HTML (the rendered body)
//	add, seq             arithmetic for pagers
//	list A B …           a list of strings
//	cite FORMAT DOC      the document's citation: gbt7714, apa, bibtex, ris, csl-json
//	citeAPA DOC          APA with the italics as HTML
//	download FORMAT DOC  a data: URL of the citation, for <a download>
//	jsonLD SITE DOC      the schema.org description (NewsArticle or Legislation)
//	status STATUS        the status label: 有效, 失效, 已修改, 未知
//	timestamp TIME       "2025-04-27 05:31:23 (UTC+08:00)"
//	compare ORIG TRANS   the two bodies' paragraphs side by side, as .Original and .Translation
//
// Config.Labels (labels: in folio.yaml) gives the site's own words, in the
// site's language, for the theme's labels ("newest"), front-matter keys
// ("is_emergency") and folders ("notes", "laws/criminal").
//
// Links are made with {{$.URL PATH}}: {{$.URL "/tags/"}} gives "/repo/tags/"
// under a base path, or "../../tags/index.html" when the site is built
// without a base URL, to be opened from disk; {{$.URL .Path}} links a
// document, term, period or section. {{$.Site.AbsURL PATH}} is absolute.
//
// # The default theme
//
// Every page works without JavaScript but search; static/folio.js adds the
// dark-mode toggle (remembered in localStorage, applied before the first
// paint by an inline script in base.html), copy buttons for citations and
// the page's address in printouts of a site built without a base URL.
// Nothing is loaded from another host. style.css follows
// prefers-color-scheme, prints documents with their source URL, their own
// URL and their citation and without navigation, sets Latin fonts and
// left-aligned, hyphenated text for English (lang) and never slants
// Chinese. The table of contents is a <details> element, collapsed on
// phones and open beside the text on screens 75rem wide.
package render

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/folio-ssg/folio/internal/cite"
	"github.com/folio-ssg/folio/internal/diag"
	"github.com/folio-ssg/folio/internal/policy"
	"github.com/folio-ssg/folio/internal/sanitize"
	"github.com/folio-ssg/folio/internal/site"
)

// Config says where templates come from. The zero value has no templates.
type Config struct {
	Theme    fs.FS  // the default theme's templates (files at its root)
	Site     fs.FS  // the site's templates/ folder, or nil
	Language string // "" is zh
	// Labels are the site's own words for the theme's labels, front-matter
	// keys and folders of content/, in the site's language (labels: in
	// folio.yaml): {"newest": "最近收录", "is_emergency": "紧急", "notes": "札记"}.
	Labels map[string]string
}

// Renderer executes page templates. It is safe for concurrent use.
type Renderer struct {
	lang   string                        // the interface language: zh or en
	site   string                        // the site's language as configured
	custom map[string]string             // Config.Labels
	sets   map[string]*template.Template // page template file name -> its set
	src    map[string]string             // file name -> "templates/x.html" it came from, for lookups
	sums   map[string][32]byte           // file name -> digest of its text and the shared templates'
	own    map[string]bool               // file name -> it or a shared template comes from the site
}

var fallbacks = map[string][]string{
	site.KindHome:     {"home.html", "list.html"},
	site.KindDoc:      {"doc.html"},
	site.KindTags:     {"tags.html"},
	site.KindArchive:  {"archive.html"},
	site.KindTag:      {"tag.html", "list.html"},
	site.KindYear:     {"year.html", "list.html"},
	site.KindMonth:    {"month.html", "list.html"},
	site.KindUndated:  {"undated.html", "list.html"},
	site.KindSection:  {"section.html", "list.html"},
	site.KindNotFound: {"404.html"},
	site.KindAlias:    {"alias.html"},
	site.KindSearch:   {"search.html"},
	site.KindFacets:   {"facets.html"},
	site.KindFacet:    {"facet.html", "list.html"},
	site.KindCompare:  {"compare.html"},
}

// New parses the templates. All parse errors are returned together.
//
// A renderer made from the same templates, language and labels as one of
// the last few is that one again: a process that builds a site many times
// (folio serve, the tests) parses and escapes its templates once.
func New(cfg Config) (*Renderer, error) {
	files := map[string][]byte{} // name relative to templates/ -> text
	origin := map[string]string{}
	for _, layer := range []struct {
		fsys   fs.FS
		prefix string
	}{{cfg.Theme, "theme:templates/"}, {cfg.Site, "templates/"}} {
		if layer.fsys == nil {
			continue
		}
		err := fs.WalkDir(layer.fsys, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				if p == "." && errors.Is(err, fs.ErrNotExist) {
					return fs.SkipAll
				}
				return err
			}
			if d.IsDir() || path.Ext(p) != ".html" || strings.HasPrefix(path.Base(p), ".") {
				return nil
			}
			b, err := fs.ReadFile(layer.fsys, p)
			if err != nil {
				return err
			}
			files[p], origin[p] = b, layer.prefix+p
			return nil
		})
		if err != nil {
			var pe *fs.PathError
			if errors.As(err, &pe) {
				return nil, &diag.Error{Pos: diag.Position{Path: layer.prefix + pe.Path}, Msg: "read template: " + pe.Err.Error()}
			}
			return nil, fmt.Errorf("read templates: %w", err)
		}
	}

	key := renderersKey(cfg, files, origin)
	if r := renderers.get(key); r != nil {
		return r, nil
	}
	r := &Renderer{lang: lang(cfg.Language), site: cmpOr(cfg.Language, "zh-CN"), custom: maps.Clone(cfg.Labels), sets: map[string]*template.Template{}, src: map[string]string{}, sums: map[string][32]byte{}, own: map[string]bool{}}
	var errs diag.List
	shared := template.New("").Funcs(r.funcs())
	var sharedNames []string
	for name := range files {
		if name == "base.html" || strings.HasPrefix(name, "partials/") {
			sharedNames = append(sharedNames, name)
		}
	}
	slices.Sort(sharedNames)
	shash := sha256.New()
	fmt.Fprintf(shash, "%s\x00%s\x00", r.lang, r.site)
	for _, k := range slices.Sorted(maps.Keys(r.custom)) {
		fmt.Fprintf(shash, "%s\x00%s\x00", k, r.custom[k])
	}
	for _, name := range sharedNames {
		fmt.Fprintf(shash, "%s\x00%s\x00", name, files[name])
	}
	sharedOwn := false
	for _, name := range sharedNames {
		sharedOwn = sharedOwn || !strings.HasPrefix(origin[name], "theme:")
		if _, err := shared.New(origin[name]).Parse(string(files[name])); err != nil {
			errs.Append(origin[name], templateError(err))
		}
	}
	var names []string
	for name := range files {
		if !slices.Contains(sharedNames, name) {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	for _, name := range names {
		set, err := shared.Clone()
		if err != nil {
			return nil, err
		}
		if _, err := set.New(origin[name]).Parse(string(files[name])); err != nil {
			errs.Append(origin[name], templateError(err))
			continue
		}
		r.sets[name] = set
		r.src[name] = origin[name]
		h := sha256.New()
		h.Write(shash.Sum(nil))
		fmt.Fprintf(h, "%s\x00%s", name, files[name])
		var d [32]byte
		h.Sum(d[:0])
		r.sums[name] = d
		r.own[name] = sharedOwn || !strings.HasPrefix(origin[name], "theme:")
	}
	for _, kind := range []string{site.KindHome, site.KindDoc, site.KindTags, site.KindTag, site.KindArchive, site.KindNotFound} {
		if r.lookup(kind) == "" && len(errs) == 0 {
			errs.Add(diag.Position{Path: "templates/" + fallbacks[kind][0]}, fmt.Sprintf("no template for %s pages", kind))
		}
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	renderers.put(key, r)
	return r, nil
}

// renderers are the last few renderers New made, by renderersKey.
var renderers recent

// recentSize is how many renderers are kept: enough for the sites a test
// binary builds in turn, few enough that template edits under folio
// serve do not hold many stale ones.
const recentSize = 8

type recent struct {
	mu   sync.Mutex
	keys [][32]byte // the least recently used first
	m    map[[32]byte]*Renderer
}

func (c *recent) get(key [32]byte) *Renderer {
	c.mu.Lock()
	defer c.mu.Unlock()
	r := c.m[key]
	if r != nil {
		i := slices.Index(c.keys, key)
		c.keys = append(slices.Delete(c.keys, i, i+1), key)
	}
	return r
}

func (c *recent) put(key [32]byte, r *Renderer) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[[32]byte]*Renderer{}
	}
	if _, ok := c.m[key]; ok {
		return
	}
	if len(c.keys) == recentSize {
		delete(c.m, c.keys[0])
		c.keys = slices.Delete(c.keys, 0, 1)
	}
	c.keys = append(c.keys, key)
	c.m[key] = r
}

// renderersKey is a digest of everything New reads: the language, the
// labels, and every template file with where it came from.
func renderersKey(cfg Config, files map[string][]byte, origin map[string]string) [32]byte {
	h := sha256.New()
	fmt.Fprintf(h, "%q\x00", cfg.Language)
	for _, k := range slices.Sorted(maps.Keys(cfg.Labels)) {
		fmt.Fprintf(h, "%q\x00%q\x00", k, cfg.Labels[k])
	}
	for _, name := range slices.Sorted(maps.Keys(files)) {
		fmt.Fprintf(h, "%q\x00%q\x00%d\x00", name, origin[name], len(files[name]))
		h.Write(files[name])
	}
	var key [32]byte
	h.Sum(key[:0])
	return key
}

// lookup returns the template file that renders kind, or "".
func (r *Renderer) lookup(kind string) string {
	for _, name := range fallbacks[kind] {
		if r.sets[name] != nil {
			return name
		}
	}
	return ""
}

// Template names the file that renders pages of kind ("templates/doc.html").
func (r *Renderer) Template(kind string) string { return r.src[r.lookup(kind)] }

// Digest is a digest of the templates that render pages of kind: it
// changes when any of them changes.
func (r *Renderer) Digest(kind string) [32]byte { return r.sums[r.lookup(kind)] }

// Own reports whether any template that renders pages of kind is the
// site's own rather than the default theme's. The default theme's use of
// the site data is known; a site's own template may show any of it.
func (r *Renderer) Own(kind string) bool { return r.own[r.lookup(kind)] }

// Data is what a page template receives.
type Data struct {
	Site *Site
	Page *Page
}

// URL is the link from this page to a site path: {{$.URL "/tags/"}},
// {{$.URL .Path}} for a document or term. It is relative when the site is
// built for opening from disk, and under the base path otherwise.
func (d *Data) URL(p string) string {
	if d.Page.Kind == site.KindNotFound {
		return d.Site.RelURL(p) // 404.html is served at every depth
	}
	return d.Site.URLFrom(d.Page.Path, p)
}

// Render writes one page.
func (r *Renderer) Render(w io.Writer, s *site.Site, p *site.Page) error {
	_, err := r.RenderDeps(w, s, p)
	return err
}

// RenderDeps writes one page and returns what its templates read.
func (r *Renderer) RenderDeps(w io.Writer, s *site.Site, p *site.Page) (Deps, error) {
	name := r.lookup(p.Kind)
	if name == "" {
		return nil, fmt.Errorf("render %s: no template for %s pages", p.Path, p.Kind)
	}
	rec := newRecorder()
	data := &Data{Site: newSite(s, rec), Page: newPage(p, rec)}
	if err := r.sets[name].ExecuteTemplate(w, r.src[name], data); err != nil {
		return nil, templateError(err)
	}
	deps := make(Deps, 0, len(rec.keys))
	for k := range rec.keys {
		deps = append(deps, k.String())
	}
	slices.Sort(deps)
	return deps, nil
}

// templateError turns "template: templates/doc.html:12:3: …" into a
// positioned diagnostic.
func templateError(err error) error {
	msg := strings.TrimPrefix(err.Error(), "template: ")
	msg = strings.TrimPrefix(msg, "html/template:") // "no such template" and escaping errors
	msg = strings.TrimPrefix(msg, "theme:")
	// "templates/doc.html:12:3: executing ..." or "templates/doc.html:12: ..."
	var p string
	var line, col int
	if i := strings.Index(msg, ": "); i > 0 {
		loc := msg[:i]
		parts := strings.Split(loc, ":")
		p = parts[0]
		if len(parts) > 1 {
			fmt.Sscan(parts[1], &line)
		}
		if len(parts) > 2 {
			fmt.Sscan(parts[2], &col)
		}
		if line > 0 {
			return &diag.Error{Pos: diag.Position{Path: p, Line: line, Col: col}, Msg: strings.TrimPrefix(msg[i+2:], "theme:")}
		}
	}
	return errors.New(msg)
}

func (r *Renderer) funcs() template.FuncMap {
	return template.FuncMap{
		"T":            r.label,
		"Tin":          r.labelIn,
		"safeHTML":     func(b []byte) template.HTML { return template.HTML(b) },
		"extraParams":  r.extraParams,
		"monthName":    r.monthName,
		"yearName":     r.yearName,
		"longDate":     r.longDate,
		"sectionTitle": r.sectionTitle,
		"toc":          toc,
		"cloud":        r.cloud,
		"add":          func(a, b int) int { return a + b },
		"cite":         func(format string, d *Doc) string { return d.Citation(format) },
		"list":         func(s ...string) []string { return s },
		"citeAPA":      func(d *Doc) template.HTML { return cite.APAHTML(d.Work()) },
		"download":     download,
		"jsonLD":       r.jsonLD,
		"status":       func(st policy.Status) string { return st.Label(r.lang) },
		"timestamp":    timestamp,
		"compare":      compare,
		"seq": func(n int) []int {
			out := make([]int, n)
			for i := range out {
				out[i] = i + 1
			}
			return out
		},
	}
}

// download is a data: URL holding a citation, for a link with a download
// attribute: no file per document is written.
func download(format string, d *Doc) template.URL {
	mime := map[string]string{"bibtex": "application/x-bibtex", "ris": "application/x-research-info-systems", "csl-json": "application/vnd.citationstyles.csl+json"}[format]
	if mime == "" {
		mime = "text/plain"
	}
	// Base64: a third longer than the text, where percent-encoding makes
	// a Chinese character nine bytes.
	return template.URL("data:" + mime + ";charset=utf-8;base64," + base64.StdEncoding.EncodeToString([]byte(d.Citation(format))))
}

// timestamp shows a time with its offset: "2025-04-27 05:31:23 (UTC+08:00)".
func timestamp(t time.Time) string {
	return t.Format("2006-01-02 15:04:05") + " (UTC" + t.Format("-07:00") + ")"
}

// Pair is a paragraph of an original beside the same paragraph of its
// translation.
type Pair struct{ Original, Translation template.HTML }

// compare pairs the top-level blocks of two documents' bodies, in order.
func compare(orig, trans *Doc) []Pair {
	a, b := sanitize.Blocks(orig.HTML()), sanitize.Blocks(trans.HTML())
	out := make([]Pair, max(len(a), len(b)))
	for i := range out {
		if i < len(a) {
			out[i].Original = template.HTML(a[i])
		}
		if i < len(b) {
			out[i].Translation = template.HTML(b[i])
		}
	}
	return out
}

// jsonLD is the schema.org description of a document page: a Legislation
// for a government document, else a NewsArticle.
func (r *Renderer) jsonLD(s *Site, d *Doc) map[string]any {
	m := map[string]any{
		"@context":         "https://schema.org",
		"@type":            "NewsArticle",
		"headline":         d.Title,
		"name":             d.Title,
		"inLanguage":       cmpOr(d.Lang, s.Config.Language),
		"mainEntityOfPage": s.AbsURL(d.Path),
	}
	if !d.Date.IsZero() {
		m["datePublished"] = d.Date.String()
	}
	if d.Summary != "" {
		m["description"] = d.Summary
	}
	if d.Author != "" {
		m["author"] = map[string]any{"@type": "Organization", "name": d.Author}
	}
	if d.Source != "" {
		m["publisher"] = map[string]any{"@type": "Organization", "name": d.Source}
	}
	if d.OriginalURL != "" {
		m["isBasedOn"] = d.OriginalURL
	}
	if w := d.Work(); w.Kind == cite.GovDoc {
		m["@type"] = "Legislation"
		delete(m, "headline")
		if n := d.DocNumberText(); n != "" {
			m["legislationIdentifier"] = n
		}
		if j, _ := d.Params["jurisdiction"].(string); j != "" {
			m["legislationJurisdiction"] = j
		} else if strings.HasPrefix(cmpOr(d.Lang, s.Config.Language), "zh") {
			m["legislationJurisdiction"] = "CN"
		}
		if f := d.LegalForce(); f != "" {
			m["legislationLegalForce"] = f
		}
		if len(d.Issuers) > 0 {
			m["legislationPassedBy"] = map[string]any{"@type": "Organization", "name": strings.Join(d.Issuers, ", ")}
		}
		if !d.Effective.IsZero() {
			m["legislationDateOfApplicability"] = d.Effective.String()
		}
	}
	return m
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// Bytes renders one page to a new slice.
func (r *Renderer) Bytes(s *site.Site, p *site.Page) ([]byte, error) {
	var b bytes.Buffer
	err := r.Render(&b, s, p)
	return b.Bytes(), err
}
