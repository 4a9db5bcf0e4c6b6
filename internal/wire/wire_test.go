package wire

import (
	"math"
	"reflect"
	"testing"
)

// record is one of every field, written and read in the same order.
type record struct {
	u      uint64
	i      int64
	b      bool
	f      float64
	s      string
	fixed  string
	bytes  []byte
	list   []string
	length int
	isNil  bool
}

func (r record) append(b []byte) []byte {
	b = AppendUint(b, r.u)
	b = AppendInt(b, r.i)
	b = AppendBool(b, r.b)
	b = AppendFloat(b, r.f)
	b = AppendString(b, r.s)
	b = AppendFixed(b, []byte(r.fixed))
	b = AppendBytes(b, r.bytes)
	b = AppendStrings(b, r.list)
	return AppendLen(b, r.length, r.isNil)
}

func read(rd *Reader, fixed int) record {
	var r record
	r.u = rd.Uint()
	r.i = rd.Int()
	r.b = rd.Bool()
	r.f = rd.Float()
	r.s = rd.String()
	r.fixed = rd.Fixed(fixed)
	r.bytes = rd.Bytes()
	r.list = rd.Strings()
	r.length, r.isNil = rd.Len(0)
	return r
}

func TestRecordsRoundTrip(t *testing.T) {
	for _, in := range []record{
		{},
		{isNil: true, bytes: []byte{}, list: []string{}},
		{u: math.MaxUint64, i: math.MinInt64, b: true, f: -0.5, s: "国务院", fixed: "\x00\xff", bytes: []byte("正文"), list: []string{"", "标签", "a"}},
		{u: 1 << 63, i: math.MaxInt64, f: math.Inf(-1), s: string(make([]byte, 300)), list: nil, length: 0},
	} {
		b := in.append([]byte("before"))
		rd := NewReader(string(b[len("before"):]))
		got := read(rd, len(in.fixed))
		if err := rd.Done(); err != nil {
			t.Fatalf("%+v: %v", in, err)
		}
		if !reflect.DeepEqual(got, in) {
			t.Errorf("round trip gave %+v, want %+v", got, in)
		}
		if (got.bytes == nil) != (in.bytes == nil) || (got.list == nil) != (in.list == nil) {
			t.Errorf("nil and empty not kept apart: got %#v %#v, want %#v %#v", got.bytes, got.list, in.bytes, in.list)
		}
		// Every record cut short is refused, and reads zero values from
		// where it ends.
		for n := range len(b) - len("before") {
			rd := NewReader(string(b[len("before") : len("before")+n]))
			read(rd, len(in.fixed))
			if rd.Err() == nil {
				t.Errorf("%+v: %d bytes read as a whole record", in, n)
			}
		}
		rd = NewReader(string(append(b[len("before"):], 0)))
		read(rd, len(in.fixed))
		if rd.Done() == nil {
			t.Errorf("%+v: a byte past the record went unnoticed", in)
		}
	}
}

// A length that the rest of the record cannot hold is refused before
// anything is made at its size.
func TestLenIsBoundedByWhatIsLeft(t *testing.T) {
	b := AppendLen(nil, 10, false)
	b = append(b, make([]byte, 19)...)
	rd := NewReader(string(b))
	if n, _ := rd.Len(2); rd.Err() == nil {
		t.Errorf("Len(2) of 10 items in 19 bytes = %d, want an error", n)
	}
	rd = NewReader("\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01")
	if l := rd.Strings(); rd.Err() == nil || l != nil {
		t.Errorf("Strings of a huge length = %d strings, error %v", len(l), rd.Err())
	}
	rd = NewReader("\xff\xff\xff\xff\xff\xff\xff\xff\xff\x02")
	if v := rd.Uint(); rd.Err() == nil {
		t.Errorf("Uint of 65 bits = %d, want an error", v)
	}
	rd = NewReader("\x02")
	if rd.Bool(); rd.Err() == nil {
		t.Error("Bool of 2: want an error")
	}
}

// Reading bytes that are not a record never panics.
func FuzzReader(f *testing.F) {
	f.Add(record{s: "国务院", list: []string{"a"}, bytes: []byte("x")}.append(nil))
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})
	f.Fuzz(func(t *testing.T, b []byte) {
		rd := NewReader(string(b))
		for rd.Err() == nil && rd.Left() > 0 {
			read(rd, 3)
		}
	})
}
