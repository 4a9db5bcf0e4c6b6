// Package content reads a site's documents: it walks content/, splits each
// file into front matter and Markdown body, and decodes the metadata.
//
// # Files
//
// Every *.md and *.markdown file under content/ is a document, except
// _index.md, which gives its folder (a section) a title and an intro.
// Files and folders whose names start with "." are skipped. Any other file
// under content/ (an image, a PDF) is an asset, copied to the output at the
// same relative path.
//
// # Front matter
//
// A document may open with front matter in YAML (between "---" lines), TOML
// (between "+++" lines) or JSON (a "{ … }" object, or between ";;;" lines).
// A file without front matter is still a document, and a "---" rule later in
// the body is not front matter. A UTF-8 byte order mark and CRLF line
// endings are accepted.
//
// Known keys:
//
//	title                 the title; else the first "# " heading; else the file name
//	date                  see below; the keys are configurable (Config.DateKeys)
//	tags                  a list, or one string split at "," "，" "、"
//	draft                 true leaves the document out unless drafts are built
//	slug                  the last URL segment; else made from the title
//	summary, description  a summary; else the start of the body
//	author, source, original_url, version (the newspaper page, 版面)
//
// Every key, known or not, is kept in Doc.Params under its own name, so a
// template can show {{.Doc.Params.issuer}} without code changes. A null
// value or an empty string counts as absent.
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
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/adrg/frontmatter"
	"gopkg.in/yaml.v3"

	"github.com/folio-ssg/folio/internal/date"
	"github.com/folio-ssg/folio/internal/diag"
)

// Config controls how documents are read. The zero value works.
type Config struct {
	// Location reads dates that carry a clock time but no offset; nil is UTC.
	Location *time.Location
	// DateKeys are the front-matter keys tried, in order, for the date;
	// empty means just "date".
	DateKeys []string
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
	Slug        string
	Summary     string
	Author      string
	Source      string
	OriginalURL string
	Version     string
	Params      map[string]any // every front-matter key, as decoded

	Body     []byte // the Markdown after the front matter
	BodyLine int    // the file line on which Body starts
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

// Section is a folder of content/ described by an _index.md.
type Section struct {
	Path   string // "content/laws/_index.md"
	Dir    string // "laws"
	Title  string
	Params map[string]any
	Body   []byte // the intro, Markdown
}

// File kinds returned by Classify.
const (
	KindDoc = iota + 1
	KindSection
	KindAsset
)

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

// Classify tells what a slash path of a file relative to content/ is: a
// document, a section's _index.md, an asset, or nothing folio reads (0).
func Classify(rel string) int {
	parts := strings.Split(rel, "/")
	for i, part := range parts {
		if part == "" || i < len(parts)-1 && SkipDir(part) || i == len(parts)-1 && Skip(part) {
			return 0
		}
	}
	base := path.Base(rel)
	switch strings.ToLower(path.Ext(base)) {
	case ".md", ".markdown":
		if base == "_index.md" {
			return KindSection
		}
		return KindDoc
	}
	return KindAsset
}

// Walk lists the files under dir in fsys that Classify accepts, as slash
// paths relative to dir, in lexical order. Symlinks are followed, to files
// and to folders (a shared collection linked into content/); a symlink to
// nothing or one that loops back to a folder above it is an error naming
// the link.
func Walk(fsys fs.FS, dir string) ([]string, error) {
	var files []string
	var walk func(root string) error
	walk = func(root string) error {
		return fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				if p == dir && errors.Is(err, fs.ErrNotExist) {
					return fs.SkipAll
				}
				return err
			}
			if p == root {
				return nil
			}
			if SkipDir(d.Name()) {
				if d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if d.Type()&fs.ModeSymlink != 0 {
				fi, err := fs.Stat(fsys, p)
				if err != nil {
					return &fs.PathError{Op: "follow symlink", Path: p, Err: errors.Unwrap(err)}
				}
				if fi.IsDir() {
					for a := path.Dir(p); ; a = path.Dir(a) {
						if ai, err := fs.Stat(fsys, a); err == nil && os.SameFile(fi, ai) {
							where := a + "/"
							if a == "." {
								where = "the site root"
							}
							return &fs.PathError{Op: "follow symlink", Path: p, Err: fmt.Errorf("it loops back to %s, a folder it is in", where)}
						}
						if a == "." {
							break
						}
					}
					return walk(p)
				}
			} else if d.IsDir() || !d.Type().IsRegular() {
				return nil
			}
			rel := strings.TrimPrefix(p, dir+"/")
			if Classify(rel) != 0 {
				files = append(files, rel)
			}
			return nil
		})
	}
	err := walk(dir)
	slices.Sort(files)
	return files, err
}

