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
//
// Templates are named by their site-relative path ("templates/doc.html"),
// so parse and execution errors name the right file and line.
//
// # Data and functions
//
// A template receives {{.Site}} (*site.Site) and {{.Page}} (*site.Page).
// Every front-matter key of a document is in {{.Page.Doc.Params}}, so
// {{.Page.Doc.Params.issuer}} works without code changes. Functions:
//
//	T KEY [ARGS]      an interface label in the site's language (zh or en)
//	safeHTML BYTES    trusted HTML (the rendered body)
//	extraParams DOC   front-matter keys folio does not read itself, as Key/Value pairs, sorted
//	monthName PERIOD  "2025年4月" or "April 2025"
//	add, seq          arithmetic for pagers
//	list A B …        a list of strings
//	cite FORMAT DOC   the document's citation: gbt7714, apa, bibtex, ris, csl-json
//	citeAPA DOC       APA with the italics as HTML
//	download FORMAT DOC  a data: URL of the citation, for <a download>
//	jsonLD SITE DOC   the schema.org description (NewsArticle or Legislation)
//	status STATUS     the status label: 有效, 失效, 已修改, 未知
//	timestamp TIME    "2025-04-27 05:31:23 (UTC+08:00)"
//	compare ORIG TRANS  the two bodies' paragraphs side by side, as .Original and .Translation
//
// Links are made with {{$.URL PATH}}: {{$.URL "/tags/"}} gives "/repo/tags/"
// under a base path, or "../../tags/index.html" when the site is built
// without a base URL, to be opened from disk; {{$.URL .Path}} links a
// document, term, period or section. {{$.Site.AbsURL PATH}} is absolute.
package render

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"net/url"
	"path"
	"slices"
	"strings"
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
}

// Renderer executes page templates. It is safe for concurrent use.
type Renderer struct {
	lang string
	sets map[string]*template.Template // page template file name -> its set
	src  map[string]string             // file name -> "templates/x.html" it came from, for lookups
	sums map[string][32]byte           // file name -> digest of its text and the shared templates'
	own  map[string]bool               // file name -> it or a shared template comes from the site
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
func New(cfg Config) (*Renderer, error) {
	r := &Renderer{lang: lang(cfg.Language), sets: map[string]*template.Template{}, src: map[string]string{}, sums: map[string][32]byte{}, own: map[string]bool{}}
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
	fmt.Fprintf(shash, "%s\x00", r.lang)
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
	return r, nil
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
	Site *site.Site
	Page *site.Page
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
	name := r.lookup(p.Kind)
	if name == "" {
		return fmt.Errorf("render %s: no template for %s pages", p.Path, p.Kind)
	}
	set := r.sets[name]
	if err := set.ExecuteTemplate(w, r.src[name], &Data{Site: s, Page: p}); err != nil {
		return templateError(err)
	}
	return nil
}

// templateError turns "template: templates/doc.html:12:3: …" into a
// positioned diagnostic.
func templateError(err error) error {
	msg := strings.TrimPrefix(err.Error(), "template: ")
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
		"T":           r.label,
		"safeHTML":    func(b []byte) template.HTML { return template.HTML(b) },
		"extraParams": extraParams,
		"monthName":   r.monthName,
		"add":         func(a, b int) int { return a + b },
		"cite":        func(format string, d *site.Doc) string { return d.Citation(format) },
		"list":        func(s ...string) []string { return s },
		"citeAPA":     func(d *site.Doc) template.HTML { return cite.APAHTML(d.Work()) },
		"download":    download,
		"jsonLD":      r.jsonLD,
		"status":      func(st policy.Status) string { return st.Label(r.lang) },
		"timestamp":   timestamp,
		"compare":     compare,
		"seq": func(n int) []int {
			out := make([]int, n)
			for i := range out {
				out[i] = i + 1
			}
			return out
		},
	}
}

// KV is one front-matter key with its value as text.
type KV struct{ Key, Value string }

func extraParams(d *site.Doc) []KV {
	var kvs []KV
	for k, v := range d.Params {
		if d.Known(k) || k == d.DateFrom {
			continue
		}
		var s string
		switch v := v.(type) {
		case []any:
			var parts []string
			for _, x := range v {
				if x != nil {
					parts = append(parts, fmt.Sprint(x))
				}
			}
			s = strings.Join(parts, ", ")
		case map[string]any:
			continue
		case time.Time:
			s = v.Format(time.RFC3339)
			if v.Hour() == 0 && v.Minute() == 0 && v.Second() == 0 {
				s = v.Format(time.DateOnly)
			}
		default:
			s = fmt.Sprint(v)
		}
		if s != "" {
			kvs = append(kvs, KV{k, s})
		}
	}
	slices.SortFunc(kvs, func(a, b KV) int { return strings.Compare(a.Key, b.Key) })
	return kvs
}

// download is a data: URL holding a citation, for a link with a download
// attribute: no file per document is written.
func download(format string, d *site.Doc) template.URL {
	mime := map[string]string{"bibtex": "application/x-bibtex", "ris": "application/x-research-info-systems", "csl-json": "application/vnd.citationstyles.csl+json"}[format]
	if mime == "" {
		mime = "text/plain"
	}
	return template.URL("data:" + mime + ";charset=utf-8," + url.PathEscape(d.Citation(format)))
}

// timestamp shows a time with its offset: "2025-04-27 05:31:23 (UTC+08:00)".
func timestamp(t time.Time) string {
	return t.Format("2006-01-02 15:04:05") + " (UTC" + t.Format("-07:00") + ")"
}

// Pair is a paragraph of an original beside the same paragraph of its
// translation.
type Pair struct{ Original, Translation template.HTML }

// compare pairs the top-level blocks of two documents' bodies, in order.
func compare(orig, trans *site.Doc) []Pair {
	a, b := sanitize.Blocks(orig.HTML), sanitize.Blocks(trans.HTML)
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
func (r *Renderer) jsonLD(s *site.Site, d *site.Doc) map[string]any {
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

func (r *Renderer) monthName(p *site.Period) string {
	if r.lang == "en" {
		return fmt.Sprintf("%s %d", p.Month, p.Year)
	}
	return fmt.Sprintf("%d年%d月", p.Year, int(p.Month))
}

// Bytes renders one page to a new slice.
func (r *Renderer) Bytes(s *site.Site, p *site.Page) ([]byte, error) {
	var b bytes.Buffer
	err := r.Render(&b, s, p)
	return b.Bytes(), err
}
