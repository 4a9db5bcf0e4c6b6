package render

import (
	"bytes"
	"cmp"
	"fmt"
	"math"
	"net/url"
	"path"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"github.com/folio-ssg/folio/internal/content"
	"github.com/folio-ssg/folio/internal/date"
)

// uiLang is the interface language for text in language l: zh for
// Chinese, the site's for "", and en for any other language.
func (r *Renderer) uiLang(l string) string {
	switch {
	case l == "":
		return r.lang
	case strings.HasPrefix(strings.ToLower(l), "zh"):
		return "zh"
	}
	return "en"
}

// labelIn is T in the interface language for text in language l. The
// site's labels override the theme's in the site's own language only.
func (r *Renderer) labelIn(l, key string, args ...any) string {
	ui := r.uiLang(l)
	s, ok := "", false
	if ui == r.lang {
		s, ok = r.custom[key]
	}
	if !ok {
		pair, found := labels[key]
		if !found {
			return key
		}
		s = pair[index(ui)]
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

func index(ui string) int {
	if ui == "en" {
		return 1
	}
	return 0
}

// longDate is a date as readers of the language write it: "2025年4月27日"
// or "April 27, 2025"; "2025年4月" or "April 2025" for a month. A time
// gives its calendar date.
func (r *Renderer) longDate(d date.Date, l ...string) string {
	if r.uiLang(first(l)) == "zh" {
		return d.Chinese()
	}
	switch d.Precision() {
	case date.None:
		return ""
	case date.Month:
		return fmt.Sprintf("%s %d", d.Month(), d.Year())
	}
	return fmt.Sprintf("%s %d, %d", d.Month(), d.Day(), d.Year())
}

func (r *Renderer) monthName(p *Period, l ...string) string {
	if r.uiLang(first(l)) == "en" {
		return fmt.Sprintf("%s %d", p.Month, p.Year)
	}
	return fmt.Sprintf("%d年%d月", p.Year, int(p.Month))
}

func (r *Renderer) yearName(p *Period) string {
	if r.lang == "en" {
		return fmt.Sprint(p.Year)
	}
	return fmt.Sprintf("%d年", p.Year)
}

func first(l []string) string {
	if len(l) > 0 {
		return l[0]
	}
	return ""
}

// sectionTitle is a section's title: from its _index.md, else the site's
// label for its folder ("laws/criminal" or "criminal"), else the theme's
// name for a common folder name (news, notes, laws, …), else the folder
// name with "-" and "_" read as spaces.
func (r *Renderer) sectionTitle(sec *Section) string {
	base := path.Base(sec.Dir)
	if sec.Dir == "" || sec.Title != base {
		return sec.Title
	}
	for _, k := range []string{sec.Dir, base} {
		if s, ok := r.custom[k]; ok {
			return s
		}
	}
	if pair, ok := folderNames[strings.ToLower(base)]; ok {
		return pair[index(r.lang)]
	}
	return humanize(base, r.lang)
}

// wordBreaks reads "_" and "-" as spaces.
var wordBreaks = strings.NewReplacer("_", " ", "-", " ")

// humanize reads a key or folder name as words: "text_quality" gives
// "Text quality" in English, "text quality" in Chinese.
func humanize(key, ui string) string {
	s := strings.TrimSpace(wordBreaks.Replace(key))
	if ui == "en" && s != "" && s[0] >= 'a' && s[0] <= 'z' {
		s = string(s[0]-'a'+'A') + s[1:]
	}
	return s
}

// keyLabel is the label of a front-matter key in the interface language ui:
// the site's label, folio's own key's, the theme's for a common key, or the
// key humanized.
func (r *Renderer) keyLabel(key, ui string) string {
	if ui == r.lang {
		if s, ok := r.custom[key]; ok {
			return s
		}
	}
	if k := content.LookupKey(key); k != nil {
		return k.Label[index(ui)]
	}
	if pair, ok := keyNames[strings.ToLower(key)]; ok {
		return pair[index(ui)]
	}
	return humanize(key, ui)
}

// Meta is one front-matter key a document page lists under its details.
type Meta struct {
	Key   string // as written in front matter
	Label string // its human label
	Text  string // the value as text: lists joined, dates and yes/no in words
	URL   string // the value when it is an http or https URL, else ""
}

// extraParams are the front-matter keys folio does not show itself, with
// human labels in the interface language of the document's own language,
// sorted by key.
func (r *Renderer) extraParams(d *Doc) []Meta {
	ui := r.uiLang(d.Lang)
	var out []Meta
	for k, v := range d.Params {
		if d.Known(k) || k == d.DateFrom {
			continue
		}
		m := Meta{Key: k, Label: r.keyLabel(k, ui)}
		switch v := v.(type) {
		case []any:
			var parts []string
			for _, x := range v {
				if s := valueText(x, ui); s != "" {
					parts = append(parts, s)
				}
			}
			m.Text = strings.Join(parts, map[string]string{"zh": "、", "en": ", "}[ui])
		case map[string]any:
			continue
		default:
			m.Text = valueText(v, ui)
			if u, err := url.Parse(m.Text); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && !strings.ContainsAny(m.Text, " \t\n") {
				m.URL = m.Text
			}
		}
		if m.Text != "" {
			out = append(out, m)
		}
	}
	slices.SortFunc(out, func(a, b Meta) int { return strings.Compare(a.Key, b.Key) })
	return out
}

// valueText is a front-matter value as a reader reads it.
func valueText(v any, ui string) string {
	switch v := v.(type) {
	case nil:
		return ""
	case bool:
		return labels[map[bool]string{true: "yes", false: "no"}[v]][index(ui)]
	case time.Time:
		switch {
		case v.Hour() != 0 || v.Minute() != 0 || v.Second() != 0:
			return timestamp(v)
		case ui == "zh":
			return fmt.Sprintf("%d年%d月%d日", v.Year(), int(v.Month()), v.Day())
		}
		return v.Format("January 2, 2006")
	case string:
		v = strings.TrimSpace(v)
		if isoDate(v) {
			if d, err := date.Parse(v, time.UTC); err == nil {
				return valueText(d.Time(time.UTC), ui)
			}
		}
		return v
	}
	return fmt.Sprint(v)
}

// isoDate reports whether s is written as 2024-03-20.
func isoDate(s string) bool {
	if len(s) != len("2024-03-20") || s[4] != '-' || s[7] != '-' {
		return false
	}
	for i, c := range s {
		if i != 4 && i != 7 && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// Heading is one entry of a document's table of contents.
type Heading struct {
	ID, Text string
	Sub      []Heading // the h3 headings under an h2
}

// minHeadings is how many headings a document needs for a table of contents.
const minHeadings = 4

// headingTags counts the places in b that could open an h2 or h3 element,
// in either case: never fewer than the tokenizer finds.
func headingTags(b []byte) int {
	n := 0
	for {
		i := bytes.IndexByte(b, '<')
		if i < 0 || i+2 >= len(b) {
			return n
		}
		if (b[i+1] == 'h' || b[i+1] == 'H') && (b[i+2] == '2' || b[i+2] == '3') {
			n++
		}
		b = b[i+1:]
	}
}

// toc is the table of contents of a document's body: its h2 headings, each
// with the h3 headings under it, that have an id. A document with fewer
// than minHeadings such headings has none (nil).
func toc(d *Doc) []Heading {
	body := d.HTML()
	if headingTags(body) < minHeadings {
		return nil // most documents of an archive: no need to tokenize them
	}
	var out []Heading
	n := 0
	z := html.NewTokenizer(bytes.NewReader(body))
	var cur *Heading
	var level string
	var text strings.Builder
	for {
		switch z.Next() {
		case html.ErrorToken:
			if n < minHeadings {
				return nil
			}
			return out
		case html.StartTagToken:
			name, hasAttr := z.TagName()
			tag := string(name)
			if cur != nil || (tag != "h2" && tag != "h3") || !hasAttr {
				continue
			}
			for {
				k, v, more := z.TagAttr()
				if string(k) == "id" && len(v) > 0 {
					cur, level = &Heading{ID: string(v)}, tag
					text.Reset()
				}
				if !more {
					break
				}
			}
		case html.TextToken:
			if cur != nil {
				text.Write(z.Text())
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			if cur == nil || string(name) != level {
				continue
			}
			cur.Text = strings.Join(strings.Fields(text.String()), " ")
			n++
			if level == "h3" && len(out) > 0 {
				out[len(out)-1].Sub = append(out[len(out)-1].Sub, *cur)
			} else {
				out = append(out, *cur)
			}
			cur = nil
		}
	}
}

// CloudTerm is a term of a tag or facet cloud with its size.
type CloudTerm struct {
	*Term
	Count  int
	Weight int // 1 (fewest documents) to 5 (most), on a logarithmic scale
}

// cloud sizes terms by their number of documents, in their order (most
// documents first), or sorted by name with order "name": in a Chinese site
// Chinese names first, in pinyin order, then the others alphabetically, as
// CLDR collates Chinese; in an English site Latin names first, then Chinese
// in pinyin order; else in the site language's order.
func (r *Renderer) cloud(terms []*Term, order ...string) []CloudTerm {
	lo, hi := math.MaxInt, 0
	for _, t := range terms {
		lo, hi = min(lo, t.Count()), max(hi, t.Count())
	}
	out := make([]CloudTerm, len(terms))
	for i, t := range terms {
		w := 1
		if hi > lo {
			w = 1 + int(math.Round(4*math.Log(float64(t.Count())/float64(lo))/math.Log(float64(hi)/float64(lo))))
		}
		out[i] = CloudTerm{Term: t, Count: t.Count(), Weight: w}
	}
	if first(order) == "name" {
		// A Collator keeps buffers, so each call has its own: pages render
		// concurrently.
		tag := r.collation()
		c := collate.New(tag, collate.IgnoreCase)
		zh := r.lang == "zh"
		slices.SortStableFunc(out, func(a, b CloudTerm) int {
			byScript := 0
			if zh { // Chinese names first, as CLDR collates Chinese today
				byScript = cmp.Compare(script(a.Name), script(b.Name))
			}
			return cmp.Or(byScript, c.CompareString(a.Name, b.Name), strings.Compare(a.Path, b.Path))
		})
	}
	return out
}

// script is 0 for a name that starts with a Chinese character, else 1.
func script(s string) int {
	if c, _ := utf8.DecodeRuneInString(s); unicode.Is(unicode.Han, c) {
		return 0
	}
	return 1
}

// collation is the language names are sorted in: the site's, and for an
// English site Chinese, since its names often mix both.
func (r *Renderer) collation() language.Tag {
	t, err := language.Parse(r.site)
	if err != nil {
		return language.Chinese
	}
	switch b, _ := t.Base(); b.String() {
	case "zh":
		return t // zh-CN collates by pinyin, zh-TW by strokes
	case "en":
		return language.Chinese
	}
	return t
}
