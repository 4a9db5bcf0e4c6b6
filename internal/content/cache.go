package content

import (
	"encoding/binary"
	"errors"
	"math"
	"slices"
	"time"
)

// Stored is a Doc as a build cache keeps it: every field, the unexported
// ones included, for encoding/gob. The front matter's values (Params)
// are in a form of their own: gob carries a value behind an interface
// with its type's name, and gob's decoding of maps (these above all)
// was about a quarter of the time a build spent reading its cache.
type Stored struct {
	Doc    Doc // its exported fields, but Params
	Params params
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
	s.Doc.Params = nil
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
// produces, which params encodes.
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

// params is a document's front-matter values as a cache keeps them: each
// value a tag byte and its bytes, a map's keys in order.
type params map[string]any

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

func (p params) GobEncode() ([]byte, error) {
	return appendValue(nil, map[string]any(p))
}

func (p *params) GobDecode(b []byte) error {
	r := valueReader{b: b}
	v := r.value(0)
	m, ok := v.(map[string]any)
	if r.err != nil || !ok || len(r.b) > 0 {
		return errors.New("front-matter values: not as written")
	}
	*p = m
	return nil
}

func appendValue(b []byte, v any) ([]byte, error) {
	switch v := v.(type) {
	case nil:
		return append(b, tagNil), nil
	case string:
		b = binary.AppendUvarint(append(b, tagString), uint64(len(v)))
		return append(b, v...), nil
	case bool:
		if v {
			return append(b, tagTrue), nil
		}
		return append(b, tagFalse), nil
	case int:
		return binary.AppendVarint(append(b, tagInt), int64(v)), nil
	case int64:
		return binary.AppendVarint(append(b, tagInt64), v), nil
	case uint64:
		return binary.AppendUvarint(append(b, tagUint64), v), nil
	case float64:
		return binary.LittleEndian.AppendUint64(append(b, tagFloat64), math.Float64bits(v)), nil
	case time.Time:
		t, err := v.MarshalBinary()
		if err != nil {
			return nil, err
		}
		b = binary.AppendUvarint(append(b, tagTime), uint64(len(t)))
		return append(b, t...), nil
	case []any:
		if v == nil {
			return append(b, tagNilList), nil
		}
		b = binary.AppendUvarint(append(b, tagList), uint64(len(v)))
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
		b = binary.AppendUvarint(append(b, tagMap), uint64(len(v)))
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			b = binary.AppendUvarint(b, uint64(len(k)))
			b = append(b, k...)
			var err error
			if b, err = appendValue(b, v[k]); err != nil {
				return nil, err
			}
		}
		return b, nil
	}
	return nil, errors.New("front-matter values: a value of a type the cache does not keep")
}

// valueReader reads what appendValue wrote; err is set at the first thing
// that is not as written.
type valueReader struct {
	b   []byte
	err error
}

// maxDepth bounds the nesting read back: front matter nested deeper is
// not read as YAML either.
const maxDepth = 100

func (r *valueReader) fail() any {
	if r.err == nil {
		r.err = errors.New("not as written")
	}
	r.b = nil
	return nil
}

func (r *valueReader) uvarint() uint64 {
	x, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.fail()
		return 0
	}
	r.b = r.b[n:]
	return x
}

func (r *valueReader) bytes() []byte {
	n := r.uvarint()
	if n > uint64(len(r.b)) {
		r.fail()
		return nil
	}
	s := r.b[:n]
	r.b = r.b[n:]
	return s
}

func (r *valueReader) value(depth int) any {
	if len(r.b) == 0 || depth > maxDepth {
		return r.fail()
	}
	tag := r.b[0]
	r.b = r.b[1:]
	switch tag {
	case tagNil:
		return nil
	case tagString:
		return string(r.bytes())
	case tagFalse:
		return false
	case tagTrue:
		return true
	case tagInt, tagInt64:
		x, n := binary.Varint(r.b)
		if n <= 0 {
			return r.fail()
		}
		r.b = r.b[n:]
		if tag == tagInt {
			return int(x)
		}
		return x
	case tagUint64:
		return r.uvarint()
	case tagFloat64:
		if len(r.b) < 8 {
			return r.fail()
		}
		x := math.Float64frombits(binary.LittleEndian.Uint64(r.b))
		r.b = r.b[8:]
		return x
	case tagTime:
		var t time.Time
		if err := t.UnmarshalBinary(r.bytes()); err != nil {
			return r.fail()
		}
		return t
	case tagList:
		n := r.uvarint()
		if n > uint64(len(r.b)) { // a value takes a byte at least
			return r.fail()
		}
		l := make([]any, n)
		for i := range l {
			l[i] = r.value(depth + 1)
		}
		return l
	case tagNilList:
		return []any(nil)
	case tagNilMap:
		return map[string]any(nil)
	case tagMap:
		n := r.uvarint()
		if n > uint64(len(r.b))/2 { // a key and a value take two bytes at least
			return r.fail()
		}
		m := make(map[string]any, n)
		for range n {
			k := string(r.bytes())
			m[k] = r.value(depth + 1)
		}
		return m
	}
	return r.fail()
}
