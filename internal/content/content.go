// Package content reads a site's documents: it walks content/, splits each
// file into front matter and Markdown body, and decodes the metadata.
//
// # Files
//
// Files of content/ with a document extension (.md, .markdown and .txt
// unless folio.yaml's documents: says otherwise; see Files) are documents,
// except _index.<ext>, which gives its folder (a section) a title and an
// intro. Files and folders whose names start with "." are skipped, and so
// are editors' backup files and whatever an exclude: pattern names. A code
// repository's own files (README, LICENSE, package manifests, source code)
// are not published unless an include: pattern names them. Any other file
// (an image, a PDF) is an asset, copied to the output at the same path.
//
// # Front matter
//
// A document may open with front matter in YAML (between "---" lines), TOML
// (between "+++" lines) or JSON (a "{ … }" object, or between ";;;" lines).
// A file without front matter is still a document, and a "---" rule later in
// the body is not front matter. A UTF-8 byte order mark and CRLF line
// endings are accepted. A syntax error is reported at the line and column
// of the offending token in the file; a bad value at the value, nested
// keys and list items included.
//
// Keys is the one table of the keys folio knows, with the aliases scrapers
// use for them (matched case insensitively, the key's own name first):
//
//	title                 the title; else the first "# " heading; else the file name (headline)
//	date                  see below; the keys are configurable (Config.DateKeys)
//	                      (publish_date, pubdate, published, date_signed, …)
//	tags                  a list, or one string split at "," "，" "、";
//	                      keywords and categories are added to it
//	draft                 true leaves the document out unless drafts are built
//	slug                  the last URL segment
//	url                   a site path pinning the whole URL; an absolute URL
//	                      here is read as original_url, as scrapers write it
//	aliases               old site paths that redirect to the document
//	summary               a summary; else the start of the body (description)
//	author                (authors, byline)
//	source                (publisher)
//	original_url          (source_url, url, link)
//	version               the newspaper page, 版面 (section, page, 版次)
//	lang                  the document's language (language)
//	search                false leaves the document out of the search index
//
// Config.Keys (folio.yaml's keys:) maps a collection's own names to these,
// or to any other name, under which the value is then also reachable:
// {"文号": "doc_number"} gives {{.Doc.Params.doc_number}}. Every key, known
// or not, is kept in Doc.Params under its own name, so a template can show
// {{.Doc.Params.issuer}} without code changes. A null value or an empty
// string counts as absent.
//
// # Dates
//
// The date comes from the first date key that is present; else from a date
// in the file name ("2025-04-27-x.md", "法名(2025-04-27).md"); else from the
// opening lines of the body ("2001年12月29日 第九届全国人民代表大会…通过");
// otherwise the document is undated. Package date lists the accepted forms.
// An impossible date in front matter is an error positioned at its value.
package content

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/folio-ssg/folio/internal/date"
	"github.com/folio-ssg/folio/internal/diag"
	"github.com/folio-ssg/folio/internal/policy"
)

// Config controls how documents are read. The zero value works.
type Config struct {
	// Location reads dates that carry a clock time but no offset; nil is UTC.
	Location *time.Location
	// DateKeys are the front-matter keys tried, in order, for the date;
	// empty means just "date". "date" includes its aliases (see Keys).
	DateKeys []string
	// Keys maps a collection's own front-matter names to the names folio
	// knows (folio.yaml's keys:), e.g. {"发布时间": "date", "文号": "doc_number"}.
	Keys map[string]string
	// IDKey names the key holding a document's id for relations, e.g.
	// "eo_id"; "" is "id".
	IDKey string
}

