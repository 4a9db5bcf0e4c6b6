package content

import (
	"reflect"
	"testing"
	"time"

	"github.com/folio-ssg/folio/internal/date"
	"github.com/folio-ssg/folio/internal/wire"
)

func TestStoreRoundTrip(t *testing.T) {
	src := `---
title: 关于进一步优化营商环境的意见
date: 2025年4月27日
tags: [营商环境, 改革]
issuer: [国务院, 国务院办公厅]
doc_number: 国发〔2025〕1号
written: 二〇二五年四月二十日
n: 7
ratio: 0.5
flag: true
empty:
nested: {a: [1, "二", {b: 2025-04-27T05:31:23+08:00}]}
supersedes: [旧文件]
---
正文第一段。
`
	d, errs := Parse("content/2025/a.md", []byte(src), Config{Location: time.FixedZone("CST", 8*3600)})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	s, ok := d.Store()
	if !ok {
		t.Fatalf("Store: not storable: %#v", d.Params)
	}
	back := roundTrip(t, &s)
	got := back.Restore()
	if !reflect.DeepEqual(got, d) {
		t.Errorf("round trip differs:\n got %#v\nwant %#v", got, d)
	}
	if got.Value("doc_number") != d.Value("doc_number") || !got.Known("issuer") {
		t.Errorf("restored doc lost its key table: doc_number %q, Known(issuer) %v", got.Value("doc_number"), got.Known("issuer"))
	}
	d.Params["odd"] = struct{}{}
	if _, ok := d.Store(); ok {
		t.Error("Store accepted a Params value the cache does not keep")
	}
}

// Every type front matter decodes to comes back as it went, nested, with
// nil and empty kept apart; and bytes not as written are an error, never
// a panic.
func TestStoredParamsRoundTrip(t *testing.T) {
	// A zone's name is not kept, as it was not when gob encoded the
	// values: time.Time's own encoding keeps the offset only.
	cst := time.FixedZone("", 8*3600)
	in := map[string]any{
		"s": "国务院", "empty": "", "nil": nil, "t": true, "f": false,
		"int": -7, "int64": int64(-1) << 62, "uint64": uint64(1) << 63, "float": -0.5, "nan-free": 1e300,
		"utc":   time.Date(2025, 4, 27, 5, 31, 23, 5, time.UTC),
		"cst":   time.Date(2025, 4, 27, 5, 31, 23, 0, cst),
		"list":  []any{1, "二", nil, []any{}, map[string]any{}, []any{int64(3)}},
		"map":   map[string]any{"a": map[string]any{"b": []any{false}}},
		"nolst": []any(nil),
		"nomap": map[string]any(nil),
	}
	for _, p := range []map[string]any{in, {}, nil} {
		back := roundTrip(t, &Stored{Params: p})
		if !reflect.DeepEqual(back.Params, p) || (back.Params == nil) != (p == nil) {
			t.Errorf("round trip of %#v gave %#v", p, back.Params)
		}
	}
	var w wire.Writer
	if err := (&Stored{Params: in}).Encode(&w); err != nil {
		t.Fatal(err)
	}
	b := w.Record(nil)
	for n := range len(b) {
		r := wire.NewReader(b[:n])
		new(Stored).Decode(r)
		if r.Done() == nil {
			t.Errorf("%d of %d bytes decoded", n, len(b))
		}
	}
	r := wire.NewReader(append(b, 0))
	new(Stored).Decode(r)
	if r.Done() == nil {
		t.Error("bytes after the values decoded")
	}
}

// Every field of a Doc comes back as it went: a field added to Doc and
// not to Stored's codec fails here. Each is given a value unlike its zero
// value, by its type; nil and empty lists are kept apart.
func TestStoredKeepsEveryField(t *testing.T) {
	day, err := date.Parse("2025年4月27日", time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	instant, err := date.Parse("2025-04-27T05:31:23+08:00", time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	for _, empty := range []bool{false, true} {
		var d Doc
		v := reflect.ValueOf(&d).Elem()
		for i := range v.NumField() {
			f, field := v.Field(i), v.Type().Field(i)
			if !field.IsExported() || field.Name == "Params" {
				continue // Stored's own fields, below
			}
			name := "value of " + field.Name
			switch f.Interface().(type) {
			case string:
				f.SetString(name)
			case bool:
				f.SetBool(true)
			case int:
				f.SetInt(int64(-7 - i))
			case []string:
				if empty {
					f.Set(reflect.ValueOf([]string{}))
				} else {
					f.Set(reflect.ValueOf([]string{name, "国务院"}))
				}
			case []byte:
				if empty {
					f.Set(reflect.ValueOf([]byte{}))
				} else {
					f.Set(reflect.ValueOf([]byte(name)))
				}
			case map[string][]string:
				if empty {
					f.Set(reflect.ValueOf(map[string][]string{}))
				} else {
					f.Set(reflect.ValueOf(map[string][]string{"supersedes": {name}, "related": nil, "amends": {}}))
				}
			case date.Date:
				if i%2 == 0 {
					f.Set(reflect.ValueOf(day))
				} else {
					f.Set(reflect.ValueOf(instant))
				}
			case time.Time:
				f.Set(reflect.ValueOf(time.Date(2025, 4, 27, 5, 31, 23, 9, time.FixedZone("", 8*3600))))
			default:
				t.Fatalf("Doc.%s is a %s: give it a value here, and add it to Stored's codec", field.Name, field.Type)
			}
		}
		s := Stored{Doc: d, Params: map[string]any{"title": "标题", "n": 3}, KeyOf: map[string]string{"标题": "title"},
			Pos: positions{{Key: "title", Path: "content/a.md", Line: 2, Col: 8}}}
		if empty {
			s.Params, s.KeyOf, s.Pos = map[string]any{}, map[string]string{}, positions{}
		}
		back := roundTrip(t, &s)
		if !reflect.DeepEqual(*back, s) {
			t.Errorf("round trip differs:\n got %#v\nwant %#v", *back, s)
		}
		for _, pair := range [][2]any{{back.Doc.Tags, s.Doc.Tags}, {back.Doc.Body, s.Doc.Body}, {back.Doc.Relations, s.Doc.Relations}, {back.KeyOf, s.KeyOf}, {back.Pos, s.Pos}} {
			if reflect.ValueOf(pair[0]).IsNil() != reflect.ValueOf(pair[1]).IsNil() {
				t.Errorf("nil and empty not kept apart: got %#v, want %#v", pair[0], pair[1])
			}
		}
	}
	back := roundTrip(t, &Stored{})
	if !reflect.DeepEqual(*back, Stored{}) {
		t.Errorf("round trip of the zero Stored gave %#v", *back)
	}
}

func roundTrip(t *testing.T, s *Stored) *Stored {
	t.Helper()
	var w wire.Writer
	if err := s.Encode(&w); err != nil {
		t.Fatal(err)
	}
	r := wire.NewReader(w.Record(nil))
	var back Stored
	back.Decode(r)
	if err := r.Done(); err != nil {
		t.Fatalf("decode: %v", err)
	}
	return &back
}
