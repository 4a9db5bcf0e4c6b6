package render

import (
	"crypto/sha256"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/folio-ssg/folio/internal/content"
	"github.com/folio-ssg/folio/internal/site"
)

// Deps are the keys a page's templates read while rendering it (see
// view.go), sorted. Values gives each its value in a site.
type Deps []string

// Values gives the recorded keys of pages their values in one site: a
// page need not be rendered again while every key it read has the value
// it had. It is safe for concurrent use and remembers what it worked out.
type Values struct {
	s        *site.Site
	docs     map[string]*site.Doc
	terms    map[string]*site.Term
	periods  map[string]*site.Period
	sections map[string]*site.Section
	taxa     map[string]*site.Taxonomy
	memo     sync.Map // key -> [32]byte
	front    func(*content.Doc) [32]byte
}

// FrontDigest is the digest of what a document's content.Doc holds for
// page stamps (docValue's largest part, which takes reflection to work
// out). A content.Doc does not change once loaded, so a caller may work it
// out once per loaded file and keep it (internal/build keeps it in the
// build cache).
func FrontDigest(d *content.Doc) [32]byte {
	h := sha256.New()
	frontValue(h, d)
	var sum [32]byte
	h.Sum(sum[:0])
	return sum
}

// NewValues indexes s by the names keys use. front gives each document's
// FrontDigest, perhaps kept from when it was loaded; nil works it out.
func NewValues(s *site.Site, front func(*content.Doc) [32]byte) *Values {
	if front == nil {
		front = FrontDigest
	}
	v := &Values{s: s, front: front, docs: make(map[string]*site.Doc, len(s.Docs)), terms: map[string]*site.Term{}, periods: map[string]*site.Period{}, sections: map[string]*site.Section{}, taxa: map[string]*site.Taxonomy{}}
	for _, d := range s.Docs {
		v.docs[docID(d)] = d
	}
	addTerms := func(ts []*site.Term) {
		for _, t := range ts {
			v.terms[termID(t)] = t
		}
	}
	addTerms(s.Tags)
	for _, x := range append(s.Facets[:len(s.Facets):len(s.Facets)], s.Agencies) {
		if x != nil {
			v.taxa[taxonomyID(x)] = x
			addTerms(x.Terms)
		}
	}
	for _, y := range s.Years {
		v.periods[periodID(y)] = y
		for _, m := range y.Months {
			v.periods[periodID(m)] = m
		}
	}
	if s.Root != nil {
		v.sections[sectionID(s.Root)] = s.Root
	}
	for _, sec := range s.Sections {
		v.sections[sectionID(sec)] = sec
	}
	return v
}

// EachPageObject calls fn with the key of each object p is the page of,
// cut in two, the kind's letter and the name (the key is kind+name): its
// document, the documents it lists, its term, taxonomy, period or section.
// Templates reach them through .Page, which records no step, so a page's
// stamp names them itself.
func EachPageObject(p *site.Page, fn func(kind, name string)) {
	if p.Doc != nil {
		fn("d", p.Doc.Doc.Path)
	}
	for _, d := range p.Docs {
		fn("d", d.Doc.Path)
	}
	if p.Term != nil {
		fn("t", p.Term.Path)
	}
	if p.Taxonomy != nil {
		fn("x", p.Taxonomy.Path)
	}
	if p.Period != nil {
		fn("p", p.Period.Path)
	}
	if p.Section != nil {
		fn("s", p.Section.Dir)
	}
}

// Value is the digest of what key stands for in the site: an object's own
// fields, or where a step from it leads. A key whose object is gone has
// the value of "gone", which no object has.
func (v *Values) Value(key string) [32]byte {
	if x, ok := v.memo.Load(key); ok {
		return x.([32]byte)
	}
	sum := v.Digest(key)
	v.memo.Store(key, sum)
	return sum
}

// KeyDoc returns the source path of the document key k is of, its object
// or one of its steps ("content/x.md"), and whether k is of a document.
func KeyDoc(k string) (src string, ok bool) {
	id, _, _ := strings.Cut(k, "\x00")
	return strings.CutPrefix(id, "d")
}

// Digest is Value worked out anew, for a caller that remembers values
// itself.
func (v *Values) Digest(key string) [32]byte {
	b := valueBufs.Get().(*valueBuf)
	b.b = b.b[:0]
	v.write(b, key)
	sum := sha256.Sum256(b.b)
	valueBufs.Put(b)
	return sum
}

// valueBuf collects what a value's digest is of: one sha256 of it all is
// cheaper than a hash written to piece by piece.
type valueBuf struct{ b []byte }