// Doc is one document.
type Doc struct {
	Path string // slash path relative to the site root: "content/2025/x.md"
	Rel  string // relative to content/: "2025/x.md"

	Title       string
	TitleFrom   string    // "front matter", "heading" or "file name"
	Date        date.Date // zero if undated
	DateFrom    string    // the front-matter key, "file name", "text", or ""
	Tags        []string
	Draft       bool
	Slug        string   // the slug: key, "" if none
	URL         string   // the url: key, a site path the document is pinned to; "" if none
	Aliases     []string // old site paths that redirect to the document
	Summary     string
	Author      string
	Source      string
	OriginalURL string
	Version     string
	Lang        string // the lang: key ("en", "zh-CN"); "" if none
	NoSearch    bool   // search: false leaves the document out of the search index

	// The policy-document model: raw values, interpreted by package site.
	ID             string              // the id key (Config.IDKey, else id)
	Issuers        []string            // issuer, several possible
	DocNumber      string              // doc_number as written
	DocType        string              // doc_type
	Written        date.Date           // written, 成文日期
	Effective      date.Date           // effective, 施行日期
	Status         string              // status as written
	Subjects       []string            // subjects
	Relations      map[string][]string // supersedes, superseded_by, amends, amended_by, related: references as written
	Retrieved      time.Time           // when it was retrieved (retrieved key, or a closing 处理时间 line); zero if unknown
	TranslationOf  string              // a reference to the document this translates
	TranslationKey string              // a key shared by a document and its translations
	SHA256         string              // hex digest of the source file
	Params         map[string]any      // every front-matter key, as decoded

	Body     []byte // the Markdown after the front matter; the build drops it once converted
	BodyLine int    // the file line on which Body starts
	Empty    bool   // Body holds nothing but space

	keyOf map[string]string // front-matter key -> the canonical key it was read as
	pos   positions         // where each front-matter key's value starts
}

// positions is where each front-matter key's value starts, and each item
// of a list value under "key.N" (0-based), sorted by key: a document has a
// dozen at most, and a map of them cost it about 850 bytes.
type positions []keyPos

type keyPos struct {
	Key       string
	Path      string
	Line, Col int32
}

func newPositions(m map[string]diag.Position) positions {
	ps := make(positions, 0, len(m))
	for k, p := range m {
		ps = append(ps, keyPos{Key: k, Path: p.Path, Line: int32(p.Line), Col: int32(p.Col)})
	}
	slices.SortFunc(ps, func(a, b keyPos) int { return strings.Compare(a.Key, b.Key) })
	return ps
}

// get is where key's value starts.
func (ps positions) get(key string) (diag.Position, bool) {
	i, ok := slices.BinarySearchFunc(ps, key, func(p keyPos, k string) int { return strings.Compare(p.Key, k) })
	if !ok {
		return diag.Position{}, false
	}
	p := ps[i]
	return diag.Position{Path: p.Path, Line: int(p.Line), Col: int(p.Col)}, true
}

// Known reports whether the front-matter key k was read as one of the keys
// folio knows (title, an alias of original_url, a keys: name, a date key),
// so a template listing the other keys leaves it out.
func (d *Doc) Known(k string) bool {
	_, ok := d.keyOf[k]
	return ok
}

// Has reports whether the document has a value for a canonical key of Keys.
func (d *Doc) Has(name string) bool {
	if name == "date" {
		return !d.Date.IsZero()
	}
	return d.Value(name) != ""
}

// Value is the document's value of a canonical key of Keys as text.
func (d *Doc) Value(name string) string {
	switch name {
	case "title":
		return d.Title
	case "date":
		if d.Date.IsZero() {
			return ""
		}
		return d.Date.String()
	case "tags":
		return strings.Join(d.Tags, ", ")
	case "draft":
		if d.Draft {
			return "true"
		}
		return ""
	case "slug":
		return d.Slug
	case "url":
		return d.URL
	case "aliases":
		return strings.Join(d.Aliases, ", ")
	case "summary":
		return d.Summary
	case "author":
		return d.Author
	case "source":
		return d.Source
	case "original_url":
		return d.OriginalURL
	case "version":
		return d.Version
	case "lang":
		return d.Lang
	case "search":
		if d.NoSearch {
			return "false"
		}
	case "id":
		return d.ID
	case "issuer":
		return strings.Join(d.Issuers, ", ")
	case "doc_number":
		return d.DocNumber
	case "doc_type":
		return d.DocType
	case "written":
		return d.Written.String()
	case "effective":
		return d.Effective.String()
	case "status":
		return d.Status
	case "subjects":
		return strings.Join(d.Subjects, ", ")
	case "supersedes", "superseded_by", "amends", "amended_by", "related":
		return strings.Join(d.Relations[name], ", ")
	case "retrieved":
		if d.Retrieved.IsZero() {
			return ""
		}
		return d.Retrieved.Format(time.RFC3339)
	case "translation_of":
		return d.TranslationOf
	case "translation_key":
		return d.TranslationKey
	}
	return ""
}

// Pos is where the value of front-matter key k starts, or the file's
// first line when the key is absent.
func (d *Doc) Pos(k string) diag.Position {
	if p, ok := d.pos.get(k); ok {
		return p
	}
	return diag.Position{Path: d.Path, Line: 1, Col: 1}
}

