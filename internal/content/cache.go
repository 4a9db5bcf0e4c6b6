package content

import (
	"errors"
	"time"

	"github.com/folio-ssg/folio/internal/date"
	"github.com/folio-ssg/folio/internal/wire"
)

// Stored is a Doc as a build cache keeps it: every field, the unexported
// ones included, written by Encode and read back by Decode in the
// byte form of package wire.
type Stored struct {
	Doc    Doc // its exported fields, but Params
	Params map[string]any
	KeyOf  map[string]string
	Pos    positions
}

// Store returns d in the form a cache keeps, and false when its Params hold
// a value of a type the cache does not encode (the document is then parsed
// again on the next build instead of being cached).
func (d *Doc) Store() (Stored, bool) {
	if !storable(d.Params) {
		return Stored{}, false
	}
	s := Stored{Doc: *d, Params: d.Params, KeyOf: d.keyOf, Pos: d.pos}
	s.Doc.Params, s.Doc.keyOf, s.Doc.pos = nil, nil, nil // in s's own fields
	return s, true
}

// Restore returns the Doc s holds: s's own, not a copy (a Doc is 616
// bytes: at 100,000 documents the copies were 62 MB more to allocate, and
// to touch, in every build that read the cache). s is not to be used
// after.
func (s *Stored) Restore() *Doc {
	d := &s.Doc
	d.Params, d.keyOf, d.pos = s.Params, s.KeyOf, s.Pos
	return d
}

// storable reports whether v holds only the types front-matter decoding
// produces, which Encode writes.
func storable(v any) bool {
	switch v := v.(type) {
	case nil, string, bool, int, int64, uint64, float64, time.Time:
		return true
	case []any:
		for _, e := range v {
			if !storable(e) {
				return false
			}
		}
		return true
	case map[string]any:
		for _, e := range v {
			if !storable(e) {
				return false
			}
		}
		return true
	}
	return false
}

// Encode writes s to w in the byte form of package wire.
func (s *Stored) Encode(w *wire.Writer) error {
	d := &s.Doc
	w.String(d.Path)
	w.String(d.Rel)
	w.String(d.Title)
	w.String(d.TitleFrom)
	writeDate(w, d.Date)
	w.String(d.DateFrom)
	w.Strings(d.Tags)
	w.Bool(d.Draft)
	w.String(d.Slug)
	w.String(d.URL)
	w.Strings(d.Aliases)
	w.String(d.Summary)
	w.String(d.Author)
	w.String(d.Source)
	w.String(d.OriginalURL)
	w.String(d.Version)
	w.String(d.Lang)
	w.Bool(d.NoSearch)
	w.String(d.ID)
	w.Strings(d.Issuers)
	w.String(d.DocNumber)
	w.String(d.DocType)
	writeDate(w, d.Written)
	writeDate(w, d.Effective)
	w.String(d.Status)
	w.Strings(d.Subjects)
	w.Len(len(d.Relations), d.Relations == nil)
	for _, k := range sortedKeys(d.Relations) {
		w.String(k)
		w.Strings(d.Relations[k])
	}
	if err := writeValue(w, d.Retrieved); err != nil {
		return err
	}
	w.String(d.TranslationOf)
	w.String(d.TranslationKey)
	w.String(d.SHA256)
	// d.Params is nil: s.Params holds it.
	w.Bytes(d.Body)
	w.Int(int64(d.BodyLine))
	w.Bool(d.Empty)
	if err := writeValue(w, map[string]any(s.Params)); err != nil {
		return err
	}
	w.Len(len(s.KeyOf), s.KeyOf == nil)
	for _, k := range sortedKeys(s.KeyOf) {
		w.String(k)
		w.String(s.KeyOf[k])
	}
	w.Len(len(s.Pos), s.Pos == nil)
	for _, p := range s.Pos {
		// A key's position is nearly always in the document's own file:
		// its path is written once, not once a key (a dozen keys and
		// list items a document).
		w.String(p.Key)
		w.Bool(p.Path == d.Path)
		if p.Path != d.Path {
			w.String(p.Path)
		}
		w.Int(int64(p.Line))
		w.Int(int64(p.Col))
	}
	return nil
}

