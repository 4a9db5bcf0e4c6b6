package content

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/folio-ssg/folio/internal/diag"
)

var shanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	return loc
}()

func parse(t *testing.T, p, src string, cfg Config) *Doc {
	t.Helper()
	d, errs := Parse(p, []byte(src), cfg)
	if errs != nil {
		t.Fatalf("Parse(%s): %v", p, errs)
	}
	return d
}

func TestParseKnownKeys(t *testing.T) {
	d := parse(t, "content/news/x.md", `---
title: 习近平在中共中央政治局第二十次集体学习时强调
date: 2025年04月27日
author: 人民日报
version: 第01版
source: 人民日报
original_url: http://paper.people.com.cn/x.html
tags: [人工智能, 人民日报, 人工智能]
issuer: 国务院办公厅
summary: 摘要
---

# 习近平在中共中央政治局第二十次集体学习时强调
`, Config{Location: shanghai})
	checks := []struct{ name, got, want string }{
		{"Title", d.Title, "习近平在中共中央政治局第二十次集体学习时强调"},
		{"TitleFrom", d.TitleFrom, "front matter"},
		{"Date", d.Date.String(), "2025-04-27"},
		{"DateFrom", d.DateFrom, "date"},
		{"Author", d.Author, "人民日报"},
		{"Version", d.Version, "第01版"},
		{"Source", d.Source, "人民日报"},
		{"OriginalURL", d.OriginalURL, "http://paper.people.com.cn/x.html"},
		{"Summary", d.Summary, "摘要"},
		{"Tags", strings.Join(d.Tags, ","), "人工智能,人民日报"},
		{"issuer", d.Params["issuer"].(string), "国务院办公厅"},
		{"Section", d.Section(), "news"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if d.BodyLine != 12 {
		t.Errorf("BodyLine = %d, want 12", d.BodyLine)
	}
	if !strings.HasPrefix(string(d.Body), "\n# 习近平") {
		t.Errorf("Body starts %q", string(d.Body)[:20])
	}
}

func TestTitleFallbacks(t *testing.T) {
	tests := []struct{ path, src, title, from string }{
		{"content/a.md", "# 中华人民共和国价格法\n\n正文", "中华人民共和国价格法", "heading"},
		{"content/a.md", "---\ntitle: null\n---\n\n```\n# not a heading\n```\n\n# 真标题 #\n", "真标题", "heading"},
		{"content/价格法(1997-12-29).md", "正文，没有标题。", "价格法", "file name"},
		{"content/2025-04-27-ai-policy.md", "text", "ai-policy", "file name"},
		{"content/plain_name.md", "## only level two", "plain name", "file name"},
	}
	for _, tt := range tests {
		d := parse(t, tt.path, tt.src, Config{})
		if d.Title != tt.title || d.TitleFrom != tt.from {
			t.Errorf("%s: title = %q from %s, want %q from %s", tt.path, d.Title, d.TitleFrom, tt.title, tt.from)
		}
	}
}

func TestDateSources(t *testing.T) {
	tests := []struct {
		path, src  string
		cfg        Config
		date, from string
	}{
		{"content/a.md", "---\ndate: 2025-04-27\n---\n", Config{}, "2025-04-27", "date"},
		{"content/a.md", "---\ndate: \"2025年4月\"\n---\n", Config{}, "2025-04", "date"},
		{"content/a.md", "---\ndate: 二〇二五年四月二十七日\n---\n", Config{}, "2025-04-27", "date"},
		{"content/a.md", "---\ndate: 2021-07-01T00:30:00+08:00\n---\n", Config{Location: time.UTC}, "2021-07-01T00:30:00+08:00", "date"},
		{"content/eo.md", "---\ndate_signed: '2014-01-01'\n---\n", Config{DateKeys: []string{"date", "date_signed"}}, "2014-01-01", "date_signed"},
		{"content/eo.md", "---\ndate_signed: null\n---\n", Config{DateKeys: []string{"date", "date_signed"}}, "", ""},
		{"content/法(2018-10-26).md", "# 法\n\n2001年12月29日 通过\n", Config{}, "2018-10-26", "file name"},
		{"content/法.md", "# 法\n\n2001年12月29日 第九届全国人民代表大会常务委员会第二十五次会议通过\n\n<!-- INFO END -->\n\n第一条 2030年1月1日起施行。\n", Config{}, "2001-12-29", "text"},
		{"content/000_0cc289df36280051.md", "no date here", Config{}, "", ""},
	}
	for _, tt := range tests {
		d := parse(t, tt.path, tt.src, tt.cfg)
		if d.Date.String() != tt.date || d.DateFrom != tt.from {
			t.Errorf("%s %q: date = %q from %q, want %q from %q", tt.path, tt.src, d.Date, d.DateFrom, tt.date, tt.from)
		}
	}
}

func TestJSONFrontMatter(t *testing.T) {
	src := "\ufeff{\r\n  \"title\": \"国务院关于印发的通知\",\r\n  \"doc_number\": 20250427,\r\n  \"ratio\": 0.5,\r\n  \"issuer\": {\r\n    \"name\": \"国务院\"\r\n  },\r\n  \"tags\": [\"政策\"]\r\n}\r\n正文第一行。\r\n"
	d := parse(t, "content/a.md", src, Config{})
	if d.Title != "国务院关于印发的通知" || strings.Join(d.Tags, ",") != "政策" {
		t.Errorf("title %q, tags %q", d.Title, d.Tags)
	}
	if n, ok := d.Params["doc_number"].(int64); !ok || n != 20250427 {
		t.Errorf("doc_number = %#v, want int64 20250427", d.Params["doc_number"])
	}
	if f, ok := d.Params["ratio"].(float64); !ok || f != 0.5 {
		t.Errorf("ratio = %#v, want 0.5", d.Params["ratio"])
	}
	if m, ok := d.Params["issuer"].(map[string]any); !ok || m["name"] != "国务院" {
		t.Errorf("issuer = %#v", d.Params["issuer"])
	}
	if string(d.Body) != "正文第一行。\n" || d.BodyLine != 10 {
		t.Errorf("body %q at line %d, want the line after the brace (10)", d.Body, d.BodyLine)
	}
	d = parse(t, "content/b.md", ";;;\n{\"title\": \"x\", \"n\": 7}\n;;;\nbody\n", Config{})
	if n, ok := d.Params["n"].(int64); !ok || n != 7 {
		t.Errorf(";;; JSON n = %#v, want int64 7", d.Params["n"])
	}
}

func TestParseErrorsArePositioned(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"bad month", "---\ntitle: x\ndate: 2025年13月01日\n---\n", `content/a.md:3:7: date "2025年13月01日": month out of range`},
		{"bad day", "\n\n---\ndate: \"2025-02-30\"\n---\n", `content/a.md:4:7: date "2025-02-30": day out of range`},
		{"yaml syntax", "---\ntitle: x\ntags: [a, b\n---\n", "content/a.md:"},
		{"yaml line", "---\ntitle: x\nfoo: : bar\n---\n", "content/a.md:3"},
		{"toml", "+++\ntitle = \"x\"\ndate = \n+++\n", "content/a.md:3"},
		{"json", "{\n  \"title\": \"x\",\n  \"date\": ,\n}\n\nbody", "content/a.md:3:11: json:"},
		{"json after brace", "{\n  \"title\": \"x\"\n} body\n", "content/a.md:3:3: json: text after the front matter's closing brace"},
		{"json unterminated", "\n{\n  \"title\": \"x\",\n", "content/a.md:2"},
		{"draft", "---\ndraft: maybe\n---\n", `content/a.md:2:8: draft "maybe": want true or false`},
		{"tags", "---\ntags: {a: 1}\n---\n", "content/a.md:2:7: tags:"},
	}
	for _, tt := range tests {
		_, errs := Parse("content/a.md", []byte(tt.src), Config{})
		if len(errs) == 0 {
			t.Errorf("%s: no error, want %q", tt.name, tt.want)
			continue
		}
		if got := errs.Error(); !strings.HasPrefix(got, tt.want) {
			t.Errorf("%s: error %q, want prefix %q", tt.name, got, tt.want)
		}
	}
}