// SameKeys reports whether o's front-matter keys were read under the same
// names and at the same places as d's: with equal values as well, a
// diagnostic about o's front matter reads as one about d's.
func (d *Doc) SameKeys(o *Doc) bool {
	return slices.Equal(d.pos, o.pos) && maps.Equal(d.keyOf, o.keyOf)
}

// Dir is the document's folder relative to content/ ("" at the top).
func (d *Doc) Dir() string {
	if dir := path.Dir(d.Rel); dir != "." {
		return dir
	}
	return ""
}

// Section is the first folder of the document's path ("" at the top).
func (d *Doc) Section() string {
	s, _, _ := strings.Cut(d.Rel, "/")
	if s == d.Rel {
		return ""
	}
	return s
}

// Name is the file name without its extension.
func (d *Doc) Name() string {
	base := path.Base(d.Rel)
	return strings.TrimSuffix(base, path.Ext(base))
}

// Section is a folder of content/ described by an _index file.
type Section struct {
	Path   string // "content/laws/_index.md"
	Dir    string // "laws"
	Title  string
	Params map[string]any
	Body   []byte // the intro, Markdown
}

// Skip reports whether folio leaves a file of the site alone by its name:
// dotfiles (vim's .x.swp, Emacs's .#x locks) and editors' temporary and
// backup files (x~, x.swp, x.swx, x.tmp, JetBrains' x___jb_tmp___,
// Emacs's #x#, vim's probe file 4913).
func Skip(name string) bool {
	switch {
	case strings.HasPrefix(name, "."),
		strings.HasSuffix(name, "~"),
		strings.HasSuffix(name, ".swp"),
		strings.HasSuffix(name, ".swx"),
		strings.HasSuffix(name, ".tmp"),
		strings.HasSuffix(name, "___jb_tmp___"),
		strings.HasSuffix(name, "___jb_old___"),
		len(name) > 1 && strings.HasPrefix(name, "#") && strings.HasSuffix(name, "#"),
		name == "4913":
		return true
	}
	return false
}

// SkipDir reports whether folio leaves a folder of the site alone by its
// name: dot-folders (.git) only. A folder named 4913 or x.tmp is read.
func SkipDir(name string) bool { return strings.HasPrefix(name, ".") }

// Classify is Files{}.Classify: the default rules.
func Classify(rel string) int { return Files{}.Classify(rel) }

// Walk is Files{}.Walk: the default rules.
func Walk(fsys fs.FS, dir string) ([]string, error) { return Files{}.Walk(fsys, dir) }

// Walk lists the files under dir in fsys that Classify accepts, as slash
// paths relative to dir, in lexical order. See Scan for the rules; Walk
// returns its problems as one error and drops its warnings.
func (f Files) Walk(fsys fs.FS, dir string) ([]string, error) {
	files, _, err := f.Scan(fsys, dir)
	return files, err
}

// Scan lists the files under dir in fsys that Classify accepts, as slash
// paths relative to dir, in lexical order, with every problem found.
//
// Only regular files are read: a device, FIFO or socket is an error at its
// path, and so is a file larger than MaxBytes. Symlinks are followed, to
// files and to folders (a shared collection linked into content/), while
// they stay inside the site root (Root); one that leads outside it is an
// error unless FollowOutside is set, and then a warning. A symlink to
// nothing, or one that loops back to a folder above it, is an error
// naming the link. Excluded folders are not entered.
func (f Files) Scan(fsys fs.FS, dir string) (files, warnings []string, err error) {
	files, _, warnings, err = f.scan(fsys, dir, false)
	return files, warnings, err
}

// ScanInfo is Scan, with what stat told of each file as the walk read
// it (of its target, for a symlink), in the order of files: a build that
// reads the files only when they changed need not stat them again.
func (f Files) ScanInfo(fsys fs.FS, dir string) (files []string, infos []fs.FileInfo, warnings []string, err error) {
	return f.scan(fsys, dir, true)
}