// Decode reads into s what Encode wrote; r.Err says whether it was as
// written.
func (s *Stored) Decode(r *wire.Reader) {
	*s = Stored{}
	d := &s.Doc
	d.Path = r.String()
	d.Rel = r.String()
	d.Title = r.String()
	d.TitleFrom = r.String()
	d.Date = readDate(r)
	d.DateFrom = r.String()
	d.Tags = r.Strings()
	d.Draft = r.Bool()
	d.Slug = r.String()
	d.URL = r.String()
	d.Aliases = r.Strings()
	d.Summary = r.String()
	d.Author = r.String()
	d.Source = r.String()
	d.OriginalURL = r.String()
	d.Version = r.String()
	d.Lang = r.String()
	d.NoSearch = r.Bool()
	d.ID = r.String()
	d.Issuers = r.Strings()
	d.DocNumber = r.String()
	d.DocType = r.String()
	d.Written = readDate(r)
	d.Effective = readDate(r)
	d.Status = r.String()
	d.Subjects = r.Strings()
	if n, isNil := r.Len(2); !isNil {
		d.Relations = make(map[string][]string, n)
		for range n {
			k := r.String()
			d.Relations[k] = r.Strings()
		}
	}
	if t, ok := readValue(r, 0).(time.Time); ok {
		d.Retrieved = t
	} else {
		r.Fail()
	}
	d.TranslationOf = r.String()
	d.TranslationKey = r.String()
	d.SHA256 = r.String()
	d.Body = r.Bytes()
	d.BodyLine = int(r.Int())
	d.Empty = r.Bool()
	switch m := readValue(r, 0).(type) {
	case map[string]any:
		s.Params = m
	default:
		r.Fail()
	}
	if n, isNil := r.Len(2); !isNil {
		s.KeyOf = make(map[string]string, n)
		for range n {
			k := r.String()
			s.KeyOf[k] = r.String()
		}
	}
	if n, isNil := r.Len(4); !isNil {
		s.Pos = make(positions, n)
		for i := range s.Pos {
			p := &s.Pos[i]
			p.Key, p.Path = r.String(), d.Path
			if !r.Bool() {
				p.Path = r.String()
			}
			p.Line, p.Col = int32(r.Int()), int32(r.Int())
		}
	}
}

func writeDate(w *wire.Writer, d date.Date) {
	m, _ := d.MarshalBinary() // never fails
	w.Blob(m)
}

func readDate(r *wire.Reader) date.Date {
	var d date.Date
	if err := d.UnmarshalBinary(r.Blob()); err != nil {
		r.Fail()
	}
	return d
}

// The tags of the front matter's values as Encode writes them.
const (
	tagNil = iota
	tagString
	tagFalse
	tagTrue
	tagInt
	tagInt64
	tagUint64
	tagFloat64
	tagTime
	tagList
	tagMap
	tagNilList
	tagNilMap
)

// writeValue writes a front-matter value: a tag byte and its bytes, a
// map's keys in order.
func writeValue(w *wire.Writer, v any) error {
	tag := func(t byte) { w.Fixed([]byte{t}) }
	switch v := v.(type) {
	case nil:
		tag(tagNil)
	case string:
		tag(tagString)
		w.String(v)
	case bool:
		if v {
			tag(tagTrue)
		} else {
			tag(tagFalse)
		}
	case int:
		tag(tagInt)
		w.Int(int64(v))
	case int64:
		tag(tagInt64)
		w.Int(v)
	case uint64:
		tag(tagUint64)
		w.Uint(v)
	case float64:
		tag(tagFloat64)
		w.Float(v)
	case time.Time:
		t, err := v.MarshalBinary()
		if err != nil {
			return err
		}
		tag(tagTime)
		w.Blob(t)
	case []any:
		if v == nil {
			tag(tagNilList)
			return nil
		}
		tag(tagList)
		w.Uint(uint64(len(v)))
		for _, e := range v {
			if err := writeValue(w, e); err != nil {
				return err
			}
		}
	case map[string]any:
		if v == nil {
			tag(tagNilMap)
			return nil
		}
		tag(tagMap)
		w.Uint(uint64(len(v)))
		for _, k := range sortedKeys(v) {
			w.String(k)
			if err := writeValue(w, v[k]); err != nil {
				return err
			}
		}
	default:
		return errors.New("front-matter values: a value of a type the cache does not keep")
	}
	return nil
}

// maxDepth bounds the nesting read back: front matter nested deeper is
// not read as YAML either.
const maxDepth = 100

// readValue reads what writeValue wrote.
func readValue(r *wire.Reader, depth int) any {
	if depth > maxDepth {
		r.Fail()
		return nil
	}
	tag := r.Fixed(1)
	if tag == nil {
		return nil
	}
	switch tag[0] {
	case tagNil:
		return nil
	case tagString:
		return r.String()
	case tagFalse:
		return false
	case tagTrue:
		return true
	case tagInt:
		return int(r.Int())
	case tagInt64:
		return r.Int()
	case tagUint64:
		return r.Uint()
	case tagFloat64:
		return r.Float()
	case tagTime:
		var t time.Time
		if err := t.UnmarshalBinary(r.Blob()); err != nil {
			r.Fail()
			return nil
		}
		return t
	case tagList:
		n := r.Uint()
		if n > uint64(r.Left()) { // a value takes a byte at least
			r.Fail()
			return nil
		}
		l := make([]any, n)
		for i := range l {
			l[i] = readValue(r, depth+1)
		}
		return l
	case tagNilList:
		return []any(nil)
	case tagNilMap:
		return map[string]any(nil)
	case tagMap:
		n := r.Uint()
		if n > uint64(r.Left())/2 { // a key and a value take two bytes at least
			r.Fail()
			return nil
		}
		m := make(map[string]any, n)
		for range n {
			k := r.String()
			m[k] = readValue(r, depth+1)
		}
		return m
	}
	r.Fail()
	return nil
}