// ParseSection reads an _index.md.
func ParseSection(p string, src []byte) (*Section, error) {
	fm, body, _, err := split(p, src)
	if err != nil {
		return nil, err
	}
	rel := strings.TrimPrefix(p, "content/")
	s := &Section{Path: p, Dir: path.Dir(rel), Params: fm, Body: body}
	if s.Dir == "." {
		s.Dir = ""
	}
	if t, ok := fm["title"].(string); ok {
		s.Title = strings.TrimSpace(t)
	}
	if s.Title == "" {
		s.Title, _ = firstHeading(body)
	}
	return s, nil
}

// Parse reads one document. p is its slash path relative to the site root
// and must start with "content/". All problems found are returned together.
func Parse(p string, src []byte, cfg Config) (*Doc, diag.List) {
	var errs diag.List
	fm, body, bodyLine, err := split(p, src)
	if err != nil {
		errs.Append(p, err)
		return nil, errs
	}
	d := &Doc{
		Path:     p,
		Rel:      strings.TrimPrefix(p, "content/"),
		Params:   fm,
		Body:     body,
		BodyLine: bodyLine,
	}
	pos := func(key string) diag.Position { return keyPosition(p, src, key) }
	str := func(key string) string {
		v, ok := fm[key]
		if !ok || v == nil {
			return ""
		}
		switch v := v.(type) {
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

	d.Title, d.TitleFrom = str("title"), "front matter"
	if d.Title == "" {
		if h, ok := firstHeading(body); ok {
			d.Title, d.TitleFrom = h, "heading"
		} else {
			d.Title, d.TitleFrom = titleFromName(d.Name()), "file name"
		}
	}
	d.Slug = str("slug")
	d.Summary = str("summary")
	if d.Summary == "" {
		d.Summary = str("description")
	}
	d.Author = str("author")
	d.Source = str("source")
	d.OriginalURL = str("original_url")
	d.Version = str("version")

	switch v := fm["draft"].(type) {
	case nil:
	case bool:
		d.Draft = v
	case string:
		b, err := strconv.ParseBool(strings.TrimSpace(v))
		if err != nil && strings.TrimSpace(v) != "" {
			errs.Add(pos("draft"), fmt.Sprintf("draft %q: want true or false", v))
		}
		d.Draft = b
	default:
		errs.Add(pos("draft"), fmt.Sprintf("draft: want true or false, not %v", v))
	}

	tags, err := decodeTags(fm["tags"])
	if err != nil {
		errs.Add(pos("tags"), err.Error())
	}
	d.Tags = tags

	keys := cfg.DateKeys
	if len(keys) == 0 {
		keys = []string{"date"}
	}
	for _, key := range keys {
		v, ok := fm[key]
		if !ok || v == nil || v == "" {
			continue
		}
		dt, err := date.FromValue(v, cfg.Location)
		if err != nil {
			errs.Add(pos(key), err.Error())
			break
		}
		if !dt.IsZero() {
			d.Date, d.DateFrom = dt, key
			break
		}
	}
	if d.Date.IsZero() && d.DateFrom == "" {
		if dt, ok := date.FromName(path.Base(d.Rel)); ok {
			d.Date, d.DateFrom = dt, "file name"
		} else if dt, ok := date.FromText(openingText(body), cfg.Location); ok {
			d.Date, d.DateFrom = dt, "text"
		}
	}
	if len(errs) > 0 {
		return d, errs
	}
	return d, nil
}

func decodeTags(v any) ([]string, error) {
	var raw []string
	switch v := v.(type) {
	case nil:
		return nil, nil
	case string:
		raw = strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == '，' || r == '、' || r == ';' || r == '；' })
	case []any:
		for _, x := range v {
			switch x := x.(type) {
			case nil:
			case string, int, int64, uint64, float64, bool:
				raw = append(raw, fmt.Sprint(x))
			default:
				return nil, fmt.Errorf("tags: want a list of text, found %v", x)
			}
		}
	case []string:
		raw = v
	default:
		return nil, fmt.Errorf("tags: want a list of text, found %v", v)
	}
	var tags []string
	for _, t := range raw {
		t = strings.TrimSpace(strings.Trim(t, "\u3000"))
		if t != "" && !slices.Contains(tags, t) {
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
	return strings.NewReplacer("_", " ").Replace(t)
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

var (
	yamlLine = regexp.MustCompile(`^yaml: line (\d+): `)
	tomlLine = regexp.MustCompile(`(?i)^near line (\d+)(?: \(last key parsed '[^']*'\))?: `)
)

// split separates the front matter from the body and decodes it.
func split(p string, src []byte) (fm map[string]any, body []byte, bodyLine int, err error) {
	src = bytes.TrimPrefix(src, []byte("\ufeff"))
	if bytes.Contains(src, []byte("\r\n")) {
		src = bytes.ReplaceAll(src, []byte("\r\n"), []byte("\n"))
	}
	// The line of the opening delimiter: the first non-blank line.
	open := 1
	for line := range bytes.Lines(src) {
		if len(bytes.TrimSpace(line)) > 0 {
			break
		}
		open++
	}
	var decodeErr error
	wrap := func(first int, un func([]byte, any) error, kind string) frontmatter.UnmarshalFunc {
		return func(data []byte, v any) error {
			err := un(data, v)
			if err != nil {
				decodeErr = positioned(p, data, first, kind, err)
			}
			return err
		}
	}
	yamlUn := func(data []byte, v any) error {
		var m map[string]any
		if err := yaml.Unmarshal(data, &m); err != nil {
			return err
		}
		*(v.(*map[string]any)) = m
		return nil
	}
	formats := []*frontmatter.Format{
		frontmatter.NewFormat("---", "---", wrap(open+1, yamlUn, "yaml")),
		frontmatter.NewFormat("---yaml", "---", wrap(open+1, yamlUn, "yaml")),
		frontmatter.NewFormat("+++", "+++", wrap(open+1, toml.Unmarshal, "toml")),
		frontmatter.NewFormat(";;;", ";;;", wrap(open+1, jsonUnmarshal, "json")),
	}
	if fm, body, bodyLine, ok, err := splitJSON(p, src, open); ok {
		return fm, body, bodyLine, err
	}
	fm = map[string]any{}
	rest, err := frontmatter.Parse(bytes.NewReader(src), &fm, formats...)
	if err != nil {
		if decodeErr != nil {
			return nil, nil, 0, decodeErr
		}
		return nil, nil, 0, fmt.Errorf("front matter: %w", err)
	}
	if fm == nil {
		fm = map[string]any{}
	}
	for k, v := range fm {
		if v == nil || v == "" {
			delete(fm, k)
		}
	}
	consumed := src[:len(src)-len(rest)]
	return fm, rest, bytes.Count(consumed, []byte("\n")) + 1, nil
}

// splitJSON reads front matter that is a JSON object opening on the first
// non-blank line, Hugo's form: the object ends where its closing brace
// does, however it is indented or nested, and the body starts on the next
// line. ok is false when the file does not start with "{".
func splitJSON(p string, src []byte, open int) (fm map[string]any, body []byte, bodyLine int, ok bool, err error) {
	start := 0
	for range open - 1 {
		start += bytes.IndexByte(src[start:], '\n') + 1
	}
	line := src[start:]
	if i := bytes.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	if string(bytes.TrimSpace(line)) != "{" {
		return nil, nil, 0, false, nil
	}
	data := src[start:]
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&fm); err != nil {
		return nil, nil, 0, true, positioned(p, data, open, "json", err)
	}
	end := int(dec.InputOffset())
	rest := data[end:]
	nl := bytes.IndexByte(rest, '\n')
	if nl < 0 {
		nl = len(rest)
	}
	if t := bytes.TrimSpace(rest[:nl]); len(t) > 0 {
		l, c := lineCol(data, end+bytes.Index(rest, t))
		return nil, nil, 0, true, &diag.Error{Pos: diag.Position{Path: p, Line: open + l - 1, Col: c}, Msg: "json: text after the front matter's closing brace; start the body on the next line"}
	}
	body = rest[min(nl+1, len(rest)):]
	fm = normalizeJSON(fm).(map[string]any)
	for k, v := range fm {
		if v == nil || v == "" {
			delete(fm, k)
		}
	}
	consumed := src[:len(src)-len(body)]
	return fm, body, bytes.Count(consumed, []byte("\n")) + 1, true, nil
}

// jsonUnmarshal decodes a JSON object keeping whole numbers whole: a
// doc_number of 20250427 stays 20250427, not 2.0250427e+07.
func jsonUnmarshal(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return &json.SyntaxError{Offset: dec.InputOffset() + 1}
	}
	*(v.(*map[string]any)) = normalizeJSON(m).(map[string]any)
	return nil
}

// normalizeJSON turns json.Numbers into int64 where they are whole and fit,
// float64 otherwise, as the YAML and TOML decoders give them.
func normalizeJSON(v any) any {
	switch v := v.(type) {
	case json.Number:
		if n, err := v.Int64(); err == nil {
			return n
		}
		f, _ := v.Float64()
		return f
	case map[string]any:
		for k, e := range v {
			v[k] = normalizeJSON(e)
		}
	case []any:
		for i, e := range v {
			v[i] = normalizeJSON(e)
		}
	}
	return v
}

// positioned turns a decoder's error into a diagnostic at a file position.
// first is the file line of data's first line.
func positioned(p string, data []byte, first int, kind string, err error) error {
	msg := err.Error()
	pos := diag.Position{Path: p, Line: first}
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case kind == "yaml":
		if m := yamlLine.FindStringSubmatch(msg); m != nil {
			n, _ := strconv.Atoi(m[1])
			pos.Line = first + n - 1
			msg = "yaml: " + msg[len(m[0]):]
		}
		var te *yaml.TypeError
		if errors.As(err, &te) {
			msg = "yaml: front matter must be a mapping of keys to values"
		}
	case kind == "toml":
		if m := tomlLine.FindStringSubmatch(msg); m != nil {
			n, _ := strconv.Atoi(m[1])
			pos.Line = first + n - 1
			msg = "toml: " + msg[len(m[0]):]
		} else {
			msg = "toml: " + msg
		}
	case errors.As(err, &syn):
		line, col := lineCol(data, int(syn.Offset)-1) // Offset is just past the bad byte
		pos.Line, pos.Col = first+line-1, col
		msg = "json: " + msg
	case errors.As(err, &typ):
		line, col := lineCol(data, int(typ.Offset))
		pos.Line, pos.Col = first+line-1, col
		msg = "json: front matter must be an object"
	default:
		msg = kind + ": " + msg
	}
	return &diag.Error{Pos: pos, Msg: msg}
}