// scan is Scan, and ScanInfo when withInfo is set.
func (f Files) scan(fsys fs.FS, dir string, withInfo bool) (files []string, infos []fs.FileInfo, warnings []string, err error) {
	var errs diag.List
	bad := func(p, format string, args ...any) {
		errs.Add(diag.Position{Path: p}, fmt.Sprintf(format, args...))
	}
	var walk func(root string) error
	walk = func(root string) error {
		return fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				if p == dir && errors.Is(err, fs.ErrNotExist) {
					return fs.SkipAll
				}
				var pe *fs.PathError
				if errors.As(err, &pe) {
					bad(p, "%s: %v", pe.Op, pe.Err)
					if d != nil && d.IsDir() {
						return fs.SkipDir
					}
					return nil
				}
				return err
			}
			if p == root {
				return nil
			}
			rel := strings.TrimPrefix(p, dir+"/")
			if d.IsDir() && strings.Count(rel, "/")+1 > MaxDepth {
				bad(p, "folders nested more than %d deep: folio reads at most %d levels under %s/", MaxDepth, MaxDepth, dir)
				return fs.SkipDir
			}
			if SkipDir(d.Name()) || d.IsDir() && f.ExcludedDir(rel) {
				if d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if !d.IsDir() && f.Classify(rel) == 0 {
				return nil // skipped or excluded by name: never read
			}
			fi, err := d.Info()
			if err != nil {
				bad(p, "%v", errors.Unwrap(err))
				return nil
			}
			if d.Type()&fs.ModeSymlink != 0 {
				target, outside := f.Outside(p)
				fi, err = fs.Stat(fsys, p)
				if err != nil {
					bad(p, "follow symlink: %v", unwrapAll(err))
					return nil
				}
				if outside {
					if !f.FollowOutside {
						bad(p, "a symlink to %s, outside the site root: folio follows it only with follow_symlinks: true in folio.yaml", target)
						return nil
					}
					warnings = append(warnings, fmt.Sprintf("%s: a symlink to %s, outside the site root, is followed (follow_symlinks: true)", p, target))
				}
				if fi.IsDir() {
					if f.ExcludedDir(rel) {
						return nil
					}
					for a := path.Dir(p); ; a = path.Dir(a) {
						if ai, err := fs.Stat(fsys, a); err == nil && os.SameFile(fi, ai) {
							where := a + "/"
							if a == "." {
								where = "the site root"
							}
							bad(p, "follow symlink: it loops back to %s, a folder it is in", where)
							return nil
						}
						if a == "." {
							break
						}
					}
					return walk(p)
				}
			} else if d.IsDir() {
				return nil
			}
			if !fi.Mode().IsRegular() {
				bad(p, "a %s, not a regular file: folio reads only regular files; remove it or exclude it in folio.yaml", fileKind(fi.Mode()))
				return nil
			}
			if f.MaxBytes > 0 && fi.Size() > f.MaxBytes {
				bad(p, "%.1f MB, over the limit of %.0f MB a file (max_file_mb in folio.yaml)", float64(fi.Size())/(1<<20), float64(f.MaxBytes)/(1<<20))
				return nil
			}
			if k := f.Classify(rel); f.MaxDocBytes > 0 && fi.Size() > f.MaxDocBytes && (k == KindDoc || k == KindSection) {
				bad(p, "%.1f MB, over the limit of %.0f MB a document (max_document_mb in folio.yaml)", float64(fi.Size())/(1<<20), float64(f.MaxDocBytes)/(1<<20))
				return nil
			}
			files = append(files, rel)
			if withInfo {
				infos = append(infos, fi)
			}
			return nil
		})
	}
	if err := walk(dir); err != nil {
		errs.Append(dir, err)
	}
	// The walk goes folder by folder ("a/x" before "a-b"): in path order.
	if !withInfo {
		slices.Sort(files)
		return files, nil, warnings, errs.Err()
	}
	order := make([]int, len(files))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(i, j int) int { return strings.Compare(files[i], files[j]) })
	sorted, sortedInfos := make([]string, len(files)), make([]fs.FileInfo, len(files))
	for k, i := range order {
		sorted[k], sortedInfos[k] = files[i], infos[i]
	}
	return sorted, sortedInfos, warnings, errs.Err()
}

// Outside reports whether the symlink at the site path p resolves to a
// place outside the site root, and where.
func (f Files) Outside(p string) (string, bool) {
	if f.Root == "" {
		return "", false
	}
	root, err := filepath.EvalSymlinks(f.Root)
	if err != nil {
		return "", false
	}
	target, err := filepath.EvalSymlinks(filepath.Join(f.Root, filepath.FromSlash(p)))
	if err != nil {
		return "", false // a dangling link: reported when followed
	}
	rel, err := filepath.Rel(root, target)
	if err != nil || !filepath.IsLocal(rel) {
		return target, true
	}
	return target, false
}

