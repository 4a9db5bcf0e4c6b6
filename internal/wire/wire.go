// Package wire is the byte form of the records folio's build cache holds
// by the hundred thousand: a content file's parse, an output file's
// digest, a page's stamp.
//
// A Writer writes a record field after field, each as short as it can
// be: numbers as varints, a string as its length and its bytes, a list as
// its length and its items. A list or a byte string that may be nil is
// written with its length plus one, and 0 for nil, so that nil and empty
// come back apart. A record has two parts: its strings' bytes, one after
// another, and everything else (numbers, lengths, digests), written
// before them.
//
// A Reader reads a record back with one copy of its strings' bytes: the
// strings it returns are slices of that copy, so a record's strings cost
// one allocation, not one each, and the collector has one object to
// follow instead of dozens; the rest of the record is read where it lies
// and not kept. Reading is what a build that uses the cache spends most
// of its time on after rendering; encoding/gob, by reflection, took about
// twice as long.
//
// Reading never panics and never allocates more than the record's length
// can hold: the first field that is not as written sets Err, and every
// read after it returns a zero value.
package wire

import (
	"encoding/binary"
	"errors"
	"math"
)

// A Writer makes a record; its zero value is an empty one.
type Writer struct {
	nums, strs []byte
}

// Reset empties w, keeping its memory.
func (w *Writer) Reset() { w.nums, w.strs = w.nums[:0], w.strs[:0] }

// Record appends the record w holds to b: the length of its first part,
// its first part, its strings.
func (w *Writer) Record(b []byte) []byte {
	b = binary.AppendUvarint(b, uint64(len(w.nums)))
	return append(append(b, w.nums...), w.strs...)
}

// Uint writes v.
func (w *Writer) Uint(v uint64) { w.nums = binary.AppendUvarint(w.nums, v) }

// Int writes v.
func (w *Writer) Int(v int64) { w.nums = binary.AppendVarint(w.nums, v) }

// Bool writes v.
func (w *Writer) Bool(v bool) {
	if v {
		w.nums = append(w.nums, 1)
	} else {
		w.nums = append(w.nums, 0)
	}
}

// Float writes v.
func (w *Writer) Float(v float64) {
	w.nums = binary.LittleEndian.AppendUint64(w.nums, math.Float64bits(v))
}

// Fixed writes p as it is: the reader knows its length.
func (w *Writer) Fixed(p []byte) { w.nums = append(w.nums, p...) }

// Blob writes p, its length first, among the numbers: for bytes read
// back and decoded at once (Reader.Blob), never kept.
func (w *Writer) Blob(p []byte) {
	w.Uint(uint64(len(p)))
	w.nums = append(w.nums, p...)
}

// String writes s: its length among the numbers, its bytes among the
// strings.
func (w *Writer) String(s string) {
	w.Uint(uint64(len(s)))
	w.strs = append(w.strs, s...)
}

// Bytes writes p, nil apart from empty, among the numbers (Reader.Bytes
// copies it).
func (w *Writer) Bytes(p []byte) {
	w.Len(len(p), p == nil)
	w.nums = append(w.nums, p...)
}

// Strings writes l, nil apart from empty.
func (w *Writer) Strings(l []string) {
	w.Len(len(l), l == nil)
	for _, s := range l {
		w.String(s)
	}
}

// Len writes the length of a list whose items follow; isNil says the
// list is nil (n is then 0).
func (w *Writer) Len(n int, isNil bool) {
	if isNil {
		w.nums = append(w.nums, 0)
		return
	}
	w.Uint(uint64(n) + 1)
}

// A Reader reads a record a Writer made.
type Reader struct {
	nums []byte // read where it lies: not kept
	strs string // the one copy of the strings
	err  error
}

// NewReader returns a Reader of record, which must not change while the
// Reader is used; its strings are copied, once.
func NewReader(record []byte) *Reader {
	n, k := binary.Uvarint(record)
	if k <= 0 || n > uint64(len(record)-k) {
		return &Reader{err: errNotAsWritten}
	}
	return &Reader{nums: record[k : k+int(n)], strs: string(record[k+int(n):])}
}

