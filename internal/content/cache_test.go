package content

import (
	"bytes"
	"encoding/gob"
	"reflect"
	"testing"
	"time"
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
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(&s); err != nil {
		t.Fatal(err)
	}
	var back Stored
	if err := gob.NewDecoder(&buf).Decode(&back); err != nil {
		t.Fatal(err)
	}
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
	for _, p := range []params{in, {}, nil} {
		var buf bytes.Buffer
		if err := gob.NewEncoder(&buf).Encode(&Stored{Params: p}); err != nil {
			t.Fatal(err)
		}
		var back Stored
		if err := gob.NewDecoder(&buf).Decode(&back); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(back.Params, p) || (back.Params == nil) != (p == nil) {
			t.Errorf("round trip of %#v gave %#v", p, back.Params)
		}
	}
	b, err := params(in).GobEncode()
	if err != nil {
		t.Fatal(err)
	}
	for n := range len(b) {
		var p params
		if err := p.GobDecode(b[:n]); err == nil {
			t.Errorf("%d of %d bytes decoded", n, len(b))
		}
	}
	if err := new(params).GobDecode(append(b, 0)); err == nil {
		t.Error("bytes after the values decoded")
	}
}