func fileKind(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "FIFO"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m&fs.ModeDevice != 0 || m&fs.ModeCharDevice != 0:
		return "device"
	}
	return "special file"
}

func unwrapAll(err error) error {
	for {
		u := errors.Unwrap(err)
		if u == nil {
			return err
		}
		err = u
	}
}

// ParseSection reads an _index file.
func ParseSection(p string, src []byte) (*Section, error) {
	m, err := split(p, src)
	if err != nil {
		return nil, err
	}
	rel := strings.TrimPrefix(p, "content/")
	s := &Section{Path: p, Dir: path.Dir(rel), Params: m.fm, Body: m.body}
	if s.Dir == "." {
		s.Dir = ""
	}
	if t, ok := m.fm["title"].(string); ok {
		s.Title = strings.TrimSpace(t)
	}
	if s.Title == "" {
		s.Title, _ = firstHeading(m.body)
	}
	return s, nil
}

// Parse reads one document. p is its slash path relative to the site root
// and must start with "content/". All problems found are returned together.
func Parse(p string, src []byte, cfg Config) (*Doc, diag.List) {
	var errs diag.List
	m, err := split(p, src)
	if err != nil {
		errs.Append(p, err)
		return nil, errs
	}
	fm := m.fm
	d := &Doc{
		Path:     p,
		Rel:      strings.TrimPrefix(p, "content/"),
		Params:   fm,
		Body:     m.body,
		Empty:    len(bytes.TrimSpace(m.body)) == 0,
		BodyLine: m.bodyLine,
		keyOf:    map[string]string{},
		pos:      newPositions(m.pos),
	}
	pos := d.Pos
	r := resolver{own: map[string]string{}}
	for k, v := range cfg.Keys {
		r.own[strings.ToLower(k)] = v
	}
	// Front-matter keys by their lowercase form; of two that differ only
	// in case, the first in byte order.
	lower := make(map[string]string, len(fm))
	for _, k := range sortedKeys(fm) {
		if _, ok := lower[strings.ToLower(k)]; !ok {
			lower[strings.ToLower(k)] = k
		}
	}
	// A collection's own names for keys folio does not know are also
	// reachable under the name they map to: {{.Params.doc_number}}.
	for own, name := range r.own {
		if k, ok := lower[own]; ok {
			d.keyOf[k] = name
			if _, taken := fm[name]; !taken {
				fm[name] = fm[k]
				d.keyOf[name] = name
			}
		}
	}
	text := func(v any, key string) string {
		switch v := v.(type) {
		case nil:
			return ""
		case string:
			return strings.TrimSpace(v)
		case []any:
			var parts []string
			for _, x := range v {
				if x != nil {
					parts = append(parts, strings.TrimSpace(fmt.Sprint(x)))
				}
			}
			return strings.Join(parts, ", ")
		case map[string]any:
			errs.Add(pos(key), fmt.Sprintf("%s: want text, not a mapping", key))
			return ""
		case time.Time:
			return v.Format(time.DateOnly)
		}
		return fmt.Sprint(v)
	}
	str := func(name string) string {
		k, v, ok := r.find(fm, lower, name, nil)
		if !ok {
			return ""
		}
		d.keyOf[k] = name
		return text(v, k)
	}

	d.Title, d.TitleFrom = str("title"), "front matter"
	if d.Title == "" {
		if h, ok := firstHeading(d.Body); ok {
			d.Title, d.TitleFrom = h, "heading"
		} else {
			d.Title, d.TitleFrom = titleFromName(d.Name()), "file name"
		}
	}
	d.Slug = str("slug")
	d.Summary = str("summary")
	d.Author = str("author")
	d.Source = str("source")
	d.Version = str("version")
	d.Lang = str("lang")

	// url: is a site path the document is pinned to; an absolute URL there
	// is where the document came from, as scrapers write it.
	isAbs := func(v any) bool {
		s, ok := v.(string)
		return ok && strings.Contains(s, "://")
	}
	if k, v, ok := r.find(fm, lower, "original_url", isAbs); ok {
		d.keyOf[k] = "original_url"
		d.OriginalURL = text(v, k)
	} else if k, v, ok := r.find(fm, lower, "original_url", func(v any) bool { _, isStr := v.(string); return isStr }); ok && !strings.EqualFold(k, "url") {
		d.keyOf[k] = "original_url"
		d.OriginalURL = text(v, k)
	}
	if k, v, ok := r.find(fm, lower, "url", func(v any) bool { return !isAbs(v) }); ok {
		d.keyOf[k] = "url"
		u := text(v, k)
		switch {
		case strings.HasPrefix(u, "/"):
			d.URL = u
		default:
			errs.Add(pos(k), fmt.Sprintf("%s %q: want a site path such as /laws/x/, or the absolute URL the document came from", k, u))
		}
	}
	if k, v, ok := r.find(fm, lower, "aliases", nil); ok {
		d.keyOf[k] = "aliases"
		list, err := decodeTags(v)
		if err != nil {
			errs.Add(d.listPos(k, err), strings.Replace(err.Error(), "tags", k, 1))
		}
		for i, a := range list {
			if !strings.HasPrefix(a, "/") || strings.ContainsAny(a, "?#") {
				at := pos(k + "." + strconv.Itoa(i))
				if _, ok := d.pos.get(k + "." + strconv.Itoa(i)); !ok {
					at = pos(k)
				}
				errs.Add(at, fmt.Sprintf("%s: %q is not a site path such as /old/x/", k, a))
				continue
			}
			d.Aliases = append(d.Aliases, a)
		}
	}

	boolean := func(name string, def bool) bool {
		k, v, ok := r.find(fm, lower, name, nil)
		if !ok {
			return def
		}
		d.keyOf[k] = name
		switch v := v.(type) {
		case bool:
			return v
		case string:
			b, err := strconv.ParseBool(strings.TrimSpace(v))
			if err != nil && strings.TrimSpace(v) != "" {
				errs.Add(pos(k), fmt.Sprintf("%s %q: want true or false", k, v))
				return def
			}
			return b
		default:
			errs.Add(pos(k), fmt.Sprintf("%s: want true or false, not %v", k, v))
		}
		return def
	}
	d.Draft = boolean("draft", false)
	d.NoSearch = !boolean("search", true)

	// Tags gather every key that holds them: tags, keywords, categories.
	for _, c := range r.candidates("tags") {
		k, ok := lower[strings.ToLower(c)]
		if !ok || d.keyOf[k] != "" {
			continue
		}
		d.keyOf[k] = "tags"
		tags, err := decodeTags(fm[k])
		if err != nil {
			errs.Add(d.listPos(k, err), strings.Replace(err.Error(), "tags", k, 1))
		}
		for _, t := range tags {
			if !slices.Contains(d.Tags, t) {
				d.Tags = append(d.Tags, t)
			}
		}
	}

	d.readPolicy(cfg, r, fm, lower, text, &errs, src)

	// Limits that keep the cost of a build linear in its input.
	if len(d.Tags) > MaxTags {
		errs.Add(d.Pos("tags"), fmt.Sprintf("%d tags: at most %d a document (each tag gets pages and a feed)", len(d.Tags), MaxTags))
		d.Tags = d.Tags[:MaxTags]
	}
	if line, depth := nesting(d.Body); depth > MaxNesting {
		errs.Add(diag.Position{Path: p, Line: d.BodyLine + line - 1, Col: 1}, fmt.Sprintf("lists or quotes nested %d levels deep: at most %d", depth, MaxNesting))
		d.Body = nil
	}

	keys := cfg.DateKeys
	if len(keys) == 0 {
		keys = []string{"date"}
	}
	for _, key := range keys {
		k, v, ok := r.find(fm, lower, key, nil)
		if !ok {
			continue
		}
		d.keyOf[k] = "date"
		dt, err := date.FromValue(v, cfg.Location)
		if err != nil {
			errs.Add(pos(k), err.Error())
			break
		}
		if !dt.IsZero() {
			d.Date, d.DateFrom = dt, k
			break
		}
	}
	if d.Date.IsZero() && d.DateFrom == "" {
		if dt, ok := date.FromName(path.Base(d.Rel)); ok {
			d.Date, d.DateFrom = dt, "file name"
		} else if dt, ok := date.FromText(openingText(d.Body), cfg.Location); ok {
			d.Date, d.DateFrom = dt, "text"
		}
	}
	if len(errs) > 0 {
		return d, errs
	}
	return d, nil
}