func lineCol(data []byte, off int) (line, col int) {
	off = min(max(off, 0), len(data))
	before := data[:off]
	line = bytes.Count(before, []byte("\n")) + 1
	col = off - (bytes.LastIndexByte(before, '\n') + 1) + 1
	return line, col
}

// keyPosition finds where the value of a top-level front-matter key starts,
// for YAML ("key: v"), TOML ("key = v") and JSON ("\"key\": v").
func keyPosition(p string, src []byte, key string) diag.Position {
	src = bytes.TrimPrefix(src, []byte("\ufeff"))
	n := 0
	for line := range bytes.Lines(src) {
		n++
		s := strings.TrimRight(string(line), "\r\n")
		t := strings.TrimLeft(s, " \t")
		indent := len(s) - len(t)
		rest, ok := strings.CutPrefix(t, `"`+key+`"`)
		if !ok {
			rest, ok = strings.CutPrefix(t, key)
		}
		if !ok {
			continue
		}
		r := strings.TrimLeft(rest, " \t")
		if !strings.HasPrefix(r, ":") && !strings.HasPrefix(r, "=") {
			continue
		}
		v := strings.TrimLeft(r[1:], " \t")
		col := indent + len(t) - len(v) + 1
		if v == "" {
			col = indent + 1
		}
		return diag.Position{Path: p, Line: n, Col: col}
	}
	return diag.Position{Path: p, Line: 1, Col: 1}
}