func (b *valueBuf) Write(p []byte) (int, error) {
	b.b = append(b.b, p...)
	return len(p), nil
}

func (b *valueBuf) WriteString(s string) (int, error) {
	b.b = append(b.b, s...)
	return len(s), nil
}

var valueBufs = sync.Pool{New: func() any { return new(valueBuf) }}

func (v *Values) write(h *valueBuf, key string) {
	id, step, arg := key, "", ""
	if i := strings.IndexByte(key, 0); i >= 0 {
		id, step = key[:i], key[i+1:]
		if j := strings.IndexByte(step, 0); j >= 0 {
			step, arg = step[:j], step[j+1:]
		}
	}
	w := func(ss ...string) {
		for _, s := range ss {
			h.b = append(append(h.b, s...), 0)
		}
		h.b = append(h.b, '\n')
	}
	n := func(i int) string { return strconv.Itoa(i) }
	one := func(d *site.Doc) {
		if d == nil {
			w("-")
		} else {
			w(docID(d))
		}
	}
	docs := func(ds []*site.Doc) {
		for _, d := range ds {
			w(docID(d))
		}
	}
	terms := func(ts []*site.Term) {
		for _, t := range ts {
			w(termID(t))
		}
	}
	sections := func(ss []*site.Section) {
		for _, s := range ss {
			w(sectionID(s))
		}
	}
	gone := func() { w("\x00gone") }
	s := v.s
	if id == "" {
		gone()
		return
	}
	switch id[0] {
	case 'S':
		switch step {
		case "docs":
			docs(s.Docs)
		case "count":
			w(n(len(s.Docs)))
		case "dated":
			w(n(s.Dated()))
		case "newest":
			k, _ := strconv.Atoi(arg)
			docs(s.Newest(k))
		case "undated":
			docs(s.Undated)
		case "undatedcount":
			w(n(len(s.Undated)))
		case "tags":
			terms(s.Tags)
		case "tag":
			if t := s.Tag(arg); t != nil {
				w(termID(t))
			}
		case "years":
			for _, y := range s.Years {
				w(periodID(y))
			}
		case "sections":
			sections(s.Sections)
		case "root":
			if s.Root != nil {
				w(sectionID(s.Root))
			}
		case "facets":
			for _, x := range s.Facets {
				w(taxonomyID(x))
			}
		case "facet":
			if x := s.Facet(arg); x != nil {
				w(taxonomyID(x))
			}
		case "agencies":
			if s.Agencies != nil {
				w(taxonomyID(s.Agencies))
			}
		case "aliases":
			for _, a := range s.Aliases {
				w(a.Path, docID(a.Doc))
			}
		case "warnings":
			w(s.Warnings...)
		case "timeline":
			y := v.periods["p"+arg]
			if y == nil {
				gone()
				return
			}
			for _, b := range s.Timeline(y) {
				p := "-"
				if b.Period != nil {
					p = periodID(b.Period)
				}
				w(n(int(b.Month)), p, n(b.Count), n(b.Height))
			}
		default:
			gone()
		}
	case 'd':
		d := v.docs[id]
		if d == nil {
			gone()
			return
		}
		switch step {
		case "":
			docValue(h, d, v.front)
		case "body":
			bodyValue(h, d)
		case "prev":
			one(d.Prev)
		case "next":
			one(d.Next)
		case "related":
			docs(d.Related)
		case "translations":
			docs(d.Translations)
		case "original":
			one(d.Original)
		case "versions":
			docs(d.Versions())
		case "relations":
			for _, r := range d.Relations {
				x := "-"
				if r.Doc != nil {
					x = docID(r.Doc)
				}
				w(r.Kind, r.Ref, x, strconv.FormatBool(r.Reverse))
			}
		case "sections":
			sections(d.Sections())
		case "month":
			if m := d.ArchiveMonth(); m != nil {
				w(periodID(m))
			}
		case "tags":
			terms(d.TagLinks())
		case "facet":
			terms(d.FacetLinks(arg))
		case "agency":
			if t := d.AgencyLink(); t != nil {
				w(termID(t))
			}
		default:
			gone()
		}
	case 't':
		t := v.terms[id]
		if t == nil {
			gone()
			return
		}
		switch step {
		case "":
			w(t.Name, t.Path, t.Key)
		case "docs":
			docs(t.Docs)
		case "count":
			w(n(len(t.Docs)))
		default:
			gone()
		}
	case 'x':
		x := v.taxa[id]
		if x == nil {
			gone()
			return
		}
		switch step {
		case "":
			w(x.Key, x.Path, x.Label)
		case "terms":
			terms(x.Terms)
		default:
			gone()
		}
	case 'p':
		p := v.periods[id]
		if p == nil {
			gone()
			return
		}
		switch step {
		case "":
			w(n(p.Year), n(int(p.Month)), p.Path)
		case "docs":
			docs(p.Docs)
		case "count":
			w(n(len(p.Docs)))
		case "months":
			for _, m := range p.Months {
				w(periodID(m))
			}
		default:
			gone()
		}
	case 's':
		sec := v.sections[id]
		if sec == nil {
			gone()
			return
		}
		switch step {
		case "":
			w(sec.Dir, sec.Title, string(sec.Intro), sec.Path)
		case "total":
			w(n(sec.Total))
		case "docs":
			docs(sec.Docs)
		case "children":
			sections(sec.Children)
		case "parent":
			if sec.Parent != nil {
				w(sectionID(sec.Parent))
			}
		case "trail":
			sections(sec.Trail())
		default:
			gone()
		}
	default:
		gone()
	}
}