// readPolicy reads the keys of the policy-document model.
func (d *Doc) readPolicy(cfg Config, r resolver, fm map[string]any, lower map[string]string, text func(any, string) string, errs *diag.List, src []byte) {
	sum := sha256.Sum256(src)
	d.SHA256 = hex.EncodeToString(sum[:])
	str := func(name string) string {
		k, v, ok := r.find(fm, lower, name, nil)
		if !ok {
			return ""
		}
		d.keyOf[k] = name
		return text(v, k)
	}
	list := func(name string) []string {
		var out []string
		for _, c := range r.candidates(name) {
			k, ok := lower[strings.ToLower(c)]
			if !ok || d.keyOf[k] != "" && d.keyOf[k] != name {
				continue
			}
			if _, isMap := fm[k].(map[string]any); isMap {
				continue // structured: the collection's own, left to templates
			}
			d.keyOf[k] = name
			items, err := decodeTags(fm[k])
			if err != nil {
				errs.Add(d.listPos(k, err), strings.Replace(err.Error(), "tags", k, 1))
			}
			for _, it := range items {
				if !slices.Contains(out, it) {
					out = append(out, it)
				}
			}
		}
		return out
	}
	dateOf := func(name string) date.Date {
		k, v, ok := r.find(fm, lower, name, nil)
		if !ok {
			return date.Date{}
		}
		d.keyOf[k] = name
		dt, err := date.FromValue(v, cfg.Location)
		if err != nil {
			errs.Add(d.Pos(k), err.Error())
		}
		return dt
	}
	idKey := cfg.IDKey
	if idKey == "" {
		idKey = "id"
	}
	if k, ok := lower[strings.ToLower(idKey)]; ok {
		d.keyOf[k] = "id"
		d.ID = text(fm[k], k)
	}
	d.Issuers = list("issuer")
	d.DocNumber = str("doc_number")
	d.DocType = str("doc_type")
	d.Written = dateOf("written")
	d.Effective = dateOf("effective")
	if k, v, ok := r.find(fm, lower, "status", nil); ok {
		d.keyOf[k] = "status"
		switch v := v.(type) {
		case bool: // in_effect: true
			if v {
				d.Status = "in force"
			} else {
				d.Status = "repealed"
			}
		default:
			d.Status = text(v, k)
		}
	}
	d.Subjects = list("subjects")
	for _, rel := range Relations {
		if refs := list(rel[0]); len(refs) > 0 {
			if d.Relations == nil {
				d.Relations = map[string][]string{}
			}
			d.Relations[rel[0]] = refs
		}
	}
	d.TranslationOf = str("translation_of")
	d.TranslationKey = str("translation_key")
	if k, v, ok := r.find(fm, lower, "retrieved", nil); ok {
		d.keyOf[k] = "retrieved"
		switch v := v.(type) {
		case time.Time:
			d.Retrieved = v
		default:
			s := text(v, k)
			if t, _, _, ok := policy.Retrieved(k + ": " + s); ok {
				d.Retrieved = t
			} else if dt, err := date.FromValue(s, cfg.Location); err == nil && !dt.IsZero() {
				d.Retrieved = dt.Time(cfg.Location)
			} else {
				errs.Add(d.Pos(k), fmt.Sprintf("%s %q: want a date and time, such as 2025-04-27 05:31:23", k, s))
			}
		}
	} else if t, start, end, ok := policy.Retrieved(string(d.Body)); ok {
		// A closing "*处理时间: 2025-04-27 05:31:23 (北京时间)*" line is
		// provenance, shown as such, not body text.
		d.Retrieved = t
		body := make([]byte, 0, len(d.Body)-(end-start))
		body = append(append(body, d.Body[:start]...), d.Body[end:]...)
		d.Body = body
	}
}

