// Package wire is the byte form of the records folio's build cache holds
// by the hundred thousand: a content file's parse, an output file's
// digest, a page's stamp.
//
// A record is written by the Append functions, field after field, each as
// short as it can be: numbers as varints, a string or byte string as its
// length and its bytes, a list as its length and its items. A list or a
// byte string that may be nil is written with its length plus one, and 0
// for nil, so that nil and empty come back apart.
//
// A Reader reads a record back from one string: the strings it returns are
// slices of that string, so a record's strings cost one allocation, not
// one each, and the collector has one object to follow instead of dozens.
// Reading is what a build that uses the cache spends most of its time on
// after rendering; encoding/gob, by reflection, took three times as long.
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

// AppendUint appends v as a uvarint.
func AppendUint(b []byte, v uint64) []byte { return binary.AppendUvarint(b, v) }

// AppendInt appends v as a varint.
func AppendInt(b []byte, v int64) []byte { return binary.AppendVarint(b, v) }

// AppendBool appends v as one byte.
func AppendBool(b []byte, v bool) []byte {
	if v {
		return append(b, 1)
	}
	return append(b, 0)
}

// AppendString appends s, its length first.
func AppendString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

// AppendFixed appends p as it is: the reader knows its length.
func AppendFixed(b []byte, p []byte) []byte { return append(b, p...) }

// AppendBytes appends p, nil apart from empty.
func AppendBytes(b []byte, p []byte) []byte {
	if p == nil {
		return append(b, 0)
	}
	return append(binary.AppendUvarint(b, uint64(len(p))+1), p...)
}

// AppendStrings appends l, nil apart from empty.
func AppendStrings(b []byte, l []string) []byte {
	b = AppendLen(b, len(l), l == nil)
	for _, s := range l {
		b = AppendString(b, s)
	}
	return b
}

// AppendLen appends the length of a list whose items follow; isNil says
// the list is nil (n is then 0).
func AppendLen(b []byte, n int, isNil bool) []byte {
	if isNil {
		return append(b, 0)
	}
	return binary.AppendUvarint(b, uint64(n)+1)
}

// AppendFloat appends v as its 8 bytes.
func AppendFloat(b []byte, v float64) []byte {
	return binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
}

// A Reader reads a record the Append functions wrote.
type Reader struct {
	s   string
	err error
}

// NewReader returns a Reader of the record s.
func NewReader(s string) *Reader { return &Reader{s: s} }

// errNotAsWritten is the error of a record that is not as written.
var errNotAsWritten = errors.New("not as written")

// Err is the error of the first read that found the record not as
// written, or nil.
func (r *Reader) Err() error { return r.err }

// Done is Err, or an error when the record goes on after what was read.
func (r *Reader) Done() error {
	if r.err == nil && r.s != "" {
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
	r.s = ""
}

// Left is how many bytes are left to read.
func (r *Reader) Left() int { return len(r.s) }

// Uint reads a uvarint.
func (r *Reader) Uint() uint64 {
	var x uint64
	for i := 0; i < len(r.s) && i < binary.MaxVarintLen64; i++ {
		c := r.s[i]
		if c < 0x80 {
			if i == binary.MaxVarintLen64-1 && c > 1 {
				break // overflows 64 bits
			}
			r.s = r.s[i+1:]
			return x | uint64(c)<<(7*i)
		}
		x |= uint64(c&0x7f) << (7 * i)
	}
	r.Fail()
	return 0
}

// Int reads a varint.
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
	if r.s == "" || r.s[0] > 1 {
		r.Fail()
		return false
	}
	v := r.s[0] == 1
	r.s = r.s[1:]
	return v
}

// Float reads a float.
func (r *Reader) Float() float64 {
	if len(r.s) < 8 {
		r.Fail()
		return 0
	}
	v := math.Float64frombits(binary.LittleEndian.Uint64([]byte(r.s[:8])))
	r.s = r.s[8:]
	return v
}

// Fixed reads n bytes, as a slice of the record ("" past its end: copy
// it into an array, do not index it).
func (r *Reader) Fixed(n int) string {
	if n < 0 || n > len(r.s) {
		r.Fail()
		return ""
	}
	s := r.s[:n]
	r.s = r.s[n:]
	return s
}

// String reads a string, as a slice of the record.
func (r *Reader) String() string {
	n := r.Uint()
	if n > uint64(len(r.s)) {
		r.Fail()
		return ""
	}
	s := r.s[:n]
	r.s = r.s[n:]
	return s
}

// Bytes reads a byte string AppendBytes wrote, as a copy.
func (r *Reader) Bytes() []byte {
	n, isNil := r.Len(1)
	if isNil {
		return nil
	}
	s := r.Fixed(n)
	if r.err != nil {
		return nil
	}
	return []byte(s)
}

// Strings reads a list AppendStrings wrote.
func (r *Reader) Strings() []string {
	n, isNil := r.Len(1)
	if isNil {
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

// Len reads a length AppendLen wrote, of a list whose items each take at
// least least bytes: a length the rest of the record cannot hold is not
// as written.
func (r *Reader) Len(least int) (n int, isNil bool) {
	v := r.Uint()
	if v == 0 {
		return 0, r.err == nil
	}
	v--
	if least < 1 {
		least = 1
	}
	if v > uint64(len(r.s)/least) {
		r.Fail()
		return 0, false
	}
	return int(v), false
}