// docValue writes what a template reads of a document through the
// embedded *site.Doc without a step (view_test.go holds the list): every
// exported field of its content.Doc but the body and what is made from it
// (front matter, and what was read from the text: a title from a heading,
// a date or retrieval time from a line), and what placing it in the site
// gave it: URL, slug, language, document number and status. Fields added
// to content.Doc are covered without a change here.
func docValue(h io.Writer, d *site.Doc, front func(*content.Doc) [32]byte) {
	sum := front(d.Doc)
	h.Write(sum[:])
	fmt.Fprintf(h, "\n%s\x00%s\x00%v\x00%d\x00%t\n", d.Path, d.Slug, d.DocNo, d.Status, d.StatusGiven)
}

// frontValue writes docValue's content.Doc part.
func frontValue(h io.Writer, d *content.Doc) {
	v := reflect.ValueOf(d).Elem()
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() || bodyFields[f.Name] {
			continue
		}
		fmt.Fprintf(h, "%s=", f.Name)
		canon(h, v.Field(i))
	}
}

// canon writes a value of front matter the same way whichever way it
// came (parsed now or decoded from the build cache): maps by sorted key,
// times as an instant with their offset.
func canon(h io.Writer, v reflect.Value) {
	if v.IsValid() && v.Type() == reflect.TypeFor[time.Time]() {
		t := v.Interface().(time.Time)
		_, off := t.Zone()
		fmt.Fprintf(h, "T%d.%d%+d;", t.Unix(), t.Nanosecond(), off)
		return
	}
	switch v.Kind() {
	case reflect.Invalid:
		h.Write([]byte("nil;"))
	case reflect.Interface, reflect.Pointer:
		if v.IsNil() {
			h.Write([]byte("nil;"))
			return
		}
		canon(h, v.Elem())
	case reflect.Map:
		keys := v.MapKeys()
		slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(fmt.Sprint(a), fmt.Sprint(b)) })
		fmt.Fprintf(h, "{%d:", len(keys))
		for _, k := range keys {
			canon(h, k)
			canon(h, v.MapIndex(k))
		}
		h.Write([]byte("}"))
	case reflect.Slice, reflect.Array:
		fmt.Fprintf(h, "[%d:", v.Len())
		for i := range v.Len() {
			canon(h, v.Index(i))
		}
		h.Write([]byte("]"))
	case reflect.Struct:
		for i := range v.NumField() {
			if !v.Type().Field(i).IsExported() {
				// A value with hidden fields (a date.Date) says what it
				// holds through its String.
				if st, ok := v.Interface().(fmt.Stringer); ok {
					fmt.Fprintf(h, "%q;", st.String())
				} else {
					fmt.Fprintf(h, "%v;", v.Interface())
				}
				return
			}
		}
		h.Write([]byte("("))
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				canon(h, v.Field(i))
			}
		}
		h.Write([]byte(")"))
	case reflect.String:
		fmt.Fprintf(h, "%q;", v.String())
	default:
		fmt.Fprintf(h, "%v;", v.Interface())
	}
}

// bodyFields are the fields of content.Doc that templates read through
// the document's "body" step.
var bodyFields = map[string]bool{"Body": true, "BodyLine": true, "Empty": true, "SHA256": true}

// bodyValue writes the body step's value: the source (with the
// configuration it was read with) and where its links lead.
func bodyValue(h io.Writer, d *site.Doc) {
	h.Write(d.Sum[:])
	fmt.Fprintf(h, "%s\x00%d\x00%d\n", d.LinkTargets(), d.Minutes, d.Chars)
}