// References are the ways another document's relation may name this one:
// its file name, path under content/ (with and without extension), path in
// the site, id, slug and document number (normalized with 〔〕).
func (d *Doc) References() []string {
	refs := []string{d.Name(), d.Rel, strings.TrimSuffix(d.Rel, path.Ext(d.Rel)), d.Path}
	if d.ID != "" {
		refs = append(refs, d.ID)
	}
	if d.Slug != "" {
		refs = append(refs, d.Slug)
	}
	if n, ok := policy.ParseDocNumber(d.DocNumber); ok {
		refs = append(refs, n.String())
	} else if d.DocNumber != "" {
		refs = append(refs, d.DocNumber)
	}
	return refs
}

// Limits on what one document may ask of a build.
const (
	MaxTags    = 200 // tags (with keywords and categories) a document
	MaxNesting = 100 // levels of nested lists and block quotes
)

// nesting estimates how deep lists and block quotes nest in a Markdown
// body, without parsing it (Markdown parsers take time that grows faster
// than the nesting): each level of a list takes at least two columns of
// indentation, each level of a quote a ">". It returns the line of the
// deepest point.
func nesting(body []byte) (line, depth int) {
	n := 0
	for l := range bytes.Lines(body) {
		n++
		col, quotes := 0, 0
		for _, c := range l {
			switch c {
			case ' ':
				col++
			case '\t':
				col += 4 - col%4
			case '>':
				quotes++
				col = 0
			default:
				goto done
			}
		}
	done:
		if d := col/2 + quotes; d > depth {
			line, depth = n, d
		}
	}
	return line, depth
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// itemError is a problem with one item of a list value.
type itemError struct {
	index int
	msg   string
}

func (e *itemError) Error() string { return e.msg }

// listPos is where a list key's problem is: at the item, when known.
func (d *Doc) listPos(key string, err error) diag.Position {
	var ie *itemError
	if errors.As(err, &ie) {
		if p, ok := d.pos.get(key + "." + strconv.Itoa(ie.index)); ok {
			return p
		}
	}
	return d.Pos(key)
}

func decodeTags(v any) ([]string, error) {
	var raw []string
	switch v := v.(type) {
	case nil:
		return nil, nil
	case string:
		raw = strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == '，' || r == '、' || r == ';' || r == '；' })
	case []any:
		for i, x := range v {
			switch x := x.(type) {
			case nil:
			case string, int, int64, uint64, float64, bool:
				raw = append(raw, fmt.Sprint(x))
			default:
				return nil, &itemError{i, fmt.Sprintf("tags: want a list of text, found %v", x)}
			}
		}
	case []string:
		raw = v
	default:
		return nil, fmt.Errorf("tags: want a list of text, found %v", v)
	}
	var tags []string
	seen := make(map[string]bool, len(raw))
	for _, t := range raw {
		t = strings.TrimSpace(strings.Trim(t, "\u3000"))
		if t != "" && !seen[t] {
			seen[t] = true
			tags = append(tags, t)
		}
	}
	return tags, nil
}

