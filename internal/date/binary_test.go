package date

import (
	"testing"
	"time"
)

func TestBinaryRoundTrip(t *testing.T) {
	loc := time.FixedZone("CST", 8*3600)
	for _, s := range []string{"2025年4月27日", "二〇二五年四月", "2025-04-27T05:31:23+08:00", "1946-05-15"} {
		d, err := Parse(s, loc)
		if err != nil {
			t.Fatalf("Parse(%q): %v", s, err)
		}
		b, err := d.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		var e Date
		if err := e.UnmarshalBinary(b); err != nil {
			t.Fatal(err)
		}
		if e != d {
			t.Errorf("%q: round trip gave %#v, want %#v", s, e, d)
		}
	}
	var z Date
	b, _ := z.MarshalBinary()
	var e Date
	if err := e.UnmarshalBinary(b); err != nil || !e.IsZero() {
		t.Errorf("zero Date: got %v, %v", e, err)
	}
	for _, bad := range [][]byte{nil, {2}, append([]byte{1}, make([]byte, 20)...), {1, 0, 0, 13, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}} {
		if err := e.UnmarshalBinary(bad); err == nil {
			t.Errorf("UnmarshalBinary(%v) = nil, want an error", bad)
		}
	}
}