func TestParseReportsEveryProblem(t *testing.T) {
	_, errs := Parse("content/a.md", []byte("---\ndate: 2025-13-01\ndraft: perhaps\n---\n"), Config{})
	if len(errs) != 2 {
		t.Fatalf("got %d errors, want 2: %v", len(errs), errs)
	}
	var _ diag.List = errs
}

func TestWalkSkipsDotfilesAndClassifies(t *testing.T) {
	fsys := fstest.MapFS{
		"content/a.md":           {Data: []byte("a")},
		"content/.hidden.md":     {Data: []byte("h")},
		"content/.git/x.md":      {Data: []byte("g")},
		"content/laws/_index.md": {Data: []byte("i")},
		"content/laws/法.md":      {Data: []byte("l")},
		"content/img/图.png":      {Data: []byte("p")},
	}
	files, err := Walk(fsys, "content")
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(files, " ")
	if want := "a.md img/图.png laws/_index.md laws/法.md"; got != want {
		t.Errorf("Walk = %s, want %s", got, want)
	}
	kinds := map[string]int{"a.md": KindDoc, "laws/_index.md": KindSection, "img/图.png": KindAsset, ".x.md": 0, "a/.b/c.md": 0}
	for p, want := range kinds {
		if got := Classify(p); got != want {
			t.Errorf("Classify(%q) = %d, want %d", p, got, want)
		}
	}
	if files, err := Walk(fstest.MapFS{}, "content"); err != nil || len(files) != 0 {
		t.Errorf("Walk of a site without content/ = %v, %v", files, err)
	}
}

