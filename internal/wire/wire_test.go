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
	fixed  []byte
	blob   []byte
	bytes  []byte
	list   []string
	length int
	isNil  bool
}

func (r record) write(w *Writer) {
	w.Uint(r.u)
	w.Int(r.i)
	w.Bool(r.b)
	w.Float(r.f)
	w.String(r.s)
	w.Fixed(r.fixed)
	w.Blob(r.blob)
	w.Bytes(r.bytes)
	w.Strings(r.list)
	w.Len(r.length, r.isNil)
}

func read(rd *Reader, fixed int) record {
	var r record
	r.u = rd.Uint()
	r.i = rd.Int()
	r.b = rd.Bool()
	r.f = rd.Float()
	r.s = rd.String()
	r.fixed = append([]byte{}, rd.Fixed(fixed)...)
	r.blob = append([]byte{}, rd.Blob()...)
	r.bytes = rd.Bytes()
	r.list = rd.Strings()
	r.length, r.isNil = rd.Len(0)
	return r
}

func TestRecordsRoundTrip(t *testing.T) {
	for _, in := range []record{
		{fixed: []byte{}, blob: []byte{}},
		{fixed: []byte{}, blob: []byte{}, isNil: true, bytes: []byte{}, list: []string{}},
		{u: math.MaxUint64, i: math.MinInt64, b: true, f: -0.5, s: "国务院", fixed: []byte("\x00\xff"), blob: []byte("日期"), bytes: []byte("正文"), list: []string{"", "标签", "a"}},
		{u: 1 << 63, i: math.MaxInt64, f: math.Inf(-1), s: string(make([]byte, 300)), fixed: []byte{}, blob: make([]byte, 200), list: nil},
	} {
		var w Writer
		in.write(&w)
		b := w.Record([]byte("before"))
		if string(b[:len("before")]) != "before" {
			t.Errorf("Record did not append: %q", b)
		}
		b = b[len("before"):]
		rd := NewReader(b)
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
		for n := range len(b) {
			rd := NewReader(b[:n])
			read(rd, len(in.fixed))
			if rd.Done() == nil {
				t.Errorf("%+v: %d of %d bytes read as a whole record", in, n, len(b))
			}
		}
		rd = NewReader(append(b[:len(b):len(b)], 0))
		read(rd, len(in.fixed))
		if rd.Done() == nil {
			t.Errorf("%+v: a byte past the record went unnoticed", in)
		}
		// The Writer is empty again after Reset.
		w.Reset()
		if got := w.Record(nil); string(got) != "\x00" {
			t.Errorf("the record after Reset = %q, want only its empty numbers' length", got)
		}
	}
}

// A record's strings are copied once and its numbers not kept: changing
// the record after it was read changes none of them.
func TestStringsAreTheRecordsOwn(t *testing.T) {
	var w Writer
	w.String("人民日报")
	w.Uint(7)
	b := w.Record(nil)
	rd := NewReader(b)
	s, n := rd.String(), rd.Uint()
	for i := range b {
		b[i] = 'x'
	}
	if s != "人民日报" || n != 7 || rd.Done() != nil {
		t.Errorf("after the record changed: %q %d %v", s, n, rd.Done())
	}
}

// A length that the rest of the record cannot hold is refused before
// anything is made at its size.
func TestLenIsBoundedByWhatIsLeft(t *testing.T) {
	var w Writer
	w.Len(10, false)
	w.Fixed(make([]byte, 19))
	rd := NewReader(w.Record(nil))
	if n, _ := rd.Len(2); rd.Err() == nil {
		t.Errorf("Len(2) of 10 items in 19 bytes = %d, want an error", n)
	}
	huge := []byte{10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}
	rd = NewReader(huge)
	if l := rd.Strings(); rd.Err() == nil || l != nil {
		t.Errorf("Strings of a huge length = %d strings, error %v", len(l), rd.Err())
	}
	rd = NewReader([]byte{10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02})
	if v := rd.Uint(); rd.Err() == nil {
		t.Errorf("Uint of 65 bits = %d, want an error", v)
	}
	rd = NewReader([]byte{1, 2})
	if rd.Bool(); rd.Err() == nil {
		t.Error("Bool of 2: want an error")
	}
	rd = NewReader([]byte{1, 5, 'a', 'b'})
	if s := rd.String(); rd.Err() == nil {
		t.Errorf("a string of 5 bytes in 2 read as %q", s)
	}
	if rd := NewReader([]byte{9, 1}); rd.Err() == nil {
		t.Error("a record whose numbers run past its end: want an error")
	}
}

// Reading bytes that are not a record never panics.
func FuzzReader(f *testing.F) {
	var w Writer
	record{s: "国务院", list: []string{"a"}, bytes: []byte("x"), blob: []byte("b"), fixed: []byte("abc")}.write(&w)
	f.Add(w.Record(nil))
	f.Add([]byte{10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})
	f.Fuzz(func(t *testing.T, b []byte) {
		rd := NewReader(b)
		for rd.Err() == nil && rd.Left() > 0 {
			read(rd, 3)
		}
	})
}