// errNotAsWritten is the error of a record that is not as written.
var errNotAsWritten = errors.New("not as written")

// Err is the error of the first read that found the record not as
// written, or nil.
func (r *Reader) Err() error { return r.err }

// Done is Err, or an error when the record goes on after what was read.
func (r *Reader) Done() error {
	if r.err == nil && (len(r.nums) > 0 || r.strs != "") {
		return errors.New("not as written: it goes on past its end")
	}
	return r.err
}

// Fail marks the record as not as written; the caller found a value it
// cannot hold.
func (r *Reader) Fail() {
	if r.err == nil {
		r.err = errNotAsWritten
	}
	r.nums, r.strs = nil, ""
}

// Left is how many bytes of numbers are left to read.
func (r *Reader) Left() int { return len(r.nums) }

// Uint reads a uvarint.
func (r *Reader) Uint() uint64 {
	x, n := binary.Uvarint(r.nums)
	if n <= 0 {
		r.Fail()
		return 0
	}
	r.nums = r.nums[n:]
	return x
}

// Int reads a varint: a uvarint, zig-zag encoded (encoding/binary's
// AppendVarint).
func (r *Reader) Int() int64 {
	u := r.Uint()
	x := int64(u >> 1)
	if u&1 != 0 {
		x = ^x
	}
	return x
}

// Bool reads a bool.
func (r *Reader) Bool() bool {
	if len(r.nums) == 0 || r.nums[0] > 1 {
		r.Fail()
		return false
	}
	v := r.nums[0] == 1
	r.nums = r.nums[1:]
	return v
}

// Float reads a float.
func (r *Reader) Float() float64 {
	b := r.Fixed(8)
	if b == nil {
		return 0
	}
	return math.Float64frombits(binary.LittleEndian.Uint64(b))
}

// Fixed reads n bytes, where they lie: copy them, do not keep them (nil
// past the record's end).
func (r *Reader) Fixed(n int) []byte {
	if n < 0 || n > len(r.nums) {
		r.Fail()
		return nil
	}
	b := r.nums[:n:n]
	r.nums = r.nums[n:]
	return b
}

// Blob reads what Writer.Blob wrote, where it lies: decode it, do not
// keep it.
func (r *Reader) Blob() []byte {
	n := r.Uint()
	if n > uint64(len(r.nums)) {
		r.Fail()
		return nil
	}
	return r.Fixed(int(n))
}

// String reads a string, as a slice of the record's one copy of them.
func (r *Reader) String() string {
	n := r.Uint()
	if n > uint64(len(r.strs)) {
		r.Fail()
		return ""
	}
	s := r.strs[:n]
	r.strs = r.strs[n:]
	return s
}

// Bytes reads what Writer.Bytes wrote, as a copy.
func (r *Reader) Bytes() []byte {
	n, isNil := r.Len(1)
	if isNil || r.err != nil {
		return nil
	}
	b := r.Fixed(n)
	if r.err != nil {
		return nil
	}
	return append([]byte{}, b...)
}

// Strings reads what Writer.Strings wrote.
func (r *Reader) Strings() []string {
	n, isNil := r.Len(1)
	if isNil || r.err != nil {
		return nil
	}
	l := make([]string, n)
	for i := range l {
		l[i] = r.String()
	}
	if r.err != nil {
		return nil
	}
	return l
}

// Len reads a length Writer.Len wrote, of a list whose items each take at
// least least bytes of numbers: a length the rest of the record cannot
// hold is not as written.
func (r *Reader) Len(least int) (n int, isNil bool) {
	v := r.Uint()
	if v == 0 {
		return 0, r.err == nil
	}
	v--
	if least < 1 {
		least = 1
	}
	if v > uint64(len(r.nums)/least) {
		r.Fail()
		return 0, false
	}
	return int(v), false
}