func TestSectionIndex(t *testing.T) {
	s, err := ParseSection("content/laws/_index.md", []byte("---\nbookCollapseSection: true\n---\n"))
	if err != nil || s.Dir != "laws" || s.Title != "" {
		t.Errorf("ParseSection = %+v, %v", s, err)
	}
	s, err = ParseSection("content/laws/_index.md", []byte("---\ntitle: 法律\n---\n介绍"))
	if err != nil || s.Title != "法律" || string(s.Body) != "介绍" {
		t.Errorf("ParseSection = %+v, %v", s, err)
	}
}

// FuzzParse checks that every problem Parse and ParseSection find carries
// the file's path and a line of the file (and a column of that line, when
// one is given), that a document's body is the end of the file and starts
// on the line BodyLine says, and that every key's position is in the file.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"---\ntitle: x\ndate: 2025年04月27日\ntags: [a]\n---\n# h\nbody",
		"+++\ntitle = 1\n+++\n",
		"{\n\"a\": [1]\n}\n\n",
		"\ufeff---\r\nx: y\r\n---\r\n",
		"\ufeff---\r\ntitle: 法\r\ndate: 二〇二五年十三月一日\r\ntags: [a/b, ../c]\r\n---\r\n正文\r\n",
		"---\rtitle: x\rdate: 2025-13-01\r---\rbody\r",
		"---\ntitle: \"a\x00b\"\nslug: ..\nurl: /a/../..\naliases: [\"/x\\ny/\"]\n---\n",
		"---\ntitle: \xff\xfe\ntags:\n  - \xc3\n---\n\xff",
		";;;\n{\"title\": \"x\", \"date\": \"2025年2月30日\"}\n;;;\n",
		"\n\n{\n  \"draft\": \"maybe\"\n} trailing\n",
		"+++\ndate = 2025-04-27T08:30:00+08:00\n[meta]\nx = 1\n+++\n",
		"---\n" + strings.Repeat("k: v\n", 3) + "---\n---\nnot: front matter\n---\n",
		"---\na: &x [1]\nb: *x\nc: !!binary aGk=\n---\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		const p = "content/f.md"
		if bytes.HasPrefix(src, []byte{0xFF, 0xFE}) || bytes.HasPrefix(src, []byte{0xFE, 0xFF}) {
			Parse(p, src, Config{}) // UTF-16: positions are in the decoded text
			return
		}
		// Lines end at LF, CRLF or a bare CR, as editors count them.
		norm := bytes.ReplaceAll(bytes.ReplaceAll(src, []byte("\r\n"), []byte("\n")), []byte("\r"), []byte("\n"))
		lines := bytes.Split(norm, []byte("\n"))
		check := func(what string, pos diag.Position) {
			t.Helper()
			if pos.Path != p || pos.Line < 1 || pos.Line > len(lines) {
				t.Fatalf("%s at %s, want %s and a line from 1 to %d", what, pos, p, len(lines))
			}
			if pos.Col < 0 || pos.Col > len(lines[pos.Line-1])+1 {
				t.Fatalf("%s at %s: line %d has %d bytes", what, pos, pos.Line, len(lines[pos.Line-1]))
			}
		}
		d, errs := Parse(p, src, Config{DateKeys: []string{"date", "x"}})
		for _, e := range errs {
			check(fmt.Sprintf("Parse error %q", e.Msg), e.Pos)
		}
		if _, err := ParseSection(p, src); err != nil {
			var list diag.List
			list.Append("elsewhere", err)
			for _, e := range list {
				check(fmt.Sprintf("ParseSection error %q", e.Msg), e.Pos)
			}
		}
		if d == nil {
			return
		}
		if d.Title == "" {
			t.Errorf("document without a title")
		}
		text := bytes.TrimPrefix(norm, []byte("\ufeff"))
		if !bytes.HasSuffix(text, d.Body) {
			t.Fatalf("body %q is not the end of the file", d.Body)
		}
		if before := text[:len(text)-len(d.Body)]; d.BodyLine != bytes.Count(before, []byte("\n"))+1 {
			t.Fatalf("BodyLine = %d, but the body starts on line %d", d.BodyLine, bytes.Count(before, []byte("\n"))+1)
		}
		for k := range d.Params {
			check(fmt.Sprintf("key %q", k), d.Pos(k))
		}
	})
}

