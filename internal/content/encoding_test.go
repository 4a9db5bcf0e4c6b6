package content

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf16"
)

func utf16le(s string, bom bool) []byte {
	var b []byte
	if bom {
		b = []byte{0xFF, 0xFE}
	}
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u), byte(u>>8))
	}
	return b
}

func TestEncodingsAndBrokenText(t *testing.T) {
	src := "---\ntitle: 通知\ndate: 2025年4月27日\n---\n正文。\n"
	d, errs := Parse("content/a.md", utf16le(src, true), Config{})
	if errs != nil || d.Title != "通知" || d.Date.String() != "2025-04-27" || string(d.Body) != "正文。\n" {
		t.Errorf("UTF-16LE: %v, %+v", errs, d)
	}
	be := []byte{0xFE, 0xFF}
	for _, u := range utf16.Encode([]rune(src)) {
		be = append(be, byte(u>>8), byte(u))
	}
	if d, errs := Parse("content/a.md", be, Config{}); errs != nil || d.Title != "通知" {
		t.Errorf("UTF-16BE: %v", errs)
	}
	if d, errs := Parse("content/a.md", []byte("---\rtitle: 旧Mac\r---\r正文\r"), Config{}); errs != nil || d.Title != "旧Mac" {
		t.Errorf("bare CR: %v %+v", errs, d)
	}
	tests := []struct{ name, src, want string }{
		{"utf-32", "\xFF\xFE\x00\x00a\x00\x00\x00", "content/a.md:1:1: the file is UTF-32; save it as UTF-8"},
		{"NUL byte", "# 标题\n正文\x00二进制", "content/a.md:2:7: binary data (a NUL byte)"},
		{"GBK bytes", "# 标题\n\xd5\xfd\xce\xc4", "content/a.md:2:1: byte 0xD5 is not UTF-8; save the file as UTF-8 (a GBK file converts with iconv -f GB18030 -t UTF-8)"},
		{"GBK bytes after a bare CR", "# 标题\r\xd5\xfd", "content/a.md:2:1: byte 0xD5 is not UTF-8"},
		{"NUL byte after a BOM and CRLF", "\ufeff# 标题\r\n\r正文\x00", "content/a.md:3:7: binary data (a NUL byte)"},
		{"unterminated yaml", "\n---\ntitle: x\n\n正文没有结束标记。\n", "content/a.md:2:1: front matter opened with --- is not closed: add a --- line after its last key"},
		{"unterminated toml", "+++\ntitle = \"x\"\n", "content/a.md:1:1: front matter opened with +++ is not closed"},
	}
	for _, tt := range tests {
		_, errs := Parse("content/a.md", []byte(tt.src), Config{})
		if len(errs) == 0 || !strings.HasPrefix(errs[0].Error(), tt.want) {
			t.Errorf("%s: %v, want %s", tt.name, errs, tt.want)
		}
	}
	// A rule later in the body is not front matter.
	if _, errs := Parse("content/a.md", []byte("# 标题\n\n---\n\n正文\n"), Config{}); errs != nil {
		t.Errorf("a rule in the body: %v", errs)
	}
}

func TestLimitsKeepBuildsLinear(t *testing.T) {
	var tags strings.Builder
	for i := range 10000 {
		fmt.Fprintf(&tags, "t%d, ", i)
	}
	d, errs := Parse("content/a.md", []byte("---\ntitle: x\ntags: "+tags.String()+"\n---\n"), Config{})
	if len(errs) != 1 || !strings.HasPrefix(errs[0].Error(), "content/a.md:3:") || !strings.HasSuffix(errs[0].Error(), ": 10000 tags: at most 200 a document (each tag gets pages and a feed)") || len(d.Tags) != MaxTags {
		t.Errorf("10,000 tags: %v, kept %d", errs, len(d.Tags))
	}
	var deep strings.Builder
	deep.WriteString("# 深\n\n")
	for i := range 2000 {
		deep.WriteString(strings.Repeat("  ", i) + "- 项\n")
	}
	_, errs = Parse("content/b.md", []byte(deep.String()), Config{})
	if len(errs) != 1 || !strings.HasPrefix(errs[0].Error(), "content/b.md:2002:1: lists or quotes nested 1999 levels deep: at most 100") {
		t.Errorf("2,000-deep list: %v", errs)
	}
	if _, errs := Parse("content/c.md", []byte("- a\n  - b\n    - c\n> > 引用\n"), Config{}); errs != nil {
		t.Errorf("ordinary nesting: %v", errs)
	}
}