var nameDate = regexp.MustCompile(`\s*[（(【\[]?\s*\d{4}[-_.年]?\d{1,2}[-_.月]?\d{1,2}日?\s*[)）】\]]?\s*`)

// titleFromName turns a file name into a title: a date in it and separators go.
func titleFromName(name string) string {
	t := strings.TrimSpace(nameDate.ReplaceAllString(name, " "))
	t = strings.Trim(t, " -_")
	if t == "" {
		return name
	}
	return strings.ReplaceAll(t, "_", " ")
}

// firstHeading returns the text of the first ATX level-1 heading outside
// fenced code.
func firstHeading(body []byte) (string, bool) {
	fence := ""
	for line := range bytes.Lines(body) {
		s := strings.TrimRight(string(line), "\r\n")
		t := strings.TrimLeft(s, " ")
		if len(s)-len(t) > 3 {
			continue
		}
		if fence != "" {
			if strings.HasPrefix(t, fence) {
				fence = ""
			}
			continue
		}
		if strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
			fence = t[:3]
			continue
		}
		if t == "#" || strings.HasPrefix(t, "# ") || strings.HasPrefix(t, "#\t") {
			h := strings.TrimSpace(t[1:])
			h = strings.TrimSpace(strings.TrimRight(h, "#"))
			h = strings.Trim(h, "\u3000\u200b")
			if h != "" {
				return h, true
			}
		}
	}
	return "", false
}

// openingText is the part of the body that may carry a document's date: up
// to an "<!-- INFO END -->" marker, the first "## " heading, or 40 lines.
func openingText(body []byte) string {
	n := 0
	end := len(body)
	off := 0
	for line := range bytes.Lines(body) {
		t := bytes.TrimSpace(line)
		if bytes.HasPrefix(t, []byte("<!--")) && bytes.Contains(t, []byte("INFO END")) || bytes.HasPrefix(t, []byte("## ")) {
			end = off
			break
		}
		off += len(line)
		if n++; n >= 40 {
			end = off
			break
		}
	}
	return string(body[:end])
}