func TestSkipEditorFilesNotFolders(t *testing.T) {
	for rel, want := range map[string]int{
		"laws/4913/a.md":    KindDoc,
		"laws/x.tmp/a.md":   KindDoc,
		"laws/4913":         0,
		"a.md~":             0,
		"#a.md#":            0,
		".git/config":       0,
		"laws/.drafts/a.md": 0,
		"laws/附件.pdf.swp":   0,
		"laws/a.md~/附件.pdf": KindAsset,
	} {
		if got := Classify(rel); got != want {
			t.Errorf("Classify(%q) = %d, want %d", rel, got, want)
		}
	}
}

func TestWalkFollowsSymlinks(t *testing.T) {
	root, shared := t.TempDir(), t.TempDir()
	write := func(p string) {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("# x\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	link := func(target, name string) {
		if err := os.Symlink(target, filepath.Join(root, name)); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(root, "content", "a.md"))
	write(filepath.Join(shared, "laws", "法.md"))
	write(filepath.Join(shared, "one.md"))
	link(shared, "content/shared")
	link(filepath.Join(shared, "one.md"), "content/one.md")
	files, err := Walk(os.DirFS(root), "content")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(files, " "), "a.md one.md shared/laws/法.md shared/one.md"; got != want {
		t.Errorf("Walk = %s, want %s", got, want)
	}

	link("/nonexistent-folio-target", "content/broken.md")
	_, err = Walk(os.DirFS(root), "content")
	var list diag.List
	list.Append("content", err)
	if len(list) != 1 || !strings.HasPrefix(list[0].Error(), "content/broken.md: follow symlink:") {
		t.Errorf("broken symlink: %v", err)
	}
	os.Remove(filepath.Join(root, "content", "broken.md"))

	link("..", "content/loop")
	_, err = Walk(os.DirFS(root), "content")
	if err == nil || !strings.Contains(err.Error(), "content/loop: follow symlink: it loops back to the site root") {
		t.Errorf("symlink loop: %v", err)
	}
}

// TestFrontMatterErrorPositions checks that every front-matter error is
// reported at the line and column of the offending token, in the file.
func TestFrontMatterErrorPositions(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"yaml unclosed flow sequence", "---\ntitle: x\ntags: [a, b\n---\n", "content/a.md:3:7: yaml: sequence end token ']' not found"},
		{"yaml colon in a plain value", "---\ntitle: a: b\n---\n", "content/a.md:2:8: yaml: mapping value is not allowed in this context"},
		{"yaml unterminated quote", "---\ntitle: \"unterminated\n---\n", "content/a.md:2:8: yaml: could not find end character of double-quoted text"},
		{"yaml duplicate key", "---\ntitle: x\ntitle: y\n---\n", `content/a.md:3:1: yaml: mapping key "title" already defined on line 2`},
		{"yaml bad indentation", "---\ntags:\n  - a\n - b\n---\n", "content/a.md:4:2: yaml: value is not allowed in this context"},
		{"yaml not a mapping", "---\n- a\n- b\n---\n", "content/a.md:2:1: yaml: front matter must be a mapping of keys to values"},
		{"yaml reserved character", "---\nx: @foo\n---\n", "content/a.md:2:4: yaml: '@' is a reserved character"},
		{"yaml stray bracket", "---\nkey: [1, 2]]\n---\n", "content/a.md:2:12: yaml: value is not allowed in this context"},
		{"yaml nested unclosed mapping", "---\nouter:\n  inner: {a: 1\n---\n", "content/a.md:3:10: yaml: could not find flow mapping end token '}'"},
		{"yaml tab", "---\n\tx: 1\n---\n", "content/a.md:2:2: yaml: tab character cannot use as a map key directly"},
		{"yaml after blank lines", "\n\n---\ntitle: a: b\n---\n", "content/a.md:4:8: yaml:"},
		{"impossible month", "---\ntitle: x\ndate: 2025年13月01日\n---\n", `content/a.md:3:7: date "2025年13月01日": month out of range`},
		{"nested key of the same name", "---\nmeta:\n  date: 2025-13-01\ndate: 2025-02-30\n---\n", `content/a.md:4:7: date "2025-02-30": day out of range`},
		{"nested draft", "---\nmeta:\n  draft: maybe\ndraft: perhaps\n---\n", `content/a.md:4:8: draft "perhaps": want true or false`},
		{"tags mapping", "---\ntags: {a: 1}\n---\n", "content/a.md:2:7: tags: want a list of text"},
		{"tags item", "---\ntags: [a, {b: 1}]\n---\n", "content/a.md:2:11: tags: want a list of text"},
		{"keywords item in a block list", "---\nkeywords:\n  - 经济\n  - {x: 1}\n---\n", "content/a.md:4:5: keywords: want a list of text"},
		{"alias item", "---\naliases: [/ok/, old]\n---\n", `content/a.md:2:17: aliases: "old" is not a site path`},
		{"relative url", "---\nurl: relative/x\n---\n", `content/a.md:2:6: url "relative/x": want a site path`},
		{"toml missing value", "+++\ntitle = \"x\"\ndate = \n+++\n", "content/a.md:3:8: toml: expected value but found '\\n' instead"},
		{"toml newline in string", "+++\ntitle = \"x\nx = 1\n+++\n", "content/a.md:2:11: toml: strings cannot contain newlines"},
		{"toml error at a line's end", "+++\n[\n\n+++\n", "content/a.md:2:2: toml: expected '.' or ']' to end table name, but got '\\n' instead"},
		{"toml draft", "+++\ndraft = \"maybe\"\n+++\n", `content/a.md:2:9: draft "maybe": want true or false`},
		{"toml date after a table", "+++\ndate = \"2025-13-01\"\n[meta]\ndate = \"x\"\n+++\n", `content/a.md:2:8: date "2025-13-01": month out of range`},
		{"json missing value", "{\n  \"title\": \"x\",\n  \"date\": ,\n}\n\nbody", "content/a.md:3:11: json: invalid character ','"},
		{"json text after brace", "{\n  \"title\": \"x\"\n} body\n", "content/a.md:3:3: json: text after the front matter's closing brace"},
		{"json unterminated", "\n{\n  \"title\": \"x\",\n", "content/a.md:2:1: json: the front matter object that opens here is not closed"},
		{"json nested key of the same name", "{\n  \"meta\": {\"draft\": \"x\"},\n  \"draft\": \"maybe\"\n}\n", `content/a.md:3:12: draft "maybe": want true or false`},
		{"json date", "{\n  \"title\": \"x\",\n  \"date\": \"2025-13-01\"\n}\n", `content/a.md:3:11: date "2025-13-01": month out of range`},
		{"json between ;;;", ";;;\n{\"title\": }\n;;;\n", "content/a.md:2:11: json: invalid character '}'"},
	}
	for _, tt := range tests {
		_, errs := Parse("content/a.md", []byte(tt.src), Config{})
		if len(errs) == 0 {
			t.Errorf("%s: no error, want %q", tt.name, tt.want)
			continue
		}
		if got := errs[0].Error(); !strings.HasPrefix(got, tt.want) {
			t.Errorf("%s:\n got %s\nwant %s", tt.name, got, tt.want)
		}
	}
}
