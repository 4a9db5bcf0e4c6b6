package content

import (
	"errors"
	"time"

	"github.com/folio-ssg/folio/internal/date"
	"github.com/folio-ssg/folio/internal/wire"
)

// Stored is a Doc as a build cache keeps it: every field, the unexported
// ones included, written by AppendBinary and read back by Decode in the
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
// produces, which AppendBinary encodes.
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

// AppendBinary appends s to b in the byte form of package wire.
func (s *Stored) AppendBinary(b []byte) ([]byte, error) {
	d := &s.Doc
	b = wire.AppendString(b, d.Path)
	b = wire.AppendString(b, d.Rel)
	b = wire.AppendString(b, d.Title)
	b = wire.AppendString(b, d.TitleFrom)
	b = appendDate(b, d.Date)
	b = wire.AppendString(b, d.DateFrom)
	b = wire.AppendStrings(b, d.Tags)
	b = wire.AppendBool(b, d.Draft)
	b = wire.AppendString(b, d.Slug)
	b = wire.AppendString(b, d.URL)
	b = wire.AppendStrings(b, d.Aliases)
	b = wire.AppendString(b, d.Summary)
	b = wire.AppendString(b, d.Author)
	b = wire.AppendString(b, d.Source)
	b = wire.AppendString(b, d.OriginalURL)
	b = wire.AppendString(b, d.Version)
	b = wire.AppendString(b, d.Lang)
	b = wire.AppendBool(b, d.NoSearch)
	b = wire.AppendString(b, d.ID)
	b = wire.AppendStrings(b, d.Issuers)
	b = wire.AppendString(b, d.DocNumber)
	b = wire.AppendString(b, d.DocType)
	b = appendDate(b, d.Written)
	b = appendDate(b, d.Effective)
	b = wire.AppendString(b, d.Status)
	b = wire.AppendStrings(b, d.Subjects)
	b = wire.AppendLen(b, len(d.Relations), d.Relations == nil)
	for _, k := range sortedKeys(d.Relations) {
		b = wire.AppendString(b, k)
		b = wire.AppendStrings(b, d.Relations[k])
	}
	b, err := appendValue(b, d.Retrieved)
	if err != nil {
		return nil, err
	}
	b = wire.AppendString(b, d.TranslationOf)
	b = wire.AppendString(b, d.TranslationKey)
	b = wire.AppendString(b, d.SHA256)
	// d.Params is nil: s.Params holds it.
	b = wire.AppendBytes(b, d.Body)
	b = wire.AppendInt(b, int64(d.BodyLine))
	b = wire.AppendBool(b, d.Empty)
	if b, err = appendValue(b, map[string]any(s.Params)); err != nil {
		return nil, err
	}
	b = wire.AppendLen(b, len(s.KeyOf), s.KeyOf == nil)
	for _, k := range sortedKeys(s.KeyOf) {
		b = wire.AppendString(b, k)
		b = wire.AppendString(b, s.KeyOf[k])
	}
	b = wire.AppendLen(b, len(s.Pos), s.Pos == nil)
	for _, p := range s.Pos {
		// A key's position is nearly always in the document's own file:
		// its path is written once, not once a key (a dozen keys and
		// list items a document).
		b = wire.AppendString(b, p.Key)
		b = wire.AppendBool(b, p.Path == d.Path)
		if p.Path != d.Path {
			b = wire.AppendString(b, p.Path)
		}
		b = wire.AppendInt(b, int64(p.Line))
		b = wire.AppendInt(b, int64(p.Col))
	}
	return b, nil
}

// Decode reads into s what AppendBinary wrote; r.Err says whether it was
// as written.
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

func appendDate(b []byte, d date.Date) []byte {
	m, _ := d.MarshalBinary() // never fails
	return wire.AppendString(b, string(m))
}

func readDate(r *wire.Reader) date.Date {
	var d date.Date
	if err := d.UnmarshalBinary([]byte(r.String())); err != nil {
		r.Fail()
	}
	return d
}

// The tags of the front matter's values as AppendBinary writes them.
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

// appendValue appends a front-matter value: a tag byte and its bytes, a
// map's keys in order.
func appendValue(b []byte, v any) ([]byte, error) {
	switch v := v.(type) {
	case nil:
		return append(b, tagNil), nil
	case string:
		return wire.AppendString(append(b, tagString), v), nil
	case bool:
		if v {
			return append(b, tagTrue), nil
		}
		return append(b, tagFalse), nil
	case int:
		return wire.AppendInt(append(b, tagInt), int64(v)), nil
	case int64:
		return wire.AppendInt(append(b, tagInt64), v), nil
	case uint64:
		return wire.AppendUint(append(b, tagUint64), v), nil
	case float64:
		return wire.AppendFloat(append(b, tagFloat64), v), nil
	case time.Time:
		t, err := v.MarshalBinary()
		if err != nil {
			return nil, err
		}
		return wire.AppendString(append(b, tagTime), string(t)), nil
	case []any:
		if v == nil {
			return append(b, tagNilList), nil
		}
		b = wire.AppendUint(append(b, tagList), uint64(len(v)))
		for _, e := range v {
			var err error
			if b, err = appendValue(b, e); err != nil {
				return nil, err
			}
		}
		return b, nil
	case map[string]any:
		if v == nil {
			return append(b, tagNilMap), nil
		}
		b = wire.AppendUint(append(b, tagMap), uint64(len(v)))
		for _, k := range sortedKeys(v) {
			b = wire.AppendString(b, k)
			var err error
			if b, err = appendValue(b, v[k]); err != nil {
				return nil, err
			}
		}
		return b, nil
	}
	return nil, errors.New("front-matter values: a value of a type the cache does not keep")
}

// maxDepth bounds the nesting read back: front matter nested deeper is
// not read as YAML either.
const maxDepth = 100

// readValue reads what appendValue wrote.
func readValue(r *wire.Reader, depth int) any {
	if depth > maxDepth {
		r.Fail()
		return nil
	}
	tag := r.Fixed(1)
	if tag == "" {
		r.Fail()
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
		if err := t.UnmarshalBinary([]byte(r.String())); err != nil {
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
